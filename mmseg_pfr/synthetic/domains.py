"""The two synthetic domains and the seeded generator of their samples.

``source`` imitates GTA5 (a game: sunny Los Angeles, clean saturated colours,
hard shadows, crisp repeating textures, no camera artefacts, many camera
rigs) and ``target`` imitates Cityscapes (a real car-mounted camera in
overcast German cities: dim, muted palette, greenish, soft light,
vignetting, sensor noise, compression, fixed camera with the ego hood in
view, narrower streets with more pedestrians and cyclists). Both draw the
same kinds of street scenes with the same classes and geometry, so labels
mean the same in both; docs/synthetic_benchmark.md explains every value.
"""

from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from .classes import IGNORE_INDEX, TrainId
from .render import render_scene
from .scene import Part, Scene
from .street import LayoutConfig, sample_scene
from .style import StyleConfig

SPLITS = {'train': 0, 'val': 1}

T = TrainId


# Body colours per class. People's clothes are the same for pedestrians and
# riders; index 255 paints the ego vehicle's bonnet.
_SOURCE_CLOTHES = (
    (200, 40, 40),
    (40, 80, 200),
    (230, 230, 230),
    (40, 40, 40),
    (230, 180, 40),
    (60, 160, 80),
)
SOURCE_PALETTE = {
    T.ROAD: ((112, 108, 104), (126, 118, 108), (100, 100, 104)),
    T.SIDEWALK: ((196, 184, 166), (178, 172, 162)),
    T.BUILDING: ((214, 186, 140), (196, 150, 112), (230, 214, 178),
                 (168, 180, 196), (204, 128, 96), (150, 170, 150)),
    T.WALL: ((200, 192, 170), (170, 160, 140)),
    T.FENCE: ((150, 112, 74), (120, 124, 130)),
    T.POLE: ((120, 122, 128), (90, 96, 90)),
    T.TRAFFIC_LIGHT: ((52, 52, 44),),
    T.TRAFFIC_SIGN: ((30, 90, 210), (210, 30, 30), (240, 200, 20),
                     (30, 140, 60)),
    T.VEGETATION: ((84, 150, 42), (110, 160, 50), (60, 130, 50)),
    T.TERRAIN: ((150, 170, 70), (180, 160, 110), (130, 160, 60)),
    T.SKY: ((70, 130, 230),),
    T.PERSON: _SOURCE_CLOTHES,
    T.RIDER: _SOURCE_CLOTHES,
    T.CAR: ((200, 20, 20), (20, 60, 180), (235, 235, 235), (30, 30, 30),
            (180, 180, 190), (240, 190, 20), (20, 120, 60)),
    T.TRUCK: ((235, 235, 230), (220, 110, 30), (60, 90, 160)),
    T.BUS: ((240, 200, 40), (230, 230, 230), (40, 110, 190)),
    T.TRAIN: ((220, 220, 225), (200, 40, 40)),
    T.MOTORCYCLE: ((220, 30, 30), (30, 30, 30), (40, 60, 200)),
    T.BICYCLE: ((30, 150, 220), (220, 40, 40), (250, 250, 250)),
    IGNORE_INDEX: ((235, 235, 235), (30, 30, 30), (200, 20, 20)),
}  # fmt: skip

_TARGET_CLOTHES = (
    (40, 40, 48),
    (70, 60, 55),
    (90, 90, 100),
    (120, 40, 40),
    (50, 60, 90),
    (150, 150, 150),
)
TARGET_PALETTE = {
    T.ROAD: ((78, 80, 82), (88, 88, 86), (70, 72, 76)),
    T.SIDEWALK: ((118, 114, 110), (130, 112, 104), (104, 106, 108)),
    T.BUILDING: ((150, 144, 132), (126, 96, 82), (172, 166, 150),
                 (110, 112, 116), (140, 130, 110), (96, 90, 84)),
    T.WALL: ((140, 138, 130), (120, 112, 104)),
    T.FENCE: ((96, 100, 96), (110, 96, 80)),
    T.POLE: ((80, 84, 86), (110, 112, 110)),
    T.TRAFFIC_LIGHT: ((40, 42, 40),),
    T.TRAFFIC_SIGN: ((30, 70, 150), (170, 30, 35), (210, 180, 40),
                     (230, 230, 230)),
    T.VEGETATION: ((52, 78, 40), (64, 88, 46), (44, 66, 38)),
    T.TERRAIN: ((96, 110, 64), (110, 104, 80)),
    T.SKY: ((188, 196, 204),),
    T.PERSON: _TARGET_CLOTHES,
    T.RIDER: _TARGET_CLOTHES,
    T.CAR: ((40, 42, 46), (150, 152, 156), (200, 200, 204), (30, 40, 70),
            (110, 20, 24), (90, 96, 100)),
    T.TRUCK: ((200, 200, 196), (150, 60, 40), (60, 70, 90)),
    T.BUS: ((220, 220, 214), (40, 80, 140), (200, 170, 40)),
    T.TRAIN: ((230, 230, 220), (160, 30, 30)),
    T.MOTORCYCLE: ((40, 40, 40), (120, 30, 30)),
    T.BICYCLE: ((30, 30, 34), (150, 150, 160), (40, 60, 110)),
    IGNORE_INDEX: ((60, 62, 64),),
}  # fmt: skip


