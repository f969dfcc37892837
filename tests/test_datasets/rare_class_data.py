"""A tiny converted GTA5 folder with rare classes, and the UDADataset config
that samples it by rare-class sampling, for tests."""

from pathlib import Path
from typing import Tuple

import numpy as np
from test_datasets.dataset_layouts import (
    make_cityscapes,
    write_image,
    write_palette_label,
)
from test_datasets.tiny_configs import TARGET_PIPELINE, UDA_SIZE

from mmseg_pfr.datasets import GTADataset
from mmseg_pfr.datasets.conversion import convert_paired_dataset

# Cityscapes label ids -> train ids of the classes drawn here.
ROAD, SIDEWALK, PERSON, TRAIN = (7, 0), (8, 1), (24, 11), (31, 16)
# Which images hold a 6x6 block of which rare class (0-based image index).
RARE_BLOCKS = {0: TRAIN, 2: TRAIN, 1: PERSON, 3: PERSON, 4: PERSON}
# Enough for every class present to have an image above it.
MIN_PIXELS = 20


def rare_class_label(k: int, size: Tuple[int, int] = UDA_SIZE) -> np.ndarray:
    """Label ids of image ``k``: road, a sidewalk band, and a 6x6 block of
    its rare class (if any) at a place that moves with ``k``."""
    w, h = size
    ids = np.full((h, w), ROAD[0], dtype=np.uint8)
    ids[h - 8 :, :] = SIDEWALK[0]
    if k in RARE_BLOCKS:
        x, y = 3 + 7 * k, 4 + 3 * k
        ids[y : y + 6, x : x + 6] = RARE_BLOCKS[k][0]
    return ids


def make_rare_class_gta(root: Path, n: int = 6) -> Path:
    """GTA5's layout with :func:`rare_class_label` labels, converted (so
    with ``class_stats.json``)."""
    for k in range(n):
        write_image(root / 'images' / f'{k + 1:05d}.png', UDA_SIZE, seed=k)
        write_palette_label(
            root / 'labels' / f'{k + 1:05d}.png', rare_class_label(k)
        )
    convert_paired_dataset(GTADataset, str(root))
    return root


def rare_class_uda_cfg(
    root: Path, crop: Tuple[int, int] = (16, 16), **rare_class_sampling
) -> dict:
    """A UDADataset config over :func:`make_rare_class_gta` -> Cityscapes
    under ``root`` (made once), with rare-class sampling (``min_pixels``
    :data:`MIN_PIXELS`, DAFormer's other defaults, overridden by
    ``rare_class_sampling``) and a ``crop`` (h, w) that keeps the class."""
    if not (root / 'gta').exists():
        make_rare_class_gta(root / 'gta')
        make_cityscapes(root / 'cityscapes', per_city=3, size=UDA_SIZE)
    source_pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadTrainIdAnnotations'),
        dict(type='RareClassRandomCrop', crop_size=crop),
        dict(type='PackSegInputs'),
    ]
    target_pipeline = TARGET_PIPELINE[:-1] + [
        dict(type='RandomCrop', crop_size=crop),
        TARGET_PIPELINE[-1],
    ]
    return dict(
        type='UDADataset',
        source=dict(
            type='GTADataset',
            data_root=str(root / 'gta'),
            pipeline=source_pipeline,
            serialize_data=False,
        ),
        target=dict(
            type='CityscapesDataset',
            data_root=str(root / 'cityscapes'),
            data_prefix=dict(img_path='leftImg8bit/train'),
            pipeline=target_pipeline,
            serialize_data=False,
        ),
        rare_class_sampling=dict(
            dict(min_pixels=MIN_PIXELS), **rare_class_sampling
        ),
    )
