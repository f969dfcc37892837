"""A benchmark table from its results files: scores, paired gains with
their intervals and verdicts, per-class IoU, and one chart.

The benchmark tool (``tools/analysis/synthetic_benchmark.py``) builds its
table's rows from a :class:`~.rows.Spec` (:func:`build`);
``tools/analysis/results_table.py`` from results files it is given, one
row per name (:func:`summary`). Both compare rows with the same
functions, so the same records give the same means, intervals and
verdicts.
"""

import math
import os.path as osp
import statistics
import textwrap
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Callable,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
)

from .results import areas
from .rows import Row, Spec, complete
from .statistics import Gain, bootstrap_gain, t_interval, verdict

if TYPE_CHECKING:  # matplotlib loads when a chart is drawn
    from matplotlib.figure import Figure


class ReportError(ValueError):
    """Records that cannot be compared, naming the rows."""


@dataclass
class Line:
    """One row of the table.

    Attributes:
        name: The row's name.
        warm: Whether it is a warm start (scored, never compared).
        runs: Its records by seed.
        baseline: The row its gains are measured against (None: none).
        gain: Its paired gain over the baseline (None: none).
        share: The share of the oracle's gain it reaches (None: n/a).
    """

    name: str
    warm: bool
    runs: Dict[int, dict]
    baseline: Optional[str] = None
    gain: Optional[Gain] = None
    share: Optional[float] = None

    def values(self, domain: str) -> List[float]:
        """Its runs' ``domain`` val mIoU (runs scored on it only)."""
        return [
            r['scores'][domain]['mIoU']
            for r in self.runs.values()
            if domain in r['scores']
        ]

    @property
    def verdict(self) -> str:
        return '' if self.gain is None else verdict(self.gain)


def build(
    spec: Spec, records: Sequence[dict], resamples: int = 2000
) -> List[Line]:
    """The table's lines from the records of its runs: the warm starts
    that have runs, then the rows with their gains."""
    runs = _runs_by_config(records)
    warm = [
        Line(f'{name} (no fine-tuning)', True, runs(config))
        for name, config in spec.warm_starts.items()
    ]
    rows = compare(row_lines(spec.rows, records), spec.oracle, resamples)
    return [line for line in warm if line.runs] + rows


def row_lines(rows: Sequence[Row], records: Sequence[dict]) -> List[Line]:
    """The rows' lines, each with its runs and baseline (no gains yet)."""
    runs = _runs_by_config(records)
    return [Line(row.name, False, runs(row.config), row.baseline)
            for row in rows]  # fmt: skip


def _runs_by_config(
    records: Sequence[dict],
) -> Callable[[str], Dict[int, dict]]:
    """A function giving a config's records by seed, in seed order."""
    by_key = {(r['config'], r['seed']): r for r in records}

    def runs(config: str) -> Dict[int, dict]:
        found = {s: r for (c, s), r in by_key.items() if _same(c, config)}
        return dict(sorted(found.items()))

    return runs


def compare(
    rows: List[Line], oracle: Optional[str], resamples: int
) -> List[Line]:
    """Set each row's paired gain over its baseline and its share of the
    ``oracle`` row's gain (in place); the rows. An error if a row and its
    baseline were scored on different val images."""
    check_val_images(rows)
    by_name = {line.name: line for line in rows}
    for line in rows:
        if line.baseline != line.name:
            line.gain = paired_gain(line, by_name[line.baseline], resamples)
    oracle_line = by_name.get(oracle)
    for line in rows:
        line.share = _share(line, oracle_line)
    return rows


def check_val_images(rows: Sequence[Line]) -> None:
    """An error naming the first row whose run of a seed was scored on
    other target val images than its baseline's run of that seed (their
    gain would compare two val sets)."""
    by_name = {line.name: line for line in rows}
    for line in rows:
        baseline = by_name.get(line.baseline)
        if baseline is None or baseline is line:
            continue
        for seed in sorted(line.runs.keys() & baseline.runs.keys()):
            ours = _val_images(line.runs[seed])
            theirs = _val_images(baseline.runs[seed])
            if None not in (ours, theirs) and ours != theirs:
                raise ReportError(
                    f'row {line.name!r} and its baseline {baseline.name!r} '
                    f'were scored on different target val images (seed '
                    f'{seed}: {len(ours)} and {len(theirs)} images, not the '
                    'same ones in the same order): a paired gain needs both '
                    'runs on one val set'
                )


