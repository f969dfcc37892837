"""PFRLoss against an independent einsum formula, its rules and gradients."""

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mmseg_pfr.models.losses import PFRLoss, gram_matrix

ROOT = Path(__file__).resolve().parents[2]


def einsum_gram(f: torch.Tensor, norm: str = 'hw') -> torch.Tensor:
    n, c, h, w = f.shape
    divisor = {'hw': h * w, 'chw': c * h * w}[norm]
    return torch.einsum('nchw,ndhw->ncd', f, f) / divisor


def gatys_style_loss(src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
    """Gatys et al.'s E_l = 1/(4 N^2 M^2) sum (G - A)^2 on unnormalised
    Grams of one image each (N channels, M positions)."""
    _, n, h, w = src.shape
    g = torch.einsum('chw,dhw->cd', src[0], src[0])
    a = torch.einsum('chw,dhw->cd', tgt[0], tgt[0])
    return ((g - a) ** 2).sum() / (4 * n**2 * (h * w) ** 2)


def reference(src, tgt, style_w=1.0, content_w=1.0, stage_w=None, norm='hw'):
    """L_pfr written out: batch-mean Gram MSE + paired feature MSE."""
    stage_w = stage_w or [1.0] * len(src)
    style = sum(
        w
        * (
            (einsum_gram(s, norm).mean(0) - einsum_gram(t, norm).mean(0)) ** 2
        ).mean()
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


@pytest.mark.parametrize('norm', ['hw', 'chw'])
def test_gram_matches_einsum(norm):
    f = stages(0)[1]
    torch.testing.assert_close(gram_matrix(f, norm), einsum_gram(f, norm))


def test_default_style_term_is_four_times_gatys():
    src, tgt = stages(20, batch=1), stages(21, batch=1)
    for s, t in zip(src, tgt):
        loss = PFRLoss(content_weight=0.0)([s], [t])['loss_style']
        torch.testing.assert_close(loss, 4 * gatys_style_loss(s, t))


def test_chw_norm_is_c_squared_smaller():
    src, tgt = stages(22), stages(23)
    for s, t in zip(src, tgt):
        hw = PFRLoss(gram_norm='hw')([s], [t])['loss_style']
        chw = PFRLoss(gram_norm='chw')([s], [t])['loss_style']
        torch.testing.assert_close(chw * s.shape[1] ** 2, hw)


def test_unknown_gram_norm_is_an_error():
    with pytest.raises(ValueError, match="gram_norm must be one of .*'c'"):
        PFRLoss(gram_norm='c')


@pytest.mark.parametrize('norm', ['hw', 'chw'])
@pytest.mark.parametrize(
    'weights', [(1.0, 1.0, None), (0.5, 2.0, [1, 0.1, 3])]
)
def test_matches_reference_formula(weights, norm):
    style_w, content_w, stage_w = weights
    src, tgt = stages(1), stages(2)
    loss = PFRLoss(style_w, content_w, stage_w, gram_norm=norm)(src, tgt)
    style, content = reference(src, tgt, style_w, content_w, stage_w, norm)
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


def test_source_is_matched_to_a_fixed_target_by_default():
    src = [s.requires_grad_() for s in stages(13)]
    tgt = [t.requires_grad_() for t in stages(14)]
    loss = PFRLoss()(src, tgt)
    (loss['loss_style'] + loss['loss_content']).backward()
    for f in src:
        assert f.grad is not None and f.grad.abs().sum() > 0
        assert torch.isfinite(f.grad).all()
    assert all(t.grad is None for t in tgt)


def test_gradients_reach_both_domains_without_detach():
    src = [s.requires_grad_() for s in stages(13)]
    tgt = [t.requires_grad_() for t in stages(14)]
    loss = PFRLoss(detach_target=False)(src, tgt)
    (loss['loss_style'] + loss['loss_content']).backward()
    for f in src + tgt:
        assert f.grad is not None and f.grad.abs().sum() > 0
        assert torch.isfinite(f.grad).all()
    # The value does not depend on where the gradient goes.
    fixed = PFRLoss()(src, tgt)
    for key in fixed:
        torch.testing.assert_close(fixed[key], loss[key])


RESNET101_STAGES = (
    (256, 24, 40),
    (512, 12, 20),
    (1024, 12, 20),
    (2048, 12, 20),
)


def resnet_width_features(seed: int, gain: float, shift: float):
    """Post-ReLU maps of ResNet-101's stage widths (conv2_x..conv5_x at
    output stride 8, a small crop), of a domain with its own feature
    statistics (``gain``, ``shift``): what PFR sees."""
    gen = torch.Generator().manual_seed(seed)
    return [
        (torch.randn(1, c, h, w, generator=gen) * gain + shift).relu()
        for c, h, w in RESNET101_STAGES
    ]


def term_gradient_norms(pfr: PFRLoss, lambda_pfr: float):
    """|d(lambda_pfr L_sty)/dC_s| and |d(lambda_pfr L_con)/dC_s| per stage."""
    src = [f.requires_grad_() for f in resnet_width_features(0, 1.0, 0.0)]
    tgt = resnet_width_features(1, 1.3, 0.2)
    loss = pfr(src, tgt)
    norms = {}
    for key in ('loss_style', 'loss_content'):
        grads = torch.autograd.grad(
            lambda_pfr * loss[key], src, retain_graph=True
        )
        norms[key] = [g.norm().item() for g in grads]
    return norms


def paper_pfr():
    pfr = Config.fromfile(str(ROOT / 'configs/_base_/uda/terms.py')).pfr
    loss = {k: v for k, v in pfr.loss.items() if k != 'type'}
    return PFRLoss(**loss), pfr.weight


def test_paper_style_term_moves_resnet101_features():
    # The method's signature term must act: at every ResNet-101 stage the
    # style gradient on the source features is a real fraction of the
    # content gradient (it was about 1e-7 of it with the C*H*W Gram).
    pfr, lambda_pfr = paper_pfr()
    norms = term_gradient_norms(pfr, lambda_pfr)
    for stage, (sty, con) in enumerate(
        zip(norms['loss_style'], norms['loss_content'])
    ):
        assert sty > 0.05 * con, (stage, sty, con)
    # The property discriminates: with the old normalisation it fails.
    old = term_gradient_norms(PFRLoss(gram_norm='chw'), lambda_pfr)
    assert all(
        sty < 1e-4 * con
        for sty, con in zip(old['loss_style'], old['loss_content'])
    )


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
