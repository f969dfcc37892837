"""A run's length and what follows from it: ``tools/train.py --max-iters
N`` shortens a run with every schedule ending at N, and a short run logs
(mmengine's logger hook prints nothing when its interval exceeds the
run)."""

from mmengine.config import Config


def _schedulers(cfg: Config) -> list:
    """Every LR/momentum scheduler config: a list, or a dict of lists per
    optimizer (UDA models)."""
    schedulers = cfg.get('param_scheduler') or []
    if isinstance(schedulers, dict) and 'type' not in schedulers:
        return [s for group in schedulers.values() for s in group or []]
    return schedulers if isinstance(schedulers, list) else [schedulers]


def shorten_run(cfg: Config, max_iters: int) -> None:
    """Train ``max_iters`` iterations, every schedule compressed to end at
    ``max_iters`` (each scheduler's ``begin``/``end`` scaled by one factor,
    so warm-up and decay keep their proportions), and validation and
    checkpoints no later than the last iteration; a span compressed below
    one iteration keeps one (mmengine refuses ``end <= begin``). ``cfg`` is
    changed in place."""
    if max_iters < 1:
        raise ValueError(f'--max-iters must be >= 1, got {max_iters}')
    schedulers = _schedulers(cfg)
    last = max(
        [s.get('end', cfg.train_cfg.max_iters) for s in schedulers]
        + [cfg.train_cfg.max_iters]
    )
    for scheduler in schedulers:
        for key in ('begin', 'end'):
            if key in scheduler:
                scheduler[key] = round(scheduler[key] * max_iters / last)
        if 'end' in scheduler:
            begin = scheduler.get('begin', 0)
            scheduler['end'] = max(scheduler['end'], begin + 1)
    cfg.train_cfg.max_iters = max_iters
    if 'val_interval' in cfg.train_cfg:
        cfg.train_cfg.val_interval = min(cfg.train_cfg.val_interval, max_iters)
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint')
    if checkpoint and 'interval' in checkpoint:
        checkpoint.interval = min(checkpoint.interval, max_iters)


def cap_logger_interval(cfg: Config) -> None:
    """Log at least once per run: the logger hook's interval no longer
    than the run."""
    logger = cfg.get('default_hooks', {}).get('logger')
    max_iters = cfg.get('train_cfg', {}).get('max_iters')
    if logger and max_iters and logger.get('interval', 10) > max_iters:
        logger.interval = max_iters
