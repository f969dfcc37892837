"""Sampling a street scene's layout and drawing it far to near.

The camera looks down a straight street: road lanes in the middle, kerbs and
sidewalks on both sides, then grass, walls, fences, trees or buildings, and a
row of far buildings and trees closing the view at the horizon. Traffic,
pedestrians, cyclists, poles, signals and signs are placed on the road and
sidewalks at real-world sizes. ``LayoutConfig`` holds the statistics that
differ between the two domains (camera height and pitch, road width, how many
objects of each kind), so the layout shift between them is explicit.
"""

from dataclasses import dataclass
from typing import Callable, List, Tuple

import numpy as np

from .classes import IGNORE_INDEX, TrainId
from .objects import (
    draw_barrier,
    draw_facade,
    draw_ground,
    draw_person,
    draw_pole,
    draw_sign,
    draw_street_lamp,
    draw_traffic_light,
    draw_tree,
    draw_two_wheeler,
    draw_vehicle,
)
from .scene import Camera, Canvas, Face, Part, Scene

Range = Tuple[float, float]
# An object to draw: its depth (for far-to-near order) and its drawer.
Placed = Tuple[float, Callable[[], None]]


@dataclass(frozen=True)
class LayoutConfig:
    """Scene statistics of one domain. Counts are Poisson means per image.

    Args:
        horizon: Mean and standard deviation of the horizon row, as a
            fraction of the image height (camera pitch).
        center_sd: Standard deviation of the vanishing point's column, as a
            fraction of the width (camera yaw).
        elevation: Range of the camera height in metres.
        focal: Focal length as a fraction of the image width.
        lanes: Range of the number of lanes (inclusive).
        sidewalk: Range of the sidewalk widths in metres.
        verge: Probability, per side, that the roadside stands back from
            the sidewalk behind a strip of grass.
        structures: Weights of building, park, wall and fence segments
            along the street.
        building_height: Range of building heights in metres.
        cars: Moving cars.
        trucks: Moving trucks.
        buses: Moving buses.
        tram: Probability of a tram.
        parked: Cars parked along each kerb.
        persons: Pedestrians.
        cyclists: Ridden bicycles.
        motorcyclists: Ridden motorcycles.
        parked_bicycles: Bicycles standing on the sidewalks.
        signs: Road signs.
        signals: Probability of traffic lights at a crossing.
        trees: Probability of a tree at each lamp position.
        hood: Probability that the ego vehicle's hood shows at the bottom
            (labelled ignore, as Cityscapes' 'ego vehicle').
    """

    horizon: Range = (0.45, 0.03)
    center_sd: float = 0.04
    elevation: Range = (1.3, 1.7)
    focal: float = 0.9
    lanes: Tuple[int, int] = (2, 4)
    sidewalk: Range = (2.0, 4.5)
    verge: float = 0.4
    structures: Tuple[float, float, float, float] = (0.6, 0.2, 0.1, 0.1)
    building_height: Range = (6.0, 24.0)
    cars: float = 3.0
    trucks: float = 0.4
    buses: float = 0.3
    tram: float = 0.12
    parked: float = 1.5
    persons: float = 3.0
    cyclists: float = 0.6
    motorcyclists: float = 0.4
    parked_bicycles: float = 0.5
    signs: float = 2.0
    signals: float = 0.5
    trees: float = 0.4
    hood: float = 0.0


@dataclass
class _Street:
    """The lateral cross-section of the street (metres, camera at X=0)."""

    lanes: int
    lane_width: float
    road: Range  # left and right road edges
    outer: Range  # left and right sidewalk outer edges
    fronts: Range  # left and right building lines
    end: float  # depth where the street ends at a row of far buildings
    near: float  # nearest depth worth drawing
    bottom: float  # depth of the ground at the bottom row
    sun: float  # lateral shadow offset per metre of height


