"""Train a segmentor (UDA or plain mmseg) from a config, mmseg's way.

python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
    [--amp [fp16|bf16]] [--max-iters N] [--no-model-check]
    [--cfg-options k=v ...] [--launcher pytorch] [--trust-checkpoint PATH]
"""

import argparse
import os

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

from mmseg_pfr.apis import add_common_args, apply_cli, load_config
from mmseg_pfr.apis.cli import fail, require_file, run_tool
from mmseg_pfr.apis.outputs import describe_outputs
from mmseg_pfr.compat.cpu_distributed import init_cpu_distributed
from mmseg_pfr.compat.quiet import quiet_logger
from mmseg_pfr.models.uda.nonfinite import NonFiniteLossError, stopped_message
from mmseg_pfr.utils.tool_errors import require_cuda_for_amp


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        metavar='CKPT',
        help='resume from CKPT, or without a value from the latest '
        'checkpoint in the work dir',
    )
    parser.add_argument(
        '--amp',
        nargs='?',
        const='fp16',
        choices=['fp16', 'bf16'],
        help='mixed precision for every optimizer (default fp16 with '
        'dynamic loss scaling; bf16 needs no scaling)',
    )
    parser.add_argument(
        '--max-iters',
        type=int,
        metavar='N',
        help='train N iterations, every LR schedule compressed to end at N '
        '(validation and a checkpoint at N at the latest)',
    )
    parser.add_argument(
        '--no-model-check',
        action='store_true',
        help='skip the check, before the first iteration, that every head '
        'and UDA term fits what the backbone gives (one small forward)',
    )
    add_common_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.resume not in (None, 'auto'):
        require_file(args.resume, 'checkpoint')
    require_cuda_for_amp(args.amp)
    cfg = apply_cli(
        load_config(args),
        args.config,
        work_dir=args.work_dir,
        resume=args.resume,
        amp=args.amp,
        launcher=args.launcher,
        trusted=args.trust_checkpoint,
        max_iters=args.max_iters,
        model_check=not args.no_model_check,
    )
    init_cpu_distributed(cfg)  # no CUDA: gloo, DDP without device ids
    runner = (
        Runner.from_cfg(cfg)
        if 'runner_type' not in cfg
        else RUNNERS.build(cfg)
    )
    quiet_logger(runner.logger)
    try:
        runner.train()
    except NonFiniteLossError as error:
        fail(stopped_message(error, runner.work_dir))
    describe_outputs(runner, 'train')


if __name__ == '__main__':
    run_tool(main)
