"""AdvEnt (EntropyAdversarialTerm): parity with one iteration of ADVENT's
``train_advent`` (valeoai/ADVENT at 3e58d45,
advent/domain_adaptation/train_UDA.py; the fixture and how it was made:
test_entropy.py), which networks each loss updates, log keys and weight 0;
and the recipe's config."""

from pathlib import Path

import pytest
import torch
import torch.nn as nn
from helpers import optim_wrapper_cfg, uda_batch, uda_model_cfg
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from test_models.test_entropy import (
    FIXTURE,
    LAMBDA,
    FixedLogitsSegmentor,
    advent_step,
    build_model,
    set_advent_weights,
)
from test_models.test_multilevel import multilevel_cfg
from test_models.test_self_training import ST_KEYS
from test_models.test_uda_segmentor import ADV_KEYS as ADAPTSEGNET_KEYS
from test_models.test_uda_segmentor import DISC_KEYS as ADAPTSEGNET_D_KEYS
from test_models.test_uda_segmentor import PFR_KEYS, SEG_KEYS, count_calls

from mmseg_pfr.models.uda.terms.entropy import self_information

ROOT = Path(__file__).resolve().parents[2]
CONFIG = (
    ROOT / 'configs/baselines/advent_deeplabv2-r101v1c_1xb1-120k_'
    'gta2cityscapes-1280x720.py'
)
TERMS = ('adv_ent', 'adv_ent_aux')
ADV_KEYS = {f'{name}.loss_adv' for name in TERMS}
DISC_KEYS = {
    f'{name}.disc.{key}'
    for name in TERMS
    for key in ('loss', 'loss_src', 'loss_tgt', 'acc_src', 'acc_tgt')
}
AUX_KEYS = {'aux.loss_ce', 'aux.acc_seg'}
# Each level as ADVENT names it, its head here, and the order ADVENT's loop
# built its D (1: d_aux, 2: d_main).
LEVELS = (
    ('main', 'decode', 'LAMBDA_ADV_MAIN', 2),
    ('aux', 'auxiliary', 'LAMBDA_ADV_AUX', 1),
)


def advent_cfg(weights=(0.001, 0.0002)):
    """The toy multi-level model with AdvEnt on both levels."""
    cfg = multilevel_cfg()
    adv_ent = dict(
        type='EntropyAdversarialTerm',
        weight=weights[0],
        discriminator=dict(type='FCDiscriminator', ndf=8),
    )
    cfg.terms = dict(
        adv_ent=adv_ent,
        adv_ent_aux=dict(adv_ent, weight=weights[1], head='auxiliary'),
    )
    return cfg


def optim_cfg():
    cfg = optim_wrapper_cfg()
    cfg['adv_ent'] = cfg['adv_ent_aux'] = cfg.pop('adv')
    return cfg


def build(weights=(0.001, 0.0002)):
    return build_model(advent_cfg(weights), optim_cfg())


def advent_term(head: str, weight: float, k: int):
    """Our term with ADVENT's recorded D (ndf 1, its k-th D's weights)."""
    term = MODELS.build(
        dict(
            type='EntropyAdversarialTerm',
            weight=weight,
            head=head,
            discriminator=dict(type='FCDiscriminator', ndf=1),
        )
    )
    term.setup(FixedLogitsSegmentor())
    set_advent_weights(term.discriminator, k)
    return term


def test_the_discriminator_is_advents():
    recorded = FIXTURE['advent']
    term = advent_term('decode', 0.001, 2)
    assert [list(p.shape) for p in term.discriminator.parameters()] == (
        recorded['d_shapes']
    )
    acts = [
        m for m in term.discriminator.modules() if isinstance(m, nn.LeakyReLU)
    ]
    assert len(acts) == 4 and all(a.negative_slope == 0.2 for a in acts)
    assert recorded['d_layers'].count('negative_slope=0.2') == 4


@pytest.mark.parametrize('level, head, name, k', LEVELS)
def test_one_iteration_matches_advents_train_advent(level, head, name, k):
    recorded = FIXTURE['advent']
    # ADVENT's bce_loss labels in loop order: the segmentor's loss on the
    # target with the source label, then D on source (0) and target (1).
    assert recorded['bce_labels'].tolist() == [0, 0, 0, 0, 1, 1]
    step, logits = advent_step()
    term = advent_term(head, LAMBDA[name], k)
    loss = term.loss(step)['loss_adv']
    torch.testing.assert_close(
        loss, LAMBDA[name] * recorded[f'loss_adv_trg_{level}']
    )
    (grad,) = torch.autograd.grad(loss, logits[f'target_{level}'])
    torch.testing.assert_close(grad, recorded[f'grad_target_{level}'])
    # D's update: each half / 2, on detached maps; D's gradient at its
    # optimizer step.
    d_losses = term(step)
    torch.testing.assert_close(
        d_losses['loss_src'], recorded[f'loss_d_src_{level}']
    )
    torch.testing.assert_close(
        d_losses['loss_tgt'], recorded[f'loss_d_trg_{level}']
    )
    params = list(term.discriminator.parameters())
    grads = torch.autograd.grad(
        d_losses['loss_src'] + d_losses['loss_tgt'], params
    )
    torch.testing.assert_close(
        torch.cat([g.flatten() for g in grads]), recorded[f'grad_d_{level}']
    )


