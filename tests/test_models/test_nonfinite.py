"""A NaN or infinite loss term stops training before its update (naming
the term and the iteration), or, on request, skips that update and counts
it."""

import math

import pytest
import torch
from helpers import optim_wrapper_cfg, uda_batch, uda_model_cfg
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS

from mmseg_pfr.models.uda.nonfinite import SKIPPED_KEY, NonFiniteLossError


@pytest.fixture(autouse=True)
def fresh_hub():
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', 6)  # the 7th iteration
    hub.update_info(SKIPPED_KEY, 0)
    yield
    hub.update_info('iter', 0)
    hub.update_info(SKIPPED_KEY, 0)


def build(nonfinite='stop'):
    torch.manual_seed(0)
    model = MODELS.build({**uda_model_cfg(), 'nonfinite': nonfinite})
    model.init_weights()
    model.train()
    return model, build_optim_wrapper(model, optim_wrapper_cfg())


def snapshot(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def poison_pfr(model, value=math.nan):
    """Make the style term non-finite, as a diverging run would."""
    forward = model.pfr.pfr_loss.forward

    def poisoned(src, tgt):
        out = forward(src, tgt)
        out['loss_style'] = out['loss_style'] * value
        return out

    model.pfr.pfr_loss.forward = poisoned


def test_a_nan_term_stops_before_the_update_naming_term_and_iteration():
    model, optim = build()
    poison_pfr(model)
    before = snapshot(model)
    with pytest.raises(NonFiniteLossError) as error:
        model.train_step(uda_batch(), optim)
    message = str(error.value)
    assert 'iteration 7' in message and 'segmentor update' in message
    assert 'pfr.loss_style = nan' in message
    assert 'pfr.loss_content' not in message
    assert error.value.terms.keys() == {'pfr.loss_style'}
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_a_nonfinite_discriminator_loss_stops_before_its_update():
    model, optim = build()
    disc = model.adv.discriminator
    forward = disc.forward
    # Infinite only in D's own update, which sees detached predictions.
    disc.forward = lambda x: (
        forward(x) * (1.0 if x.requires_grad else math.inf)
    )
    before = snapshot(disc)
    with pytest.raises(
        NonFiniteLossError,
        match=r'iteration 7, adv.disc update: adv.disc.loss_src = inf, '
        r'adv.disc.loss_tgt = nan;',
    ):
        model.train_step(uda_batch(), optim)
    after = disc.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_skip_counts_skipped_updates_and_trains_on_afterwards():
    model, optim = build('skip')
    hub = MessageHub.get_current_instance()
    log = model.train_step(uda_batch(), optim)
    assert log[SKIPPED_KEY] == 0
    forward = model.pfr.pfr_loss.forward
    poison_pfr(model, math.inf)
    before = snapshot(model.segmentor)
    log = model.train_step(uda_batch(), optim)
    assert log[SKIPPED_KEY] == 1 and hub.get_info(SKIPPED_KEY) == 1
    # The count is runtime information mmengine saves in checkpoints.
    assert hub.state_dict()['runtime_info'][SKIPPED_KEY] == 1
    after = model.segmentor.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    model.pfr.pfr_loss.forward = forward
    log = model.train_step(uda_batch(), optim)
    assert log[SKIPPED_KEY] == 1
    assert torch.isfinite(log['loss'])
    after = model.segmentor.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_unknown_policy_is_an_error():
    with pytest.raises(ValueError, match='nonfinite must be one of'):
        MODELS.build({**uda_model_cfg(), 'nonfinite': 'ignore'})
