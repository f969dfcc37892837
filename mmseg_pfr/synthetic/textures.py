"""Surface textures with the statistics of the two domains.

Game engines paint surfaces with small bitmaps repeated across them: the
texture is periodic, crisp (nearest texel) and, on the ground, mapped in
perspective so the same pattern recedes to the horizon. Real surfaces carry
non-repeating stains and wear whose energy falls with frequency (roughly
1/f), softened by the lens. ``tiled`` and ``fractal`` make the two; both
return zero-mean fields in about [-1, 1] that multiply a surface's colour.
"""

import cv2
import numpy as np

from .scene import Camera


def tiled(
    rng: np.random.Generator,
    camera: Camera,
    ground: np.ndarray,
    tile: int = 16,
) -> np.ndarray:
    """A repeating game-like texture: (H, W) float32.

    One random tile of ``tile`` x ``tile`` pixels (2x2 blocks, as
    low-resolution game textures look) repeats over vertical surfaces in
    image space and over the ``ground`` pixels in world space (8 pixels per
    metre), so the ground pattern foreshortens with distance.
    """
    h, w = camera.height, camera.width
    texels = rng.uniform(-1.0, 1.0, size=(tile // 2, tile // 2))
    pattern = np.kron(texels, np.ones((2, 2))).astype(np.float32)
    screen = np.tile(pattern, (h // tile + 1, w // tile + 1))[:h, :w]
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    z = (
        camera.focal
        * camera.elevation
        / np.maximum(rows - camera.horizon, 0.5)
    )
    x = (cols - camera.center) * z / camera.focal
    u = np.floor(x * 8.0).astype(np.int64) % tile
    v = np.floor(z * 8.0).astype(np.int64) % tile
    return np.where(ground, pattern[v, u], screen)


def fractal(rng: np.random.Generator, camera: Camera) -> np.ndarray:
    """A non-repeating 1/f texture: (H, W) float32.

    Octaves of smoothly interpolated random grids, from blotches an eighth
    of the image across to single pixels, each octave half as strong as the
    next coarser one. Below the horizon it fades towards the horizon row,
    where distant surfaces blur into their mean colour.
    """
    h, w = camera.height, camera.width
    field = np.zeros((h, w), dtype=np.float32)
    amplitude, total = 1.0, 0.0
    for cells in (8, 16, 32, 64):
        grid = rng.uniform(-1.0, 1.0, size=(max(2, cells * h // w), cells))
        field += amplitude * cv2.resize(
            grid.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
        )
        total += amplitude
        amplitude *= 0.5
    rows = np.arange(h, dtype=np.float32)[:, None]
    fade = np.clip((rows - camera.horizon) / (h - camera.horizon), 0.25, 1.0)
    fade = np.where(rows > camera.horizon, fade, 1.0)
    return field / total * 1.6 * fade
