"""MinEnt (EntropyTerm): parity with ADVENT's released code, the term's
formula, its gradients, log keys and weight 0; and the recipe's config.

The fixture tests/fixtures/advent_3e58d45.pt holds what valeoai/ADVENT at
commit 3e58d45 computes: its ``prob_2_entropy`` (advent/utils/func.py) and
``entropy_loss`` (advent/utils/loss.py) on fixed logits, and one iteration
of its ``train_minent`` and ``train_advent``
(advent/domain_adaptation/train_UDA.py) with its default config, run in a
scratch folder on CPU. Its model there returns the fixed logits of
:func:`advent_logits` (N, C, H/8, W/8) for source and target images of
:data:`SIZES`, so the loop's own code upsamples them (``nn.Upsample``,
``align_corners=True``), takes the softmax, the losses and their
gradients; the discriminators are ADVENT's ``get_fc_discriminator`` at
``ndf=1`` with the weights of :func:`set_advent_weights`. Only
computation-free shims were used (``Tensor.cuda`` the identity, ``bce_loss``'s
device lookup on CPU, stubs for its tensorboard and torchvision imports).
"""

import math
from pathlib import Path
from typing import Dict, Set, Tuple

import pytest
import torch
import torch.nn as nn
from helpers import optim_wrapper_cfg, uda_batch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from test_models.test_multilevel import multilevel_cfg
from test_models.test_uda_segmentor import SEG_KEYS, count_calls
from torch import Tensor

from mmseg_pfr.models.uda.step import UDAStep
from mmseg_pfr.models.uda.taps import DomainOutputs
from mmseg_pfr.models.uda.terms.entropy import mean_entropy, self_information

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = torch.load(
    ROOT / 'tests/fixtures/advent_3e58d45.pt', weights_only=True
)
CONFIG = (
    ROOT / 'configs/baselines/minent_deeplabv2-r101v1c_1xb1-120k_'
    'gta2cityscapes-1280x720.py'
)
CLASSES = 3
SIZES = dict(source=(64, 96), target=(64, 64))  # (H, W) of the inputs
# ADVENT's defaults (advent/domain_adaptation/config.py), as recorded.
LAMBDA = FIXTURE['meta']['config']
ENT_KEYS = {'ent.loss_ent', 'ent_aux.loss_ent'}


def wave(shape: Tuple[int, ...], phase: float, scale: float) -> Tensor:
    """Fixed values without a random generator, as the fixture's inputs
    were made: ``scale * sin(0.7 k + phase)`` over the flat index k."""
    k = torch.arange(math.prod(shape), dtype=torch.float64)
    return (scale * torch.sin(0.7 * k + phase)).reshape(shape).float()


