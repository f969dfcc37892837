"""The appearance of a domain: palette, light, texture and camera.

``StyleConfig`` is plain data; ``render.render_scene`` applies it. The two
presets in ``domains.py`` fill it in, and the docs explain each value by the
GTA5 / Cityscapes difference it imitates.
"""

from dataclasses import dataclass
from typing import Mapping, Tuple

RGB = Tuple[int, int, int]


@dataclass(frozen=True)
class StyleConfig:
    """How surfaces become pixels in one domain.

    Args:
        palette: Body colours per class (train id, and 255 for the ego
            hood); an object draws one of them, picked by its colour key.
        parts: Colour of each non-body ``Part`` (glass, tyres, lamps...),
            keyed by the part's value.
        jitter: Relative per-object colour jitter around the palette entry.
        sky: Sky colour at the top row and at the horizon.
        sky_texture: Strength of large-scale cloud texture in the sky.
        light: Brightness of ground, camera-facing and street-facing
            surfaces: unequal under a low sun, nearly equal under clouds.
        shadow: Brightness of the ground inside cast shadows.
        shadow_blur: Softness of shadow edges, Gaussian sigma in pixels at a
            256-pixel-wide image.
        texture: 'tiled' (repeating, crisp, game-like) or 'fractal'
            (non-repeating 1/f wear, real-world-like).
        texture_strength: How strongly the texture modulates colours,
            scaled per class by how rough its material is
            (``render.ROUGHNESS``).
        saturation: Colour saturation gain (1 keeps it).
        contrast: Contrast gain around mid-grey (1 keeps it).
        exposure: Brightness gain.
        white_balance: Per-channel gains (R, G, B): the camera's colour cast.
        vignetting: Fraction of brightness lost in the image corners.
        blur: Lens blur, Gaussian sigma in pixels at 256 pixels wide.
        read_noise: Sensor noise floor (standard deviation, 0..1 scale).
        shot_noise: Signal-dependent sensor noise: the standard deviation is
            ``shot_noise * sqrt(intensity)``.
        jpeg_quality: JPEG re-encoding quality (0 disables it).
    """

    palette: Mapping[int, Tuple[RGB, ...]]
    parts: Mapping[int, RGB]
    jitter: float
    sky: Tuple[RGB, RGB]
    sky_texture: float
    light: Tuple[float, float, float]
    shadow: float
    shadow_blur: float
    texture: str
    texture_strength: float
    saturation: float = 1.0
    contrast: float = 1.0
    exposure: float = 1.0
    white_balance: Tuple[float, float, float] = (1.0, 1.0, 1.0)
    vignetting: float = 0.0
    blur: float = 0.0
    read_noise: float = 0.0
    shot_noise: float = 0.0
    jpeg_quality: int = 0

    def __post_init__(self) -> None:
        if self.texture not in ('tiled', 'fractal'):
            raise ValueError(
                f"texture must be 'tiled' or 'fractal', got {self.texture!r}"
            )