def _val_images(record: dict) -> Optional[List[str]]:
    """The target val images a record was scored on (None: not kept)."""
    return record['scores'].get('target', {}).get('images')


def named_rows(
    named: Sequence[Tuple[str, dict]], baseline: Optional[str] = None
) -> Tuple[Spec, List[Line]]:
    """Records grouped into rows by name, in the order the names first
    come, as a table's spec and lines (no gains yet). Each row is measured
    against ``baseline`` (a row's name) or by default, as in the
    benchmark, against the first row on the same warm start; the oracle
    is the row named 'target oracle', if any (:func:`.rows.complete`)."""
    runs: Dict[str, Dict[int, dict]] = {}
    for name, record in named:
        seeds = runs.setdefault(name, {})
        if record['seed'] in seeds:
            raise ReportError(
                f'row {name!r} has two runs of seed {record["seed"]}'
            )
        seeds[record['seed']] = record
    first = {name: next(iter(seeds.values())) for name, seeds in runs.items()}
    warm = sorted({r.get('warm_start') for r in first.values()} - {None})
    rows = [Row(name, r['config'], r.get('warm_start'), baseline)
            for name, r in first.items()]  # fmt: skip
    spec = complete(Spec(rows, {w: w for w in warm}))
    lines = [Line(row.name, False, dict(sorted(runs[row.name].items())),
                  row.baseline) for row in spec.rows]  # fmt: skip
    return spec, lines


def summary(
    named: Sequence[Tuple[str, dict]],
    baseline: Optional[str] = None,
    resamples: int = 2000,
) -> str:
    """The benchmark report's scores and paired gains (:func:`comparison`)
    of records grouped into rows by name (:func:`named_rows`)."""
    spec, lines = named_rows(named, baseline)
    compare(lines, spec.oracle, resamples)
    seeds = sorted({seed for line in lines for seed in line.runs})
    return '\n'.join(comparison(lines, seeds))


def _same(recorded: str, config: str) -> bool:
    """Whether a record's config is the row's (paths as recorded)."""
    return osp.normpath(recorded) == osp.normpath(config) or (
        osp.basename(recorded) == osp.basename(config)
    )


def paired_gain(line: Line, baseline: Line, resamples: int) -> Optional[Gain]:
    """``line - baseline`` per seed where both ran, with intervals."""
    seeds = [s for s in line.runs if s in baseline.runs]
    if not seeds:
        return None
    per_seed = [
        line.runs[s]['scores']['target']['mIoU']
        - baseline.runs[s]['scores']['target']['mIoU']
        for s in seeds
    ]
    interval = t_interval(per_seed) if len(seeds) > 1 else None
    boot = []
    for s in seeds:
        row, base = areas(line.runs[s]), areas(baseline.runs[s])
        boot.append(
            None
            if row is None or base is None
            else bootstrap_gain(row, base, resamples, seed=s)
        )
    return Gain(per_seed, interval, boot)


def _share(line: Line, oracle: Optional[Line]) -> Optional[float]:
    if line.gain is None or oracle is None or oracle.gain is None:
        return None
    if line.baseline != oracle.baseline or oracle.gain.mean <= 0:
        return None
    return line.gain.mean / oracle.gain.mean


def _mean_sd(values: Sequence[float]) -> str:
    if not values:
        return '-'
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.1f} ± {sd:.1f}'


def _interval(interval: Optional[tuple], none: str = '-') -> str:
    return (
        none
        if interval is None
        else f'[{interval[0]:+.2f}, {interval[1]:+.2f}]'
    )


def scores_table(lines: Sequence[Line], seeds: Sequence[int]) -> str:
    """Target and source val mIoU, mean ± sd over seeds, each seed's."""
    out = [
        '| row | target val mIoU | source val mIoU | runs (target, seed '
        + ' / '.join(map(str, seeds))
        + ') |',
        '|---|---|---|---|',
    ]
    for line in lines:
        runs = ' / '.join(
            f'{line.runs[s]["scores"]["target"]["mIoU"]:.1f}'
            if s in line.runs
            else '(missing)'
            for s in seeds
        )
        out.append(
            f'| {line.name} | {_mean_sd(line.values("target"))} '
            f'| {_mean_sd(line.values("source"))} | {runs} |'
        )
    return '\n'.join(out) + '\n'


