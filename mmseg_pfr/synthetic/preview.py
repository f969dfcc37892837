"""A mosaic of samples of both domains with their colour-coded labels."""

from typing import Sequence

import numpy as np

from .classes import IGNORE_INDEX, METAINFO
from .domains import generate_sample


def colorize(label: np.ndarray) -> np.ndarray:
    """(H, W) train ids -> (H, W, 3) RGB in the Cityscapes palette;
    ignored pixels black."""
    lut = np.zeros((256, 3), dtype=np.uint8)
    lut[: len(METAINFO['palette'])] = METAINFO['palette']
    lut[IGNORE_INDEX] = 0
    return lut[label]


def preview_mosaic(
    indices: Sequence[int] = (0, 1, 2, 3), seed: int = 0
) -> np.ndarray:
    """Rows: source images, their labels, target images, their labels.

    Args:
        indices: Which train samples of each domain to show.
        seed: Dataset seed (the samples are those of the cached set).

    Returns:
        (H, W, 3) uint8 RGB mosaic with a 2-pixel white grid.
    """
    rows = []
    for domain in ('source', 'target'):
        samples = [generate_sample(domain, 'train', i, seed) for i in indices]
        rows.append([img for img, _ in samples])
        rows.append([colorize(label) for _, label in samples])
    pad = 2
    height = sum(r[0].shape[0] for r in rows) + pad * (len(rows) + 1)
    width = sum(c.shape[1] for c in rows[0]) + pad * (len(indices) + 1)
    mosaic = np.full((height, width, 3), 255, dtype=np.uint8)
    y = pad
    for row in rows:
        x = pad
        for cell in row:
            h, w = cell.shape[:2]
            mosaic[y : y + h, x : x + w] = cell
            x += w + pad
        y += row[0].shape[0] + pad
    return mosaic
