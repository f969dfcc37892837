"""Gradient norm of each weighted UDA loss term on training batches: how
much each term actually moves the segmentor.

    python tools/analysis/loss_balance.py CONFIG [--checkpoint CKPT]
        [--batches 4] [--cfg-options k=v ...]

Without a checkpoint the model is freshly initialised, as at iteration 0
(which downloads the config's pretrained backbone, if it names one).
"""

import argparse
import os

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
import torch
from mmengine.config import Config, DictAction
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.registry import DATASETS, MODELS

from mmseg_pfr.apis.cli import require_file
from mmseg_pfr.apis.loss_balance import (
    balance_table,
    batches_of,
    gradient_norms,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--checkpoint')
    parser.add_argument('--batches', type=int, default=4)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    require_file(args.config, 'config')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    torch.manual_seed(cfg.get('randomness', {}).get('seed', 0))
    # One process: SyncBN as BN, as mmengine's runner does.
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    else:
        model.init_weights()
    model.train()
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    batches = batches_of(
        dataset, cfg.train_dataloader.batch_size, args.batches
    )
    print(balance_table(gradient_norms(model, batches)))


if __name__ == '__main__':
    main()
