"""Tiny GTA5, Cityscapes and SYNTHIA folders in their official layouts, the
defects users meet, and the documented label mappings, for tests.

The mappings are written here from the documentation (the real-data README
and DESIGN.md), independently of the package's tables, and applied with a
plain loop, so tests compare the package against the documents.
"""

from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import cv2
import numpy as np
import pytest
from PIL import Image

# (width, height) of the fixture images.
SIZE = (24, 16)

# The shared real samples, next to the repository (never copied into it).
REALDATA = Path(__file__).resolve().parents[2].parent / 'shared' / 'realdata'

# ../shared/realdata/README.md, "Label ids -> train ids".
DOCUMENTED_CITYSCAPES = {
    7: 0, 8: 1, 11: 2, 12: 3, 13: 4, 17: 5, 19: 6, 20: 7, 21: 8, 22: 9,
    23: 10, 24: 11, 25: 12, 26: 13, 27: 14, 28: 15, 31: 16, 32: 17, 33: 18,
}  # fmt: skip
# ../shared/docs/DESIGN.md section 3, SYNTHIA.
DOCUMENTED_SYNTHIA = {
    3: 0, 4: 1, 2: 2, 21: 3, 5: 4, 7: 5, 15: 6, 9: 7, 6: 8, 1: 10, 10: 11,
    17: 12, 8: 13, 19: 15, 12: 17, 11: 18,
}  # fmt: skip

CITYSCAPES_PALETTE = [
    [128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156],
    [190, 153, 153], [153, 153, 153], [250, 170, 30], [220, 220, 0],
    [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60],
    [255, 0, 0], [0, 0, 142], [0, 0, 70], [0, 60, 100], [0, 80, 100],
    [0, 0, 230], [119, 11, 32],
]  # fmt: skip

# Ids in the fixture labels: classes and void ids of each encoding.
GTA_IDS = (7, 8, 11, 26, 23, 0, 1)
SYNTHIA_IDS = (3, 4, 2, 1, 8, 0, 16)


def realdata(relative: str) -> Path:
    """A file of the shared real samples; skips the test without it."""
    path = REALDATA / relative
    if not path.exists():
        pytest.skip(f'real sample {path} is absent')
    return path


def reference_train_ids(
    ids: np.ndarray, mapping: Dict[int, int]
) -> np.ndarray:
    """Train ids of ``ids`` by the documented ``mapping``, one id at a time."""
    out = np.full(ids.shape, 255, dtype=np.uint8)
    for label_id, train_id in mapping.items():
        out[ids == label_id] = train_id
    return out


def id_pattern(
    ids: Iterable[int], size: Tuple[int, int] = SIZE, shift: int = 0
) -> np.ndarray:
    """An (h, w) label cycling through ``ids`` in diagonal stripes."""
    ids = np.asarray(tuple(ids))
    w, h = size
    yy, xx = np.mgrid[:h, :w]
    return ids[(xx + yy + shift) % len(ids)]


def write_image(path: Path, size: Tuple[int, int] = SIZE, seed: int = 0):
    """A random RGB PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rgb = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3))
    Image.fromarray(rgb.astype(np.uint8)).save(path)


def write_palette_label(path: Path, ids: np.ndarray) -> None:
    """A GTA5-style label: palette ('P') PNG whose indices are the ids, the
    palette showing each id in its train class colour."""
    path.parent.mkdir(parents=True, exist_ok=True)
    h, w = ids.shape
    img = Image.frombytes('P', (w, h), ids.astype(np.uint8).tobytes())
    colours = np.zeros((256, 3), dtype=np.uint8)
    for label_id, train_id in DOCUMENTED_CITYSCAPES.items():
        colours[label_id] = CITYSCAPES_PALETTE[train_id]
    img.putpalette(colours.ravel().tolist())
    img.save(path)


def write_gray_label(path: Path, ids: np.ndarray) -> None:
    """A single-channel ('L') PNG label, as Cityscapes ships them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(ids.astype(np.uint8)).save(path)


def write_synthia_label(path: Path, ids: np.ndarray) -> None:
    """A SYNTHIA label: 16-bit colour PNG, class id in red, an instance id
    in green."""
    path.parent.mkdir(parents=True, exist_ok=True)
    bgr = np.zeros(ids.shape + (3,), dtype=np.uint16)
    bgr[..., 2] = ids  # OpenCV writes BGR: index 2 is red
    bgr[..., 1] = 1000 + ids
    cv2.imwrite(str(path), bgr)


