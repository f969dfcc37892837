"""--max-iters: every schedule ends at N; a short run logs."""

import pytest
from mmengine.config import Config

from mmseg_pfr.apis.run_length import cap_logger_interval, shorten_run


def adaptsegnet_like() -> Config:
    """Poly over 250k, stopped at 150k; D's schedule with a warm-up."""
    warmup = dict(type='LinearLR', begin=0, end=1501, by_epoch=False)
    poly = dict(type='PolyLR', begin=0, end=250000, by_epoch=False)
    return Config(
        dict(
            param_scheduler=dict(segmentor=[poly], adv=[warmup, poly]),
            train_cfg=dict(max_iters=150000, val_interval=4000),
            default_hooks=dict(
                logger=dict(interval=50), checkpoint=dict(interval=4000)
            ),
        )
    )


def test_every_schedule_is_compressed_to_end_at_n():
    cfg = adaptsegnet_like()
    shorten_run(cfg, 500)
    assert cfg.param_scheduler.segmentor[0].end == 500
    # Warm-up and decay keep their proportions: 1501 * 500 / 250000.
    assert [s['end'] for s in cfg.param_scheduler.adv] == [3, 500]
    assert cfg.train_cfg.max_iters == 500
    assert cfg.train_cfg.val_interval == 500
    assert cfg.default_hooks.checkpoint.interval == 500


def test_a_list_of_schedulers_and_longer_runs():
    cfg = Config(
        dict(
            param_scheduler=[dict(type='PolyLR', end=1000, by_epoch=False)],
            train_cfg=dict(max_iters=1000, val_interval=100),
        )
    )
    shorten_run(cfg, 2000)
    assert cfg.param_scheduler[0].end == 2000
    assert cfg.train_cfg.val_interval == 100


def test_a_warm_up_shorter_than_one_iteration_keeps_one():
    # SegFormer's 40-iteration warm-up of 5000, run for 60: 40 * 60 / 5000
    # rounds to 0, which mmengine's schedulers refuse (end <= begin).
    warmup = dict(type='LinearLR', begin=0, end=40, by_epoch=False)
    poly = dict(type='PolyLR', begin=40, end=5000, by_epoch=False)
    cfg = Config(
        dict(param_scheduler=[warmup, poly], train_cfg=dict(max_iters=5000))
    )
    shorten_run(cfg, 60)
    spans = [(s['begin'], s['end']) for s in cfg.param_scheduler]
    assert spans == [(0, 1), (0, 60)]


def test_n_must_be_positive():
    with pytest.raises(ValueError, match='--max-iters must be >= 1'):
        shorten_run(adaptsegnet_like(), 0)


def test_a_run_shorter_than_the_log_interval_still_logs():
    cfg = adaptsegnet_like()
    cfg.train_cfg.max_iters = 20
    cap_logger_interval(cfg)
    assert cfg.default_hooks.logger.interval == 20
    cfg.train_cfg.max_iters = 1000
    cfg.default_hooks.logger.interval = 50
    cap_logger_interval(cfg)
    assert cfg.default_hooks.logger.interval == 50
