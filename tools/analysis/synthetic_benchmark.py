"""Benchmark any configs on the embedded synthetic GTA5 -> Cityscapes
miniature: several seeds, every finished run written to a results file in
the repository, one table (scores, paired gains with 95 % intervals over
seeds and over val images, verdicts, per-class IoU) and one chart rebuilt
from those files.

    python tools/analysis/synthetic_benchmark.py [NAME=CONFIG ...]
        [--rows FILE | --calibration | --recipe] [--warm-start CONFIG|none]
        [--seeds 0 1 2] [--jobs 2] [--device cpu|cuda]
        [--results benchmarks/synthetic/v3]
        [--work-dir work_dirs/synthetic_benchmark]
        [--table-only] [--warm-start-only] [--out-md FILE] [--out-png FILE]
        [--resamples 2000] [--max-iters N] [--cfg-options KEY=VALUE ...]

Rows: the README's table by default (our rows under protocol v3 and the
stock mmseg rows: mmseg_pfr/synthetic/rows.py); ``--calibration`` the four
rows protocol v3 was calibrated on; ``--recipe`` the modern recipe's
pieces, each against the row it adds to; ``NAME=CONFIG`` entries (each
fine-tuning ``--warm-start``, by default protocol v3's) or ``--rows FILE``
(JSON, YAML or .py: warm starts, rows, baselines) for any other list.
Each run computes on one thread; ``--jobs N`` runs N at a time (2 on a
2-core machine; on a GPU, ``--device cuda --jobs 8`` lets 8 runs share
it). A run whose results file exists is not trained again, so an
interrupted table resumes, and a table split over machines completes once
their results folders are copied together; ``--table-only`` rebuilds the
table from the files alone. ``--max-iters N`` trains every run N
iterations (``tools/train.py --max-iters``: every schedule compressed to
end there), which, like ``--cfg-options``, is recorded and part of each
run's identity. The table goes to RESULTS/NAME.md and .png: ``table`` for
the README's table, ``calibration`` or ``recipe`` for those, a rows file's
own name, or the rows' names joined for NAME=CONFIG entries; custom rows
never write over a built-in table's files unless ``--out-md`` and
``--out-png`` name them. Mistakes (in the rows, the options, configs
scored on different val sets, a row on another protocol than its
baseline, a results file of another run) end the tool with one
``error:`` line and exit status 2 before anything trains.
docs/synthetic_benchmark.md has the protocol.
"""

import argparse
import os
import os.path as osp
import re
from typing import Tuple

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet). Then the plugin registers its components.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: E402,F401

# isort: split
from mmseg_pfr.synthetic.benchmark import (  # noqa: E402
    BenchmarkError,
    Setup,
    run_table,
    table_records,
)
from mmseg_pfr.synthetic.classes import METAINFO  # noqa: E402
from mmseg_pfr.synthetic.report import (  # noqa: E402
    ReportError,
    build,
    chart,
    markdown,
)
from mmseg_pfr.synthetic.results import ResultsFileError  # noqa: E402
from mmseg_pfr.synthetic.rows import (  # noqa: E402
    WARM_START_V3,
    RowsError,
    calibration_spec,
    check_configs,
    default_spec,
    load_spec,
    parse_entries,
    recipe_spec,
    resolve,
)
from mmseg_pfr.utils.tool_errors import fail  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_TABLE = 'table'
# The built-in tables' names (the README's table, --calibration, --recipe).
BUILT_IN = (DEFAULT_TABLE, 'calibration', 'recipe')


