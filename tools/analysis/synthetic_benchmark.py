"""Train every demo method with several seeds on the embedded synthetic
benchmark, each fine-tuned from its seed's source-pretrained warm start;
write a markdown table (target and source val mIoU, mean ± std, per-seed
values) and a bar chart.

    python tools/analysis/synthetic_benchmark.py [--seeds 0 1 2]
        [--methods NAME ...] [--warm-start-only] [--jobs 2]
        [--work-dir work_dirs/synthetic_benchmark] [--out-md FILE]
        [--out-png FILE]

The table and chart go to the work dir (synthetic_results.md and .png)
unless --out-md and --out-png say otherwise.

Per seed: the warm start (1200 source-only iterations), then 600
iterations of each method. Every run computes on one thread; ``--jobs N``
runs N of them at a time (2 on a 2-core machine). Finished runs are
reused, so an interrupted benchmark resumes.
``--warm-start-only`` trains and scores the warm starts alone (the shipped
demo checkpoint is seed 0's: see docs/synthetic_benchmark.md).
"""

import argparse
import json
import os
import os.path as osp
from concurrent.futures import ThreadPoolExecutor

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
from mmseg_pfr.synthetic.benchmark import (
    METHODS,
    WARM_START,
    WARM_START_ROW,
    bar_chart,
    markdown_table,
    summarise,
    train_and_score,
    warm_start,
)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs', 'demo')
TOOLS = osp.join(ROOT, 'tools')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--methods',
        nargs='+',
        choices=[name for name, _ in METHODS],
        help='table rows to run (default: all)',
    )
    parser.add_argument('--warm-start-only', action='store_true')
    parser.add_argument(
        '--jobs', type=int, default=1, help='runs at a time (one thread each)'
    )
    parser.add_argument('--work-dir', default='work_dirs/synthetic_benchmark')
    parser.add_argument(
        '--out-md', help='default: WORK_DIR/synthetic_results.md'
    )
    parser.add_argument(
        '--out-png', help='default: WORK_DIR/synthetic_results.png'
    )
    args = parser.parse_args()
    stem = osp.join(args.work_dir, 'synthetic_results')
    args.out_md = args.out_md or stem + '.md'
    args.out_png = args.out_png or stem + '.png'
    return args


def main() -> None:
    args = parse_args()
    methods = [m for m in METHODS if m[0] in (args.methods or dict(METHODS))]
    with ThreadPoolExecutor(args.jobs) as pool:
        starts = dict(zip(args.seeds, pool.map(start_of(args), args.seeds)))
        runs = [(seed, m) for seed in args.seeds for m in methods]
        if args.warm_start_only:
            runs = []
        scores = list(
            pool.map(lambda run: fine_tune(args, starts, *run), runs)
        )
    results = {WARM_START_ROW: [starts[s]['scores'] for s in args.seeds]}
    for (_, (method, _)), score in zip(runs, scores):
        results.setdefault(method, []).append(score)
    rows = summarise(results)
    table = markdown_table(rows)
    if not args.warm_start_only:
        with open(args.out_md, 'w') as f:
            f.write(table)
        bar_chart(rows, args.out_png)
        with open(osp.join(args.work_dir, 'summary.json'), 'w') as f:
            json.dump(rows, f, indent=1)
        print(f'wrote {args.out_md} and {args.out_png}')
    print(table)


def start_of(args: argparse.Namespace):
    """The function that trains (or reuses) one seed's warm start."""

    def start(seed: int) -> dict:
        out = warm_start(
            osp.join(CONFIGS, WARM_START),
            seed,
            osp.join(args.work_dir, 'warm-start', f'seed{seed}'),
            TOOLS,
        )
        report(WARM_START_ROW, seed, out['scores'])
        return out

    return start


def fine_tune(
    args: argparse.Namespace, starts: dict, seed: int, method: tuple
) -> dict:
    """One method of one seed, from that seed's warm start."""
    name, config = method
    scores = train_and_score(
        osp.join(CONFIGS, config),
        seed,
        osp.join(args.work_dir, osp.splitext(config)[0], f'seed{seed}'),
        TOOLS,
        load_from=starts[seed]['checkpoint'],
    )
    report(name, seed, scores)
    return scores


def report(method: str, seed: int, scores: dict) -> None:
    print(f'{method} seed {seed}: {json.dumps(scores)}', flush=True)


if __name__ == '__main__':
    main()
