"""Mean-teacher self-training: the teacher's EMA formula and pseudo-labels,
its isolation from gradients and optimizers, the ClassMix term's log keys,
composition with the other terms, resume."""

import pytest
import torch
import torch.nn as nn
from helpers import (
    clone_batch,
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
from test_models.test_uda_segmentor import (
    ADV_KEYS,
    DISC_KEYS,
    PFR_KEYS,
    SEG_KEYS,
)

from mmseg_pfr.models.uda.step import image_norm
from mmseg_pfr.models.uda.teacher import MeanTeacher, pseudo_labels

ST_KEYS = {'st.loss_ce', 'st.pseudo_weight'}


@pytest.fixture(autouse=True)
def iteration():
    """Set the runner's iteration, as the train loop does."""
    hub = MessageHub.get_current_instance()

    def at(i: int) -> None:
        hub.update_info('iter', i)

    at(0)
    yield at
    hub.update_info('iter', 0)


def build(seed=0, lambda_adv=0.0, lambda_pfr=0.0, lambda_st=1.0, **kwargs):
    torch.manual_seed(seed)
    model = MODELS.build(
        uda_model_cfg(
            lambda_adv=lambda_adv,
            lambda_pfr=lambda_pfr,
            lambda_st=lambda_st,
            self_training=True,
            discriminator=lambda_adv > 0,
            **kwargs,
        )
    )
    model.init_weights()
    model.train()
    optim = build_optim_wrapper(model, optim_wrapper_cfg(lambda_adv > 0))
    return model, optim


def st_losses(model, source, target):
    """The self-training term's losses on one preprocessed batch."""
    return model.st.loss(model.forward_step(source, target))


class TinyStudent(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)


def test_ema_update_matches_the_formula():
    student = TinyStudent()
    st = MeanTeacher(student, alpha=0.99)
    gen = torch.Generator().manual_seed(0)
    for p in st.model.parameters():
        p.copy_(torch.randn(p.shape, generator=gen))
    student.bn.running_mean.fill_(0.7)
    before = {k: v.clone() for k, v in st.model.state_dict().items()}
    for steps, alpha in [(1, 0.5), (9, 0.9), (1000, 0.99)]:
        assert st.alpha_after(steps) == pytest.approx(alpha)
    st.update(student, steps=9)
    after = st.model.state_dict()
    for name, p in student.named_parameters():
        expected = 0.9 * before[name] + 0.1 * p.detach()
        torch.testing.assert_close(after[name], expected)
    # Buffers follow the student.
    assert torch.equal(after['bn.running_mean'], student.bn.running_mean)


def test_pseudo_labels_against_a_hand_computation():
    # 2 images of 3x2 pixels, 2 classes; top probabilities:
    top = torch.tensor(
        [[[0.99, 0.6], [0.97, 0.55], [0.98, 0.7]],
         [[0.9, 0.99], [0.95, 0.96], [0.51, 0.975]]]
    )  # fmt: skip
    second = 1 - top
    winner_is_1 = torch.tensor(
        [[[1, 0], [0, 1], [1, 1]], [[0, 0], [1, 0], [1, 1]]]
    ).bool()
    probs = torch.stack(
        [torch.where(winner_is_1, second, top),
         torch.where(winner_is_1, top, second)], 1
    )  # fmt: skip
    out = pseudo_labels(probs, threshold=0.968)
    # Above 0.968: 0.99, 0.97, 0.98 | 0.99, 0.975 -> 5 of 12 pixels.
    assert out.confident.item() == pytest.approx(5 / 12)
    assert torch.equal(out.label, winner_is_1.long())
    torch.testing.assert_close(out.weight, torch.full((2, 3, 2), 5 / 12))
    # Ignored rows get weight 0; the share is still over all pixels.
    out = pseudo_labels(probs, 0.968, ignore_top=1, ignore_bottom=1)
    assert torch.all(out.weight[:, 0] == 0) and torch.all(
        out.weight[:, 2] == 0
    )
    torch.testing.assert_close(out.weight[:, 1], torch.full((2, 2), 5 / 12))
    assert out.confident.item() == pytest.approx(5 / 12)


def test_teacher_gets_no_gradient_and_is_in_no_optimizer(iteration):
    model, optim = build()
    teacher = model.teacher.model
    assert not any(p.requires_grad for p in teacher.parameters())
    optimised = {
        id(p)
        for name in optim.keys()
        for group in optim[name].optimizer.param_groups
        for p in group['params']
    }
    assert not optimised & {id(p) for p in teacher.parameters()}
    assert not teacher.training
    for step in range(3):
        iteration(step)
        model.train_step(uda_batch(seed=step), optim)
        assert all(p.grad is None for p in teacher.parameters())
        assert not teacher.training


def test_teacher_starts_as_the_student_and_lags_behind(iteration):
    model, optim = build()
    student, teacher = model.segmentor, model.teacher.model
    snapshot = {k: v.clone() for k, v in student.state_dict().items()}
    model.train_step(uda_batch(seed=0), optim)  # iteration 0
    # Synced before the step, then alpha_1 = 0.5 towards the updated student.
    for k, v in teacher.state_dict().items():
        if v.is_floating_point() and k in dict(student.named_parameters()):
            expected = 0.5 * snapshot[k] + 0.5 * student.state_dict()[k]
            torch.testing.assert_close(v, expected)
    iteration(1)
    model.train_step(uda_batch(seed=1), optim)
    differs = [
        not torch.equal(teacher.state_dict()[k], v)
        for k, v in student.named_parameters()
    ]
    assert any(differs)


@pytest.mark.parametrize(
    'lambdas, keys',
    [
        ((0.0, 0.0, 1.0), SEG_KEYS | ST_KEYS),
        ((0.0, 0.004, 1.0), SEG_KEYS | PFR_KEYS | ST_KEYS),
        (
            (0.002, 0.004, 1.0),
            SEG_KEYS | ADV_KEYS | PFR_KEYS | ST_KEYS | DISC_KEYS,
        ),
        ((0.0, 0.004, 0.0), SEG_KEYS | PFR_KEYS),
    ],
)
def test_exact_log_keys_of_each_composition(lambdas, keys, iteration):
    adv, pfr, st = lambdas
    model, optim = build(lambda_adv=adv, lambda_pfr=pfr, lambda_st=st)
    for step in range(3):
        iteration(step)
        log = model.train_step(uda_batch(seed=step), optim)
        assert set(log) == keys
        assert all(torch.isfinite(v).all() for v in log.values())
    if st:
        assert 0 <= log['st.pseudo_weight'] <= 1
        total = sum(v for k, v in log.items() if 'loss' in k and k != 'loss'
                    and '.disc.' not in k)  # fmt: skip
        torch.testing.assert_close(log['loss'], total)


def test_zero_weight_costs_nothing():
    model, optim = build(lambda_st=0.0, lambda_pfr=0.0)
    calls = []
    model.teacher.model.register_forward_hook(lambda *args: calls.append(1))
    backbone_batches = []
    model.segmentor.backbone.register_forward_hook(
        lambda m, args, out: backbone_batches.append(args[0].shape[0])
    )
    log = model.train_step(uda_batch(n=2), optim)
    assert calls == [] and backbone_batches == [2]  # no target, no mix
    assert not set(log) & ST_KEYS


def test_self_training_gradient_reaches_every_student_parameter():
    model, optim = build(lambda_st=1.0)
    source, target = model.preprocess(uda_batch())
    losses = st_losses(model, source, target)
    params = [p for p in model.segmentor.parameters() if p.requires_grad]
    grads = torch.autograd.grad(losses['loss_ce'], params)
    assert all(g is not None and g.abs().sum() > 0 for g in grads)
    assert losses['pseudo_weight'].requires_grad is False


def test_the_mix_depends_on_seed_and_iteration_only(iteration):
    def loss_at(step):
        model, _ = build(seed=3)
        iteration(step)
        source, target = model.preprocess(clone_batch(uda_batch(seed=5)))
        model.teacher.sync(model.segmentor)
        return st_losses(model, source, target)['loss_ce']

    assert torch.equal(loss_at(4), loss_at(4))
    assert not torch.equal(loss_at(4), loss_at(5))


def test_configuration_errors():
    cfg = uda_model_cfg(lambda_st=1.0, self_training=True)
    del cfg['teacher']
    with pytest.raises(
        ValueError,
        match=r"terms \['st'\] learn from a mean teacher's pseudo-labels: "
        r"add teacher=dict\(type='MeanTeacher'\) to the model",
    ):
        MODELS.build(cfg)
    with pytest.raises(ValueError, match='alpha must be in'):
        MeanTeacher(TinyStudent(), alpha=1.0)


def test_a_batch_without_targets_is_refused_when_a_loss_needs_them():
    model, optim = build()
    batch = uda_batch()
    del batch['target']
    with pytest.raises(ValueError, match='batch has no target images'):
        model.train_step(batch, optim)


def run_toy(tmp_path, name, max_iters, resume_from=None):
    cfg = toy_training_config(str(tmp_path / name), max_iters=max_iters)
    cfg['model'] = uda_model_cfg(lambda_st=1.0, self_training=True)
    if resume_from:
        cfg.update(resume=True, load_from=str(resume_from))
    runner = Runner.from_cfg(Config(cfg))
    runner.train()
    return runner


def test_resume_restores_the_teacher_bit_for_bit(tmp_path, monkeypatch):
    monkeypatch.setattr(
        Config, 'pretty_text', property(lambda cfg: repr(cfg.to_dict()))
    )
    whole = run_toy(tmp_path, 'whole', 4)  # checkpoints at 2 and 4
    saved = torch.load(tmp_path / 'whole/iter_2.pth', weights_only=False)
    assert any(k.startswith('teacher.model.') for k in saved['state_dict'])
    resumed = run_toy(tmp_path, 'resumed', 4, tmp_path / 'whole/iter_2.pth')
    expected, got = whole.model.state_dict(), resumed.model.state_dict()
    assert set(expected) == set(got)
    for key in expected:
        assert torch.equal(expected[key], got[key]), key


def test_the_mix_reads_the_segmentors_normalisation():
    model, _ = build()
    norm = image_norm(model.segmentor)
    assert norm.mean.flatten().tolist() == [128.0] * 3  # the toy config's
    assert norm.std.flatten().tolist() == [64.0] * 3
    assert norm.bgr  # no channel conversion: cv2's BGR order
    # A preprocessor that does not normalise: raw values in [0, 255].
    cfg = uda_model_cfg(lambda_st=1.0, self_training=True)
    cfg.segmentor.data_preprocessor = dict(
        type='SegDataPreProcessor', size_divisor=8, bgr_to_rgb=True
    )
    model = MODELS.build(cfg)
    norm = image_norm(model.segmentor)
    assert norm.mean.flatten().tolist() == [0.0] * 3
    assert norm.std.flatten().tolist() == [1.0] * 3
    assert not norm.bgr
    source, target = model.preprocess(uda_batch())
    losses = st_losses(model, source, target)
    assert torch.isfinite(losses['loss_ce'])
