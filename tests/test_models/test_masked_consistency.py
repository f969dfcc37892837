"""MIC's masked image consistency: the masked, augmented target image and
the loss against the formula, the pseudo-labels it shares with
self-training, its log keys beside the other terms, gradients, its random
stream, errors, resume."""

import pytest
import torch
import torch.nn.functional as F
from helpers import (
    optim_wrapper_cfg,
    toy_training_config,
    uda_batch,
    uda_model_cfg,
)
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner
from mmseg.registry import MODELS
from test_models.test_self_training import ST_KEYS
from test_models.test_uda_segmentor import (
    ADV_KEYS,
    DISC_KEYS,
    PFR_KEYS,
    SEG_KEYS,
)

from mmseg_pfr.models.utils import ClassMix, StrongAugment
from mmseg_pfr.models.utils.class_mix import ImageNorm

MIC_KEYS = {'mic.loss_ce'}
NO_AUGMENT = dict(type='StrongAugment', color_jitter_prob=0.0, blur_prob=0.0)


@pytest.fixture(autouse=True)
def iteration():
    """Set the runner's iteration, as the train loop does."""
    hub = MessageHub.get_current_instance()

    def at(i: int) -> None:
        hub.update_info('iter', i)

    at(0)
    yield at
    hub.update_info('iter', 0)


def mic_cfg(lambda_st=0.0, lambda_adv=0.0, lambda_pfr=0.0, **mic):
    """The toy UDA model with MIC, its teacher, and the other terms at the
    weights given (0: off)."""
    cfg = uda_model_cfg(
        lambda_adv=lambda_adv,
        lambda_pfr=lambda_pfr,
        lambda_st=lambda_st,
        self_training=True,
        discriminator=lambda_adv > 0,
    )
    cfg.terms.mic = dict(type='MaskedConsistencyTerm', **mic)
    return cfg


def build(seed=0, **kwargs):
    torch.manual_seed(seed)
    model = MODELS.build(mic_cfg(**kwargs))
    model.init_weights()
    model.train()
    has_disc = kwargs.get('lambda_adv', 0) > 0
    return model, build_optim_wrapper(model, optim_wrapper_cfg(has_disc))


def step_of(model, seed=0, target_size=None):
    source, target = model.preprocess(
        uda_batch(seed=seed, target_size=target_size)
    )
    model.teacher.sync(model.segmentor)
    return model.forward_step(source, target)


def test_the_masked_image_and_the_loss_against_the_formula(iteration):
    iteration(6)
    model, _ = build(augment=NO_AUGMENT, block_size=32, reference_height=64)
    step = step_of(model, target_size=(32, 48))
    masked = model.mic.masked_target(step)
    # 32 rows: blocks of 32 * 32 / 64 = 16 px, a 2x3 grid drawn from the
    # step's 'mic' stream after the augmentation's draws (whether to
    # jitter, whether to blur: one each per image, here never).
    gen = step.generator('mic')
    torch.rand(4, generator=gen)
    grid = torch.rand((2, 1, 2, 3), generator=gen) > 0.7
    mask = grid.repeat_interleave(16, 2).repeat_interleave(16, 3)
    target = step.inputs['target']
    assert torch.equal(masked, torch.where(mask, target, 0.0))
    loss = model.mic.loss(step)
    pseudo = step.pseudo_labels()
    logits = F.interpolate(
        model.segmentor(masked, mode='tensor'), (32, 48), mode='bilinear'
    )
    ce = F.cross_entropy(logits, pseudo.label, reduction='none')
    expected = (ce * pseudo.weight).mean()
    torch.testing.assert_close(loss['loss_ce'], expected)
    assert set(loss) == {'loss_ce'}


def test_it_learns_the_teachers_labels_of_the_full_image():
    model, _ = build()
    model.teacher.pseudo_threshold = 0.0  # every pixel confident: weight 1
    model.teacher.ignore_top = 3  # DAFormer's rows of weight 0
    step = step_of(model)
    seen = []
    model.teacher.model.register_forward_hook(
        lambda m, args, out: seen.append(args[0])
    )
    model.mic.loss(step)
    # The teacher saw the unmasked, unaugmented target; the loss's weight
    # is the pseudo-labels' (0 in the ignored rows).
    assert len(seen) == 1 and torch.equal(seen[0], step.inputs['target'])
    pseudo = step.pseudo_labels()
    assert torch.all(pseudo.weight[:, :3] == 0)
    assert torch.all(pseudo.weight[:, 3:] == 1)


def test_the_augmentation_is_self_trainings():
    term = MODELS.build(mic_cfg()).mic
    assert isinstance(term.augment, StrongAugment)
    mix = ClassMix()
    for key in ('color_jitter_strength', 'color_jitter_prob', 'blur_prob'):
        assert getattr(term.augment, key) == getattr(mix.strong_augment, key)
    assert term.augment.blur_sigma == mix.strong_augment.blur_sigma
    # A batch is augmented image by image, each with its own draws.
    norm = ImageNorm(
        torch.full((3, 1, 1), 128.0), torch.full((3, 1, 1), 64.0), True
    )
    images = torch.randn(3, 3, 8, 8)
    augment = StrongAugment(color_jitter_prob=1.0, blur_prob=1.0)
    g1, g2 = torch.Generator().manual_seed(2), torch.Generator().manual_seed(2)
    one_by_one = torch.cat(
        [augment(images[i : i + 1], norm, g1) for i in range(3)]
    )
    assert torch.equal(augment.batch(images, norm, g2), one_by_one)


