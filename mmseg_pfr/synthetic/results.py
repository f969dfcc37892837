"""Results files: one JSON per finished run, kept in the repository, from
which every benchmark table is rebuilt.

A run is a config trained with a seed (fine-tuning a warm start or not)
and scored on the target and source val splits. Its file,
``<results>/<config stem>/seed<k>.json``, holds what identifies it (row
name, config, its resolved settings' digest, warm start, seed,
``--cfg-options`` and ``--max-iters``), the iterations it trained, where
and when it ran (commit, device, seconds) and its scores: mIoU and
per-class IoU per domain, plus the target val split's per-image
intersections and unions (for the bootstrap). Records made before
``--max-iters`` existed hold neither it nor the iterations: they trained
their config's own length. A table made on several machines, or after an
interrupted run, is completed from these files: a run whose file exists
is not trained again.
"""

import hashlib
import json
import os
import os.path as osp
import re
import subprocess
import threading
from typing import Dict, List, Optional

import numpy as np
from mmengine.config import Config

from .statistics import miou_of_sums

FORMAT = 1


class ResultsFileError(ValueError):
    """A results file that cannot be used, naming the file."""


def record_path(results_dir: str, config: str, seed: int) -> str:
    """Where the run of ``config`` with ``seed`` keeps its record."""
    stem = osp.splitext(osp.basename(config))[0]
    return osp.join(results_dir, stem, f'seed{seed}.json')


def write_record(path: str, record: dict) -> None:
    """Write a record atomically (a killed run leaves no partial file)."""
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    temporary = f'{path}.{os.getpid()}.tmp'
    with open(temporary, 'w') as f:
        f.write(compact_json(record))
    os.replace(temporary, path)


SPACE = re.compile(r'\s+')
NUMBER_LIST = re.compile(r'\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]')


def compact_json(record: dict) -> str:
    """Indented JSON with each list of numbers on one line (a record's
    per-image areas are thousands of numbers)."""
    text = json.dumps(record, indent=1)
    flat = NUMBER_LIST.sub(lambda m: '[' + SPACE.sub('', m[1]) + ']', text)
    return flat + '\n'


def read_record(path: str) -> dict:
    """A record, checked for the keys a table needs."""
    try:
        with open(path) as f:
            record = json.load(f)
    except (OSError, json.JSONDecodeError) as error:
        raise ResultsFileError(f'{path}: unreadable ({error})') from None
    needed = {'format', 'config', 'seed', 'scores'}
    if not isinstance(record, dict) or not needed <= set(record):
        raise ResultsFileError(f'{path}: not a benchmark results file')
    if record['format'] != FORMAT:
        raise ResultsFileError(
            f'{path}: format {record["format"]}, this code reads {FORMAT}'
        )
    return record


def domain_scores(per_image: dict, logged_miou: float) -> dict:
    """A domain's scores from a ``PerImageIoUMetric`` file: per-class IoU
    (%) from the summed areas, and the metric's own logged mIoU, which the
    areas must reproduce."""
    intersect = np.asarray(per_image['intersect'], dtype=np.int64)
    union = np.asarray(per_image['union'], dtype=np.int64)
    miou = float(miou_of_sums(intersect.sum(0), union.sum(0)))
    if abs(miou - logged_miou) > 0.01:
        raise ResultsFileError(
            f'the per-image areas give mIoU {miou:.3f}, the metric logged '
            f'{logged_miou:.3f}'
        )
    with np.errstate(invalid='ignore', divide='ignore'):
        iou = 100 * intersect.sum(0) / union.sum(0)
    scores = dict(
        mIoU=round(logged_miou, 2),
        IoU={
            c: None if np.isnan(v) else round(float(v), 2)
            for c, v in zip(per_image['classes'], iou)
        },
    )
    return scores


def with_areas(scores: dict, per_image: dict) -> dict:
    """The scores plus the per-image areas (for the bootstrap)."""
    keep = ('images', 'intersect', 'union')
    return {**scores, **{k: per_image[k] for k in keep if k in per_image}}


def areas(record: dict, domain: str = 'target') -> Optional[tuple]:
    """A record's per-image (intersect, union) arrays, or None."""
    scores = record['scores'].get(domain, {})
    if 'intersect' not in scores:
        return None
    return (
        np.asarray(scores['intersect'], dtype=np.int64),
        np.asarray(scores['union'], dtype=np.int64),
    )


def git_commit(root: str) -> str:
    """The commit of the code at ``root``, ``+dirty`` with local edits of
    tracked files, ``unknown`` outside git."""
    try:
        commit = _git(root, 'rev-parse', 'HEAD')
        dirty = _git(root, 'status', '--porcelain', '--untracked-files=no')
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'
    return commit + ('+dirty' if dirty else '')


def _git(root: str, *args: str) -> str:
    done = subprocess.run(
        ['git', '-C', root, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


# mmengine's Config.fromfile is not thread-safe: a base config named
# ``mmseg::...`` reloads pkg_resources, and a load beside it in another
# thread fails (TypeError: Expected str, Requirement, or Distribution).
_CONFIG_LOCK = threading.Lock()


def load_config(path: str) -> Config:
    """``Config.fromfile(path)``, one load at a time across threads."""
    with _CONFIG_LOCK:
        return Config.fromfile(path)


def settings_digest(cfg: Config) -> str:
    """SHA-256 of a loaded config's resolved settings (``load_from`` left
    out: the benchmark sets it per seed), to tell a changed config."""
    settings = cfg.to_dict()
    settings.pop('load_from', None)
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def collect(results_dir: str) -> List[dict]:
    """Every record under ``results_dir``, each with its ``path``."""
    records = []
    for folder, _, files in sorted(os.walk(results_dir)):
        for name in sorted(files):
            if name.startswith('seed') and name.endswith('.json'):
                path = osp.join(folder, name)
                records.append({**read_record(path), 'path': path})
    return records


def by_config_and_seed(records: List[dict]) -> Dict[tuple, dict]:
    """Records keyed by (config stem, seed)."""
    return {
        (osp.splitext(osp.basename(r['config']))[0], r['seed']): r
        for r in records
    }
