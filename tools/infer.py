"""Colour-coded predictions and overlays for any images.

    python tools/infer.py CONFIG CHECKPOINT IMAGE_OR_FOLDER --out DIR
        [--device cpu|cuda:0] [--opacity 0.5]

writes DIR/<image>_pred.png and DIR/<image>_overlay.png for every image.
"""

import argparse

# First: registers the plugin; on mmcv-lite it supplies mmcv ops mmseg needs.
import mmseg_pfr  # noqa: F401

# isort: split
import numpy as np

from mmseg_pfr.apis.infer import list_images, load_model, predict_and_paint


def main() -> None:
    parser = argparse.ArgumentParser(description='Predict images')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('images', help='an image or a folder of images')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--opacity', type=float, default=0.5)
    parser.add_argument(
        '--trust-checkpoint',
        action='store_true',
        help='fully unpickle CHECKPOINT (only for a file you trust)',
    )
    args = parser.parse_args()
    if args.trust_checkpoint:
        mmseg_pfr.trust_checkpoint(args.checkpoint)
    model = load_model(args.config, args.checkpoint, args.device)
    classes = model.dataset_meta['classes']
    for path, label in predict_and_paint(
        model, list_images(args.images), args.out, args.opacity
    ):
        ids, counts = np.unique(label, return_counts=True)
        top = sorted(zip(counts, ids), reverse=True)[:3]
        shares = ', '.join(
            f'{classes[i] if i < len(classes) else "ignore"} '
            f'{100 * c / label.size:.0f}%'
            for c, i in top
        )
        print(f'{path}: {shares}')
    print(f'predictions and overlays in {args.out}')


if __name__ == '__main__':
    main()
