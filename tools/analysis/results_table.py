"""The paper-style per-class IoU table of one evaluation, beside the PFR,
AdaptSegNet and CLAN rows the PFR paper publishes; markdown and CSV.

    python tools/analysis/results_table.py EVAL_JSON_OR_LOG
        [--classes 19|16|13] [--name NAME] [--out-md FILE] [--out-csv FILE]

mmseg 1.x's ``IoUMetric`` prints per-class IoU only into the run's text log
(``<work_dir>/<timestamp>/<timestamp>.log``, a table after "per class
results:", then a line with ``mIoU: ...``). The run's json files hold the
summary alone: ``<timestamp>.json`` after tools/test.py,
``vis_data/<timestamp>.json`` and ``vis_data/scalars.json`` (a line per
logged step) after tools/train.py. Given a log, the table shows its last
evaluation. Given a json, its last record with an mIoU, and the per-class
values of the evaluation with that mIoU in the log of the same run.
"""

import argparse
import csv
import io
import json
import math
import re
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from paper_results import CLASS_SETS, PAPER_ROWS, SHORT_NAMES

TABLE_START = 'per class results:'
MIOU = re.compile(r'(?:^|[\s/])mIoU: ')
PAIR = re.compile(r'([\w/]+): (\S+)')  # 'mIoU: 34.2000', 'val/mIoU: ...'


class ResultsError(ValueError):
    """The input holds no evaluation the table can be made from."""


@dataclass
class Evaluation:
    """One per-class table of a log.

    Attributes:
        iou: Class name -> IoU (%) as logged (nan where undefined).
        summary: The metrics on the line after the table (``mIoU``, and
            ``mIoU16``/``mIoU13`` from the SYNTHIA configs' metric).
        where: The log and the line of its table, for the caption.
    """

    iou: Dict[str, float]
    summary: Dict[str, float]
    where: str


Row = Tuple[str, List[float], float]


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


def our_row(name: str, evaluation: Evaluation, classes: Sequence[str]) -> Row:
    """The evaluation's IoU of ``classes``, and their mIoU: the metric's own
    if it logged one (``mIoU`` when they are all it evaluated, ``mIoU16``
    or ``mIoU13`` for a subset), else the mean over them (nan skipped, as
    mmseg does)."""
    missing = [c for c in classes if c not in evaluation.iou]
    if missing:
        raise ResultsError(
            f'{evaluation.where}: the table lacks {missing}; it has '
            f'{list(evaluation.iou)}'
        )
    values = [evaluation.iou[c] for c in classes]
    every = set(classes) == set(evaluation.iou)
    key = 'mIoU' if every else f'mIoU{len(classes)}'
    if key in evaluation.summary:
        return name, values, evaluation.summary[key]
    valid = [v for v in values if not math.isnan(v)]
    miou = round(sum(valid) / len(valid), 2) if valid else math.nan
    return name, values, miou


def paper_rows(classes: Sequence[str]) -> List[Row]:
    """The published rows for this class set, in the paper's order."""
    order = CLASS_SETS[19]
    return [
        (f'{method} (paper)', [ious[order.index(c)] for c in classes], miou)
        for method, (ious, miou) in PAPER_ROWS[len(classes)].items()
    ]


def header(classes: Sequence[str]) -> List[str]:
    return ['Method', *(SHORT_NAMES.get(c, c) for c in classes), 'mIoU']


def markdown(rows: List[Row], classes: Sequence[str], caption: str) -> str:
    """Paper style: one decimal, '-' where IoU is undefined."""

    def cell(v: float) -> str:
        if math.isnan(v):
            return '-'
        # Half up from the logged digits, as tables are rounded by hand
        # (f'{46.15:.1f}' gives 46.1: the float is 46.1499...).
        return str(Decimal(str(v)).quantize(Decimal('0.1'), ROUND_HALF_UP))

    names = header(classes)
    lines = [
        '| ' + ' | '.join(names) + ' |',
        '| :-- |' + ' --: |' * (len(names) - 1),
    ]
    for name, values, miou in rows:
        cells = [cell(v) for v in (*values, miou)]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + f'\n\n{caption}\n'


def to_csv(rows: List[Row], classes: Sequence[str]) -> str:
    """Numbers as logged or published; empty where IoU is undefined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(header(classes))
    for name, values, miou in rows:
        cells = ['' if math.isnan(v) else v for v in (*values, miou)]
        writer.writerow([name, *cells])
    return out.getvalue()


def caption(classes: Sequence[str], name: str, evaluation: Evaluation) -> str:
    if PAPER_ROWS[len(classes)]:
        paper = (
            'Paper rows: the PFR paper, Table 1 (GTA5 -> Cityscapes, '
            'DeepLab-v2 ResNet-101).'
        )
    else:
        paper = (
            f'No paper rows: the {len(classes)}-class SYNTHIA -> Cityscapes '
            'numbers of PFR, AdaptSegNet and CLAN are not in this project.'
        )
    return f'Per-class IoU (%). {paper} {name}: {evaluation.where}.'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Paper-style per-class IoU table of an mmseg run's log "
        'or json, beside the published PFR, AdaptSegNet and CLAN rows'
    )
    parser.add_argument('source', type=Path, help="a run's .log or .json")
    parser.add_argument(
        '--classes',
        type=int,
        choices=sorted(CLASS_SETS),
        default=19,
        help='19 (GTA5), 16 or 13 (SYNTHIA protocols)',
    )
    parser.add_argument('--name', default='Ours', help='label of our row')
    parser.add_argument('--out-md', type=Path, help='write markdown here')
    parser.add_argument('--out-csv', type=Path, help='write CSV here')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    classes = CLASS_SETS[args.classes]
    try:
        evaluation = load_evaluation(args.source)
        rows = paper_rows(classes) + [our_row(args.name, evaluation, classes)]
    except ResultsError as error:
        sys.exit(f'error: {error}')
    text = markdown(rows, classes, caption(classes, args.name, evaluation))
    print(text, end='')
    if args.out_md:
        args.out_md.write_text(text)
    if args.out_csv:
        args.out_csv.write_text(to_csv(rows, classes))


if __name__ == '__main__':
    main()
