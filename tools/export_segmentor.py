"""Export the adapted segmentor of a UDA checkpoint as a plain mmseg model.

    python tools/export_segmentor.py CONFIG CHECKPOINT OUT_DIR
        [--trust-checkpoint PATH]

writes OUT_DIR/<config name>_segmentor.py (the segmentor's model and what
testing and inference read: test pipeline, data loader and evaluator,
test_cfg, visualizer, default_scope, custom_imports, env_cfg) and
OUT_DIR/<config name>_segmentor.pth (the segmentor's weights under mmseg's
key names, and dataset_meta, iter and seed). mmseg's
``init_model``/``inference_model`` and ``tools/test.py`` use them directly;
they still need ``mmseg_pfr`` installed (``PFRNeck``, ``DLV2Head``).
Both files or neither: a config or checkpoint that does not exist, is not a
UDA one, cannot be read or does not fit ends the tool with one ``error:``
line (exit 2) before anything is written.
"""

import argparse
import io
import os
import os.path as osp

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmseg_pfr.apis import export_segmentor, segmentor_config
from mmseg_pfr.apis.cli import (
    add_trust_argument,
    fail,
    require_file,
    run_tool,
)
from mmseg_pfr.compat.atomic_files import write_atomically
from mmseg_pfr.compat.checkpoint import load_from_local, trust_checkpoint
from mmseg_pfr.compat.checkpoint_fit import fit_state_dict


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='the UDA training config')
    parser.add_argument('checkpoint', help='a checkpoint of that training')
    parser.add_argument('out_dir', help='where to write the plain model')
    add_trust_argument(parser)
    return parser.parse_args()


def exported_files(config: str, checkpoint: str) -> tuple:
    """The plain config and checkpoint, checked against each other."""
    try:
        cfg = segmentor_config(Config.fromfile(config))
    except ValueError as error:
        fail(f'{config}: {error}')
    try:
        exported = export_segmentor(load_from_local(checkpoint, 'cpu'))
    except KeyError as error:
        fail(f'{checkpoint}: {error.args[0]}')
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    fit_state_dict(MODELS.build(cfg.model), exported['state_dict'], checkpoint)
    return cfg, exported


def main() -> None:
    args = parse_args()
    require_file(args.config, 'config')
    require_file(args.checkpoint, 'checkpoint')
    for path in args.trust_checkpoint:
        trust_checkpoint(path)
    cfg, exported = exported_files(args.config, args.checkpoint)
    name = osp.splitext(osp.basename(args.config))[0] + '_segmentor'
    weights = io.BytesIO()
    torch.save(exported, weights)
    # The weights first: a config beside them is the sign both are whole.
    write_atomically(osp.join(args.out_dir, f'{name}.pth'), weights.getvalue())
    write_atomically(
        osp.join(args.out_dir, f'{name}.py'), cfg.pretty_text.encode()
    )
    print(
        f'wrote {args.out_dir}/{name}.py and {name}.pth '
        f'({len(exported["state_dict"])} tensors)'
    )


if __name__ == '__main__':
    run_tool(main)