def positive(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be >= 1, got {value}')
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'entries', nargs='*', metavar='NAME=CONFIG', help='rows to run'
    )
    rows = parser.add_mutually_exclusive_group()
    rows.add_argument('--rows', help='a rows file (JSON, YAML or .py)')
    rows.add_argument(
        '--calibration',
        action='store_true',
        help='the four rows protocol v3 was calibrated on',
    )
    rows.add_argument(
        '--recipe',
        action='store_true',
        help="the modern recipe's pieces, each against the row it adds to",
    )
    parser.add_argument(
        '--warm-start',
        default=WARM_START_V3,
        help='the warm start NAME=CONFIG rows fine-tune ("none": none)',
    )
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--jobs', type=int, default=1, help='runs at a time (one thread each)'
    )
    parser.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    parser.add_argument(
        '--results',
        default='benchmarks/synthetic/v3',
        help='results files, one per run (kept in the repository)',
    )
    parser.add_argument('--work-dir', default='work_dirs/synthetic_benchmark')
    parser.add_argument(
        '--table-only',
        action='store_true',
        help='train nothing: the table from the results files',
    )
    parser.add_argument('--warm-start-only', action='store_true')
    parser.add_argument(
        '--out-md',
        help="default: RESULTS/NAME.md, NAME the table's (see above)",
    )
    parser.add_argument('--out-png', help='default: RESULTS/NAME.png')
    parser.add_argument('--resamples', type=int, default=2000)
    parser.add_argument(
        '--max-iters',
        type=positive,
        metavar='N',
        help='train every run N iterations, every schedule compressed to '
        "end at N (tools/train.py's; recorded; part of each run's "
        "identity). Default: each config's own length",
    )
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='for every run (recorded; part of its identity)',
    )
    return parser.parse_args(argv)


def spec_of(args: argparse.Namespace):
    """The table's rows from the arguments."""
    if args.rows and args.entries:
        raise RowsError('give NAME=CONFIG entries or --rows, not both')
    if args.rows:
        return load_spec(args.rows)
    if args.calibration:
        return calibration_spec()
    if args.recipe:
        return recipe_spec()
    if args.entries:
        warm = None if args.warm_start == 'none' else args.warm_start
        return parse_entries(args.entries, warm)
    return default_spec()


def table_name(args: argparse.Namespace) -> str:
    """The name of the table's files: the built-in tables' own, a rows
    file's name, or NAME=CONFIG entries' row names joined."""
    if args.rows:
        return osp.splitext(osp.basename(args.rows))[0]
    if args.calibration:
        return 'calibration'
    if args.recipe:
        return 'recipe'
    if args.entries:
        names = (entry.partition('=')[0] for entry in args.entries)
        return '_'.join(re.sub(r'\W+', '-', n).strip('-').lower()
                        for n in names)  # fmt: skip
    return DEFAULT_TABLE


def outputs(args: argparse.Namespace) -> Tuple[str, str]:
    """The table's markdown and chart: ``--out-md`` and ``--out-png``, else
    RESULTS/NAME.md and .png (:func:`table_name`); an error when custom
    rows would write over a built-in table's files unnamed."""
    name = table_name(args)
    paths = []
    for given, suffix in ((args.out_md, '.md'), (args.out_png, '.png')):
        path = given or osp.join(args.results, name + suffix)
        if not given and name in BUILT_IN and (args.rows or args.entries):
            raise BenchmarkError(
                f"these rows' table would be written over {path}, the "
                f'built-in {name!r} table: name its files with --out-md '
                'and --out-png'
            )
        paths.append(path)
    return paths[0], paths[1]


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        spec = resolve(spec_of(args), ROOT)
        out_md, out_png = outputs(args)
        setup = Setup(args.results, args.work_dir, ROOT, args.device,
                      args.cfg_options, args.max_iters)  # fmt: skip
        if args.table_only:
            records = table_records(spec, args.seeds, setup)
        else:
            check_configs(spec)
            records = run_table(
                spec, args.seeds, setup, args.jobs, args.warm_start_only
            )
        if args.warm_start_only:
            return
        lines = build(spec, records, args.resamples)
    except (BenchmarkError, ReportError, ResultsFileError, RowsError) as error:
        fail(str(error))
    text = markdown(lines, args.seeds, records, METAINFO['classes'])
    os.makedirs(osp.dirname(out_md) or '.', exist_ok=True)
    with open(out_md, 'w') as f:
        f.write(text)
    chart(lines, out_png)
    print(text)
    print(f'wrote {out_md} and {out_png}')


if __name__ == '__main__':
    main()
