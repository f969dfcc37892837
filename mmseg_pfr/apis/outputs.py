"""Where a run's outputs went, said at its end.

mmengine names only the checkpoint folder; the log, the scalars and the
painted validation images land in a per-run ``<work_dir>/<timestamp>/``
folder that the user has to find. :func:`describe_outputs` lists what a
finished train or test run wrote, and where.
"""

import os.path as osp
from typing import List, Tuple

from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log


def _vis_data(runner) -> str:
    """mmengine's visualizer writes under ``<save_dir>/vis_data``, where
    ``save_dir`` is the run's log folder unless the config names one."""
    save_dir = runner.cfg.get('visualizer', {}).get('save_dir')
    return osp.join(save_dir or runner.log_dir, 'vis_data')


def _checkpoint_folder(runner) -> str:
    for hook in runner.hooks:
        if isinstance(hook, CheckpointHook):
            return getattr(hook, 'out_dir', runner.work_dir)
    return runner.work_dir


def run_outputs(runner, stage: str) -> List[Tuple[str, str]]:
    """(what, path) of each output of a finished run that exists.

    Args:
        runner: The runner after ``train()`` or ``test()``.
        stage: ``'train'`` or ``'test'``.
    """
    vis_data = _vis_data(runner)
    log_dir, stamp = runner.log_dir, runner.timestamp
    outputs = [('log', osp.join(log_dir, f'{stamp}.log'))]
    if stage == 'train':
        outputs.insert(0, ('checkpoints', _checkpoint_folder(runner)))
        outputs.append(('scalars', osp.join(vis_data, 'scalars.json')))
    else:
        outputs.append(('metrics', osp.join(log_dir, f'{stamp}.json')))
        evaluator = runner.cfg.get('test_evaluator', {})
        if isinstance(evaluator, dict) and evaluator.get('output_dir'):
            outputs.append(('predictions', evaluator['output_dir']))
    outputs.append(('painted images', osp.join(vis_data, 'vis_image')))
    return [(what, path) for what, path in outputs if osp.exists(path)]


def describe_outputs(runner, stage: str) -> None:
    """Log :func:`run_outputs`, one line each (rank 0 only)."""
    if runner.rank != 0:
        return
    lines = [
        f'  {what + ":":<16}{path}'
        for what, path in run_outputs(runner, stage)
    ]
    print_log('Outputs of this run:\n' + '\n'.join(lines), logger='current')
