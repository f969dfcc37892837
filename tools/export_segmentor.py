"""Export the adapted segmentor of a UDA checkpoint as a plain mmseg model.

    python tools/export_segmentor.py CONFIG CHECKPOINT OUT_DIR

writes OUT_DIR/<config name>_segmentor.py and .pth, which mmseg's
``init_model``/``inference_model`` and ``tools/test.py`` use directly.
"""

import argparse
import os
import os.path as osp

# First: registers the plugin; on mmcv-lite it supplies mmcv ops mmseg needs.
import mmseg_pfr  # noqa: F401

# isort: split
import torch
from mmengine.config import Config

from mmseg_pfr.apis import export_segmentor, segmentor_config
from mmseg_pfr.compat.checkpoint import load_from_local


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='the UDA training config')
    parser.add_argument('checkpoint', help='a checkpoint of that training')
    parser.add_argument('out_dir', help='where to write the plain model')
    args = parser.parse_args()

    name = osp.splitext(osp.basename(args.config))[0] + '_segmentor'
    os.makedirs(args.out_dir, exist_ok=True)
    segmentor_config(Config.fromfile(args.config)).dump(
        osp.join(args.out_dir, f'{name}.py')
    )
    exported = export_segmentor(load_from_local(args.checkpoint, 'cpu'))
    torch.save(exported, osp.join(args.out_dir, f'{name}.pth'))
    print(
        f'wrote {args.out_dir}/{name}.py and {name}.pth '
        f'({len(exported["state_dict"])} tensors)'
    )


if __name__ == '__main__':
    main()
