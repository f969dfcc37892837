"""FCDiscriminator: AdaptSegNet's output-space domain classifier."""

import torch
import torch.nn as nn
from mmseg.registry import MODELS


def test_layers_follow_adaptsegnet():
    disc = MODELS.build(dict(type='FCDiscriminator', num_classes=19))
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    widths = [(c.in_channels, c.out_channels) for c in convs]
    assert widths == [(19, 64), (64, 128), (128, 256), (256, 512), (512, 1)]
    for conv in convs:
        assert conv.kernel_size == (4, 4)
        assert conv.stride == (2, 2) and conv.padding == (1, 1)
    acts = [m for m in disc.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(acts) == 4 and all(a.negative_slope == 0.2 for a in acts)
    # No normalisation layers and no sigmoid: the GAN loss takes logits.
    assert not any(
        isinstance(m, (nn.modules.batchnorm._BatchNorm, nn.Sigmoid))
        for m in disc.modules()
    )


def test_patch_logits_at_stride_32():
    disc = MODELS.build(dict(type='FCDiscriminator', num_classes=4, ndf=8))
    probs = torch.rand(2, 4, 64, 96).softmax(1)
    out = disc(probs)
    assert out.shape == (2, 1, 2, 3)
    out.sum().backward()
    assert all(p.grad is not None for p in disc.parameters())


def test_width_is_configurable():
    disc = MODELS.build(dict(type='FCDiscriminator', num_classes=3, ndf=16))
    assert disc.classifier.in_channels == 128