def sample_scene(
    rng: np.random.Generator, layout: LayoutConfig, height: int, width: int
) -> Scene:
    """Sample and rasterise one street scene.

    Args:
        rng: The scene's random stream (consumed in a fixed order).
        layout: The domain's scene statistics.
        height: Image height in pixels.
        width: Image width in pixels.

    Returns:
        The rasterised ``Scene``.
    """
    camera = _sample_camera(rng, layout, height, width)
    canvas = Canvas(camera, rng)
    canvas.add(TrainId.SKY, Part.BODY, Face.SKY)  # surface 0 backs the image
    street = _sample_street(rng, layout, camera)
    _draw_skyline(canvas, street, rng)
    _draw_ground(canvas, street, rng)
    for side in (-1, 1):
        _draw_roadside(canvas, street, layout, side, rng)
    objects = _place_objects(canvas, street, layout, rng)
    for _, draw in sorted(objects, key=lambda o: -o[0]):
        draw()
    if rng.random() < layout.hood:
        _draw_hood(canvas, rng)
    return canvas.scene()


def _sample_camera(
    rng: np.random.Generator, layout: LayoutConfig, height: int, width: int
) -> Camera:
    mean, sd = layout.horizon
    horizon = np.clip(rng.normal(mean, sd), 0.3, 0.6) * height
    center = (
        0.5 + np.clip(rng.normal(0, layout.center_sd), -0.15, 0.15)
    ) * width
    return Camera(
        height=height,
        width=width,
        horizon=float(horizon),
        center=float(center),
        focal=layout.focal * width,
        elevation=float(rng.uniform(*layout.elevation)),
    )


