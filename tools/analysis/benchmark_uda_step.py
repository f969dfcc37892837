"""Time the full training step of any config (ours or a stock mmseg one) on
random inputs, one JSON line per run in the form of the plain-PyTorch
reference script (gpu_anchor.py, not shipped here; docs/benchmarks.md), so
the two compare row by row.

    python tools/analysis/benchmark_uda_step.py CONFIG [--device cpu|cuda]
        [--amp fp32 bf16 fp16] [--iters N] [--warmup W] [--crop H W]
        [--batch B] [--compile [losses|step]] [--json FILE]
    python tools/analysis/benchmark_uda_step.py CONFIG --data [--samples N]

``--data`` times the config's training pipelines instead (images per second
per data loader worker, per domain; needs the dataset on disk).
"""

import argparse
import json
import os

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
import torch
from mmengine.config import Config, DictAction

from mmseg_pfr.apis.benchmark import (
    benchmark_step,
    config_crops,
    pipeline_throughput,
)
from mmseg_pfr.apis.cli import require_file
from mmseg_pfr.utils.tool_errors import require_device


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Benchmark a training step')
    parser.add_argument('config')
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu'
    )
    parser.add_argument(
        '--amp', nargs='+', default=['fp32'], choices=['fp32', 'bf16', 'fp16']
    )
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--crop', type=int, nargs=2, metavar=('H', 'W'))
    parser.add_argument('--batch', type=int, help='default: the config')
    parser.add_argument(
        '--compile',
        nargs='?',
        const='losses',
        choices=['losses', 'step'],
        help="torch.compile the segmentor's training computation "
        '(losses, the default) or the whole train_step (step, as '
        "mmengine's compile option does); the row counts graph breaks "
        'and recompilations',
    )
    parser.add_argument('--data', action='store_true')
    parser.add_argument('--samples', type=int, default=20)
    parser.add_argument('--json', help='also append the rows to this file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    require_device(args.device)
    require_file(args.config, 'config')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.data:
        emit(args, pipeline_throughput(cfg, args.samples))
        return
    for amp in args.amp:
        row = benchmark_step(
            cfg,
            device=args.device,
            amp=amp,
            iters=args.iters,
            warmup=args.warmup,
            crops=config_crops(cfg, args.crop),
            batch=args.batch,
            compile=args.compile,
        )
        emit(args, dict(device=args.device, **row))


def emit(args: argparse.Namespace, row: dict) -> None:
    """Print one JSON row (and append it to --json)."""
    line = json.dumps(dict(config=args.config, **row))
    print(line, flush=True)
    if args.json:
        with open(args.json, 'a') as f:
            f.write(line + '\n')


if __name__ == '__main__':
    main()
