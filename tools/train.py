"""Train a segmentor (UDA or plain mmseg) from a config, mmseg's way.

python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
    [--amp [fp16|bf16]] [--cfg-options k=v ...] [--launcher pytorch]
    [--trust-checkpoint CKPT]
"""

import argparse

# First: registers the plugin; on mmcv-lite it supplies mmcv ops mmseg needs.
import mmseg_pfr  # noqa: F401

# isort: split
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

from mmseg_pfr.apis import add_common_args, apply_cli, load_config


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
    add_common_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = apply_cli(
        load_config(args),
        args.config,
        work_dir=args.work_dir,
        resume=args.resume,
        amp=args.amp,
        launcher=args.launcher,
        trusted=args.trust_checkpoint,
    )
    runner = (
        Runner.from_cfg(cfg)
        if 'runner_type' not in cfg
        else RUNNERS.build(cfg)
    )
    runner.train()


if __name__ == '__main__':
    main()
