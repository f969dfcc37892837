"""Which checkpoint ``--resume`` starts from, after a kill or a bad file.

mmengine's auto-resume reads ``<work_dir>/last_checkpoint`` and loads the
file it names, whatever state it is in: a file truncated by a kill or a
failed copy stops the run with torch's error, a name whose file was removed
or never written does the same, and a work dir without checkpoints prints
``Auto resumed from the latest checkpoint None.`` and trains from scratch.
Here the tools choose the file themselves, before the runner is built:
``last_checkpoint`` (written by mmengine without a rename, so a kill can
leave it empty) is a hint, the numbered checkpoints ``iter_N.pth`` /
``epoch_N.pth`` beside it are the fallbacks, newest first, and each is
loaded once to check it is whole. Checkpoint files themselves are written
atomically (``mmseg_pfr.compat.atomic_files``), so after a kill the newest
complete one is always there.
"""

import logging
import os
import os.path as osp
import re
from typing import List, Optional, Tuple

from mmengine.logging import print_log

from ..compat.checkpoint import UnreadableCheckpointError, load_from_local

NUMBERED = re.compile(r'^(?:iter|epoch)_(\d+)\.pth$')


def _number(path: str) -> Optional[int]:
    match = NUMBERED.match(osp.basename(path))
    return int(match.group(1)) if match else None


def numbered_checkpoints(folder: str) -> List[str]:
    """``iter_N.pth``/``epoch_N.pth`` in ``folder``, newest (largest N)
    first."""
    if not osp.isdir(folder):
        return []
    paths = [osp.join(folder, n) for n in os.listdir(folder)]
    paths = [p for p in paths if _number(p) is not None and osp.isfile(p)]
    return sorted(paths, key=_number, reverse=True)


def _last_checkpoint(work_dir: str) -> Optional[str]:
    """The file ``<work_dir>/last_checkpoint`` names, if it names one."""
    record = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(record):
        return None
    with open(record) as file:
        return file.read().strip() or None


class ResumeFolderError(ValueError):
    """``--resume`` without a path on a work dir that is not this
    config's, or whose ``last_checkpoint`` points elsewhere."""


def check_resume_folder(work_dir: str, config_path: str) -> None:
    """Refuse to auto-resume a work dir written by another config (the
    runner dumps the config it ran into its work dir) or whose
    ``last_checkpoint`` names a file in another folder (a work dir copied
    or moved: resuming would continue the other run)."""
    if not osp.isdir(work_dir):
        return
    mine = osp.basename(config_path)
    dumped = sorted(n for n in os.listdir(work_dir) if n.endswith('.py'))
    if dumped and mine not in dumped:
        raise ResumeFolderError(
            f'--resume: {work_dir} was written by config {dumped[0]}, not '
            f'{mine}; resume that run with its config, or train this one '
            'in another folder (--work-dir)'
        )
    last = _last_checkpoint(work_dir)
    if last and osp.realpath(osp.dirname(last)) != osp.realpath(work_dir):
        raise ResumeFolderError(
            f'--resume: {work_dir}/last_checkpoint names {last}, outside '
            f'{work_dir} (a copied or moved work dir?); resume from a file '
            'explicitly with --resume CHECKPOINT'
        )


def _candidates(work_dir: str, requested: str) -> List[str]:
    """The files to try, in order: the requested (or latest) one, then the
    numbered checkpoints before it in its folder."""
    auto = requested == 'auto'
    first = _last_checkpoint(work_dir) if auto else requested
    if first is None:
        return numbered_checkpoints(work_dir)
    limit = _number(first)
    if limit is None and not auto:
        return [first]  # a file of the user's naming has no "previous"
    older = [
        p
        for p in numbered_checkpoints(osp.dirname(first))
        if p != first and (limit is None or _number(p) < limit)
    ]
    return [first, *older]


def _problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be resumed from, or None if it can."""
    if not osp.isfile(path):
        return f'{path} does not exist'
    try:
        load_from_local(path, map_location='cpu')
    except UnreadableCheckpointError as error:
        return str(error).rstrip('.')
    return None


def choose_resume_checkpoint(
    work_dir: str, requested: str = 'auto'
) -> Optional[str]:
    """The newest whole checkpoint to resume from.

    Args:
        work_dir: The run's work dir.
        requested: ``'auto'`` (``--resume`` without a value: the latest
            checkpoint of ``work_dir``) or a checkpoint path.

    Returns:
        A checkpoint path, or None when ``requested`` is ``'auto'`` and the
        work dir holds no checkpoint (training starts from iteration 0;
        said in the log).

    Raises:
        FileNotFoundError: A requested path that does not exist.
        UnreadableCheckpointError: No candidate is readable.
    """
    if requested != 'auto' and not osp.isfile(requested):
        raise FileNotFoundError(f'--resume {requested}: no such file')
    candidates = _candidates(work_dir, requested)
    if not candidates:
        print_log(
            f'--resume: no checkpoint found in {work_dir} (no '
            'last_checkpoint, no iter_N.pth): training starts from '
            'iteration 0.',
            logger='current',
        )
        return None
    problems: List[Tuple[str, str]] = []
    for path in candidates:
        problem = _problem(path)
        if problem is None:
            _report(problems, path)
            return path
        problems.append((path, problem))
    raise UnreadableCheckpointError(
        'no readable checkpoint to resume from: '
        + '; '.join(problem for _, problem in problems)
        + '. Train without --resume to start again from iteration 0.'
    )


def _report(problems: List[Tuple[str, str]], chosen: str) -> None:
    for _, problem in problems:
        print_log(
            f'--resume: {problem}; resuming from the previous checkpoint, '
            f'{chosen}, instead.',
            logger='current',
            level=logging.WARNING,
        )
