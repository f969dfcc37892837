"""Per-class IoU of any number of mmseg runs in one table (markdown and
CSV) and one chart, beside the rows the PFR paper publishes where they
apply.

    python tools/analysis/results_table.py RUN [RUN ...] [--classes 19|16|13]
        [--paper auto|yes|no] [--name NAME] [--out-md FILE] [--out-csv FILE]
        [--out-png FILE] [--force] [--baseline NAME] [--resamples 2000]

A RUN is a work dir (its newest log with a per-class table), a run's
``.log`` or ``.json``, a results file of the synthetic benchmark
(``benchmarks/synthetic/.../seed<k>.json``) or a folder of them (a
config's seeds, ``benchmarks/synthetic/v3/<config stem>/``); ``NAME=RUN``
names its row, which is otherwise the run's work dir's name, or a results
file's row name (``--name`` names a single RUN). Each results file is a
row of the per-class table (``NAME seed k``); together, the results
files of each name are one row of the benchmark tool's own comparison,
computed by the same code (mmseg_pfr/synthetic/report.py): target and
source val mIoU, mean ± sd over seeds, and each row's paired gain over
its baseline (``--baseline NAME``, by default the first row on the same
warm start, as in the benchmark) with its 95 % t-interval over seeds,
its per-seed 95 % bootstrap over val images (``--resamples``) and its
verdict. The published rows (PFR, AdaptSegNet, CLAN: GTA5 -> Cityscapes,
19 classes) appear, labelled as the paper's, when every run is a GTA5 or
SYNTHIA -> Cityscapes run (its logged config trains on GTA5 or SYNTHIA and
evaluates on Cityscapes), or with ``--paper yes``. Files are never
overwritten silently: an existing output is an error unless ``--force``.

mmseg 1.x's ``IoUMetric`` prints per-class IoU only into the run's text log
(``<work_dir>/<timestamp>/<timestamp>.log``, a table after "per class
results:", then a line with ``mIoU: ...``). The run's json files hold the
summary alone: ``<timestamp>.json`` after tools/test.py,
``vis_data/<timestamp>.json`` and ``vis_data/scalars.json`` (a line per
logged step) after tools/train.py. Given a log, the table shows its last
evaluation. Given a json, its last record with an mIoU, and the per-class
values of the evaluation with that mIoU in the log of the same run.

Where a run logged the mIoU of each condition (``mIoU_fog``, ``mIoU_night``,
... from ``ConditionIoUMetric``, the ACDC configs' metric), the table and
the CSV have a column per condition after the mIoU, empty for rows without
it (the paper's among them).
"""

import argparse
import csv
import io
import json
import math
import os
import re
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from paper_results import CLASS_SETS, PAPER_ROWS, SHORT_NAMES

TABLE_START = 'per class results:'
MIOU = re.compile(r'(?:^|[\s/])mIoU: ')
PAIR = re.compile(r'([\w/]+): (\S+)')  # 'mIoU: 34.2000', 'val/mIoU: ...'
CONDITION = re.compile(r'mIoU_\w+')  # ConditionIoUMetric's 'mIoU_fog', ...


class ResultsError(ValueError):
    """The input holds no evaluation the table can be made from."""


@dataclass
class Evaluation:
    """One per-class table of a log.

    Attributes:
        iou: Class name -> IoU (%) as logged (nan where undefined).
        summary: The metrics on the line after the table (``mIoU``,
            ``mIoU16``/``mIoU13`` from the SYNTHIA configs' metric,
            ``mIoU_<condition>`` from the ACDC configs').
        where: The log and the line of its table, for the caption.
    """

    iou: Dict[str, float]
    summary: Dict[str, float]
    where: str


# Name, per-class IoU, mIoU, and the mIoU of each condition column.
Row = Tuple[str, List[float], float, List[float]]


def read_log(path: Path) -> List[Evaluation]:
    """Every per-class table ``IoUMetric`` printed into a log, in order."""
    lines = [s.rstrip() for s in path.read_text(errors='replace').splitlines()]
    starts = [i for i, line in enumerate(lines) if line.endswith(TABLE_START)]
    if not starts:
        raise ResultsError(
            f'{path} has no per-class table ("{TABLE_START}"): mmseg '
            "prints one into the run's .log after each evaluation"
        )
    ends = starts[1:] + [len(lines)]
    return [
        _read_table(lines[start:end], f'{path}, line {start + 1}')
        for start, end in zip(starts, ends)
    ]


