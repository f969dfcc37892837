"""DAFormer's learning-rate warm-up (configs/_base_/schedules/
adamw_poly10warm_40k.py) through mmengine's own optimizers, schedulers and
ParamSchedulerHook: the rate at chosen iterations is what DAFormer's mmcv
1.x hook computes (poly10warm: linear warm-up over 1500 iterations from
1e-6, multiplying a power-1 poly decay over the whole run)."""

from pathlib import Path
from types import SimpleNamespace

import pytest
import torch.nn as nn
from mmengine.config import Config
from mmengine.hooks import ParamSchedulerHook
from mmengine.optim import build_optim_wrapper
from mmseg.registry import PARAM_SCHEDULERS

ROOT = Path(__file__).resolve().parents[1]
SCHEDULES = ROOT / 'configs' / '_base_' / 'schedules'
CHECKED = (0, 1, 750, 1499, 1500, 1501, 20000, 39999)


def daformer_lr(base: float, t: int, max_iters: int, power: float) -> float:
    """mmcv 1.x ``LrUpdaterHook`` with policy 'poly' (min_lr 0) and a
    linear warm-up of 1500 iterations from ratio 1e-6, as written there:
    ``regular = base * (1 - t / max_iters) ** power`` and, during the
    warm-up, ``regular * (1 - k)`` with ``k = (1 - t / 1500) * (1 -
    1e-6)``."""
    regular = base * (1 - t / max_iters) ** power
    if t >= 1500:
        return regular
    k = (1 - t / 1500) * (1 - 1e-6)
    return regular * (1 - k)


class TwoChildren(nn.Module):
    """A UDA model's shape: a segmentor with a backbone and a head, and D
    under the name its optimizer has in the config."""

    def __init__(self, d_name: str = 'discriminator') -> None:
        super().__init__()
        self.segmentor = nn.Module()
        self.segmentor.backbone = nn.Linear(2, 2)
        self.segmentor.decode_head = nn.Linear(2, 2)
        self.add_module(d_name, nn.Linear(2, 1))


def d_name(cfg: Config) -> str:
    """The key of D's optimizer and schedule: the one besides the
    segmentor's."""
    (name,) = set(cfg.param_scheduler) - {'segmentor'}
    return name


def lr_trace(config: str) -> dict:
    """``{(optimizer, group): {t: lr at iteration t}}`` over the run, with
    the schedulers stepped by mmengine's hook after each iteration."""
    cfg = Config.fromfile(str(SCHEDULES / config))
    names = ('segmentor', d_name(cfg))
    optim = build_optim_wrapper(TwoChildren(names[1]), cfg.optim_wrapper)
    runner = SimpleNamespace(
        param_schedulers={
            name: [
                PARAM_SCHEDULERS.build(
                    s, default_args=dict(optimizer=optim[name])
                )
                for s in schedulers
            ]
            for name, schedulers in cfg.param_scheduler.items()
        }
    )
    hook = ParamSchedulerHook()
    trace = {}
    for t in range(cfg.train_cfg.max_iters):
        for name in names:
            optimizer = optim[name].optimizer
            if t in CHECKED:
                for g, group in enumerate(optimizer.param_groups):
                    trace.setdefault((name, g), {})[t] = group['lr']
            optim[name].step()  # no gradients: counts the step only
        hook.after_train_iter(runner, t)
    return trace


@pytest.fixture(scope='module')
def trace():
    return lr_trace('adamw_poly10warm_40k.py')


def test_segmentor_follows_daformers_poly10warm(trace):
    names = [name for name, _ in TwoChildren().segmentor.named_parameters()]
    assert len(names) == 4  # one group per parameter, in this order
    for group, name in enumerate(names):
        base = 6e-4 if name.startswith('decode_head') else 6e-5  # head x10
        for t, lr in trace[('segmentor', group)].items():
            expected = daformer_lr(base, t, 40000, power=1.0)
            assert lr == pytest.approx(expected, rel=1e-9, abs=0), (group, t)


def test_warm_up_values_at_chosen_iterations(trace):
    lr = trace[('segmentor', 0)]
    assert lr[0] == pytest.approx(6e-5 * 1e-6, rel=1e-9)
    assert lr[750] == pytest.approx(
        6e-5 * (1e-6 + (1 - 1e-6) / 2) * (1 - 750 / 40000)
    )
    # The decay runs from iteration 0: no restart at the warm-up's end.
    assert lr[1500] == pytest.approx(6e-5 * (1 - 1500 / 40000), rel=1e-9)
    assert lr[1499] < lr[1500] > lr[1501]
    assert lr[39999] == pytest.approx(6e-5 / 40000, rel=1e-6)


def test_discriminator_is_warmed_up_then_decays_with_power_09(trace):
    (key,) = {key for key in trace if key[0] != 'segmentor'}
    for t, lr in trace[key].items():
        expected = daformer_lr(1e-4, t, 40000, power=0.9)
        assert lr == pytest.approx(expected, rel=1e-9, abs=0), t


def test_segformer_schedule_is_the_same_warm_up():
    cfg = Config.fromfile(str(SCHEDULES / 'segformer_adamw_40k.py'))
    daformer = Config.fromfile(str(SCHEDULES / 'adamw_poly10warm_40k.py'))
    assert cfg.param_scheduler == daformer.param_scheduler
    keys = cfg.optim_wrapper.segmentor.paramwise_cfg.custom_keys
    assert keys == {
        'head': dict(lr_mult=10.0),
        'pos_block': dict(decay_mult=0.0),
        'norm': dict(decay_mult=0.0),
        # mmseg 1.x's names of MiT's stage-closing norms (DAFormer's
        # norm1..norm4): tests/test_schedule_weight_decay.py.
        **{f'backbone.layers.{i}.2.': dict(decay_mult=0.0) for i in range(4)},
    }