def gains_table(lines: Sequence[Line]) -> str:
    """Paired gains over the baseline with both intervals and verdicts."""
    out = [
        '| row | vs. | gain per seed | mean gain [95 % t-interval over '
        'seeds] | 95 % bootstrap over val images, per seed '
        '| share of the gap | verdict |',
        '|---|---|---|---|---|---|---|',
    ]
    for line in lines:
        if line.gain is None:
            continue
        gain = line.gain
        per_seed = ', '.join(f'{g:+.2f}' for g in gain.per_seed)
        boot = ', '.join(_interval(b) for b in gain.bootstrap)
        share = '-' if line.share is None else f'{round(100 * line.share)} %'
        out.append(
            f'| {line.name} | {line.baseline} | {per_seed} '
            f'| {gain.mean:+.2f} {_interval(gain.seed_interval, "(1 seed)")} '
            f'| {boot} | {share} | {line.verdict} |'
        )
    return '\n'.join(out) + '\n'


def class_table(lines: Sequence[Line], classes: Sequence[str]) -> str:
    """Per-class target val IoU (%), mean over the row's seeds."""
    out = [
        '| row | ' + ' | '.join(classes) + ' | mIoU |',
        '|---|' + '---|' * (len(classes) + 1),
    ]
    for line in lines:
        if not line.runs:
            continue
        cells = []
        for c in classes:
            values = [
                r['scores']['target']['IoU'].get(c) for r in line.runs.values()
            ]
            values = [v for v in values if v is not None]
            cells.append(f'{statistics.mean(values):.1f}' if values else '-')
        miou = statistics.mean(line.values('target'))
        cells.append(f'{miou:.1f}')
        out.append(f'| {line.name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(out) + '\n'


def _minutes(records: Sequence[dict], *keys: str) -> float:
    """Mean minutes of ``keys`` summed per record, over the records that
    have them all (a record imported from elsewhere may lack a time)."""
    totals = [
        sum(r[k] for k in keys)
        for r in records
        if all(r.get(k) is not None for k in keys)
    ]
    return statistics.mean(totals) / 60 if totals else math.nan


def provenance(records: Sequence[dict]) -> str:
    """Commits, devices, and the time of each config's runs: CPU time
    (what a run costs on one thread of an idle machine) and wall time."""
    commits = sorted({r.get('commit', 'unknown') for r in records})
    devices = sorted({r.get('device', 'unknown') for r in records})
    by_config: Dict[str, List[dict]] = {}
    for r in records:
        by_config.setdefault(osp.basename(r['config']), []).append(r)
    cpu = ('train_cpu_seconds', 'test_cpu_seconds')
    wall = ('train_seconds', 'test_seconds')
    per_config = '; '.join(
        f'{name} {_minutes(runs, *cpu):.1f} ({_minutes(runs, *wall):.1f})'
        for name, runs in sorted(by_config.items())
    )
    timed = [runs for runs in by_config.values()
             if not math.isnan(_minutes(runs, *cpu))]  # fmt: skip
    total = sum(_minutes(runs, *cpu) * len(runs) for runs in timed)
    untimed = len(by_config) - len(timed)
    note = f' ({untimed} config(s) without a CPU time left out)' * bool(
        untimed
    )
    return (
        f'Runs: {len(records)}; commits: {", ".join(commits)}; devices: '
        f'{", ".join(devices)}. Minutes per run, CPU (wall), training and '
        f'scoring: {per_config}. CPU time of all runs (a missing time taken '
        f"as its config's mean){note}: {total:.0f} min.\n"
    )


def run_options(records: Sequence[dict]) -> str:
    """How the runs were made: each set of ``--cfg-options`` and
    ``--max-iters`` with its number of runs, and the iterations they
    trained where their records say (records made before ``--max-iters``
    existed trained their config's own length and do not say it)."""
    groups: Dict[tuple, List[dict]] = {}
    for r in records:
        key = (tuple(r.get('cfg_options', [])), r.get('max_iters'))
        groups.setdefault(key, []).append(r)
    parts = []
    for (options, max_iters), runs in sorted(groups.items(), key=repr):
        given = (
            f'`--cfg-options {" ".join(options)}`'
            if options
            else 'no `--cfg-options`'
        )
        length = (
            "each config's own length"
            if max_iters is None
            else f'`--max-iters {max_iters}`'
        )
        counts = sorted({r['iterations'] for r in runs
                         if r.get('iterations') is not None})  # fmt: skip
        trained = f' ({", ".join(map(str, counts))} iterations)' * bool(counts)
        runs_text = f'{len(runs)} run' + 's' * (len(runs) != 1)
        parts.append(f'{runs_text} with {given} and {length}{trained}')
    return f'Options: {"; ".join(parts)}.\n'


VERDICT_RULE = (
    'Verdict: *adapts* when the 95 % t-interval over seeds and every '
    "seed's 95 % bootstrap interval over val images lie above 0; *hurts* "
    'when they all lie below 0; otherwise *no measurable effect*. Share of '
    "the gap: the mean gain over the oracle's mean gain on the same "
    'baseline.\n'
)


def comparison(lines: Sequence[Line], seeds: Sequence[int]) -> List[str]:
    """The report's scores and paired gains with the verdict rule, as
    markdown parts."""
    return [
        '## Target and source val mIoU (%)\n',
        scores_table(lines, seeds),
        '## Paired gain over the baseline (target val mIoU points)\n',
        gains_table(lines),
        VERDICT_RULE,
    ]


def markdown(
    lines: Sequence[Line],
    seeds: Sequence[int],
    records: Sequence[dict],
    classes: Sequence[str],
) -> str:
    """The whole report: scores, gains, per-class IoU, provenance."""
    parts = [
        *comparison(lines, seeds),
        '## Per-class target val IoU (%), mean over seeds\n',
        class_table(lines, classes),
        provenance(records),
        run_options(records),
    ]
    return '\n'.join(parts)


def chart(lines: Sequence[Line], path: str) -> None:
    """Save the table's :func:`figure` to ``path``."""
    import matplotlib.pyplot as plt

    fig = figure(lines)
    fig.savefig(path)
    plt.close(fig)


def figure(lines: Sequence[Line]) -> 'Figure':
    """Left: target and source val mIoU per row (one sd over seeds).
    Right: each row's mean paired gain with its 95 % seed interval,
    coloured by verdict."""
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    shown = [line for line in lines if line.runs]
    compared = [line for line in shown if line.gain is not None]
    # The gain panel at least two bars wide: its two-line title fits.
    ratios = [len(shown), max(len(compared), 2)]
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(6 + 0.9 * len(shown), 4.6), dpi=110,
        gridspec_kw=dict(width_ratios=ratios),
    )  # fmt: skip
    _score_bars(left, shown)
    _gain_bars(right, compared)
    fig.tight_layout()
    return fig