def _read_table(lines: List[str], where: str) -> Evaluation:
    """The table after ``lines[0]`` and the mIoU logged after it."""
    first = next((i for i, s in enumerate(lines) if s.startswith('+')), None)
    if first is None:
        raise ResultsError(f'{where}: "{TABLE_START}" but no table')
    rows, end = [], first
    while end < len(lines) and lines[end][:1] in ('+', '|'):
        if lines[end].startswith('|'):
            rows.append([cell.strip() for cell in lines[end].split('|')[1:-1]])
        end += 1
    header = rows[0] if rows else []
    if 'Class' not in header or 'IoU' not in header:
        raise ResultsError(f'{where}: table without Class and IoU columns')
    name, iou = header.index('Class'), header.index('IoU')
    try:
        values = {row[name]: float(row[iou]) for row in rows[1:]}
    except (IndexError, ValueError) as error:
        message = f'{where}: unreadable table row ({error})'
        raise ResultsError(message) from None
    line = next((s for s in lines[end:] if MIOU.search(s)), '')
    return Evaluation(values, _numbers(line), where)


def _numbers(line: str) -> Dict[str, float]:
    """The ``key: number`` pairs of a log line, keys without prefix."""
    numbers = {}
    for key, value in PAIR.findall(line):
        try:
            numbers[key.rsplit('/', 1)[-1]] = float(value)
        except ValueError:
            continue
    return numbers


def read_json(path: Path) -> Tuple[float, Path]:
    """The mIoU of the last record with one, and the log of the run."""
    text = path.read_text()
    try:
        records = [json.loads(text)]
    except json.JSONDecodeError:
        try:  # mmengine's scalars: one JSON object per line
            records = [json.loads(s) for s in text.splitlines() if s.strip()]
        except json.JSONDecodeError as error:
            raise ResultsError(
                f'{path} is neither JSON nor JSON lines: {error}'
            ) from None
    mious = [
        value
        for record in records
        if isinstance(record, dict)
        for key, value in record.items()
        if (key == 'mIoU' or key.endswith('/mIoU'))
        and isinstance(value, (int, float))
    ]
    if not mious:
        raise ResultsError(f'{path} has no mIoU: not an mmseg evaluation')
    return float(mious[-1]), run_log(path)


def run_log(json_path: Path) -> Path:
    """The text log beside a json of the same mmengine run."""
    run_dir = json_path.parent
    if run_dir.name == 'vis_data':
        run_dir = run_dir.parent
    logs = sorted(run_dir.glob('*.log'))
    same = run_dir / f'{json_path.stem}.log'
    if same in logs:
        return same
    if len(logs) == 1:
        return logs[0]
    raise ResultsError(
        f'{json_path} holds no per-class IoU (mmseg logs it only in the '
        f"run's .log), and {run_dir} has {len(logs)} .log files: pass the log"
    )


def load_evaluation(path: Path) -> Evaluation:
    """The evaluation a log or an mmengine json of a run names."""
    if not path.is_file():
        raise ResultsError(f'{path} is not a file')
    if path.suffix != '.json':
        return read_log(path)[-1]
    miou, log = read_json(path)
    found = [e for e in read_log(log) if 'mIoU' in e.summary]
    # The json stores the metric as float32 (34.2 -> 34.20000076).
    same = [e for e in found if abs(e.summary['mIoU'] - miou) < 5e-3]
    if not same:
        raise ResultsError(
            f'No per-class table in {log} has the mIoU of {path} '
            f'({miou:.2f}); its tables have '
            f'{[e.summary["mIoU"] for e in found]}'
        )
    return same[-1]