def _sample_street(
    rng: np.random.Generator, layout: LayoutConfig, camera: Camera
) -> _Street:
    lanes = int(rng.integers(layout.lanes[0], layout.lanes[1] + 1))
    lane_width = rng.uniform(3.0, 3.6)
    # Right-hand traffic: the camera drives in one of the right-hand lanes.
    ego_lane = (
        rng.integers((lanes - 1) // 2 + (lanes > 1), lanes) if lanes > 1 else 0
    )
    left = -(ego_lane + 0.5) * lane_width
    right = left + lanes * lane_width
    walk = rng.uniform(*layout.sidewalk, size=2)
    outer = (left - walk[0], right + walk[1])
    setback = rng.uniform(0.0, 3.0, size=2) * (rng.random(2) < layout.verge)
    return _Street(
        lanes=lanes,
        lane_width=lane_width,
        road=(left, right),
        outer=outer,
        fronts=(outer[0] - setback[0], outer[1] + setback[1]),
        end=float(rng.uniform(70.0, 160.0)),
        near=max(0.5, 0.5 * camera.near_depth()),
        bottom=camera.near_depth(),
        sun=float(rng.choice([-1, 1]) * rng.uniform(0.3, 1.0)),
    )


def _draw_skyline(
    canvas: Canvas, street: _Street, rng: np.random.Generator
) -> None:
    """Far trees and buildings across the end of the street."""
    z = street.end
    tree = canvas.add(TrainId.VEGETATION, Part.BODY, Face.FRONT)
    xs = np.linspace(-1.2 * z, 1.2 * z, 25)
    tops = rng.uniform(6.0, 16.0, size=xs.size)
    outline = np.concatenate(
        [[[xs[0], 0.0]], np.stack([xs, tops], 1), [[xs[-1], 0.0]]]
    )
    canvas.poly(
        canvas.camera.project(outline[:, 0], outline[:, 1], z + 30.0), tree
    )
    x = -1.2 * z
    while x < 1.2 * z:
        w = rng.uniform(8.0, 30.0)
        if rng.random() < 0.7:
            key = canvas.key()
            sid = canvas.add(TrainId.BUILDING, Part.BODY, Face.FRONT, key)
            h = rng.uniform(5.0, 35.0)
            canvas.poly(
                canvas.camera.project(
                    np.array([x, x + w, x + w, x]), np.array([0, 0, h, h]), z
                ),
                sid,
            )
        x += w


def _draw_ground(
    canvas: Canvas, street: _Street, rng: np.random.Generator
) -> None:
    """Terrain everywhere, then sidewalks, kerbs, road and its markings."""
    (left, right), (out_l, out_r) = street.road, street.outer
    near, end = street.near, street.end
    draw_ground(canvas, TrainId.TERRAIN, [(-500, 500, near, 3000)])
    draw_ground(canvas, TrainId.SIDEWALK, [(out_l, out_r, near, end)])
    # Grass strips between sidewalk and kerb, where the street has them.
    verges = []
    for side, edge, outer in ((-1, left, out_l), (1, right, out_r)):
        if rng.random() < 0.3:
            width = min(rng.uniform(1.0, 2.0), 0.6 * abs(outer - edge))
            verges.append(
                sorted((edge - side * 0.3, edge - side * 0.3 + side * width))
            )
    draw_ground(
        canvas, TrainId.TERRAIN, [(a, b, near, end) for a, b in verges]
    )
    draw_ground(
        canvas,
        TrainId.SIDEWALK,
        [(left - 0.3, left, near, end), (right, right + 0.3, near, end)],
        Part.TRIM,
    )
    draw_ground(canvas, TrainId.ROAD, [(left, right, near, end)])
    _draw_markings(canvas, street, rng)


def _draw_markings(
    canvas: Canvas, street: _Street, rng: np.random.Generator
) -> None:
    """Edge lines, dashed lane lines and sometimes a zebra crossing."""
    (left, right), near, end = street.road, street.near, street.end
    rects = [
        (left + 0.2, left + 0.35, near, end),
        (right - 0.35, right - 0.2, near, end),
    ]
    phase = rng.uniform(0, 9.0)
    dashes = np.arange(near - phase, end, 9.0)
    for i in range(1, street.lanes):
        x = left + i * street.lane_width
        rects += [(x - 0.08, x + 0.08, d, d + 3.0) for d in dashes]
    if rng.random() < 0.35:
        z = rng.uniform(8.0, 30.0)
        stripes = np.arange(left + 0.5, right - 0.5, 1.0)
        rects += [(s, s + 0.5, z, z + 3.0) for s in stripes]
    rects = [r for r in rects if r[3] > near]
    draw_ground(canvas, TrainId.ROAD, rects, Part.MARKING)


def _draw_roadside(
    canvas: Canvas,
    street: _Street,
    layout: LayoutConfig,
    side: int,
    rng: np.random.Generator,
) -> None:
    """Buildings, parks, walls and fences along one side, far to near."""
    front = street.fronts[side > 0]
    segments = []
    z = rng.uniform(-4.0, 4.0)
    while z < street.end:
        length = rng.uniform(8.0, 30.0)
        kind = rng.choice(
            4, p=np.array(layout.structures) / sum(layout.structures)
        )
        segments.append((kind, z, min(z + length, street.end)))
        z += length + rng.uniform(0.0, 6.0) * (rng.random() < 0.3)
    for kind, z0, z1 in reversed(segments):
        z0 = max(z0, 0.3)
        if z1 <= z0:
            continue
        _draw_segment(
            canvas, street, layout, int(kind), side, front, z0, z1, rng
        )


def _draw_segment(
    canvas: Canvas,
    street: _Street,
    layout: LayoutConfig,
    kind: int,
    side: int,
    front: float,
    z0: float,
    z1: float,
    rng: np.random.Generator,
) -> None:
    """One stretch of roadside: 0 building, 1 park, 2 wall, 3 fence."""
    height = rng.uniform(*layout.building_height)
    if kind == 0:
        draw_facade(canvas, front, z0, z1, height, side, street.sun)
        return
    # Parks, walls and fences stand in front of something: trees or a
    # building set further back.
    if rng.random() < 0.5:
        draw_facade(
            canvas,
            front + side * rng.uniform(4, 12),
            z0,
            z1,
            height,
            side,
            street.sun,
        )
    for zt in np.arange(z1 - rng.uniform(2, 6), z0, -rng.uniform(4, 8)):
        draw_tree(canvas, front + side * rng.uniform(1.5, 5.0), zt, rng)
    if kind == 2:
        draw_barrier(
            canvas, TrainId.WALL, front, z0, z1, rng.uniform(0.8, 2.5)
        )
    elif kind == 3:
        draw_barrier(
            canvas, TrainId.FENCE, front, z0, z1, rng.uniform(1.0, 2.0)
        )


def _place_objects(
    canvas: Canvas,
    street: _Street,
    layout: LayoutConfig,
    rng: np.random.Generator,
) -> List[Placed]:
    """Depth-tagged drawers for everything standing on road and sidewalks."""
    objects = _place_traffic(canvas, street, layout, rng)
    objects += _place_people(canvas, street, layout, rng)
    objects += _place_street_furniture(canvas, street, layout, rng)
    return objects


def _depths(
    rng: np.random.Generator,
    n: int,
    street: _Street,
    far: float = 60.0,
    gap: float = 1.0,
) -> np.ndarray:
    """``n`` depths from ``gap`` metres beyond the bottom row to ``far``,
    denser nearby as a driver sees them."""
    lo, hi = street.bottom + gap, min(far, street.end - 5.0)
    return lo + (hi - lo) * rng.random(n) ** 1.5


def _place_traffic(
    canvas: Canvas,
    street: _Street,
    layout: LayoutConfig,
    rng: np.random.Generator,
) -> List[Placed]:
    """Moving vehicles in lanes (oncoming on the left), parked cars at the
    kerbs, a tram, cyclists and motorcyclists."""
    left, right = street.road
    lw = street.lane_width
    kinds = (
        ['car'] * rng.poisson(layout.cars)
        + ['truck'] * rng.poisson(layout.trucks)
        + ['bus'] * rng.poisson(layout.buses)
    )
    if rng.random() < layout.tram:
        kinds.append('tram')
    objects = []
    taken: List[Tuple[int, float, float]] = []  # (lane, z0, z1)
    # Drivers keep their distance: nothing closer than 6 m ahead.
    for kind, z in zip(kinds, _depths(rng, len(kinds), street, gap=6.0)):
        lane = int(rng.integers(street.lanes))
        length = {'car': 4.4, 'truck': 7.5, 'bus': 12.0, 'tram': 28.0}[kind]
        if any(
            t[0] == lane and z < t[2] + 2 and t[1] < z + length + 2
            for t in taken
        ):
            continue
        taken.append((lane, z, z + length))
        x = left + (lane + 0.5) * lw + rng.normal(0, 0.2)
        away = lane >= street.lanes // 2 or street.lanes == 1
        objects.append(
            (z, _bind(draw_vehicle, canvas, kind, x, z, away, street.sun))
        )
    for x in (left + 1.1, right - 1.1):
        for z in _depths(rng, rng.poisson(layout.parked), street, 45.0, 2.0):
            away = bool(rng.random() < 0.6)
            objects.append(
                (z, _bind(draw_vehicle, canvas, 'car', x, z, away, street.sun))
            )
    riders = [
        ('bicycle', right - rng.uniform(0.6, 1.4))
        for _ in range(rng.poisson(layout.cyclists))
    ]
    riders += [
        ('motorcycle', left + rng.uniform(0.5, right - left - 0.5))
        for _ in range(rng.poisson(layout.motorcyclists))
    ]
    for (kind, x), z in zip(
        riders, _depths(rng, len(riders), street, 40.0, 4.0)
    ):
        d = float(rng.choice([-1, 1]))
        objects.append(
            (z, _bind(draw_two_wheeler, canvas, kind, x, z, d, True))
        )
    return objects


def _place_people(
    canvas: Canvas,
    street: _Street,
    layout: LayoutConfig,
    rng: np.random.Generator,
) -> List[Placed]:
    """Pedestrians (mostly on sidewalks, some crossing) and parked bikes."""
    (left, right), (out_l, out_r) = street.road, street.outer
    objects = []
    n = rng.poisson(layout.persons)
    for z in _depths(rng, n, street, far=45.0):
        r = rng.random()
        if r < 0.45:
            x = rng.uniform(out_l + 0.3, left - 0.5)
        elif r < 0.9:
            x = rng.uniform(right + 0.5, out_r - 0.3)
        else:
            x = rng.uniform(left, right)
        objects.append((z, _bind(draw_person, canvas, x, z, rng)))
    for z in _depths(rng, rng.poisson(layout.parked_bicycles), street, 30.0):
        x = rng.choice([out_l + 0.6, out_r - 0.6])
        d = float(rng.choice([-1, 1]))
        objects.append(
            (z, _bind(draw_two_wheeler, canvas, 'bicycle', x, z, d, False))
        )
    return objects


def _place_street_furniture(
    canvas: Canvas,
    street: _Street,
    layout: LayoutConfig,
    rng: np.random.Generator,
) -> List[Placed]:
    """Street lamps and trees along the kerbs, signs, traffic lights."""
    (left, right), (out_l, out_r) = street.road, street.outer
    objects = []
    spacing = rng.uniform(18.0, 35.0)
    for side, kerb in ((-1, left - 0.6), (1, right + 0.6)):
        for z in np.arange(rng.uniform(2, spacing), street.end - 5, spacing):
            arm = -side * rng.uniform(1.0, 2.5)
            height = rng.uniform(6.0, 9.0)
            objects.append(
                (z, _bind(draw_street_lamp, canvas, kerb, z, height, arm))
            )
            if rng.random() < layout.trees:
                zt = z + spacing / 2
                xt = kerb + side * rng.uniform(0.5, 1.5)
                objects.append((zt, _bind(draw_tree, canvas, xt, zt, rng)))
    for z in _depths(rng, rng.poisson(layout.signs), street, far=40.0):
        x = rng.choice([left - 0.7, right + 0.7, out_l + 0.3, out_r - 0.3])
        post = rng.uniform(2.0, 2.8)
        shape = int(rng.integers(4))
        objects.append((z, _bind(_signpost, canvas, x, z, post, shape)))
    if rng.random() < layout.signals:
        z = rng.uniform(12.0, 40.0)
        lit = int(rng.integers(3))
        for x in (left - 0.8, right + 0.8):
            objects.append(
                (z, _bind(_signal_post, canvas, x, z, lit, left, right))
            )
    return objects


def _signpost(
    canvas: Canvas, x: float, z: float, post: float, shape: int
) -> None:
    draw_pole(canvas, x, z, post + 0.2, width=0.08)
    draw_sign(canvas, x, post + 0.35, z, shape)


def _signal_post(
    canvas: Canvas, x: float, z: float, lit: int, left: float, right: float
) -> None:
    """A signal post at the kerb with a head on top; the right-hand one also
    reaches over the road with a mast arm holding a second head."""
    draw_pole(canvas, x, z, 3.4)
    draw_traffic_light(canvas, x, 2.4, z, lit)
    if x > 0:
        reach = x - 0.6 * (right - left)
        draw_pole(canvas, x, z, 5.8)
        arm = canvas.add(TrainId.POLE)
        canvas.line(
            canvas.camera.project(x, 5.6, z),
            canvas.camera.project(reach, 5.6, z),
            arm,
            0.12 * canvas.camera.scale(z),
        )
        draw_traffic_light(canvas, reach, 4.6, z, lit)


def _draw_hood(canvas: Canvas, rng: np.random.Generator) -> None:
    """The ego vehicle's bonnet across the bottom rows, labelled ignore."""
    h, w = canvas.camera.height, canvas.camera.width
    top = h * rng.uniform(0.06, 0.1)
    xs = np.linspace(-0.05 * w, 1.05 * w, 24)
    bulge = 1 - (2 * xs / w - 1) ** 2
    rows = h - top * (0.5 + 0.5 * bulge)
    outline = np.concatenate(
        [np.stack([xs, rows], 1), [[1.05 * w, h + 1], [-0.05 * w, h + 1]]]
    )
    canvas.poly(outline, canvas.add(IGNORE_INDEX, Part.BODY, Face.FRONT))


def _bind(fn: Callable, *args) -> Callable[[], None]:
    """Defer a drawer call until the objects are sorted by depth."""
    return lambda: fn(*args)
