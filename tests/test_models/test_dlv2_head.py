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


def labelled_samples(n=2, size=(24, 40), seed=0):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample

    gen = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(n):
        label = torch.randint(0, 5, (1, *size), generator=gen)
        label[:, :5] = 255  # ignored rows
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label)
        samples.append(sample)
    return samples


@pytest.mark.parametrize('avg_non_ignore', [True, False])
def test_sync_free_loss_equals_mmseg_loss(avg_non_ignore):
    from mmseg.models.decode_heads.decode_head import BaseDecodeHead

    loss = dict(type='CrossEntropyLoss', avg_non_ignore=avg_non_ignore)
    head = build(loss_decode=[loss, dict(loss, loss_weight=0.5)])
    logits = torch.randn(2, 5, 6, 10)
    samples = labelled_samples()
    ours = head.loss_by_feat(logits, samples)
    theirs = BaseDecodeHead.loss_by_feat(head, logits, samples)
    assert set(ours) == set(theirs) == {'loss_ce', 'acc_seg'}
    torch.testing.assert_close(ours['loss_ce'], theirs['loss_ce'])
    torch.testing.assert_close(ours['acc_seg'], theirs['acc_seg'].squeeze())


def test_loss_has_no_graph_break_under_dynamo():
    import torch._dynamo
    from torch._dynamo.utils import counters

    head = build(
        loss_decode=dict(type='CrossEntropyLoss', avg_non_ignore=True)
    )
    torch._dynamo.reset()
    counters.clear()
    compiled = torch.compile(head.loss_by_feat, backend='eager')
    compiled(torch.randn(2, 5, 6, 10), labelled_samples())
    assert not counters['graph_break'], dict(counters['graph_break'])
