"""The domain-independent description of one street scene.

A scene is rasterised once into a map of *surfaces*: every pixel holds the
index of the surface drawn last on it (painter's algorithm, far to near). A
surface carries its class (the label), its part (body paint, glass, tyre,
lamp...), its orientation to the light and a colour key. The renderers of
the two domains turn the same surfaces into different pixels, so the labels
are exactly what is drawn in either style.
"""

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Sequence, Tuple

import cv2
import numpy as np

# cv2 drawing with 4 fractional bits: sub-pixel geometry at any image size.
_SHIFT = 4
_ONE = 1 << _SHIFT


class Part(IntEnum):
    """What a surface is made of; the renderer colours each kind."""

    BODY = 0  # the class's own material (paint, facade, asphalt, leaves)
    GLASS = 1  # windows and windscreens
    DARK = 2  # tyres, gaps, frames, trunks, trousers
    LAMP_RED = 3
    LAMP_AMBER = 4
    LAMP_GREEN = 5
    MARKING = 6  # painted road markings
    SKIN = 7
    TRIM = 8  # light trim: sign borders, kerbs, cornices, headlights


class Face(IntEnum):
    """Orientation of a surface to the light."""

    GROUND = 0  # horizontal: road, sidewalk, terrain
    FRONT = 1  # vertical, facing the camera
    SIDE = 2  # vertical, parallel to the street
    SKY = 3


@dataclass
class Camera:
    """A pinhole camera above a flat ground plane, looking along the street.

    World coordinates in metres: X to the right, Y up from the ground, Z
    forward. Rows grow downwards; the horizon is the row of Z = infinity.

    Args:
        height: Image height in pixels.
        width: Image width in pixels.
        horizon: Row of the horizon (may be fractional).
        center: Column of the vanishing point of the street.
        focal: Focal length in pixels.
        elevation: Camera height above the ground in metres.
    """

    height: int
    width: int
    horizon: float
    center: float
    focal: float
    elevation: float

    def project(
        self, x: np.ndarray, y: np.ndarray, z: np.ndarray
    ) -> np.ndarray:
        """Image points (..., 2) as (column, row) of world points."""
        if np.isscalar(x) and np.isscalar(y) and np.isscalar(z):
            # Most calls project one point: skip the broadcasting machinery.
            return np.array(
                (
                    self.center + self.focal * x / z,
                    self.horizon + self.focal * (self.elevation - y) / z,
                )
            )
        col = self.center + self.focal * np.divide(x, z)
        row = self.horizon + self.focal * np.subtract(self.elevation, y) / z
        out = np.empty(
            np.broadcast_shapes(np.shape(col), np.shape(row)) + (2,)
        )
        out[..., 0], out[..., 1] = col, row
        return out

    def scale(self, z: float) -> float:
        """Pixels per metre at depth ``z``."""
        return self.focal / z

    def near_depth(self) -> float:
        """Depth of the ground seen at the bottom row."""
        return self.focal * self.elevation / (self.height - self.horizon)


@dataclass
class Scene:
    """A rasterised scene.

    Attributes:
        surface: (H, W) int32 surface index of each pixel.
        shadow: (H, W) uint8, 1 where the sun is blocked (cast shadows).
        classes: (S,) uint8 train id of each surface (255 ignored).
        parts: (S,) uint8 ``Part`` of each surface.
        faces: (S,) uint8 ``Face`` of each surface.
        keys: (S, 4) float32 colour keys in [0, 1): the first picks a
            palette entry, the rest jitter it. Surfaces of one object share
            a key, so a car's side and back have the same paint.
        camera: The camera it was seen through.
    """

    surface: np.ndarray
    shadow: np.ndarray
    classes: np.ndarray
    parts: np.ndarray
    faces: np.ndarray
    keys: np.ndarray
    camera: Camera

    @property
    def label(self) -> np.ndarray:
        """(H, W) uint8 train-id map."""
        return self.classes[self.surface]


class Canvas:
    """Draws surfaces far to near and collects their attributes.

    Args:
        camera: The scene's camera; fixes the canvas size.
        rng: Source of colour keys.
    """

    def __init__(self, camera: Camera, rng: np.random.Generator) -> None:
        self.camera = camera
        self.rng = rng
        shape = (camera.height, camera.width)
        self.surface = np.zeros(shape, dtype=np.int32)
        self.shadow = np.zeros(shape, dtype=np.uint8)
        self._rows: list = []
        self._keys: list = []

    def key(self) -> np.ndarray:
        """A fresh colour key for one object."""
        return self.rng.random(4)

    def add(
        self,
        cls: int,
        part: Part = Part.BODY,
        face: Face = Face.FRONT,
        key: np.ndarray = None,
    ) -> int:
        """Register a surface and return its index (the value to draw)."""
        self._rows.append((cls, part, face))
        self._keys.append(self.key() if key is None else key)
        return len(self._rows) - 1

    def poly(self, points: np.ndarray, sid: int) -> None:
        """Fill one polygon given as (N, 2) image points."""
        self.polys([points], sid)

    def polys(self, polygons: Sequence[np.ndarray], sid: int) -> None:
        """Fill several polygons with the same surface in one call."""
        pts = _fixed_point(np.asarray(polygons, dtype=np.float64))
        cv2.fillPoly(self.surface, pts, int(sid), cv2.LINE_8, _SHIFT)

    def ellipse(
        self,
        center: Tuple[float, float],
        axes: Tuple[float, float],
        sid: int,
        thickness: int = -1,
    ) -> None:
        """Fill (or outline, with ``thickness`` px) an axis-aligned ellipse."""
        c = (_fixed(center[0]), _fixed(center[1]))
        ax = (max(1, _fixed(axes[0])), max(1, _fixed(axes[1])))
        cv2.ellipse(
            self.surface,
            c,
            ax,
            0,
            0,
            360,
            int(sid),
            thickness,
            cv2.LINE_8,
            _SHIFT,
        )

    def line(
        self,
        p0: Sequence[float],
        p1: Sequence[float],
        sid: int,
        thickness: float = 1.0,
    ) -> None:
        """A straight stroke ``thickness`` pixels wide (at least 1)."""
        a = (_fixed(p0[0]), _fixed(p0[1]))
        b = (_fixed(p1[0]), _fixed(p1[1]))
        t = max(1, round(thickness))
        cv2.line(self.surface, a, b, int(sid), t, cv2.LINE_8, _SHIFT)

    def cast_shadow(self, points: np.ndarray) -> None:
        """Mark a polygon of the ground as shaded from the sun."""
        pts = _fixed_point(np.asarray(points, dtype=np.float64)[None])
        cv2.fillPoly(self.shadow, pts, 1, cv2.LINE_8, _SHIFT)

    def scene(self) -> Scene:
        """Freeze the drawing into a ``Scene``."""
        rows = np.array(self._rows, dtype=np.uint8).reshape(-1, 3)
        return Scene(
            surface=self.surface,
            shadow=self.shadow,
            classes=rows[:, 0].copy(),
            parts=rows[:, 1].copy(),
            faces=rows[:, 2].copy(),
            keys=np.array(self._keys, dtype=np.float32).reshape(-1, 4),
            camera=self.camera,
        )


def _fixed(value: float) -> int:
    """One coordinate in cv2's fixed point (``_SHIFT`` fractional bits)."""
    return math.floor(value * _ONE + 0.5)


def _fixed_point(points: np.ndarray) -> np.ndarray:
    """Float image points -> int32 fixed point. Nothing is drawn nearer than
    0.3 m or wider than 500 m, so coordinates stay far below 2**31."""
    return np.round(points * _ONE).astype(np.int32)
