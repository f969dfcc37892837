"""MagnitudeLogProcessor: logged values show their magnitude."""

import json
import math
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

from mmseg_pfr.engine import significant

PAPER_CONFIG = (
    Path(__file__).resolve().parents[2]
    / 'configs/pfr'
    / 'pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'
)


@pytest.mark.parametrize(
    'value, text',
    [
        (1.23456e-7, '1.235e-07'),
        (-4.5e-4, '-4.500e-04'),
        (0.00123456, '0.001235'),
        (0.0123456, '0.01235'),
        (1.23456, '1.235'),
        (12.3456, '12.35'),
        (1234.56, '1235'),
        (123456.0, '123456'),
        (0.0, '0.0'),
        (math.inf, 'inf'),
    ],
)
def test_four_significant_digits_scientific_below_1e_3(value, text):
    assert significant(value) == text


def test_significant_keeps_relative_precision_at_every_magnitude():
    for exponent in range(-12, 7):
        value = 3.14159265 * 10.0**exponent
        for digits in (2, 4, 6):
            shown = float(significant(value, digits))
            assert abs(shown - value) <= 0.5 * 10 ** (1 - digits) * value


class FixedLosses(BaseModel):
    """Logs a large and a tiny loss, like L_seg beside lambda_pfr L_sty."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.ones(()))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return dict(loss_big=self.w * 12.3456, loss_tiny=self.w * 1.23456e-7)


def run_two_iterations(work_dir, log_processor: dict) -> str:
    """The text log of two logged iterations."""
    runner = Runner(
        model=FixedLosses(),
        work_dir=str(work_dir),
        # Runners of one second share mmengine's default name, and with it
        # the visualiser (and its scalars.json): one name per test.
        experiment_name=work_dir.name,
        train_dataloader=dict(
            dataset=[dict(inputs=torch.zeros(1))] * 2,
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=1,
            collate_fn=dict(type='pseudo_collate'),
        ),
        train_cfg=dict(by_epoch=False, max_iters=2),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.0)),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1), checkpoint=None
        ),
        log_processor=log_processor,
        visualizer=dict(
            type='Visualizer', vis_backends=[dict(type='LocalVisBackend')]
        ),
        default_scope='mmseg',
    )
    runner.train()
    return next(work_dir.glob('*/*.log')).read_text()


def test_log_lines_show_the_tiny_loss_and_json_keeps_full_values(tmp_path):
    log = run_two_iterations(
        tmp_path, dict(type='MagnitudeLogProcessor', by_epoch=False)
    )
    line = next(s for s in log.splitlines() if 'Iter(train) [2/2]' in s)
    assert 'loss_tiny: 1.235e-07' in line
    assert 'loss_big: 12.35' in line
    assert 'lr: 0.0000e+00' in line  # learning rates as mmengine prints
    scalars = next(tmp_path.glob('*/vis_data/scalars.json')).read_text()
    records = [json.loads(s) for s in scalars.splitlines()]
    assert records[-1]['loss_tiny'] == pytest.approx(1.23456e-7, rel=1e-6)


def test_mmengine_log_processor_prints_the_tiny_loss_as_zero(tmp_path):
    # Why MagnitudeLogProcessor exists.
    log = run_two_iterations(tmp_path, dict(by_epoch=False))
    assert 'loss_tiny: 0.0000' in log


def test_default_runtime_uses_it():
    cfg = Config.fromfile(str(PAPER_CONFIG))
    assert cfg.log_processor.type == 'MagnitudeLogProcessor'
