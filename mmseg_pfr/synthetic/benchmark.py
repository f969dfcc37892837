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

Whatever can be checked is checked before the first run trains: every
config is read once (:class:`Plan`: its val set, its iterations after
``--cfg-options`` and ``--max-iters``, its digest), the table's configs
must be scored on one val set and each row must train on its baseline's
protocol (warm start, iterations), and the records there are must be of
these runs. A run that fails does not stop the others; a run whose
training finished but whose scoring failed keeps its training
(``trained.json`` in its work dir) and is scored, not trained, when the
table is run again.

Runs compute on one CPU thread each (``--device cpu``), so that their
numbers do not depend on how many share the machine, or on a GPU
(``--device cuda``), where many runs of the tiny networks share one card.
"""

import argparse
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
from mmengine.config import DictAction

from ..apis.run_length import shorten_run
from .report import check_val_images, row_lines
from .results import (
    FORMAT,
    ResultsFileError,
    domain_scores,
    git_commit,
    load_config,
    read_record,
    record_path,
    settings_digest,
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
        max_iters: ``tools/train.py --max-iters`` for every run (every
            schedule compressed to end there); None: each config's own
            length. Part of each run's identity, as ``cfg_options``.
    """

    results_dir: str
    work_dir: str
    root: str
    device: str = 'cpu'
    cfg_options: List[str] = field(default_factory=list)
    max_iters: Optional[int] = None

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


def fitted_warm_start(checkpoint: str, uda: bool) -> str:
    """The warm start's weights keyed for the model that fine-tunes them
    (``uda``: a ``UDASegmentor``; :attr:`Plan.uda`): a plain mmseg warm
    start fine-tuned by a UDA model gets its keys under ``segmentor.``
    (the UDA model holds the plain segmentor there), a UDA warm start
    fine-tuned by a plain model keeps only its segmentor's weights,
    unprefixed. Writes the refitted file beside the original once;
    returns the file to load."""
    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    weights = state['state_dict']
    prefixed = any(k.startswith(SEGMENTOR) for k in weights)
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
    """Train ``config`` with ``seed`` into ``work_dir`` (``tools/train.py``
    with the setup's ``--max-iters`` and ``--cfg-options``)."""
    options = [f'randomness.seed={seed}', *setup.cfg_options]
    if load_from is not None:
        options.append(f'load_from={load_from}')
    os.makedirs(work_dir, exist_ok=True)
    args = [osp.join(setup.root, 'tools', 'train.py'), config]
    args += ['--work-dir', work_dir]
    if setup.max_iters is not None:
        args += ['--max-iters', str(setup.max_iters)]
    args += ['--cfg-options', *options]
    return run_command(args, work_dir + '.train.log', setup.env())


TRAINED = 'trained.json'


def finished_training(work_dir: str, identity: dict) -> Optional[Timing]:
    """The time of this run's training (``identity``: what a record of
    it holds to tell it, see :func:`run_and_record`) if it finished in
    ``work_dir`` before, else None."""
    marker = osp.join(work_dir, TRAINED)
    if not osp.exists(marker) or not osp.exists(
        osp.join(work_dir, 'last_checkpoint')
    ):
        return None
    with open(marker) as f:
        done = json.load(f)
    if {key: done.get(key) for key in identity} != identity:
        return None
    return Timing(done['train_seconds'], done['train_cpu_seconds'])


def train_once(
    config: str,
    seed: int,
    work_dir: str,
    setup: Setup,
    identity: dict,
    load_from: Optional[str] = None,
) -> Timing:
    """Train the run unless its training finished in ``work_dir`` before
    (:func:`finished_training`); the training's time. A finished training
    is marked (``trained.json``) before it is scored, so a run whose
    scoring failed is scored, not trained, when it is run again."""
    done = finished_training(work_dir, identity)
    if done is not None:
        return done
    marker = osp.join(work_dir, TRAINED)
    if osp.exists(marker):
        os.remove(marker)  # another run's: this one replaces its training
    timing = train(config, seed, work_dir, setup, load_from)
    write_record(marker, {**identity, 'train_seconds': timing.wall,
                          'train_cpu_seconds': timing.cpu})  # fmt: skip
    return timing


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