def test_block_size_follows_the_input_height():
    term = MODELS.build(mic_cfg()).mic
    assert [term.block_for(h) for h in (1024, 512, 128)] == [64, 32, 8]
    fixed = MODELS.build(mic_cfg(reference_height=None)).mic
    assert fixed.block_for(128) == 64


@pytest.mark.parametrize(
    'lambdas, keys',
    [
        ((0.0, 0.0, 0.0), SEG_KEYS | MIC_KEYS),  # MIC alone, with a teacher
        ((1.0, 0.0, 0.0), SEG_KEYS | ST_KEYS | MIC_KEYS),  # DAFormer + MIC
        ((1.0, 0.0, 0.004), SEG_KEYS | ST_KEYS | MIC_KEYS | PFR_KEYS),
        (
            (1.0, 0.002, 0.004),
            SEG_KEYS | ST_KEYS | MIC_KEYS | PFR_KEYS | ADV_KEYS | DISC_KEYS,
        ),
    ],
)
def test_exact_log_keys_of_each_composition(lambdas, keys, iteration):
    st, adv, pfr = lambdas
    model, optim = build(lambda_st=st, lambda_adv=adv, lambda_pfr=pfr)
    teacher_calls = []
    model.teacher.model.register_forward_hook(
        lambda *args: teacher_calls.append(1)
    )
    for step in range(3):
        iteration(step)
        log = model.train_step(uda_batch(seed=step), optim)
        assert set(log) == keys
        assert all(torch.isfinite(v).all() for v in log.values())
    # One teacher forward per iteration, however many terms learn from it.
    assert len(teacher_calls) == 3
    total = sum(v for k, v in log.items() if 'loss' in k and k != 'loss'
                and '.disc.' not in k)  # fmt: skip
    torch.testing.assert_close(log['loss'], total)


def test_gradient_reaches_the_student_and_nothing_else():
    model, _ = build(lambda_adv=0.002)
    model.teacher.pseudo_threshold = 0.0  # a weight of 1, for the gradient
    loss = model.mic.loss(step_of(model))['loss_ce']
    student = [p for p in model.segmentor.parameters() if p.requires_grad]
    grads = torch.autograd.grad(loss, student)
    assert all(g is not None and g.abs().sum() > 0 for g in grads)
    teacher = list(model.teacher.model.parameters())
    assert not any(p.requires_grad for p in teacher)
    disc = list(model.adv.parameters())
    assert all(
        g is None for g in torch.autograd.grad(loss, disc, allow_unused=True)
    )


def test_its_draws_do_not_depend_on_the_other_terms(iteration):
    iteration(3)

    def masked(lambda_st):
        model, _ = build(seed=1, lambda_st=lambda_st)
        return model.mic.masked_target(step_of(model, seed=4))

    assert torch.equal(masked(0.0), masked(1.0))
    model, _ = build(seed=1)
    step = step_of(model, seed=4)
    first = model.mic.masked_target(step)
    iteration(4)
    assert not torch.equal(first, model.mic.masked_target(step))


def test_configuration_errors():
    with pytest.raises(
        ValueError,
        match=r'mask_ratio is the share of blocks masked, in \[0, 1\); '
        r'got 1.0',
    ):
        MODELS.build(mic_cfg(mask_ratio=1.0))
    with pytest.raises(ValueError, match=r'are pixels, >= 1; got 0 and'):
        MODELS.build(mic_cfg(block_size=0))
    cfg = mic_cfg()
    del cfg['teacher']
    cfg.terms.st = None
    with pytest.raises(
        ValueError,
        match=r"terms \['mic'\] learn from a mean teacher's pseudo-labels",
    ):
        MODELS.build(cfg)


def run_toy(tmp_path, name, max_iters, resume_from=None):
    cfg = toy_training_config(str(tmp_path / name), max_iters=max_iters)
    cfg['model'] = mic_cfg(lambda_st=1.0, lambda_adv=0.002)
    if resume_from:
        cfg.update(resume=True, load_from=str(resume_from))
    runner = Runner.from_cfg(Config(cfg))
    runner.train()
    return runner


def test_resume_is_bit_exact_with_mic(tmp_path, monkeypatch):
    monkeypatch.setattr(
        Config, 'pretty_text', property(lambda cfg: repr(cfg.to_dict()))
    )
    whole = run_toy(tmp_path, 'whole', 4)  # checkpoints at 2 and 4
    resumed = run_toy(tmp_path, 'resumed', 4, tmp_path / 'whole/iter_2.pth')
    expected, got = whole.model.state_dict(), resumed.model.state_dict()
    assert set(expected) == set(got)
    for key in expected:
        assert torch.equal(expected[key], got[key]), key


def test_the_shared_target_batch_is_not_changed():
    model, _ = build()
    step = step_of(model)
    before = step.inputs['target'].clone()
    model.mic.loss(step)
    assert torch.equal(step.inputs['target'], before)