def our_row(
    name: str,
    evaluation: Evaluation,
    classes: Sequence[str],
    conditions: Sequence[str],
) -> Row:
    """The evaluation's IoU of ``classes``, and their mIoU: the metric's own
    if it logged one (``mIoU`` when they are all it evaluated, ``mIoU16``
    or ``mIoU13`` for a subset), else the mean over them (nan skipped, as
    mmseg does); then its ``conditions`` mIoUs (nan where not logged)."""
    missing = [c for c in classes if c not in evaluation.iou]
    if missing:
        raise ResultsError(
            f'{evaluation.where}: the table lacks {missing}; it has '
            f'{list(evaluation.iou)}'
        )
    values = [evaluation.iou[c] for c in classes]
    every = set(classes) == set(evaluation.iou)
    key = 'mIoU' if every else f'mIoU{len(classes)}'
    by_condition = [evaluation.summary.get(c, math.nan) for c in conditions]
    if key in evaluation.summary:
        return name, values, evaluation.summary[key], by_condition
    valid = [v for v in values if not math.isnan(v)]
    miou = round(sum(valid) / len(valid), 2) if valid else math.nan
    return name, values, miou, by_condition


def paper_rows(classes: Sequence[str], conditions: Sequence[str]) -> List[Row]:
    """The published rows for this class set, in the paper's order (no
    condition columns: GTA5 -> Cityscapes)."""
    order = CLASS_SETS[19]
    return [
        (
            f'{method} (paper)',
            [ious[order.index(c)] for c in classes],
            miou,
            [math.nan] * len(conditions),
        )
        for method, (ious, miou) in PAPER_ROWS[len(classes)].items()
    ]


def header(classes: Sequence[str], conditions: Sequence[str]) -> List[str]:
    names = [SHORT_NAMES.get(c, c) for c in classes]
    return ['Method', *names, 'mIoU', *conditions]


def markdown(
    rows: List[Row],
    classes: Sequence[str],
    caption: str,
    conditions: Sequence[str],
) -> str:
    """Paper style: one decimal, '-' where IoU is undefined."""

    def cell(v: float) -> str:
        if math.isnan(v):
            return '-'
        # Half up from the logged digits, as tables are rounded by hand
        # (f'{46.15:.1f}' gives 46.1: the float is 46.1499...).
        return str(Decimal(str(v)).quantize(Decimal('0.1'), ROUND_HALF_UP))

    names = header(classes, conditions)
    lines = [
        '| ' + ' | '.join(names) + ' |',
        '| :-- |' + ' --: |' * (len(names) - 1),
    ]
    for name, values, miou, by_condition in rows:
        cells = [cell(v) for v in (*values, miou, *by_condition)]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + f'\n\n{caption}\n'