@dataclass
class Plan:
    """What the runs of one config will be, read from it before any run
    trains (in the main thread).

    Attributes:
        digest: Its resolved settings' digest, as written (without the
            benchmark's options; :func:`.results.settings_digest`).
        iterations: The iterations each run trains: ``train_cfg.max_iters``
            after ``--cfg-options`` and ``--max-iters`` (None: its loop
            does not count iterations).
        val_set: Its ``test_dataloader.dataset`` but ``domain`` (which
            scoring sets): the val split its runs are scored on.
        uda: Whether its model is a ``UDASegmentor``.
    """

    digest: str
    iterations: Optional[int]
    val_set: dict
    uda: bool


def options_dict(options: Sequence[str]) -> dict:
    """``--cfg-options`` as ``tools/train.py`` reads them (mmengine's
    ``DictAction``); an error naming one that is not ``KEY=VALUE``."""
    malformed = [option for option in options if '=' not in option]
    if malformed:
        raise BenchmarkError(
            f'--cfg-options {malformed[0]!r}: expected KEY=VALUE'
        )
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parsed = parser.parse_args(['--cfg-options', *options] if options else [])
    return parsed.cfg_options or {}


def plan(config: str, setup: Setup) -> Plan:
    """The :class:`Plan` of ``config``'s runs under ``setup``; an error if
    its ``--cfg-options`` or ``--max-iters`` do not fit it, or it has no
    val split to score on."""
    cfg = load_config(config)
    digest = settings_digest(cfg)
    try:
        cfg.merge_from_dict(options_dict(setup.cfg_options))
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise BenchmarkError(
            f'--cfg-options do not fit {config}: {error}'
        ) from None
    train_cfg = cfg.get('train_cfg') or {}
    if setup.max_iters is not None:
        if 'max_iters' not in train_cfg:
            raise BenchmarkError(
                f'--max-iters: {config} sets no train_cfg.max_iters (its '
                'loop does not count iterations)'
            )
        shorten_run(cfg, setup.max_iters)
    dataset = (cfg.get('test_dataloader') or {}).get('dataset')
    if dataset is None:
        raise BenchmarkError(
            f'{config} has no test_dataloader.dataset: every run is scored '
            'on it with tools/test.py'
        )
    val_set = {k: v for k, v in dataset.to_dict().items() if k != 'domain'}
    uda = (cfg.get('model') or {}).get('type') == 'UDASegmentor'
    return Plan(digest, train_cfg.get('max_iters'), val_set, uda)


def check_table(
    spec: Spec,
    warm_starts: Sequence[str],
    rows: Sequence[Row],
    plans: Dict[str, Plan],
) -> None:
    """An error unless the table's warm starts and rows are scored on one
    val set and each row trains on its baseline's protocol (the same warm
    start and number of iterations): their scores and gains would not
    compare."""
    named = [(f'warm start {name!r}', spec.warm_starts[name])
             for name in warm_starts]  # fmt: skip
    named += [(f'row {row.name!r}', row.config) for row in rows]
    for label, config in named[1:]:
        first, first_config = named[0]
        ours, theirs = plans[config].val_set, plans[first_config].val_set
        if ours != theirs:
            raise BenchmarkError(
                f'{label} is scored on another val set than {first} '
                f'(test_dataloader.dataset {_difference(ours, theirs)}): '
                'the rows of a table are compared on one val set'
            )
    by_name = {row.name: row for row in rows}
    for row in rows:
        baseline = by_name[row.baseline]
        if baseline is row:
            continue
        pair = f'row {row.name!r} and its baseline {baseline.name!r}'
        if row.warm_start != baseline.warm_start:
            raise BenchmarkError(
                f'{pair} fine-tune different warm starts ({row.warm_start!r}'
                f', {baseline.warm_start!r}): a paired gain compares runs '
                'of one protocol'
            )
        ours = plans[row.config].iterations
        theirs = plans[baseline.config].iterations
        if ours != theirs:
            raise BenchmarkError(
                f'{pair} train {ours} and {theirs} iterations: a paired '
                'gain compares runs of one protocol (--max-iters N trains '
                'every run N)'
            )


