"""Writing the synthetic set in the official GTA5 and Cityscapes layouts.

So that the real-data loaders and converters can run on it::

    OUT/gta/images/00001.png                  source train, RGB
    OUT/gta/labels/00001.png                  palette ('P') PNG of label ids
    OUT/gta/class_stats.json                  pixels per class and image
    OUT/cityscapes/leftImg8bit/{train,val}/<city>/<city>_NNNNNN_000019_leftImg8bit.png
    OUT/cityscapes/gtFine/{train,val}/<city>/<city>_NNNNNN_000019_gtFine_labelIds.png

Labels hold Cityscapes *label ids* (0..33), as the real datasets do; pixels
the generator ignores (the ego hood) become 0 ('unlabeled'). No
``_labelTrainIds.png`` is written: as with real Cityscapes, the project's
converter makes them. The GTA5 folder gets the class statistics that
rare-class sampling reads, as its converter would write them. Images are
copied byte for byte from the cache, so they are exactly what
``SyntheticStreetDataset`` reads.
"""

import shutil
from pathlib import Path
from typing import Dict, Optional

import cv2
import numpy as np
from PIL import Image

from ..datasets.class_stats import (
    SampleClassPixels,
    count_class_pixels,
    write_class_stats,
)
from .cache import ensure_split, split_spec
from .classes import METAINFO, TRAIN_TO_LABEL_ID

# One made-up city per split, as Cityscapes' val cities differ from train's.
CITIES = {'train': 'synthtown', 'val': 'synthville'}


def label_palette() -> list:
    """GTA5-style 256-entry palette: each label id's Cityscapes colour."""
    palette = np.zeros((256, 3), dtype=np.uint8)
    palette[TRAIN_TO_LABEL_ID[: len(METAINFO['classes'])]] = METAINFO[
        'palette'
    ]
    return palette.ravel().tolist()


def export_official(
    out_dir: str,
    seed: int = 0,
    num_source: Optional[int] = None,
    num_target_train: Optional[int] = None,
    num_target_val: Optional[int] = None,
    size_source: Optional[tuple] = None,
    size_target: Optional[tuple] = None,
    cache_dir: Optional[str] = None,
) -> Dict[str, int]:
    """Write source train as GTA5 and target train/val as Cityscapes.

    Args:
        out_dir: Output root; its ``gta`` and ``cityscapes`` folders must
            not exist yet or be empty.
        seed: Dataset seed.
        num_source: GTA5-style images; None takes the default count.
        num_target_train: Cityscapes train images; None: default.
        num_target_val: Cityscapes val images; None: default.
        size_source: Source (height, width); None: the default.
        size_target: Target (height, width); None: the default.
        cache_dir: Cache root; None uses the default cache.

    Returns:
        Number of images written per image folder (relative to
        ``out_dir``): ``gta/images``, ``cityscapes/leftImg8bit/train`` and
        ``cityscapes/leftImg8bit/val``.
    """
    out = Path(out_dir)
    for sub in ('gta', 'cityscapes'):
        if (out / sub).exists() and any((out / sub).iterdir()):
            raise FileExistsError(
                f'{out / sub} is not empty; write into a fresh folder'
            )
    counts = {}
    spec = split_spec('source', 'train', num_source, seed, size_source)
    counts['gta/images'] = _write_gta(
        ensure_split(spec, cache_dir), out / 'gta'
    )
    for split, n in (('train', num_target_train), ('val', num_target_val)):
        spec = split_spec('target', split, n, seed, size_target)
        counts[f'cityscapes/leftImg8bit/{split}'] = _write_cityscapes(
            ensure_split(spec, cache_dir), out / 'cityscapes', split
        )
    return counts


def _write_gta(src: Path, out: Path) -> int:
    """GTA5 layout: 1-based 5-digit names, palette-mode label-id PNGs, and
    the class statistics."""
    (out / 'images').mkdir(parents=True, exist_ok=True)
    (out / 'labels').mkdir(parents=True, exist_ok=True)
    palette = label_palette()
    names = sorted(p.name for p in (src / 'img').iterdir())
    stats = []
    for i, name in enumerate(names, start=1):
        image, label_file = f'images/{i:05d}.png', f'labels/{i:05d}.png'
        shutil.copyfile(src / 'img' / name, out / image)
        train_ids = _read_label(src / 'ann' / name)
        label = Image.fromarray(TRAIN_TO_LABEL_ID[train_ids])  # mode 'L'
        label.putpalette(palette)  # now mode 'P', values unchanged
        label.save(out / label_file)
        pixels = count_class_pixels(train_ids, len(METAINFO['classes']))
        stats.append(SampleClassPixels(image, label_file, pixels))
    write_class_stats(
        str(out),
        stats,
        len(METAINFO['classes']),
        f'mmseg_pfr.synthetic.export (as python '
        f'tools/dataset_converters/gta.py {out})',
    )
    return len(names)


def _write_cityscapes(src: Path, out: Path, split: str) -> int:
    """Cityscapes layout: <city>_<seq>_000019 names, mode L label ids."""
    city = CITIES[split]
    img_dir = out / 'leftImg8bit' / split / city
    ann_dir = out / 'gtFine' / split / city
    img_dir.mkdir(parents=True, exist_ok=True)
    ann_dir.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in (src / 'img').iterdir())
    for i, name in enumerate(names):
        stem = f'{city}_{i:06d}_000019'
        shutil.copyfile(
            src / 'img' / name, img_dir / f'{stem}_leftImg8bit.png'
        )
        ids = TRAIN_TO_LABEL_ID[_read_label(src / 'ann' / name)]
        Image.fromarray(ids).save(ann_dir / f'{stem}_gtFine_labelIds.png')
    return len(names)


def _read_label(path: Path) -> np.ndarray:
    label = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if label is None:
        raise OSError(f'cannot read {path}')
    return label
