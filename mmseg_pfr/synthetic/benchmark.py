"""The synthetic benchmark's runs: any config as a row, several seeds,
every finished run written to a results file.

The protocol (docs/synthetic_benchmark.md) mirrors the paper's training:
per seed, a source-pretrained network (the *warm start*, the stand-in for
an ImageNet/COCO-pretrained one) is trained once, and every row that names
it fine-tunes that same network. Each run trains its config with
``tools/train.py`` (its own process, as a user runs it), then scores the
final checkpoint with ``tools/test.py`` on the target val split (what
adaptation is for) and the source val split (what a method gives up on the
domain it was trained on), through :class:`PerImageIoUMetric` so that the
per-image areas are kept for the bootstrap. The run's record goes to the
results folder (:mod:`.results`); a run whose record exists is not trained
again, so an interrupted table, or one shared by several machines,
completes from its files.

Runs compute on one CPU thread each (``--device cpu``), so that their
numbers do not depend on how many share the machine, or on a GPU
(``--device cuda``), where many runs of the tiny networks share one card.
"""

import datetime
import glob
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch

from .results import (
    FORMAT,
    ResultsFileError,
    config_digest,
    domain_scores,
    git_commit,
    read_record,
    record_path,
    with_areas,
    write_record,
)
from .rows import Row, Spec