@dataclass(frozen=True)
class Domain:
    """One synthetic domain.

    Args:
        name: 'source' or 'target'.
        code: Its number in the seed of every sample.
        size: Default image size (height, width).
        layout: Its scene statistics.
        style: Its appearance.
    """

    name: str
    code: int
    size: Tuple[int, int]
    layout: LayoutConfig
    style: StyleConfig


SOURCE = Domain(
    name='source',
    code=0,
    # GTA5 frames are 16:9 (1914x1052), Cityscapes 2:1 (2048x1024).
    size=(144, 256),
    layout=LayoutConfig(
        horizon=(0.42, 0.05),  # many vehicles and rigs: pitch varies
        center_sd=0.05,
        elevation=(1.3, 2.0),
        lanes=(2, 5),  # wide boulevards
        sidewalk=(2.5, 5.0),
        structures=(0.55, 0.25, 0.1, 0.1),
        building_height=(5.0, 30.0),
        cars=3.5,
        trucks=0.6,
        buses=0.3,
        tram=0.12,
        parked=1.0,
        persons=2.0,
        cyclists=0.4,
        motorcyclists=0.5,
        parked_bicycles=0.2,
        signs=1.5,
        signals=0.5,
        trees=0.35,
        hood=0.25,
    ),
    style=StyleConfig(
        palette=SOURCE_PALETTE,
        parts={
            Part.GLASS: (110, 160, 210),  # the blue sky mirrored
            Part.DARK: (28, 26, 26),
            Part.LAMP_RED: (255, 40, 30),
            Part.LAMP_AMBER: (255, 180, 20),
            Part.LAMP_GREEN: (40, 255, 120),
            Part.MARKING: (245, 245, 240),  # fresh paint
            Part.SKIN: (225, 180, 145),
            Part.TRIM: (240, 240, 235),
        },
        jitter=0.08,
        sky=((70, 130, 230), (190, 215, 245)),  # clear blue
        sky_texture=0.0,
        light=(1.0, 0.92, 0.68),  # low sun: sunlit and shaded walls differ
        shadow=0.45,  # hard, dark cast shadows
        shadow_blur=0.0,
        texture='tiled',
        texture_strength=0.25,
        saturation=1.25,
        contrast=1.15,
        white_balance=(1.03, 1.0, 0.94),  # warm
    ),
)

