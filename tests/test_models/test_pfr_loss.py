"""PFRLoss against an independent einsum formula, its rules and gradients."""

import pytest
import torch
import torch.nn.functional as F

from mmseg_pfr.models.losses import PFRLoss, gram_matrix


def einsum_gram(f: torch.Tensor) -> torch.Tensor:
    n, c, h, w = f.shape
    return torch.einsum('nchw,ndhw->ncd', f, f) / (c * h * w)


def reference(src, tgt, style_w=1.0, content_w=1.0, stage_w=None):
    """L_pfr written out: batch-mean Gram MSE + paired feature MSE."""
    stage_w = stage_w or [1.0] * len(src)
    style = sum(
        w * ((einsum_gram(s).mean(0) - einsum_gram(t).mean(0)) ** 2).mean()
        for w, s, t in zip(stage_w, src, tgt)
    )
    content = sum(
        w * ((s - t) ** 2).mean() for w, s, t in zip(stage_w, src, tgt)
    )
    return style_w * style, content_w * content


def stages(seed: int, batch: int = 2, scale: int = 1):
    gen = torch.Generator().manual_seed(seed)
    shapes = [(8, 16, 16), (16, 8, 8), (32, 4, 4)]
    return [
        torch.randn(batch, c, h * scale, w * scale, generator=gen)
        for c, h, w in shapes
    ]


def test_gram_matches_einsum():
    f = stages(0)[1]
    torch.testing.assert_close(gram_matrix(f), einsum_gram(f))


@pytest.mark.parametrize(
    'weights', [(1.0, 1.0, None), (0.5, 2.0, [1, 0.1, 3])]
)
def test_matches_reference_formula(weights):
    style_w, content_w, stage_w = weights
    src, tgt = stages(1), stages(2)
    loss = PFRLoss(style_w, content_w, stage_w)(src, tgt)
    style, content = reference(src, tgt, style_w, content_w, stage_w)
    assert set(loss) == {'loss_style', 'loss_content'}
    torch.testing.assert_close(loss['loss_style'], style)
    torch.testing.assert_close(loss['loss_content'], content)


def test_zero_for_identical_domains():
    src = stages(3)
    loss = PFRLoss()(src, [s.clone() for s in src])
    assert loss['loss_style'].item() == 0
    assert loss['loss_content'].item() == 0


def test_style_compares_batch_means_not_pairs():
    # Swapping the target samples changes pairs, not the domain's mean Gram.
    src, tgt = stages(4), stages(5)
    swapped = [t.flip(0) for t in tgt]
    a, b = PFRLoss()(src, tgt), PFRLoss()(src, swapped)
    torch.testing.assert_close(a['loss_style'], b['loss_style'])
    assert not torch.allclose(a['loss_content'], b['loss_content'])


def test_target_resized_to_source_size():
    # A target map that is the source map upsampled 2x (nearest) shrinks
    # back to it exactly under bilinear resizing (align_corners=False).
    src = stages(6)
    tgt = [F.interpolate(s, scale_factor=2, mode='nearest') for s in src]
    loss = PFRLoss()(src, tgt)
    assert loss['loss_content'].item() == pytest.approx(0, abs=1e-12)
    # Gram matrices are size-normalised: equal for the upsampled maps.
    assert loss['loss_style'].item() == pytest.approx(0, abs=1e-12)


def test_unequal_batch_sizes_are_an_error():
    with pytest.raises(ValueError, match='stage 0 has source .* use equal'):
        PFRLoss()(stages(7, batch=2), stages(8, batch=1))


def test_stage_count_mismatches_are_errors():
    with pytest.raises(ValueError, match='same, non-zero number'):
        PFRLoss()(stages(9), stages(10)[:2])
    with pytest.raises(ValueError, match='has 2 stage_weights but got 3'):
        PFRLoss(stage_weights=[1, 1])(stages(9), stages(10))


def test_bad_loss_name():
    with pytest.raises(ValueError, match="must start with 'loss'"):
        PFRLoss(loss_name='pfr')


def test_zero_term_weight_skips_term():
    loss = PFRLoss(style_weight=0.0)(stages(11), stages(12))
    assert loss['loss_style'].item() == 0
    assert loss['loss_content'].item() > 0


def test_gradients_reach_both_domains():
    src = [s.requires_grad_() for s in stages(13)]
    tgt = [t.requires_grad_() for t in stages(14)]
    loss = PFRLoss()(src, tgt)
    (loss['loss_style'] + loss['loss_content']).backward()
    for f in src + tgt:
        assert f.grad is not None and f.grad.abs().sum() > 0
        assert torch.isfinite(f.grad).all()


def test_bfloat16_features_use_float32_gram():
    src, tgt = stages(15), stages(16)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        low = PFRLoss()(
            [s.bfloat16() for s in src], [t.bfloat16() for t in tgt]
        )
    assert gram_matrix(src[0].bfloat16()).dtype == torch.float32
    assert low['loss_style'].dtype == torch.float32
    full = PFRLoss()(src, tgt)
    # Only the bf16 rounding of the features themselves remains.
    torch.testing.assert_close(
        low['loss_style'], full['loss_style'], rtol=3e-2, atol=0
    )
    torch.testing.assert_close(
        low['loss_content'], full['loss_content'], rtol=3e-2, atol=0
    )
