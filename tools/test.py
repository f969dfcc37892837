"""Evaluate a checkpoint (UDA or plain mmseg) on the config's test set.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out DIR]
        [--show-dir DIR] [--tta] [--cfg-options k=v ...] [--launcher pytorch]

A UDA checkpoint is evaluated through its segmentor, exactly as mmseg would
evaluate that segmentor on its own. A checkpoint that does not exist, cannot
be read or does not fit the model ends the tool with one ``error:`` line
(exit 2) before anything is evaluated. At the end it lists what it wrote:
the log and metrics (``WORK_DIR/<timestamp>/``), ``--out`` predictions,
painted images.
"""

import argparse
import os

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
from mmengine.config import Config
from mmengine.runner import Runner

from mmseg_pfr.apis import add_common_args, apply_cli, load_config
from mmseg_pfr.apis.cli import require_file, run_tool
from mmseg_pfr.apis.outputs import describe_outputs
from mmseg_pfr.compat.cpu_distributed import init_cpu_distributed
from mmseg_pfr.compat.quiet import quiet_logger


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate)')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out', help='save the predictions as PNGs here (offline eval)'
    )
    parser.add_argument(
        '--show', action='store_true', help='show predictions in a window'
    )
    parser.add_argument(
        '--show-dir', help='save images painted with predictions here'
    )
    parser.add_argument(
        '--wait-time', type=float, default=2, help='seconds per --show image'
    )
    parser.add_argument(
        '--tta', action='store_true', help='test-time augmentation'
    )
    add_common_args(parser)
    return parser.parse_args()


def enable_visualization(cfg: Config, args: argparse.Namespace) -> None:
    """Turn on the visualization hook for --show / --show-dir."""
    hook = cfg.default_hooks.get('visualization')
    if hook is None:
        raise RuntimeError(
            '--show/--show-dir need default_hooks.visualization '
            "(dict(type='SegVisualizationHook'))"
        )
    hook['draw'] = True
    if args.show:
        hook['show'], hook['wait_time'] = True, args.wait_time
    if args.show_dir:
        cfg.visualizer['save_dir'] = args.show_dir


def main() -> None:
    args = parse_args()
    require_file(args.checkpoint, 'checkpoint')
    cfg = apply_cli(
        load_config(args),
        args.config,
        work_dir=args.work_dir,
        launcher=args.launcher,
        trusted=args.trust_checkpoint,
    )
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        enable_visualization(cfg, args)
    if args.tta:
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    init_cpu_distributed(cfg)  # no CUDA: gloo, DDP without device ids
    runner = Runner.from_cfg(cfg)
    quiet_logger(runner.logger)
    runner.test()
    describe_outputs(runner, 'test')


if __name__ == '__main__':
    run_tool(main)
