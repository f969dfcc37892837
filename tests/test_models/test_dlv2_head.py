"""DLV2Head: DeepLab-v2's summed dilated classifier."""

import pytest
import torch
from mmseg.registry import MODELS


def build(**kwargs):
    cfg = dict(type='DLV2Head', in_channels=16, num_classes=5)
    head = MODELS.build({**cfg, **kwargs})
    head.init_weights()
    return head


def stages(size=(9, 13)):
    return [torch.randn(2, c, *size) for c in (4, 8, 12, 16)]


def test_branches_are_dilated_3x3_convs_to_classes():
    head = build()
    assert head.dilations == (6, 12, 18, 24)
    for conv, d in zip(head.aspp, (6, 12, 18, 24)):
        assert conv.kernel_size == (3, 3)
        assert conv.dilation == (d, d) and conv.padding == (d, d)
        assert (conv.in_channels, conv.out_channels) == (16, 5)
        assert conv.bias is not None
    # No 1x1 classifier, dropout or hidden layer: branches go to classes.
    assert not hasattr(head, 'conv_seg') and head.dropout is None


def test_output_is_sum_of_branches_on_last_stage():
    head = build()
    x = stages()
    out = head(x)
    expected = sum(conv(x[3]) for conv in head.aspp)
    assert out.shape == (2, 5, 9, 13)  # dilation = padding keeps the size
    torch.testing.assert_close(out, expected)


def test_adaptsegnet_effective_head_has_two_branches():
    head = build(dilations=(6, 12))
    assert [c.dilation[0] for c in head.aspp] == [6, 12]


def test_initialisation_is_normal_001_with_zero_bias():
    torch.manual_seed(0)
    head = MODELS.build(dict(type='DLV2Head', in_channels=256, num_classes=19))
    head.init_weights()
    weights = torch.cat([c.weight.flatten() for c in head.aspp])
    assert weights.std().item() == pytest.approx(0.01, rel=0.02)
    assert weights.mean().item() == pytest.approx(0, abs=1e-4)
    assert all((c.bias == 0).all() for c in head.aspp)


@pytest.mark.parametrize('key', ['channels', 'dropout_ratio', 'norm_cfg'])
def test_rejects_options_the_head_does_not_have(key):
    with pytest.raises(TypeError, match=f"does not take '{key}'"):
        build(**{key: 1})


def test_every_branch_gets_a_gradient():
    head = build()
    head(stages()).sum().backward()
    for p in head.parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0