def _difference(ours: dict, theirs: dict) -> str:
    """The settings two dicts differ in, ``key: ours, not theirs``."""
    keys = sorted(k for k in ours.keys() | theirs.keys()
                  if ours.get(k) != theirs.get(k))  # fmt: skip
    return ', '.join(
        f'{key}: {ours.get(key)!r}, not {theirs.get(key)!r}' for key in keys
    )


def run_and_record(
    name: str,
    config: str,
    seed: int,
    setup: Setup,
    plan: Plan,
    warm_start: Optional[str] = None,
    load_from: Optional[str] = None,
    device: str = '',
) -> dict:
    """Train (:func:`train_once`) and score one run and write its record;
    the record."""
    work_dir = run_dir(setup, config, seed)
    identity = dict(
        config_sha256=plan.digest,
        warm_start=None
        if warm_start is None
        else relative(warm_start, setup.root),
        seed=seed,
        cfg_options=list(setup.cfg_options),
        max_iters=setup.max_iters,
    )
    training = train_once(config, seed, work_dir, setup, identity, load_from)
    scores, scoring = score(
        config, final_checkpoint(work_dir), work_dir, setup
    )
    record = dict(
        format=FORMAT,
        name=name,
        config=relative(config, setup.root),
        **identity,
        iterations=plan.iterations,
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


def _length(max_iters: Optional[int]) -> str:
    return (
        "each config's own length"
        if max_iters is None
        else f'--max-iters {max_iters}'
    )


def existing(
    config: str, seed: int, setup: Setup, warm_start: Optional[str]
) -> Optional[dict]:
    """The record of this run if one exists; an error if the record is of
    another run (other warm start, options or length) under the same
    name."""
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
    if record.get('max_iters') != setup.max_iters:
        raise ResultsFileError(
            f'{path} was made with {_length(record.get("max_iters"))}, not '
            f'{_length(setup.max_iters)}: move it away or use another '
            '--results folder'
        )
    return record


Runner = Callable[..., dict]


@dataclass
class _Table:
    """What the runs of one table share while they run: the records found
    before any trained, by (config, seed), and the warm starts' runs."""

    spec: Spec
    setup: Setup
    device: str
    runner: Runner
    log: Callable[[str], None]
    plans: Dict[str, Plan]
    found: Dict[Tuple[str, int], Optional[dict]]
    warm: Dict[Tuple[str, int], Future] = field(default_factory=dict)


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
    then rows, seed by seed. Before any run trains: the device, every
    config (:func:`plan`, :func:`check_table`) and the records there are
    (:func:`existing`, and on their baselines' val images) are checked.
    A failed run does not stop the others: once all have ended, an error
    names each failed run."""
    device = check_device(setup.device)
    rows = [] if warm_starts_only else spec.rows
    warm_starts = _warm_starts_used(spec, rows)
    configs = [spec.warm_starts[name] for name in warm_starts]
    configs += [row.config for row in rows]
    plans = {config: plan(config, setup) for config in configs}
    check_table(spec, warm_starts, rows, plans)
    found = _found(spec, warm_starts, rows, seeds, setup)
    check_val_images(row_lines(rows, [r for r in found.values() if r]))
    table = _Table(spec, setup, device, runner, log, plans, found)
    todo = {(row.name, seed) for row in rows for seed in seeds
            if found[row.config, seed] is None}  # fmt: skip
    runs: List[Tuple[str, Future]] = []
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        for seed in seeds:
            for name in warm_starts:
                needed = any((row.name, seed) in todo for row in rows
                             if row.warm_start == name)  # fmt: skip
                job = pool.submit(_warm_start, table, name, seed, needed)
                table.warm[name, seed] = job
                runs.append((f'{name} seed {seed}', job))
        for seed in seeds:
            for row in rows:
                job = pool.submit(_fine_tune, table, row, seed)
                runs.append((f'{row.name} seed {seed}', job))
    return _records(runs)


def _found(
    spec: Spec,
    warm_starts: Sequence[str],
    rows: Sequence[Row],
    seeds: Sequence[int],
    setup: Setup,
) -> Dict[Tuple[str, int], Optional[dict]]:
    """The record of every run of the table, None where there is none."""
    found = {}
    for seed in seeds:
        for name in warm_starts:
            config = spec.warm_starts[name]
            found[config, seed] = existing(config, seed, setup, None)
        for row in rows:
            warm_config = spec.warm_starts.get(row.warm_start)
            found[row.config, seed] = existing(
                row.config, seed, setup, warm_config
            )
    return found


def _records(runs: Sequence[Tuple[str, Future]]) -> List[dict]:
    """Every run's record, once all have ended; an error naming each run
    that failed (one that fails otherwise than a benchmark's failure, a
    bug, is raised as it is)."""
    failed = [(label, job.exception()) for label, job in runs
              if job.exception() is not None]  # fmt: skip
    for _, error in failed:
        if not isinstance(error, (BenchmarkError, ResultsFileError)):
            raise error
    if failed:
        raise BenchmarkError(
            f'{len(failed)} of {len(runs)} runs failed (every other run '
            'wrote its results file; a run that finished training is '
            'scored, not trained, when run again): '
            + '; '.join(f'{label}: {error}' for label, error in failed)
        )
    return [job.result() for _, job in runs]


def _warm_starts_used(spec: Spec, rows: Sequence[Row]) -> List[str]:
    used = {row.warm_start for row in rows} if rows else set(spec.warm_starts)
    return [name for name in spec.warm_starts if name in used]


def _warm_start(table: _Table, name: str, seed: int, needed: bool) -> dict:
    """The warm start's record, and its weights-only checkpoint when a row
    still has to fine-tune it (trained again if its record came from
    another machine without the checkpoint)."""
    config, setup = table.spec.warm_starts[name], table.setup
    record = table.found[config, seed]
    out = osp.join(run_dir(setup, config, seed), 'warm_start.pth')
    if record is None or (needed and not osp.exists(out)):
        # A retrained warm start replaces the record: the rows fine-tune it.
        record = table.runner(name, config, seed, setup, table.plans[config],
                              device=table.device)  # fmt: skip
        weights_only(final_checkpoint(run_dir(setup, config, seed)), out)
    table.log(f'{name} seed {seed}: {_summary(record)}')
    return {**record, 'checkpoint': out}


def _fine_tune(table: _Table, row: Row, seed: int) -> dict:
    """The row's record of ``seed``: found, or trained from its warm
    start's checkpoint once that has run."""
    plan = table.plans[row.config]
    record = table.found[row.config, seed]
    if record is None:
        load_from = None
        if row.warm_start is not None:
            checkpoint = _warm_checkpoint(table, row.warm_start, seed)
            load_from = fitted_warm_start(checkpoint, plan.uda)
        record = table.runner(
            row.name, row.config, seed, table.setup, plan,
            warm_start=table.spec.warm_starts.get(row.warm_start),
            load_from=load_from, device=table.device,
        )  # fmt: skip
    else:
        _note_changed(row.config, record, plan.digest, table.log)
    table.log(f'{row.name} seed {seed}: {_summary(record)}')
    return record


def _warm_checkpoint(table: _Table, name: str, seed: int) -> str:
    """The warm start's weights-only checkpoint once it has run; an error
    if it failed (the failure itself is its own run's)."""
    try:
        return table.warm[name, seed].result()['checkpoint']
    except Exception:
        raise BenchmarkError(f'its warm start {name!r} failed') from None


def _note_changed(config: str, record: dict, digest: str, log) -> None:
    """Say so when a reused record was made from a config that resolves
    to other settings now (``digest``: a refactor of the config, or a real
    change)."""
    recorded = record.get('config_sha256')
    if recorded and recorded != digest:
        log(
            f'note: {record.get("path", config)} (seed {record["seed"]}, '
            f'commit {record.get("commit")}) was made from a config that '
            'resolves to other settings now'
        )


def table_records(
    spec: Spec, seeds: Sequence[int], setup: Setup
) -> List[dict]:
    """The records the table has so far (nothing is trained)."""
    found = _found(spec, list(spec.warm_starts), spec.rows, seeds, setup)
    return [record for record in found.values() if record]


def _summary(record: dict) -> str:
    scores = record['scores']
    return ', '.join(f'{d} val mIoU {scores[d]["mIoU"]:.2f}' for d in scores)