def to_csv(
    rows: List[Row], classes: Sequence[str], conditions: Sequence[str]
) -> str:
    """Numbers as logged or published; empty where IoU is undefined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(header(classes, conditions))
    for name, values, miou, by_condition in rows:
        numbers = (*values, miou, *by_condition)
        writer.writerow([name, *('' if math.isnan(v) else v for v in numbers)])
    return out.getvalue()


def is_real_uda(log: Path) -> bool:
    """Whether the config a log records trains on GTA5 or SYNTHIA and
    evaluates on Cityscapes (the protocols the paper's rows belong to)."""
    text = log.read_text(errors='replace')
    config = text.split(TABLE_START, 1)[0]
    return bool(SOURCE_DATA.search(config) and TARGET_DATA.search(config))


SOURCE_DATA = re.compile(
    r"GTADataset|SynthiaDataset|data_root='[^']*(gta|synthia)", re.I
)
TARGET_DATA = re.compile(r"CityscapesDataset|data_root='[^']*cityscapes", re.I)
TIMESTAMP = re.compile(r'\d{8}_\d{6}')


@dataclass
class Run:
    """A run's row: its name, evaluation and whether the paper's rows
    belong beside it; for a benchmark results file, also the row its
    seeds share and its record."""

    name: str
    evaluation: Evaluation
    real_uda: bool
    row: str = ''
    record: Optional[dict] = None


def work_dir_name(path: Path) -> str:
    """The work dir a log or json lies in: the first folder above it that
    is neither a timestamp folder nor ``vis_data``."""
    for folder in path.resolve().parents:
        if folder.name != 'vis_data' and not TIMESTAMP.fullmatch(folder.name):
            return folder.name
    return path.stem


def newest_log(work_dir: Path) -> Path:
    """The newest log of a work dir with a per-class table."""
    logs = sorted(work_dir.glob('*/*.log'), key=lambda p: p.parent.name)
    for log in reversed(logs):
        if TABLE_START in log.read_text(errors='replace'):
            return log
    raise ResultsError(
        f'{work_dir} has no log with a per-class table '
        f'("{TABLE_START}") in <timestamp>/*.log'
    )


RECORD_KEYS = {'config', 'seed', 'scores'}


def benchmark_run(path: Path, row: str = '') -> Optional[Run]:
    """A synthetic benchmark results file as a run (target val) of
    ``row`` (default: the row name it records), else None."""
    try:
        record = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or not RECORD_KEYS <= set(record):
        return None
    target = record['scores']['target']
    iou = {c: math.nan if v is None else v for c, v in target['IoU'].items()}
    row = row or record.get('name', path.parent.name)
    evaluation = Evaluation(iou, {'mIoU': target['mIoU']}, str(path))
    return Run(f'{row} seed {record["seed"]}', evaluation, False, row, record)


def benchmark_folder(folder: Path, row: str) -> List[Run]:
    """A folder of benchmark results files (``seed<k>.json``: a config's
    seeds) as runs of ``row``, in seed order."""
    runs = []
    for path in sorted(folder.glob('seed*.json')):
        run = benchmark_run(path, row)
        if run is None:
            raise ResultsError(f'{path} is not a benchmark results file')
        runs.append(run)
    return sorted(runs, key=lambda run: run.record['seed'])


def load_runs(argument: str, name: str = '') -> List[Run]:
    """A RUN argument (``[NAME=]PATH``; ``name``: ``--name``) as table
    rows: one, or a benchmark results folder's seeds."""
    given, sep, path_text = argument.partition('=')
    if not sep or Path(argument).exists():
        given, path_text = '', argument
    given = name or given
    path = Path(path_text)
    if path.is_dir() and any(path.glob('seed*.json')):
        return benchmark_folder(path, given)
    if path.is_dir():
        log = newest_log(path)
        run = Run(path.resolve().name, read_log(log)[-1], is_real_uda(log))
    else:
        run = benchmark_run(path, given) if path.suffix == '.json' else None
        if run is not None:
            return [run]
        evaluation = load_evaluation(path)
        log = Path(evaluation.where.rsplit(', line', 1)[0])
        run = Run(work_dir_name(path), evaluation, is_real_uda(log))
    return [Run(given or run.name, run.evaluation, run.real_uda)]


def benchmark_summary(
    runs: List[Run], baseline: Optional[str], resamples: int
) -> str:
    """The benchmark tool's scores and paired gains (means, intervals,
    verdicts) of the runs that are benchmark results files, one row per
    name; '' when there are none. ``mmseg_pfr.synthetic.report`` computes
    them for both tools (imported here only: the package loads mmseg)."""
    named = [(run.row, run.record) for run in runs if run.record is not None]
    if not named:
        if baseline is not None:
            raise ResultsError(
                '--baseline names a row of benchmark results files; no '
                'RUN is one'
            )
        return ''
    os.environ.setdefault('MMSEG_PFR_QUIET', '1')
    from mmseg_pfr.synthetic.report import ReportError, summary
    from mmseg_pfr.synthetic.rows import RowsError

    try:
        return summary(named, baseline, resamples)
    except (ReportError, RowsError) as error:
        raise ResultsError(str(error)) from None


def caption(classes: Sequence[str], runs: List[Run], paper: bool) -> str:
    if paper:
        note = (
            'Paper rows: the PFR paper, Table 1 (GTA5 -> Cityscapes, '
            'DeepLab-v2 ResNet-101), labelled (paper).'
        )
    elif PAPER_ROWS[len(classes)]:
        note = (
            'No paper rows: not every run is a GTA5 or SYNTHIA -> '
            'Cityscapes run (--paper yes shows them).'
        )
    else:
        note = (
            f'No paper rows: the {len(classes)}-class SYNTHIA -> Cityscapes '
            'numbers of PFR, AdaptSegNet and CLAN are not in this project.'
        )
    sources = '; '.join(f'{r.name}: {r.evaluation.where}' for r in runs)
    return f'Per-class IoU (%). {note} {sources}.'


def chart(rows: List[Row], classes: Sequence[str], path: Path) -> None:
    """Per-class IoU and mIoU, one series of markers per row."""
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    labels = [SHORT_NAMES.get(c, c) for c in classes] + ['mIoU']
    fig, ax = plt.subplots(figsize=(10, 4.2), dpi=110)
    for index, (name, values, miou, _) in enumerate(rows):
        style = '--' if name.endswith('(paper)') else '-'
        ax.plot(range(len(labels)), [*values, miou], style, marker='o',
                markersize=4, linewidth=0.8, label=name)  # fmt: skip
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=60, ha='right', fontsize=8)
    ax.set_ylabel('IoU (%)')
    ax.grid(axis='y', alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Per-class IoU of mmseg runs in one table and chart, '
        'beside the published PFR, AdaptSegNet and CLAN rows where they apply'
    )
    parser.add_argument(
        'runs',
        nargs='+',
        metavar='[NAME=]RUN',
        help='work dirs, .log/.json files or benchmark results files',
    )
    parser.add_argument(
        '--classes',
        type=int,
        choices=sorted(CLASS_SETS),
        default=19,
        help='19 (GTA5), 16 or 13 (SYNTHIA protocols)',
    )
    parser.add_argument(
        '--paper',
        choices=['auto', 'yes', 'no'],
        default='auto',
        help="the paper's rows: auto (beside GTA5/SYNTHIA -> Cityscapes "
        'runs only), yes or no',
    )
    parser.add_argument('--name', help='the row name of a single run')
    parser.add_argument('--out-md', type=Path, help='write markdown here')
    parser.add_argument('--out-csv', type=Path, help='write CSV here')
    parser.add_argument('--out-png', type=Path, help='write the chart here')
    parser.add_argument(
        '--force', action='store_true', help='overwrite existing outputs'
    )
    parser.add_argument(
        '--baseline',
        metavar='NAME',
        help='the row every other row of benchmark results files is '
        'measured against (default: the first row on the same warm start)',
    )
    parser.add_argument(
        '--resamples',
        type=int,
        default=2000,
        help="bootstrap resamples of the val images (the benchmark's 2000)",
    )
    return parser.parse_args()