def advent_logits(domain: str, level: str) -> Tensor:
    """The logits ADVENT's loop got from its model, as leaves."""
    h, w = SIZES[domain]
    phase = {'source': 0.0, 'target': 1.0}[domain]
    phase += {'main': 0.0, 'aux': 2.0}[level]
    logits = wave((1, CLASSES, h // 8, w // 8), phase, 3.0)
    return logits.requires_grad_(True)


def set_advent_weights(discriminator: nn.Module, k: int) -> None:
    """The weights of the k-th D ADVENT's loop built (1: d_aux, 2:
    d_main): parameter i is ``wave(shape, 10 k + i, 0.3)``."""
    with torch.no_grad():
        for i, p in enumerate(discriminator.parameters()):
            p.copy_(wave(tuple(p.shape), 10.0 * k + i, 0.3))


class Pick(nn.Module):
    """A head that returns the logits it is given as its features."""

    out_channels = CLASSES

    def forward(self, features: Tuple[Tensor, ...]) -> Tensor:
        return features[0]


class FixedLogitsSegmentor(nn.Module):
    """Stands in for the segmentor of ADVENT's recorded iteration: its
    decode head's logits are given, its auxiliary head returns the given
    auxiliary logits, and logits are resized as ADVENT's ``nn.Upsample``
    (bilinear, ``align_corners=True``)."""

    align_corners = True
    with_auxiliary_head = True

    def __init__(self) -> None:
        super().__init__()
        self.decode_head = Pick()
        self.auxiliary_head = Pick()


def advent_step() -> Tuple[UDAStep, Dict[str, Tensor]]:
    """The step our terms read on the fixture's inputs, and its logits
    (``'target_main'``, ...) to differentiate against."""
    logits = {
        f'{d}_{lv}': advent_logits(d, lv)
        for d in SIZES
        for lv in ('main', 'aux')
    }
    outputs = {
        d: DomainOutputs(
            logits=logits[f'{d}_main'],
            stages=(),
            features=(logits[f'{d}_aux'],),
            head_logits=(logits[f'{d}_main'],),
        )
        for d in SIZES
    }
    inputs = {d: torch.zeros(1, 3, *hw) for d, hw in SIZES.items()}
    step = UDAStep(inputs, outputs, [], FixedLogitsSegmentor(), None)
    return step, logits


def minent_cfg(weights=(0.001, 0.0002)):
    """The toy multi-level model (DeepLab-v2 classifiers on conv4_x and
    conv5_x) with MinEnt on both levels."""
    cfg = multilevel_cfg()
    cfg.terms = dict(
        ent=dict(type='EntropyTerm', weight=weights[0]),
        ent_aux=dict(type='EntropyTerm', weight=weights[1], head='auxiliary'),
    )
    return cfg


def build_model(cfg, optim_cfg: dict, seed: int = 0):
    """The UDA model of ``cfg`` in training mode, and its optimizers."""
    torch.manual_seed(seed)
    model = MODELS.build(cfg)
    model.init_weights()
    model.train()
    return model, build_optim_wrapper(model, optim_cfg)


def build(weights=(0.001, 0.0002)):
    return build_model(minent_cfg(weights), optim_wrapper_cfg(False))


def reached(loss: Tensor, segmentor: nn.Module) -> Set[str]:
    """The trainable parameters of the segmentor to which ``loss`` sends a
    non-zero gradient, by name."""
    named = [
        (n, p) for n, p in segmentor.named_parameters() if p.requires_grad
    ]
    grads = torch.autograd.grad(
        loss, [p for _, p in named], retain_graph=True, allow_unused=True
    )
    return {
        name
        for (name, _), g in zip(named, grads)
        if g is not None and bool(g.abs().sum() > 0)
    }


def test_functions_match_advents_prob_2_entropy_and_entropy_loss():
    assert FIXTURE['meta']['repository'] == 'valeoai/ADVENT'
    assert FIXTURE['meta']['commit'].startswith('3e58d45')
    recorded = FIXTURE['functions']
    # One pixel is saturated: softmax 0 and 1 exactly in float32.
    logits = recorded['logits'].clone().requires_grad_(True)
    probs = logits.softmax(dim=1)
    assert (probs == 0).any()
    torch.testing.assert_close(
        self_information(probs), recorded['prob_2_entropy']
    )
    loss = mean_entropy(probs)
    torch.testing.assert_close(loss, recorded['entropy_loss'])
    (grad,) = torch.autograd.grad(loss, logits)
    assert torch.isfinite(grad).all()
    torch.testing.assert_close(grad, recorded['entropy_loss_grad'])


def test_entropy_is_normalised_to_the_unit_interval():
    uniform = torch.full((2, 5, 3, 4), 0.2)
    one_hot = torch.eye(5)[torch.arange(12) % 5].T.reshape(1, 5, 3, 4)
    torch.testing.assert_close(mean_entropy(uniform), torch.tensor(1.0))
    torch.testing.assert_close(mean_entropy(one_hot), torch.tensor(0.0))
    # The map sums to the entropy in bits over log2 C, pixel by pixel.
    gen = torch.Generator().manual_seed(0)
    probs = torch.rand(2, 5, 3, 4, generator=gen).softmax(1)
    bits = -(probs * probs.log2()).sum(1) / math.log2(5)
    torch.testing.assert_close(self_information(probs).sum(1), bits)


def test_one_iteration_matches_advents_train_minent():
    recorded = FIXTURE['minent']
    step, logits = advent_step()
    for name, head, level in (
        ('LAMBDA_ENT_MAIN', 'decode', 'main'),
        ('LAMBDA_ENT_AUX', 'auxiliary', 'aux'),
    ):
        term = MODELS.build(
            dict(type='EntropyTerm', weight=LAMBDA[name], head=head)
        )
        loss = term.loss(step)['loss_ent']
        # ADVENT logs the unweighted entropy; we log lambda_ent times it.
        torch.testing.assert_close(
            loss, LAMBDA[name] * recorded[f'loss_ent_{level}']
        )
        # The target logits get no source loss in ADVENT's loop: their
        # gradient is the weighted entropy term's alone.
        (grad,) = torch.autograd.grad(loss, logits[f'target_{level}'])
        torch.testing.assert_close(grad, recorded[f'grad_target_{level}'])


def test_exact_log_keys_and_the_total_over_steps():
    model, optim = build()
    for seed in range(3):
        log = model.train_step(uda_batch(seed=seed), optim)
        assert set(log) == SEG_KEYS | ENT_KEYS | {'aux.loss_ce', 'aux.acc_seg'}
        assert all(torch.isfinite(v).all() for v in log.values())
    parts = [v for k, v in log.items() if 'loss_' in k]
    torch.testing.assert_close(log['loss'], sum(parts))


def test_what_each_level_reaches_in_the_segmentor():
    model, _ = build()
    step = model.forward_step(*model.preprocess(uda_batch()))
    seg = model.segmentor
    trainable = {n for n, p in seg.named_parameters() if p.requires_grad}
    # The main level: every parameter but the auxiliary classifier's.
    assert reached(model.ent.loss(step)['loss_ent'], seg) == {
        n for n in trainable if not n.startswith('auxiliary_head.')
    }
    # The auxiliary level: its classifier and what feeds it (up to
    # conv4_x), neither conv5_x nor the main classifier.
    feeds_aux = ('backbone.stem.', 'backbone.layer1.', 'backbone.layer2.')
    assert reached(model.ent_aux.loss(step)['loss_ent'], seg) == {
        n
        for n in trainable
        if n.startswith(feeds_aux + ('backbone.layer3.', 'auxiliary_head.'))
    }


def test_weight_zero_switches_a_term_off():
    model, optim = build(weights=(0.0, 0.0002))
    log = model.train_step(uda_batch(), optim)
    assert set(log) == SEG_KEYS | {'ent_aux.loss_ent'} | {
        'aux.loss_ce',
        'aux.acc_seg',
    }
    # Both off: source-only training, the target is never forwarded.
    model, optim = build(weights=(0.0, 0.0))
    batches = count_calls(model.segmentor.backbone)
    log = model.train_step(uda_batch(n=2), optim)
    assert batches == [2]
    assert not set(log) & ENT_KEYS


def test_configuration_errors():
    with pytest.raises(ValueError, match='head must be one of'):
        MODELS.build(dict(type='EntropyTerm', head='aux'))
    with pytest.raises(ValueError, match='a term weight must be >= 0'):
        MODELS.build(dict(type='EntropyTerm', weight=-0.001))
    cfg = minent_cfg()
    del cfg.segmentor['auxiliary_head']
    with pytest.raises(
        ValueError, match=r"an EntropyTerm with head='auxiliary' reads"
    ):
        MODELS.build(cfg)


def test_the_config_is_advents_minent():
    cfg = Config.fromfile(str(CONFIG))
    terms = cfg.model.terms
    assert set(terms) == {'ent', 'ent_aux'}
    assert (terms.ent.weight, terms.ent.head) == (
        LAMBDA['LAMBDA_ENT_MAIN'],
        'decode',
    )
    assert (terms.ent_aux.weight, terms.ent_aux.head) == (
        LAMBDA['LAMBDA_ENT_AUX'],
        'auxiliary',
    )
    aux = cfg.model.segmentor.auxiliary_head
    assert (aux.in_index, aux.in_channels) == (2, 1024)
    assert aux.loss_decode.loss_weight == LAMBDA['LAMBDA_SEG_AUX']
    assert cfg.train_cfg.max_iters == 120000  # ADVENT's EARLY_STOP
    assert cfg.train_cfg.val_interval == 2000  # its SNAPSHOT_STEP
    assert cfg.param_scheduler.segmentor[0].end == 250000  # its MAX_ITERS
    model = MODELS.build(minent_cfg())
    optim = build_optim_wrapper(model, cfg.optim_wrapper.to_dict())
    assert set(optim.keys()) == {'segmentor'}