DOMAINS = ('target', 'source')
# One CPU thread per run: its numbers do not depend on --jobs.
THREADS = dict(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')


class BenchmarkError(RuntimeError):
    """A benchmark that cannot run, with the reason."""


@dataclass
class Setup:
    """Where and how the runs of a table happen.

    Attributes:
        results_dir: Results files (kept in the repository).
        work_dir: Work dirs of the runs (checkpoints, logs).
        root: The repository whose ``tools/`` train and test.
        device: 'cpu' or 'cuda'.
        cfg_options: ``--cfg-options`` for every run (part of each run's
            identity: a record made with other options is not reused).
    """

    results_dir: str
    work_dir: str
    root: str
    device: str = 'cpu'
    cfg_options: List[str] = field(default_factory=list)

    def env(self) -> Dict[str, str]:
        """The environment of every run: one thread; no GPU on 'cpu'."""
        env = {**os.environ, **THREADS}
        if self.device == 'cpu':
            env['CUDA_VISIBLE_DEVICES'] = ''
        return env


def check_device(device: str) -> str:
    """A description of ``device`` for the records; an error if CUDA is
    asked for and absent."""
    if device == 'cpu':
        return f'cpu ({platform.machine()}, 1 thread per run)'
    if device != 'cuda':
        raise BenchmarkError(f"device is 'cpu' or 'cuda', got {device!r}")
    if not torch.cuda.is_available():
        raise BenchmarkError('--device cuda, but torch sees no CUDA device')
    return f'cuda ({torch.cuda.get_device_name(0)})'


@dataclass
class Timing:
    """Seconds a run took: wall clock, and CPU time of its process (what
    it costs whatever else shares the machine)."""

    wall: float = 0.0
    cpu: float = 0.0

    def __add__(self, other: 'Timing') -> 'Timing':
        return Timing(self.wall + other.wall, self.cpu + other.cpu)


def run_command(
    args: Sequence[str], log_path: str, env: Optional[dict] = None
) -> Timing:
    """Run a tool with this Python, output into ``log_path``."""
    start = time.perf_counter()
    with open(log_path, 'w') as log:
        process = subprocess.Popen(
            [sys.executable, *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env if env is not None else {**os.environ, **THREADS},
        )
        # wait4: this child's own CPU time, not that of runs beside it.
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BenchmarkError(f'{" ".join(args)} failed; see {log_path}')
    cpu = usage.ru_utime + usage.ru_stime
    return Timing(time.perf_counter() - start, cpu)


def last_metrics(json_log: str) -> Dict[str, float]:
    """The last evaluation record (the one with ``mIoU``) of a json log."""
    with open(json_log) as f:
        records = [json.loads(line) for line in f if line.strip()]
    evaluations = [r for r in records if 'mIoU' in r]
    if not evaluations:
        raise ValueError(f'{json_log} holds no evaluation')
    return evaluations[-1]


def newest(work_dir: str, suffix: str) -> str:
    """The newest file ending in ``suffix`` in a work dir's timestamp dirs."""
    found = sorted(glob.glob(osp.join(work_dir, '*', f'*{suffix}')))
    if not found:
        raise FileNotFoundError(f'no *{suffix} under {work_dir}')
    return found[-1]


def final_checkpoint(work_dir: str) -> str:
    """The checkpoint a finished run names in ``work_dir/last_checkpoint``."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def weights_only(checkpoint: str, out: str) -> str:
    """Save the weights and metadata of ``checkpoint`` (no optimizer or
    message-hub state: what fine-tuning loads) to ``out``."""
    state = torch.load(checkpoint, map_location='cpu', weights_only=False)
    meta = {k: state['meta'][k] for k in ('dataset_meta', 'seed', 'iter')}
    torch.save(dict(state_dict=state['state_dict'], meta=meta), out)
    return out


def fitted_warm_start(checkpoint: str, config: str) -> str:
    """The warm start's weights keyed for ``config``'s model: a plain mmseg
    warm start fine-tuned by a UDA model gets its keys under
    ``segmentor.`` (the UDA model holds the plain segmentor there), a UDA
    warm start fine-tuned by a plain model keeps only its segmentor's
    weights, unprefixed. Writes the refitted file beside the original
    once; returns the file to load."""
    from mmengine.config import Config

    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    weights = state['state_dict']
    prefixed = any(k.startswith(SEGMENTOR) for k in weights)
    uda = bool(weights) and (
        Config.fromfile(config).model.get('type') == 'UDASegmentor'
    )
    if not weights or uda == prefixed:
        return checkpoint
    if uda:
        weights = {SEGMENTOR + k: v for k, v in weights.items()}
    else:
        weights = {
            k[len(SEGMENTOR) :]: v
            for k, v in weights.items()
            if k.startswith(SEGMENTOR)
        }
    out = osp.splitext(checkpoint)[0] + ('_uda.pth' if uda else '_plain.pth')
    if not osp.exists(out):
        torch.save({**state, 'state_dict': weights}, out)
    return out


SEGMENTOR = 'segmentor.'


def train(
    config: str,
    seed: int,
    work_dir: str,
    setup: Setup,
    load_from: Optional[str] = None,
) -> Timing:
    """Train ``config`` with ``seed`` into ``work_dir``."""
    options = [f'randomness.seed={seed}', *setup.cfg_options]
    if load_from is not None:
        options.append(f'load_from={load_from}')
    os.makedirs(work_dir, exist_ok=True)
    args = [osp.join(setup.root, 'tools', 'train.py'), config]
    args += ['--work-dir', work_dir, '--cfg-options', *options]
    return run_command(args, work_dir + '.train.log', setup.env())


def score(
    config: str, checkpoint: str, work_dir: str, setup: Setup
) -> Tuple[Dict[str, dict], Timing]:
    """Target and source val scores of a checkpoint (the target's with
    its per-image areas), and the time scoring took."""
    scores, timing = {}, Timing()
    for domain in DOMAINS:
        test_dir = osp.join(work_dir, f'test_{domain}')
        areas_file = osp.join(test_dir, 'per_image.json')
        options = [
            f'test_dataloader.dataset.domain={domain}',
            'test_evaluator.type=PerImageIoUMetric',
            f'test_evaluator.per_image_out={areas_file}',
            *setup.cfg_options,
        ]
        args = [osp.join(setup.root, 'tools', 'test.py'), config, checkpoint]
        args += ['--work-dir', test_dir, '--cfg-options', *options]
        timing += run_command(args, test_dir + '.log', setup.env())
        with open(areas_file) as f:
            per_image = json.load(f)
        logged = last_metrics(newest(test_dir, '.json'))['mIoU']
        scores[domain] = domain_scores(per_image, logged)
        if domain == 'target':
            scores[domain] = with_areas(scores[domain], per_image)
    return scores, timing


def relative(path: str, root: str) -> str:
    """``path`` relative to ``root`` when inside it, else absolute."""
    path = osp.abspath(path)
    inside = osp.commonpath([path, osp.abspath(root)]) == osp.abspath(root)
    return osp.relpath(path, root) if inside else path


def run_and_record(
    name: str,
    config: str,
    seed: int,
    setup: Setup,
    warm_start: Optional[str] = None,
    load_from: Optional[str] = None,
    device: str = '',
) -> dict:
    """Train and score one run and write its record; the record."""
    work_dir = run_dir(setup, config, seed)
    training = train(config, seed, work_dir, setup, load_from)
    scores, scoring = score(
        config, final_checkpoint(work_dir), work_dir, setup
    )
    record = dict(
        format=FORMAT,
        name=name,
        config=relative(config, setup.root),
        config_sha256=config_digest(config),
        warm_start=None
        if warm_start is None
        else relative(warm_start, setup.root),
        seed=seed,
        cfg_options=list(setup.cfg_options),
        commit=git_commit(setup.root),
        device=device,
        train_seconds=round(training.wall, 1),
        train_cpu_seconds=round(training.cpu, 1),
        test_seconds=round(scoring.wall, 1),
        test_cpu_seconds=round(scoring.cpu, 1),
        finished=datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec='seconds'
        ),
        scores=scores,
    )
    write_record(record_path(setup.results_dir, config, seed), record)
    return record


def run_dir(setup: Setup, config: str, seed: int) -> str:
    stem = osp.splitext(osp.basename(config))[0]
    return osp.join(setup.work_dir, stem, f'seed{seed}')


def existing(
    config: str, seed: int, setup: Setup, warm_start: Optional[str]
) -> Optional[dict]:
    """The record of this run if one exists; an error if the record is of
    another run (other warm start or options) under the same name."""
    path = record_path(setup.results_dir, config, seed)
    if not osp.exists(path):
        return None
    record = read_record(path)
    want = None if warm_start is None else relative(warm_start, setup.root)
    if record.get('warm_start') != want:
        raise ResultsFileError(
            f'{path} fine-tuned {record.get("warm_start")}, this row '
            f'{want}: move it away or use another --results folder'
        )
    if record.get('cfg_options', []) != list(setup.cfg_options):
        raise ResultsFileError(
            f'{path} was made with --cfg-options '
            f'{record.get("cfg_options")}, not {setup.cfg_options}'
        )
    return record


Runner = Callable[..., dict]


def run_table(
    spec: Spec,
    seeds: Sequence[int],
    setup: Setup,
    jobs: int = 1,
    warm_starts_only: bool = False,
    runner: Runner = run_and_record,
    log: Callable[[str], None] = print,
) -> List[dict]:
    """Train whatever runs of the table lack a record (warm starts first,
    ``jobs`` at a time) and return every record of the table: warm starts,
    then rows, seed by seed."""
    device = check_device(setup.device)
    rows = [] if warm_starts_only else spec.rows
    todo = {
        (row.name, seed)
        for row in rows
        for seed in seeds
        if existing(row.config, seed, setup, spec.warm_starts.get(
            row.warm_start)) is None
    }  # fmt: skip
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        warm: Dict[tuple, Future] = {}
        for seed in seeds:
            for name in _warm_starts_used(spec, rows):
                needed = any(
                    (row.name, seed) in todo
                    for row in rows
                    if row.warm_start == name
                )
                job = (name, spec.warm_starts[name], seed, needed)
                warm[name, seed] = pool.submit(
                    _warm_start, *job, setup, device, runner, log
                )
        done = [
            pool.submit(
                _fine_tune, row, seed, spec, setup, device, runner, warm, log
            )  # fmt: skip
            for seed in seeds
            for row in rows
        ]
        records = [f.result() for f in (*warm.values(), *done)]
    return records


def _warm_starts_used(spec: Spec, rows: Sequence[Row]) -> List[str]:
    used = {row.warm_start for row in rows} if rows else set(spec.warm_starts)
    return [name for name in spec.warm_starts if name in used]


def _warm_start(
    name: str,
    config: str,
    seed: int,
    needed: bool,
    setup: Setup,
    device: str,
    runner: Runner,
    log,
) -> dict:
    """The warm start's record, and its weights-only checkpoint when a row
    still has to fine-tune it (trained again if its record came from
    another machine without the checkpoint)."""
    record = existing(config, seed, setup, None)
    out = osp.join(run_dir(setup, config, seed), 'warm_start.pth')
    if record is None or (needed and not osp.exists(out)):
        # A retrained warm start replaces the record: the rows fine-tune it.
        record = runner(name, config, seed, setup, device=device)
        weights_only(final_checkpoint(run_dir(setup, config, seed)), out)
    log(f'{name} seed {seed}: {_summary(record)}')
    return {**record, 'checkpoint': out}


def _fine_tune(
    row: Row,
    seed: int,
    spec: Spec,
    setup: Setup,
    device: str,
    runner: Runner,
    warm: Dict[tuple, Future],
    log,
) -> dict:
    warm_config = spec.warm_starts.get(row.warm_start)
    record = existing(row.config, seed, setup, warm_config)
    if record is None:
        load_from = None
        if row.warm_start is not None:
            checkpoint = warm[row.warm_start, seed].result()['checkpoint']
            load_from = fitted_warm_start(checkpoint, row.config)
        record = runner(
            row.name, row.config, seed, setup, warm_start=warm_config,
            load_from=load_from, device=device,
        )  # fmt: skip
    else:
        _note_changed(row.config, record, log)
    log(f'{row.name} seed {seed}: {_summary(record)}')
    return record


def _note_changed(config: str, record: dict, log) -> None:
    """Say so when a reused record was made from a config that resolves
    to other settings now (a refactor of the config, or a real change)."""
    recorded = record.get('config_sha256')
    if recorded and recorded != config_digest(config):
        log(
            f'note: {record.get("path", config)} (seed {record["seed"]}, '
            f'commit {record.get("commit")}) was made from a config that '
            'resolves to other settings now'
        )


def table_records(
    spec: Spec, seeds: Sequence[int], setup: Setup
) -> List[dict]:
    """The records the table has so far (nothing is trained)."""
    records = []
    for seed in seeds:
        for name, config in spec.warm_starts.items():
            found = existing(config, seed, setup, None)
            records += [found] if found else []
        for row in spec.rows:
            warm_config = spec.warm_starts.get(row.warm_start)
            found = existing(row.config, seed, setup, warm_config)
            records += [found] if found else []
    return records


def _summary(record: dict) -> str:
    scores = record['scores']
    return ', '.join(f'{d} val mIoU {scores[d]["mIoU"]:.2f}' for d in scores)