def write_colour_label(path: Path, ids: np.ndarray) -> None:
    """An RGB rendering of a label (what *_color.png files are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rgb = np.stack([ids * 7, ids * 3, ids], axis=-1).astype(np.uint8)
    Image.fromarray(rgb).save(path)


def write_garbage(path: Path) -> None:
    """A file named like a PNG that is not an image."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'this is not a png')


def write_truncated(path: Path, size: Tuple[int, int] = SIZE) -> None:
    """A PNG cut off halfway, as an interrupted download leaves it."""
    write_image(path, size, seed=99)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_gta(root: Path, n: int = 3, size: Tuple[int, int] = SIZE) -> Path:
    """GTA5's layout: images/0000k.png and palette labels/0000k.png."""
    for k in range(1, n + 1):
        write_image(root / 'images' / f'{k:05d}.png', size, seed=k)
        write_palette_label(
            root / 'labels' / f'{k:05d}.png', id_pattern(GTA_IDS, size, k)
        )
    return root


# The defects of GTA5 (and of downloads): image name -> what is wrong.
GTA_DEFECTS = {
    '00011.png': 'blank label',
    '00012.png': 'size mismatch',
    '00013.png': 'image without label',
    '00014.png': 'unreadable label',
    '00015.png': 'colour label',
    '00016.png': 'values outside the encoding',
    '00017.png': 'unreadable image',
}


def add_gta_defects(root: Path, size: Tuple[int, int] = SIZE) -> None:
    """Add one pair with each of :data:`GTA_DEFECTS` to a GTA5 layout."""
    w, h = size
    images, labels = root / 'images', root / 'labels'
    for name in GTA_DEFECTS:
        if name != '00017.png':
            write_image(images / name, size, seed=int(name[:5]))
    pattern = id_pattern(GTA_IDS, size)
    write_palette_label(labels / '00011.png', np.zeros((h, w), np.uint8))
    write_palette_label(labels / '00012.png', pattern[: h - 2])
    write_garbage(labels / '00014.png')
    write_colour_label(labels / '00015.png', pattern)
    outside = pattern.copy()
    outside[0, :3] = (40, 200, 250)
    write_palette_label(labels / '00016.png', outside)
    write_truncated(images / '00017.png', size)
    write_palette_label(labels / '00017.png', pattern)


def make_synthia(root: Path, n: int = 3, size: Tuple[int, int] = SIZE) -> Path:
    """SYNTHIA's layout: RGB/000000k.png and 16-bit GT/LABELS/000000k.png."""
    for k in range(n):
        write_image(root / 'RGB' / f'{k:07d}.png', size, seed=k)
        write_synthia_label(
            root / 'GT' / 'LABELS' / f'{k:07d}.png',
            id_pattern(SYNTHIA_IDS, size, k),
        )
    return root


def cityscapes_name(city: str, k: int, suffix: str) -> str:
    return f'{city}_{k:06d}_000019_{suffix}.png'


def make_cityscapes(
    root: Path,
    splits: Optional[Dict[str, Tuple[str, ...]]] = None,
    per_city: int = 2,
    size: Tuple[int, int] = SIZE,
    train_ids: bool = True,
) -> Path:
    """Cityscapes' layout: leftImg8bit and gtFine per split and city, with
    ``*_labelIds.png`` and (``train_ids``) the ``*_labelTrainIds.png`` a
    converter writes, made here by the documented mapping."""
    splits = splits or {'train': ('aachen', 'bochum'), 'val': ('frankfurt',)}
    for split, cities in splits.items():
        for city in cities:
            for k in range(per_city):
                write_image(
                    root / 'leftImg8bit' / split / city
                    / cityscapes_name(city, k, 'leftImg8bit'),
                    size,
                    seed=k,
                )  # fmt: skip
                ids = id_pattern(GTA_IDS, size, k)
                gt = root / 'gtFine' / split / city
                write_gray_label(
                    gt / cityscapes_name(city, k, 'gtFine_labelIds'), ids
                )
                if train_ids:
                    write_gray_label(
                        gt / cityscapes_name(city, k, 'gtFine_labelTrainIds'),
                        reference_train_ids(ids, DOCUMENTED_CITYSCAPES),
                    )
    return root
