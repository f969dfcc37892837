"""ResNetCaffeDeepLab: mmseg's ResNet with caffe's ceil-mode stem pool."""

import math
from pathlib import Path
from typing import Tuple

import pytest
import torch
from mmengine.config import Config
from mmseg.models.backbones import ResNet
from mmseg.registry import MODELS

from mmseg_pfr.models.backbones import ResNetCaffeDeepLab

CONFIG = (
    Path(__file__).resolve().parents[3]
    / 'configs/_base_/models/deeplabv2_r101-caffe.py'
)


def caffe_grid(size: int) -> Tuple[int, int]:
    """The caffe DeepLab's conv2_x and conv3_x..conv5_x sizes along one
    axis: 7x7/2 conv (pad 3), 3x3/2 max-pool (pad 1) rounding up, then the
    only other stride, conv3_x's 1x1/2 conv."""
    stem = (size + 2 * 3 - 7) // 2 + 1
    pooled = math.ceil((stem + 2 * 1 - 3) / 2) + 1
    return pooled, (pooled - 1) // 2 + 1


def config_backbone(**overrides) -> dict:
    cfg = Config.fromfile(str(CONFIG)).model.segmentor.backbone.to_dict()
    cfg.update(init_cfg=None, **overrides)
    return cfg


def test_config_backbone_stages_channels_and_stride():
    # ResNet-50 has ResNet-101's stage widths and strides (101 only adds
    # conv4_x blocks) and keeps this test fast.
    model = MODELS.build(config_backbone(depth=50))
    assert isinstance(model, ResNetCaffeDeepLab)
    model.eval()  # mmseg's ResNet.train() returns None: no chaining
    with torch.no_grad():
        stages = model(torch.randn(1, 3, 64, 96))
    (h1, h8), (w1, w8) = caffe_grid(64), caffe_grid(96)
    assert [s.shape[1:] for s in stages] == [
        (256, h1, w1),
        (512, h8, w8),
        (1024, h8, w8),
        (2048, h8, w8),
    ]
    # Output stride 8, plus the cell that rounding up adds where the stem
    # conv's output is even (64 -> 32, 96 -> 48).
    assert (h8, w8) == (64 // 8 + 1, 96 // 8 + 1)


@pytest.mark.parametrize(
    'crop, caffe, mmseg',
    [
        ((720, 1280), (181, 321), (180, 320)),  # GTA5 in AdaptSegNet
        ((512, 1024), (129, 257), (128, 256)),  # Cityscapes in AdaptSegNet
        ((65, 97), (17, 25), (17, 25)),  # odd stem output: no difference
    ],
)
def test_stem_pool_rounds_up_where_mmseg_rounds_down(crop, caffe, mmseg):
    ours = ResNetCaffeDeepLab(depth=18, base_channels=8, stem_channels=8)
    theirs = ResNet(depth=18, base_channels=8, stem_channels=8)
    # The stem conv's output (stride 2, one channel is enough for pooling).
    stem_out = torch.zeros(1, 1, (crop[0] + 1) // 2, (crop[1] + 1) // 2)
    assert ours.maxpool(stem_out).shape[2:] == caffe
    assert theirs.maxpool(stem_out).shape[2:] == mmseg
    assert caffe == (caffe_grid(crop[0])[0], caffe_grid(crop[1])[0])


def test_without_ceil_mode_it_is_mmseg_resnet():
    kwargs = dict(depth=50, base_channels=8, stem_channels=8, style='caffe')
    theirs = ResNet(**kwargs)
    ours = ResNetCaffeDeepLab(stem_ceil_mode=False, **kwargs)
    ours.load_state_dict(theirs.state_dict(), strict=True)
    ours.eval()
    theirs.eval()
    x = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        for a, b in zip(ours(x), theirs(x)):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