def test_d_reads_the_self_information_map():
    step, _ = advent_step()
    term = advent_term('decode', 0.001, 2)
    probs = step.probabilities('target')
    torch.testing.assert_close(
        term.discriminator_input(step, 'target'), self_information(probs)
    )
    assert term.discriminator_input(step, 'target').requires_grad


def test_exact_log_keys_over_steps():
    model, optim = build()
    for seed in range(3):
        log = model.train_step(uda_batch(seed=seed), optim)
        assert set(log) == SEG_KEYS | AUX_KEYS | ADV_KEYS | DISC_KEYS
        assert all(torch.isfinite(v).all() for v in log.values())
    parts = [v for k, v in log.items() if 'loss_' in k and '.disc.' not in k]
    torch.testing.assert_close(log['loss'], sum(parts))


def test_each_network_is_updated_only_by_its_own_losses():
    model, optim = build()
    seen = {}

    def spy(name):
        step = optim[name].step

        def recorded(**kwargs):
            seen[name] = {
                child: [
                    p.grad is not None and bool(p.grad.abs().sum() > 0)
                    for p in getattr(model, child).parameters()
                    if p.requires_grad
                ]
                for child in ('segmentor',) + TERMS
            }
            step(**kwargs)

        optim[name].step = recorded

    for name in optim.keys():
        spy(name)
    model.train_step(uda_batch(), optim)
    # The segmentor's update: every segmentor parameter, no D.
    assert all(seen['segmentor']['segmentor'])
    assert not any(any(seen['segmentor'][name]) for name in TERMS)
    # Each D's update: that D only, the segmentor nothing.
    for name in TERMS:
        other = TERMS[1 - TERMS.index(name)]
        assert all(seen[name][name])
        assert not any(seen[name]['segmentor'])
        assert not any(seen[name][other])


def test_weight_zero_switches_a_term_off():
    model, optim = build(weights=(0.001, 0.0))
    d_main = count_calls(model.adv_ent.discriminator)
    d_aux = count_calls(model.adv_ent_aux.discriminator)
    log = model.train_step(uda_batch(n=2), optim)
    assert not any(k.startswith('adv_ent_aux.') for k in log)
    assert d_aux == []
    # One frozen call on the target, then source and target in D's update.
    assert d_main == [2, 2, 2]


def test_composes_with_the_other_terms():
    """MinEnt and AdvEnt beside AdaptSegNet's D, PFR and self-training."""
    cfg = uda_model_cfg(self_training=True, lambda_st=1.0)
    cfg.terms.ent = dict(type='EntropyTerm')
    cfg.terms.adv_ent = dict(
        type='EntropyAdversarialTerm',
        discriminator=dict(type='FCDiscriminator', ndf=8),
    )
    optim = optim_wrapper_cfg()
    optim['adv_ent'] = optim['adv']
    model, optim = build_model(cfg, optim)
    log = model.train_step(uda_batch(), optim)
    assert set(log) == (
        SEG_KEYS
        | ADAPTSEGNET_KEYS
        | ADAPTSEGNET_D_KEYS
        | PFR_KEYS
        | ST_KEYS
        | {'ent.loss_ent', 'adv_ent.loss_adv'}
        | {k for k in DISC_KEYS if k.startswith('adv_ent.')}
    )
    assert all(torch.isfinite(v).all() for v in log.values())


def test_configuration_errors():
    cfg = advent_cfg()
    del cfg.segmentor['auxiliary_head']
    with pytest.raises(
        ValueError,
        match=r"an EntropyAdversarialTerm with head='auxiliary' reads",
    ):
        MODELS.build(cfg)
    cfg = advent_cfg()
    cfg.terms.adv_ent.discriminator['num_classes'] = 7
    with pytest.raises(ValueError, match='reads 4 class channels'):
        MODELS.build(cfg)


def test_the_config_is_advents_advent():
    cfg = Config.fromfile(str(CONFIG))
    terms = cfg.model.terms
    assert set(terms) == set(TERMS)
    for name, (_, head, lam, _) in zip(TERMS, LEVELS):
        assert terms[name].type == 'EntropyAdversarialTerm'
        assert (terms[name].weight, terms[name].head) == (LAMBDA[lam], head)
        assert terms[name].gan_loss == 'BCE'
        assert terms[name].discriminator == dict(
            type='FCDiscriminator', ndf=64
        )
        assert cfg.optim_wrapper[name].optimizer == dict(
            type='Adam', lr=LAMBDA['LEARNING_RATE_D'], betas=(0.9, 0.99)
        )
        assert cfg.param_scheduler[name][0].end == 250000
    aux = cfg.model.segmentor.auxiliary_head
    assert aux.loss_decode.loss_weight == LAMBDA['LAMBDA_SEG_AUX']
    assert cfg.train_cfg.max_iters == 120000
    model = MODELS.build(advent_cfg())
    optim = build_optim_wrapper(model, cfg.optim_wrapper.to_dict())
    assert set(optim.keys()) == {'segmentor', *TERMS}
