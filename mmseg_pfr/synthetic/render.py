"""Turning a scene's surfaces into an RGB image in one domain's style.

The chain follows how a picture is made. Surfaces get their material colour
(palette and parts), the light (orientation, cast shadows) and their
texture; then the camera: lens blur, vignetting, exposure and white balance,
sensor noise, the colour processing (saturation, contrast), 8-bit
quantisation and JPEG compression. A style leaves out what its domain does
not have (a game frame has no lens, noise or compression).
"""

import cv2
import numpy as np

from .classes import TrainId
from .scene import Face, Part, Scene
from .style import StyleConfig
from .textures import fractal, tiled

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)

# How rough each material is, the same in both worlds: foliage and grass
# are full of texture, paint and glass nearly smooth.
ROUGHNESS = np.full(256, 0.3, dtype=np.float32)
ROUGHNESS[[TrainId.ROAD, TrainId.SIDEWALK, TrainId.BUILDING]] = 0.6
ROUGHNESS[[TrainId.WALL, TrainId.FENCE]] = 0.5
ROUGHNESS[TrainId.TERRAIN] = 1.0
ROUGHNESS[TrainId.VEGETATION] = 1.4


def render_scene(
    scene: Scene, style: StyleConfig, rng: np.random.Generator
) -> np.ndarray:
    """Render ``scene`` in ``style``.

    Args:
        scene: The rasterised scene.
        style: The domain's appearance.
        rng: The rendering's random stream (textures, noise).

    Returns:
        (H, W, 3) uint8 RGB image.
    """
    img = _materials(scene, style, rng)
    img = _camera(img, style, rng)
    img = _processing(img, style)
    out = np.clip(np.round(img * 255.0), 0, 255).astype(np.uint8)
    if style.jpeg_quality:
        out = _jpeg(out, style.jpeg_quality)
    return out


def surface_colours(scene: Scene, style: StyleConfig) -> np.ndarray:
    """(S, 3) float32 colour in [0, 1] of every surface, before light."""
    keys = scene.keys
    colours = np.zeros((len(keys), 3), dtype=np.float32)
    for cls in np.unique(scene.classes):
        rows = scene.classes == cls
        options = np.asarray(style.palette[int(cls)], dtype=np.float32)
        pick = np.minimum(
            (keys[rows, 0] * len(options)).astype(int), len(options) - 1
        )
        colours[rows] = options[pick]
    shift = 2.0 * keys[:, 1:] - 1.0  # per-channel, in [-1, 1)
    colours *= 1.0 + style.jitter * shift
    for part, rgb in style.parts.items():
        rows = scene.parts == part
        colours[rows] = np.asarray(rgb) * (
            1.0 + 0.3 * style.jitter * shift[rows]
        )
    return colours / 255.0


def _materials(
    scene: Scene, style: StyleConfig, rng: np.random.Generator
) -> np.ndarray:
    """Material colour under the scene's light, with texture: (H, W, 3)."""
    cam = scene.camera
    surf = scene.surface
    img = surface_colours(scene, style)[surf]
    faces = scene.faces[surf]
    ground = faces == Face.GROUND
    light = np.asarray(style.light + (1.0,), dtype=np.float32)[faces]
    shade = scene.shadow.astype(np.float32)
    if style.shadow_blur:
        sigma = style.shadow_blur * cam.width / 256.0
        shade = cv2.GaussianBlur(shade, (0, 0), sigma)
    light *= 1.0 - (1.0 - style.shadow) * shade * ground
    field = (
        tiled(rng, cam, ground)
        if style.texture == 'tiled'
        else fractal(rng, cam)
    )
    # Textures vary the material, not the part (glass and lamps stay flat).
    strength = (
        style.texture_strength
        * ROUGHNESS[scene.classes]
        * (scene.parts == Part.BODY)
    )
    img *= (light * (1.0 + strength[surf] * field))[..., None]
    sky = faces == Face.SKY
    img[sky] = _sky(scene, style, rng)[sky]
    return img


def _sky(
    scene: Scene, style: StyleConfig, rng: np.random.Generator
) -> np.ndarray:
    """Sky colour, fading from the top row to the horizon: (H, W, 3)."""
    cam = scene.camera
    t = np.clip(np.arange(cam.height) / max(cam.horizon, 1.0), 0, 1)
    top, horizon = (np.asarray(c, np.float32) / 255.0 for c in style.sky)
    rows = top + (horizon - top) * t[:, None] ** 0.7
    sky = np.repeat(rows[:, None, :], cam.width, axis=1)
    if style.sky_texture:
        # Cloud cover: only the coarse octaves, so clouds are large.
        grid = rng.uniform(-1, 1, size=(3, 6)).astype(np.float32)
        clouds = cv2.resize(
            grid, (cam.width, cam.height), interpolation=cv2.INTER_CUBIC
        )
        sky *= (1.0 + style.sky_texture * clouds)[..., None]
    return sky


def _camera(
    img: np.ndarray, style: StyleConfig, rng: np.random.Generator
) -> np.ndarray:
    """Lens blur, vignetting, exposure, white balance, sensor noise."""
    h, w = img.shape[:2]
    if style.blur:
        img = cv2.GaussianBlur(img, (0, 0), style.blur * w / 256.0)
    if style.vignetting:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
        img = img * (1.0 - style.vignetting * r2 / 2.0)[..., None]
    img = img * style.exposure * np.asarray(style.white_balance, np.float32)
    if style.read_noise or style.shot_noise:
        sigma = np.sqrt(
            style.read_noise**2 + style.shot_noise**2 * np.clip(img, 0, None)
        )
        img = img + sigma * rng.standard_normal(img.shape, dtype=np.float32)
    return img


def _processing(img: np.ndarray, style: StyleConfig) -> np.ndarray:
    """Colour processing: saturation and contrast."""
    if style.saturation != 1.0:
        luma = (img @ _LUMA)[..., None]
        img = luma + style.saturation * (img - luma)
    if style.contrast != 1.0:
        img = 0.5 + style.contrast * (img - 0.5)
    return img


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip through JPEG (4:2:0 chroma): blocks, ringing, colour
    bleeding."""
    ok, buf = cv2.imencode(
        '.jpg', img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    )
    if not ok:
        raise RuntimeError('OpenCV failed to encode a JPEG')
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].copy()
