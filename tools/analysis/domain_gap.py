"""Per-stage distance between a trained segmentor's source and target
features (PFR's style and content terms over N image pairs), as a markdown
table and a PNG plot; give a second run to compare (e.g. source-only).

    python tools/analysis/domain_gap.py CONFIG CHECKPOINT [--name NAME]
        [--versus CONFIG CHECKPOINT NAME] [--pairs 20]
        [--out-md FILE] [--out-png FILE] [--device cpu]
        [--cfg-options k=v ...]

The images are the first N of each domain of CONFIG's UDA training data.
The table and plot go to work_dirs/domain_gap/ unless --out-md and
--out-png say otherwise.
"""

import argparse
import os
import os.path as osp

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
from mmengine.config import Config, DictAction

from mmseg_pfr.apis.cli import require_file
from mmseg_pfr.apis.domain_gap import gap_plot, gap_table, measure_gap
from mmseg_pfr.apis.infer import load_model
from mmseg_pfr.utils.tool_errors import require_device

OUT_DIR = osp.join('work_dirs', 'domain_gap')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--name', default='this run')
    parser.add_argument(
        '--versus',
        nargs=3,
        metavar=('CONFIG', 'CHECKPOINT', 'NAME'),
        help='another run of the same network to compare with',
    )
    parser.add_argument('--pairs', type=int, default=20)
    parser.add_argument('--out-md', default=osp.join(OUT_DIR, 'domain_gap.md'))
    parser.add_argument(
        '--out-png', default=osp.join(OUT_DIR, 'domain_gap.png')
    )
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help="overrides of CONFIG's data, e.g. its data_root",
    )
    args = parser.parse_args()
    require_device(args.device)
    require_file(args.config, 'config')
    data_cfg = Config.fromfile(args.config)
    if args.cfg_options:
        data_cfg.merge_from_dict(args.cfg_options)
    runs = [(args.config, args.checkpoint, args.name)]
    if args.versus:
        runs.append(tuple(args.versus))
    results = {}
    for config, checkpoint, name in runs:
        model = load_model(config, checkpoint, args.device)
        results[name] = measure_gap(model, data_cfg, args.pairs)
    table = gap_table(results)
    for path in (args.out_md, args.out_png):
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(args.out_md, 'w') as f:
        f.write(table)
    gap_plot(results, args.out_png)
    print(table)
    print(f'wrote {args.out_md} and {args.out_png}')


if __name__ == '__main__':
    main()