def outputs(args: argparse.Namespace) -> List[Path]:
    """The files to write; an error if one exists and --force is off."""
    paths = [p for p in (args.out_md, args.out_csv, args.out_png) if p]
    existing = [str(p) for p in paths if p.exists()]
    if existing and not args.force:
        raise ResultsError(
            f'{", ".join(existing)} already exist; --force overwrites'
        )
    return paths


def condition_keys(runs: List[Run]) -> List[str]:
    """The per-condition mIoUs any run logged, in the order first logged."""
    keys = [k for run in runs for k in run.evaluation.summary]
    return list(dict.fromkeys(k for k in keys if CONDITION.fullmatch(k)))


def table_rows(args: argparse.Namespace, classes: Sequence[str]):
    """The runs, the rows (paper rows first if shown), whether the paper
    rows are shown, and the condition columns."""
    if args.name and len(args.runs) > 1:
        raise ResultsError('--name names a single run; use NAME=RUN')
    runs = [run for argument in args.runs
            for run in load_runs(argument, args.name or '')]  # fmt: skip
    names = [r.name for r in runs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ResultsError(f'two runs named {twice}: name them NAME=RUN')
    paper = args.paper == 'yes' or (
        args.paper == 'auto' and all(r.real_uda for r in runs)
    )
    conditions = condition_keys(runs)
    rows = paper_rows(classes, conditions) if paper else []
    rows += [our_row(r.name, r.evaluation, classes, conditions) for r in runs]
    return runs, rows, paper, conditions


def main() -> None:
    args = parse_args()
    classes = CLASS_SETS[args.classes]
    try:
        paths = outputs(args)
        runs, rows, paper, conditions = table_rows(args, classes)
        compared = benchmark_summary(runs, args.baseline, args.resamples)
    except ResultsError as error:
        sys.exit(f'error: {error}')
    text = markdown(rows, classes, caption(classes, runs, paper), conditions)
    text += '\n' + compared if compared else ''
    print(text, end='')
    if args.out_md:
        args.out_md.write_text(text)
    if args.out_csv:
        args.out_csv.write_text(to_csv(rows, classes, conditions))
    if args.out_png:
        chart(rows, classes, args.out_png)
    if paths:
        print('wrote ' + ', '.join(map(str, paths)))


if __name__ == '__main__':
    main()
