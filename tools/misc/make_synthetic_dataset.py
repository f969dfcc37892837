"""Write the synthetic two-domain set in the GTA5 and Cityscapes layouts.

python tools/misc/make_synthetic_dataset.py OUT_DIR [--seed S]
    [--num-source N] [--num-target-train N] [--num-target-val N]
    [--size-source H W] [--size-target H W] [--cache-dir DIR]
    [--measure-gap] [--preview PNG]

OUT_DIR/gta holds the source (GTA5-like) train split as GTA5 does
(images/00001.png, labels/00001.png: palette PNGs of Cityscapes label ids);
OUT_DIR/cityscapes holds the target (Cityscapes-like) train and val splits
as Cityscapes does (leftImg8bit/, gtFine/*_gtFine_labelIds.png). The splits
are generated through (or read from) the same cache the
``SyntheticStreetDataset`` uses. ``--measure-gap`` prints the Gram-matrix
style gap between the written source and target train images;
``--preview`` writes a mosaic of samples of both domains with labels.
"""

import argparse
import glob
import os
import os.path as osp
import time

# First, before the stack loads: its known, harmless warnings off
# (mmseg_pfr.compat.quiet; MMSEG_PFR_QUIET=0 shows them). Then the plugin
# registers; on mmcv-lite it supplies mmcv ops mmseg needs.
os.environ.setdefault('MMSEG_PFR_QUIET', '1')
import mmseg_pfr  # noqa: F401

# isort: split
import cv2

from mmseg_pfr.synthetic.export import export_official
from mmseg_pfr.synthetic.gap import domain_gap
from mmseg_pfr.synthetic.preview import preview_mosaic


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the synthetic GTA5-like / Cityscapes-like set '
        'in the official layouts'
    )
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument('--seed', type=int, default=0, help='dataset seed')
    parser.add_argument(
        '--num-source', type=int, help='source images (default 400)'
    )
    parser.add_argument(
        '--num-target-train', type=int, help='target train images (400)'
    )
    parser.add_argument(
        '--num-target-val', type=int, help='target val images (100)'
    )
    parser.add_argument(
        '--size-source',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='source image size (default 144 256)',
    )
    parser.add_argument(
        '--size-target',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='target image size (default 128 256)',
    )
    parser.add_argument('--cache-dir', help='cache root (default: ~/.cache)')
    parser.add_argument(
        '--measure-gap',
        action='store_true',
        help='print the Gram style gap between source and target train',
    )
    parser.add_argument('--preview', help='also write a sample mosaic PNG')
    return parser.parse_args()


def print_gap(out_dir: str) -> None:
    """Measure the gap on the written source and target train images."""

    def read(pattern: str) -> list:
        files = sorted(glob.glob(osp.join(out_dir, pattern)))
        return [cv2.imread(f)[..., ::-1].copy() for f in files]

    source = read('gta/images/*.png')
    target = read('cityscapes/leftImg8bit/train/*/*_leftImg8bit.png')
    print(
        f'\nGram style gap, {len(source)} source vs {len(target)} target '
        'train images (relative Frobenius distance of domain-mean Grams, '
        'halves of equal size):\n'
    )
    print(
        '| features | cross-domain | within source | within target '
        '| cross / max within |'
    )
    print('|---|---|---|---|---|')
    for space, g in domain_gap(source, target).items():
        print(
            f'| {space} | {g["cross"]:.3f} | {g["within_source"]:.3f} '
            f'| {g["within_target"]:.3f} | {g["ratio"]:.1f} |'
        )


def main() -> None:
    args = parse_args()
    start = time.perf_counter()
    counts = export_official(
        args.out_dir,
        seed=args.seed,
        num_source=args.num_source,
        num_target_train=args.num_target_train,
        num_target_val=args.num_target_val,
        size_source=args.size_source,
        size_target=args.size_target,
        cache_dir=args.cache_dir,
    )
    took = time.perf_counter() - start
    for part, n in counts.items():
        print(f'{part}: {n} images -> {osp.join(args.out_dir, part)}')
    print(f'done in {took:.1f} s')
    if args.measure_gap:
        print_gap(args.out_dir)
    if args.preview:
        mosaic = preview_mosaic(seed=args.seed)
        # Maximum PNG compression: the mosaic is committed to the docs.
        png = [cv2.IMWRITE_PNG_COMPRESSION, 9]
        if not cv2.imwrite(args.preview, mosaic[..., ::-1], png):
            raise OSError(f'cannot write {args.preview}')
        print(f'preview -> {args.preview}')


if __name__ == '__main__':
    main()