def _labels(lines: Sequence[Line]) -> List[str]:
    return [textwrap.fill(line.name, 14) for line in lines]


def _score_bars(ax, lines: Sequence[Line]) -> None:
    width = 0.38
    for offset, domain, color in ((-1, 'target', '#d9534f'),
                                  (1, 'source', '#5b8bd0')):  # fmt: skip
        means = [statistics.mean(line.values(domain)) for line in lines]
        sds = [
            statistics.stdev(v) if len(v) > 1 else 0.0
            for v in (line.values(domain) for line in lines)
        ]
        x = [i + offset * width / 2 for i in range(len(lines))]
        ax.bar(x, means, width, yerr=sds, capsize=3, color=color,
               label=f'{domain} val')  # fmt: skip
    ax.set_xticks(range(len(lines)))
    ax.set_xticklabels(_labels(lines), fontsize=7, rotation=90)
    ax.set_ylabel('mIoU (%)')
    ax.set_title('mIoU, mean ± sd over seeds', fontsize=9)
    ax.legend(fontsize=7)


COLOURS = {
    'adapts': '#3c9a4c',
    'no measurable effect': '#9a9a9a',
    'hurts': '#c0392b',
}


def _gain_bars(ax, lines: Sequence[Line]) -> None:
    for i, line in enumerate(lines):
        gain = line.gain
        low, high = gain.seed_interval or (gain.mean, gain.mean)
        ax.bar(i, gain.mean, 0.6, color=COLOURS.get(line.verdict, '#cccccc'))
        ax.errorbar(i, gain.mean, [[gain.mean - low], [high - gain.mean]],
                    color='black', capsize=3)  # fmt: skip
    ax.axhline(0, color='black', linewidth=0.8)
    ax.set_xticks(range(len(lines)))
    ax.set_xticklabels(_labels(lines), fontsize=7, rotation=90)
    ax.set_ylabel('target val mIoU gain over baseline')
    ax.set_title('paired gain, 95 % t-interval\n(colour: verdict)', fontsize=9)