TARGET = Domain(
    name='target',
    code=1,
    size=(128, 256),
    layout=LayoutConfig(
        horizon=(0.45, 0.015),  # one camera rig, fixed pitch
        center_sd=0.03,
        elevation=(1.2, 1.3),
        lanes=(2, 3),  # narrower European streets
        sidewalk=(2.0, 4.0),
        structures=(0.65, 0.15, 0.1, 0.1),
        building_height=(8.0, 22.0),
        cars=2.5,
        trucks=0.3,
        buses=0.25,
        tram=0.15,
        parked=2.0,
        persons=4.0,
        cyclists=0.9,
        motorcyclists=0.3,
        parked_bicycles=0.8,
        signs=2.5,
        signals=0.5,
        trees=0.5,
        hood=1.0,  # the recording car's bonnet is in every frame
    ),
    style=StyleConfig(
        palette=TARGET_PALETTE,
        parts={
            Part.GLASS: (52, 58, 62),  # grey clouds mirrored
            Part.DARK: (22, 24, 24),
            Part.LAMP_RED: (230, 50, 40),
            Part.LAMP_AMBER: (230, 160, 30),
            Part.LAMP_GREEN: (40, 210, 120),
            Part.MARKING: (190, 190, 186),  # worn paint
            Part.SKIN: (190, 150, 128),
            Part.TRIM: (180, 180, 176),
        },
        jitter=0.12,
        sky=((188, 196, 204), (214, 218, 222)),  # overcast
        sky_texture=0.08,
        light=(0.95, 0.9, 0.85),  # diffuse: all faces lit alike
        shadow=0.82,  # only soft contact shadows
        shadow_blur=2.5,
        texture='fractal',
        texture_strength=0.25,
        # Protocol v3's step 2 (docs/synthetic_benchmark.md): saturation
        # and lens blur at the values whose images come closest to real
        # Cityscapes frames' HSV saturation and sharpness (v1-v2: 0.75 and
        # 0.7 px, less saturated and blurrier than the real frames).
        saturation=1.2,
        contrast=0.9,
        exposure=0.75,  # Cityscapes frames are dim
        white_balance=(0.95, 1.04, 0.98),  # greenish cast
        vignetting=0.35,
        blur=0.0,
        read_noise=0.012,
        shot_noise=0.02,
        jpeg_quality=40,
    ),
)

DOMAINS = {d.name: d for d in (SOURCE, TARGET)}


def get_domain(name: str) -> Domain:
    """The domain called ``name``, with a clear error for anything else."""
    if name not in DOMAINS:
        raise ValueError(
            f'unknown synthetic domain {name!r}; use one of {sorted(DOMAINS)}'
        )
    return DOMAINS[name]


def check_split(split: str) -> None:
    """Raise a clear error for an unknown split."""
    if split not in SPLITS:
        raise ValueError(
            f'unknown synthetic split {split!r}; use one of {sorted(SPLITS)}'
        )


def generate_sample(
    domain: str,
    split: str,
    index: int,
    seed: int = 0,
    size: Optional[Tuple[int, int]] = None,
    style: Optional[StyleConfig] = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """One image and its labels, a pure function of its arguments.

    Each sample has its own random stream, seeded by (seed, domain, split,
    index), so samples do not depend on how many others are generated or
    in which order. The scene and its rendering use separate child streams,
    so the same scene can be rendered in another style.

    Args:
        domain: 'source' or 'target'.
        split: 'train' or 'val' (disjoint scenes).
        index: Sample number, >= 0.
        seed: Dataset seed, >= 0.
        size: (height, width); None uses the domain's default size.
        style: Render the scene in this style instead of the domain's own
            (e.g. to measure what part of the gap a model is sensitive to).

    Returns:
        (H, W, 3) uint8 RGB image and (H, W) uint8 train-id labels
        (255 = ignore).
    """
    scene_seq, render_seq = _streams(domain, split, index, seed)
    scene = _scene(domain, scene_seq, size)
    style = style or get_domain(domain).style
    image = render_scene(scene, style, np.random.default_rng(render_seq))
    return image, scene.label


def generate_labels(
    domain: str,
    split: str,
    index: int,
    seed: int = 0,
    size: Optional[Tuple[int, int]] = None,
) -> np.ndarray:
    """The labels of ``generate_sample`` with the same arguments, without
    rendering the image (about twice as fast)."""
    scene_seq, _ = _streams(domain, split, index, seed)
    return _scene(domain, scene_seq, size).label


def _streams(
    domain: str, split: str, index: int, seed: int
) -> Tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """The scene's and the rendering's seed sequences of one sample."""
    code = get_domain(domain).code
    check_split(split)
    if seed < 0 or index < 0:
        raise ValueError(f'seed and index must be >= 0, got {seed}, {index}')
    root = np.random.SeedSequence([seed, code, SPLITS[split], index])
    scene_seq, render_seq = root.spawn(2)
    return scene_seq, render_seq


def _scene(
    domain: str,
    seq: np.random.SeedSequence,
    size: Optional[Tuple[int, int]],
) -> Scene:
    d = get_domain(domain)
    height, width = size or d.size
    return sample_scene(np.random.default_rng(seq), d.layout, height, width)
