"""Predictions for any images, as pictures or as id maps.

    python tools/infer.py CONFIG CHECKPOINT IMAGE_OR_FOLDER --out DIR
        [--format color overlay trainid labelid] [--device cpu|cuda:0]
        [--opacity 0.5] [--trust-checkpoint PATH]

writes DIR/<image>_<suffix>.png for every image and format (default
``color overlay``): ``_pred.png`` (colour), ``_overlay.png``,
``_trainid.png``, ``_labelid.png``; images in subfolders keep their
subfolders under DIR. An image that cannot be read is skipped and named;
the others are still predicted, a summary ends the run, and the exit status
is 1 when anything was skipped. A path that does not exist, or a checkpoint
that cannot be read or does not fit the model, ends the tool with one
``error:`` line (exit 2) before any prediction.
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
import numpy as np

from mmseg_pfr.apis.cli import add_trust_argument, fail, require_file, run_tool
from mmseg_pfr.apis.infer import (
    DEFAULT_FORMATS,
    FORMATS,
    check_formats,
    list_images,
    load_model,
    predict_images,
)
from mmseg_pfr.compat.checkpoint import trust_checkpoint
from mmseg_pfr.utils.tool_errors import require_device


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Predict images')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('images', help='an image or a folder of images')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument(
        '--format',
        nargs='+',
        choices=list(FORMATS),
        default=list(DEFAULT_FORMATS),
        help='what to write per image (default: color overlay): '
        + '; '.join(f'{k}: {v[1]}' for k, v in FORMATS.items()),
    )
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--opacity', type=float, default=0.5, help='of the overlay colours'
    )
    add_trust_argument(parser)
    return parser.parse_args()


def shares(label: np.ndarray, classes) -> str:
    """The three largest classes of a prediction, in percent."""
    ids, counts = np.unique(label, return_counts=True)
    top = sorted(zip(counts, ids), reverse=True)[:3]
    return ', '.join(
        f'{classes[i] if i < len(classes) else "ignore"} '
        f'{100 * c / label.size:.0f}%'
        for c, i in top
    )


def main() -> None:
    args = parse_args()
    require_device(args.device)
    require_file(args.config, 'config')
    require_file(args.checkpoint, 'checkpoint')
    if not osp.exists(args.images):
        fail(f'image or folder {args.images} does not exist')
    try:
        images = list_images(args.images)
    except FileNotFoundError as error:
        fail(str(error))
    for path in args.trust_checkpoint:
        trust_checkpoint(path)
    model = load_model(args.config, args.checkpoint, args.device)
    try:
        check_formats(model, args.format)
    except ValueError as error:
        fail(str(error))
    root = args.images if osp.isdir(args.images) else ''
    classes = model.dataset_meta['classes']
    skipped = []
    for path, label, reason in predict_images(
        model, images, args.out, args.format, args.opacity, root
    ):
        if reason is None:
            print(f'{path}: {shares(label, classes)}')
        else:
            skipped.append(path)
            print(f'skipped {path}: {reason}')
    done = len(images) - len(skipped)
    print(
        f'predicted {done} of {len(images)} images into {args.out} '
        f'({", ".join(args.format)})'
        + (
            f'; skipped {len(skipped)}: {", ".join(skipped)}'
            if skipped
            else ''
        )
    )
    if skipped:
        raise SystemExit(1)


if __name__ == '__main__':
    run_tool(main)
