"""Train the five demo methods with several seeds on the embedded synthetic
benchmark; write a markdown table (target and source val mIoU, mean ± std)
and a bar chart.

    python tools/analysis/synthetic_benchmark.py [--seeds 0 1 2]
        [--work-dir work_dirs/synthetic_benchmark] [--out-md FILE]
        [--out-png FILE]

Each run takes about 4 minutes on 2 CPU cores (15 runs: about an hour).
Finished runs are reused, so an interrupted benchmark resumes.
"""

import argparse
import json
import os
import os.path as osp

# First: registers the plugin; on mmcv-lite it supplies mmcv ops mmseg needs.
import mmseg_pfr  # noqa: F401

# isort: split
from mmseg_pfr.synthetic.benchmark import (
    METHODS,
    bar_chart,
    markdown_table,
    summarise,
    train_and_score,
)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/synthetic_benchmark')
    parser.add_argument('--out-md', default='docs/synthetic_results.md')
    parser.add_argument(
        '--out-png', default='docs/images/synthetic_results.png'
    )
    args = parser.parse_args()

    results = {}
    for method, config in METHODS:
        name = osp.splitext(config)[0]
        results[method] = []
        for seed in args.seeds:
            work_dir = osp.join(args.work_dir, name, f'seed{seed}')
            os.makedirs(work_dir, exist_ok=True)
            scores = train_and_score(
                osp.join(ROOT, 'configs', 'demo', config),
                seed,
                work_dir,
                osp.join(ROOT, 'tools'),
            )
            print(f'{method} seed {seed}: {json.dumps(scores)}', flush=True)
            results[method].append(scores)
    rows = summarise(results)
    table = markdown_table(rows)
    with open(args.out_md, 'w') as f:
        f.write(table)
    bar_chart(rows, args.out_png)
    with open(osp.join(args.work_dir, 'summary.json'), 'w') as f:
        json.dump(rows, f, indent=1)
    print(table)
    print(f'wrote {args.out_md} and {args.out_png}')


if __name__ == '__main__':
    main()
