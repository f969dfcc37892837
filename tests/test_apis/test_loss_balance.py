"""Per-term gradient norms of the UDA objective."""

import pytest
import torch
from helpers import clone_batch, uda_batch, uda_model_cfg
from mmseg.registry import MODELS

from mmseg_pfr.apis.loss_balance import gradient_norms, term_losses


def model_and_batch():
    torch.manual_seed(0)
    model = MODELS.build(uda_model_cfg(lambda_adv=0.5, lambda_pfr=0.25))
    model.init_weights()
    model.train()
    return model, uda_batch(n=2)


def test_norms_match_a_backward_pass_per_term():
    model, batch = model_and_batch()
    (row_ce, *rest) = rows = gradient_norms(model, [clone_batch(batch)])
    assert [r['term'] for r in rows] == [
        'L_seg',
        'decode.loss_ce',
        'adv.loss_adv',
        'pfr.loss_style',
        'pfr.loss_content',
    ]
    assert row_ce['relative'] == 1
    params = [p for p in model.segmentor.parameters() if p.requires_grad]
    for row in rows:
        model.zero_grad()
        term_losses(model, clone_batch(batch))[row['term']].backward()
        norm = torch.sqrt(
            sum((p.grad**2).sum() for p in params if p.grad is not None)
        )
        assert row['grad_norm'] == pytest.approx(float(norm), rel=1e-4)
        assert row['relative'] == pytest.approx(
            row['grad_norm'] / row_ce['grad_norm']
        )
    # D gets nothing from these terms (it is frozen in the segmentor half).
    assert all(p.grad is None for p in model.adv.parameters())


def test_needs_a_batch():
    model, _ = model_and_batch()
    with pytest.raises(ValueError, match='at least one batch'):
        gradient_norms(model, [])


def test_l_seg_sums_every_head_and_any_loss_name():
    # An auxiliary head, and a decode head with two losses (CE + Dice).
    torch.manual_seed(0)
    cfg = uda_model_cfg(lambda_adv=0.0, aux=True)
    cfg.segmentor.decode_head.loss_decode = [
        dict(type='CrossEntropyLoss', loss_name='loss_ce'),
        dict(type='DiceLoss', loss_name='loss_dice'),
    ]
    model = MODELS.build(cfg)
    model.init_weights()
    model.train()
    losses = term_losses(model, uda_batch(n=2))
    assert list(losses) == [
        'L_seg',
        'decode.loss_ce',
        'decode.loss_dice',
        'aux.loss_ce',
        'pfr.loss_style',
        'pfr.loss_content',
    ]
    torch.testing.assert_close(
        losses['L_seg'],
        losses['decode.loss_ce']
        + losses['decode.loss_dice']
        + losses['aux.loss_ce'],
    )
    rows = gradient_norms(model, [uda_batch(n=2)])
    assert rows[0]['term'] == 'L_seg' and rows[0]['relative'] == 1
