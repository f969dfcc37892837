"""Street objects drawn in perspective: vehicles, people, poles, trees.

Every drawer takes the world position of the object's nearest ground point
in metres (X right, Z forward, see ``Camera``) and draws its surfaces onto a
``Canvas``. Sizes are real-world sizes, so objects shrink with distance and
their apparent size is a depth cue, as in real street scenes. Surfaces of one
object share a colour key; the parts (glass, tyres, lamps) are what make each
class recognisable by shape in either rendering.
"""

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .classes import TrainId
from .scene import Canvas, Face, Part

# Half the distance between a two-wheeler's hubs, metres.
_WHEEL_BASE = 0.55


@dataclass(frozen=True)
class VehicleShape:
    """Box dimensions (m) and class of a vehicle type."""

    cls: TrainId
    width: float
    height: float
    length: float
    clearance: float  # underbody height above the road
    glass_low: float  # window band, as fractions of the height
    glass_high: float


VEHICLES = {
    'car': VehicleShape(TrainId.CAR, 1.8, 1.45, 4.4, 0.18, 0.58, 0.9),
    'truck': VehicleShape(TrainId.TRUCK, 2.5, 3.4, 7.5, 0.45, 0.6, 0.8),
    'bus': VehicleShape(TrainId.BUS, 2.55, 3.1, 12.0, 0.35, 0.45, 0.85),
    'tram': VehicleShape(TrainId.TRAIN, 2.4, 3.4, 28.0, 0.5, 0.45, 0.8),
}


def _quad_x(
    canvas: Canvas, x: float, y0: float, y1: float, z0: float, z1: float
) -> np.ndarray:
    """Image quad of the rectangle [y0, y1] x [z0, z1] on the plane X=x."""
    cam = canvas.camera
    return cam.project(
        np.array([x, x, x, x]),
        np.array([y0, y1, y1, y0]),
        np.array([z0, z0, z1, z1]),
    )


def _quad_z(
    canvas: Canvas, z: float, x0: float, x1: float, y0: float, y1: float
) -> np.ndarray:
    """Image quad of the rectangle [x0, x1] x [y0, y1] on the plane Z=z."""
    return canvas.camera.project(
        np.array([x0, x1, x1, x0]), np.array([y0, y0, y1, y1]), z
    )


def _ground_quad(
    canvas: Canvas, x0: float, x1: float, z0: float, z1: float
) -> np.ndarray:
    """Image quad of the ground rectangle [x0, x1] x [z0, z1]."""
    return canvas.camera.project(
        np.array([x0, x1, x1, x0]), 0.0, np.array([z0, z0, z1, z1])
    )


def draw_vehicle(
    canvas: Canvas,
    kind: str,
    x: float,
    z: float,
    facing_away: bool,
    sun: float,
) -> None:
    """A car, truck, bus or tram as a box seen from behind or the front.

    Args:
        canvas: Where to draw.
        kind: A key of ``VEHICLES``.
        x: Lateral position of the box's centre.
        z: Depth of the box's near face.
        facing_away: True shows the back (same direction as the camera),
            False the front (oncoming).
        sun: Lateral shadow offset per metre of height (sign: which side).
    """
    s = VEHICLES[kind]
    key = canvas.key()
    x0, x1, z1 = x - s.width / 2, x + s.width / 2, z + s.length
    # Shade under the box and beside it, on the side away from the sun.
    reach = sun * s.height
    canvas.cast_shadow(
        _ground_quad(canvas, min(x0, x0 + reach), max(x1, x1 + reach), z, z1)
    )
    # The long side that faces the camera's axis is visible, drawn first:
    # the near face occludes the corner they share.
    if x0 > 0 or x1 < 0:
        _vehicle_side(canvas, s, x0 if x0 > 0 else x1, z, key)
    _vehicle_end(canvas, s, x0, x1, z, facing_away, key)


def _vehicle_side(
    canvas: Canvas, s: VehicleShape, xs: float, z: float, key: np.ndarray
) -> None:
    """The long side at X=xs: body, window band, wheels."""
    h, z1 = s.height, z + s.length
    body = canvas.add(s.cls, Part.BODY, Face.SIDE, key)
    canvas.poly(_quad_x(canvas, xs, s.clearance, h, z, z1), body)
    glass = canvas.add(s.cls, Part.GLASS, Face.SIDE, key)
    # A car's side windows sit in its cabin; long vehicles have a row.
    inset = 0.25 * s.length if s.cls == TrainId.CAR else 0.6
    canvas.poly(
        _quad_x(
            canvas,
            xs,
            s.glass_low * h,
            s.glass_high * h,
            z + inset,
            z1 - inset * (0.8 if s.cls == TrainId.CAR else 1),
        ),
        glass,
    )
    tyre = canvas.add(s.cls, Part.DARK, Face.SIDE, key)
    r = 0.35 + 0.1 * (s.cls != TrainId.CAR)
    for zw in (z + 0.9, z1 - 0.9):
        c = canvas.camera.project(xs, r, zw)
        sc = canvas.camera.scale(zw)
        canvas.ellipse(c, (0.5 * r * sc, r * sc), tyre)
    if s.cls == TrainId.TRAIN:
        _pantograph(canvas, s, xs, z, key)


def _pantograph(
    canvas: Canvas, s: VehicleShape, xs: float, z: float, key: np.ndarray
) -> None:
    """A tram's current collector: the thin frame on its roof."""
    frame = canvas.add(s.cls, Part.DARK, Face.SIDE, key)
    zc = z + 0.4 * s.length
    base = canvas.camera.project(xs, s.height, zc)
    top = canvas.camera.project(xs, s.height + 1.2, zc + 1.5)
    canvas.line(base, top, frame, 0.08 * canvas.camera.scale(zc))


def _vehicle_end(
    canvas: Canvas,
    s: VehicleShape,
    x0: float,
    x1: float,
    z: float,
    facing_away: bool,
    key: np.ndarray,
) -> None:
    """The face towards the camera: body, windscreen, lamps, tyres."""
    h, w = s.height, x1 - x0
    tyre = canvas.add(s.cls, Part.DARK, Face.FRONT, key)
    for a in (x0 + 0.05 * w, x1 - 0.25 * w):
        canvas.poly(_quad_z(canvas, z, a, a + 0.2 * w, 0, 0.45), tyre)
    body = canvas.add(s.cls, Part.BODY, Face.FRONT, key)
    canvas.poly(_quad_z(canvas, z, x0, x1, s.clearance, s.glass_low * h), body)
    # A car narrows above its waist into the cabin; boxes stay square.
    roof = 0.08 * w if s.cls == TrainId.CAR else 0.0
    canvas.poly(
        _quad_z(canvas, z, x0 + roof, x1 - roof, s.glass_low * h, h), body
    )
    glass = canvas.add(s.cls, Part.GLASS, Face.FRONT, key)
    g = roof + 0.08 * w
    if s.cls != TrainId.TRUCK or not facing_away:  # a box has no back window
        canvas.poly(
            _quad_z(
                canvas, z, x0 + g, x1 - g, s.glass_low * h, s.glass_high * h
            ),
            glass,
        )
    lamp = canvas.add(
        s.cls, Part.LAMP_RED if facing_away else Part.TRIM, Face.FRONT, key
    )
    ly = s.glass_low * h * np.array([0.55, 0.8])
    for a in (x0 + 0.04 * w, x1 - 0.2 * w):
        canvas.poly(_quad_z(canvas, z, a, a + 0.16 * w, *ly), lamp)


def draw_person(
    canvas: Canvas, x: float, z: float, rng: np.random.Generator
) -> None:
    """A pedestrian seen from the front or back: legs, torso, arms, head."""
    h = rng.uniform(1.55, 1.95)
    key = canvas.key()
    legs = canvas.add(TrainId.PERSON, Part.DARK, Face.FRONT, key)
    # Legs apart when walking, together when standing.
    gap = rng.uniform(0.01, 0.12) * h
    leg_w = 0.07 * h
    for a in (x - gap / 2 - leg_w, x + gap / 2):
        canvas.poly(_quad_z(canvas, z, a, a + leg_w, 0, 0.48 * h), legs)
    coat = canvas.add(TrainId.PERSON, Part.BODY, Face.FRONT, key)
    half = 0.13 * h
    canvas.poly(
        _quad_z(canvas, z, x - half, x + half, 0.46 * h, 0.83 * h), coat
    )
    for a in (x - half - 0.05 * h, x + half):
        canvas.poly(
            _quad_z(canvas, z, a, a + 0.05 * h, 0.5 * h, 0.8 * h), coat
        )
    head = canvas.add(TrainId.PERSON, Part.SKIN, Face.FRONT, key)
    sc = canvas.camera.scale(z)
    c = canvas.camera.project(x, 0.91 * h, z)
    canvas.ellipse(c, (0.055 * h * sc, 0.075 * h * sc), head)


def draw_two_wheeler(
    canvas: Canvas,
    kind: str,
    x: float,
    z: float,
    direction: float,
    ridden: bool,
) -> None:
    """A bicycle or motorcycle in side view, with or without its rider.

    Args:
        canvas: Where to draw.
        kind: 'bicycle' or 'motorcycle'.
        x: Lateral position of the frame's centre.
        z: Depth of the plane it is drawn in.
        direction: +1 rides to the right, -1 to the left.
        ridden: Whether a rider sits on it (class rider, not person).
    """
    cls = TrainId.BICYCLE if kind == 'bicycle' else TrainId.MOTORCYCLE
    sc = canvas.camera.scale(z)
    key = canvas.key()

    def pt(u: float, v: float) -> np.ndarray:
        """Image point of (forward u, up v) metres in the side view."""
        return canvas.camera.project(x + direction * u, v, z)

    r = 0.34 if cls == TrainId.BICYCLE else 0.32
    tyre = canvas.add(cls, Part.DARK, Face.FRONT, key)
    hubs = (pt(-_WHEEL_BASE, r), pt(_WHEEL_BASE, r))
    for hub in hubs:
        if cls == TrainId.BICYCLE:
            canvas.ellipse(
                hub, (r * sc, r * sc), tyre, round(max(1, 0.06 * sc))
            )
        else:
            canvas.ellipse(hub, (r * sc, r * sc), tyre)
    frame = canvas.add(cls, Part.BODY, Face.FRONT, key)
    if cls == TrainId.BICYCLE:
        seat, bar = pt(-0.15, 0.95), pt(0.42, 1.0)
        crank = pt(0.0, 0.35)
        for a, b in (
            (hubs[0], seat),
            (seat, bar),
            (bar, hubs[1]),
            (hubs[0], crank),
            (crank, seat),
            (crank, bar),
        ):
            canvas.line(a, b, frame, 0.05 * sc)
    else:
        canvas.poly(
            np.array(
                [
                    pt(-0.6, 0.45),
                    pt(-0.35, 0.95),
                    pt(0.3, 0.9),
                    pt(0.55, 0.55),
                    pt(0.1, 0.35),
                ]
            ),
            frame,
        )
        canvas.line(pt(0.3, 0.9), pt(0.5, 1.15), frame, 0.06 * sc)
    if ridden:
        _rider(canvas, pt, sc, helmet=cls == TrainId.MOTORCYCLE)


def _rider(
    canvas: Canvas,
    pt: Callable[[float, float], np.ndarray],
    sc: float,
    helmet: bool,
) -> None:
    """The person on a two-wheeler: legs, torso, arm and head.

    Args:
        canvas: Where to draw.
        pt: The two-wheeler's side-view coordinates -> image point.
        sc: Pixels per metre at its depth.
        helmet: Motorcyclists wear one (body colour instead of skin).
    """
    key = canvas.key()
    legs = canvas.add(TrainId.RIDER, Part.DARK, Face.FRONT, key)
    canvas.line(pt(-0.15, 1.0), pt(0.05, 0.6), legs, 0.14 * sc)
    canvas.line(pt(0.05, 0.6), pt(0.0, 0.3), legs, 0.1 * sc)
    coat = canvas.add(TrainId.RIDER, Part.BODY, Face.FRONT, key)
    canvas.poly(
        np.array([pt(-0.3, 0.95), pt(0.0, 0.95), pt(0.1, 1.6), pt(-0.2, 1.6)]),
        coat,
    )
    canvas.line(pt(0.05, 1.5), pt(0.42, 1.05), coat, 0.08 * sc)
    head = canvas.add(
        TrainId.RIDER, Part.BODY if helmet else Part.SKIN, Face.FRONT, key
    )
    canvas.ellipse(pt(0.0, 1.75), (0.12 * sc, 0.14 * sc), head)


def draw_pole(
    canvas: Canvas, x: float, z: float, height: float, width: float = 0.14
) -> None:
    """A bare vertical pole (street lamp mast, sign post)."""
    sid = canvas.add(TrainId.POLE, Part.BODY, Face.FRONT)
    canvas.poly(
        _quad_z(canvas, z, x - width / 2, x + width / 2, 0, height), sid
    )


def draw_street_lamp(
    canvas: Canvas, x: float, z: float, height: float, arm: float
) -> None:
    """A lamp mast with an arm reaching ``arm`` metres over the road."""
    draw_pole(canvas, x, z, height)
    sid = canvas.add(TrainId.POLE, Part.BODY, Face.FRONT)
    sc = canvas.camera.scale(z)
    top = canvas.camera.project(x, height, z)
    end = canvas.camera.project(x + arm, height + 0.3, z)
    canvas.line(top, end, sid, 0.1 * sc)
    canvas.ellipse(end, (0.35 * sc, 0.12 * sc), sid)


def draw_traffic_light(
    canvas: Canvas, x: float, y: float, z: float, lit: int
) -> None:
    """A signal head (0.35 x 1 m) whose bottom is ``y`` metres up.

    Args:
        canvas: Where to draw.
        x: Lateral position of the head's centre.
        y: Height of its bottom edge.
        z: Depth.
        lit: Which lamp is on: 0 red, 1 amber, 2 green.
    """
    box = canvas.add(TrainId.TRAFFIC_LIGHT, Part.DARK, Face.FRONT)
    canvas.poly(_quad_z(canvas, z, x - 0.18, x + 0.18, y, y + 1.0), box)
    sc = canvas.camera.scale(z)
    lamps = (Part.LAMP_RED, Part.LAMP_AMBER, Part.LAMP_GREEN)
    for i, part in enumerate(lamps):
        on = canvas.add(TrainId.TRAFFIC_LIGHT, part if i == lit else Part.BODY)
        c = canvas.camera.project(x, y + 0.82 - 0.32 * i, z)
        canvas.ellipse(c, (0.11 * sc, 0.11 * sc), on)


def draw_sign(
    canvas: Canvas, x: float, y: float, z: float, shape: int
) -> None:
    """A road sign centred ``y`` metres up, with a light border.

    Args:
        canvas: Where to draw.
        x: Lateral position of its centre.
        y: Height of its centre.
        z: Depth.
        shape: 0 disc, 1 triangle, 2 rectangle, 3 diamond.
    """
    key = canvas.key()
    border = canvas.add(TrainId.TRAFFIC_SIGN, Part.TRIM, Face.FRONT, key)
    face = canvas.add(TrainId.TRAFFIC_SIGN, Part.BODY, Face.FRONT, key)
    for sid, r in ((border, 0.36), (face, 0.27)):
        canvas.poly(_sign_outline(canvas, x, y, z, r, shape), sid)


def _sign_outline(
    canvas: Canvas, x: float, y: float, z: float, r: float, shape: int
) -> np.ndarray:
    """Image polygon of a sign of radius ``r`` m (discs as 16-gons)."""
    if shape == 0:
        t = np.linspace(0, 2 * np.pi, 16, endpoint=False)
        dx, dy = r * np.cos(t), r * np.sin(t)
    elif shape == 1:
        t = np.pi / 2 + np.array([0, 2, 4]) * np.pi / 3
        dx, dy = 1.2 * r * np.cos(t), 1.2 * r * np.sin(t)
    elif shape == 2:
        dx, dy = (
            r * np.array([-1.3, 1.3, 1.3, -1.3]),
            r * np.array([-0.8, -0.8, 0.8, 0.8]),
        )
    else:
        dx, dy = r * np.array([0, 1, 0, -1]), r * np.array([-1, 0, 1, 0])
    return canvas.camera.project(x + dx, y + dy, z)


def draw_tree(
    canvas: Canvas, x: float, z: float, rng: np.random.Generator
) -> None:
    """A street tree: a trunk and a crown of overlapping blobs, all
    vegetation (Cityscapes labels trunks as vegetation too)."""
    key = canvas.key()
    trunk_h = rng.uniform(1.8, 3.2)
    trunk = canvas.add(TrainId.VEGETATION, Part.DARK, Face.FRONT, key)
    canvas.poly(
        _quad_z(canvas, z, x - 0.15, x + 0.15, 0, trunk_h + 0.5), trunk
    )
    crown = canvas.add(TrainId.VEGETATION, Part.BODY, Face.FRONT, key)
    sc = canvas.camera.scale(z)
    radius = rng.uniform(1.3, 2.6)
    # Per blob: offsets (dx, dy), size and aspect ratio.
    blobs = rng.uniform(
        (-0.8, -0.8, 0.5, 0.8), (0.8, 0.8, 0.8, 1.1), (rng.integers(4, 8), 4)
    )
    centres = canvas.camera.project(
        x + blobs[:, 0] * radius, trunk_h + radius * (1 + blobs[:, 1]), z
    )
    for c, (_, _, size, aspect) in zip(centres, blobs):
        r = radius * size * sc
        canvas.ellipse(c, (r, r * aspect), crown)


def draw_facade(
    canvas: Canvas,
    xs: float,
    z0: float,
    z1: float,
    height: float,
    outward: float,
    sun: float,
) -> None:
    """A building along the street: the wall facing the street (X=xs) from
    depth z0 to z1, its end wall facing the camera, windows and cornice.

    Args:
        canvas: Where to draw.
        xs: Lateral position of the street-facing wall.
        z0: Depth of the near corner.
        z1: Depth of the far corner.
        height: Height in metres.
        outward: +1 if the building extends to the right, -1 to the left.
        sun: Lateral shadow offset per metre of height; the building shades
            the ground towards the street when the sun is behind it.
    """
    key = canvas.key()
    if sun * outward < 0:
        reach = abs(sun) * height
        canvas.cast_shadow(
            _ground_quad(canvas, xs, xs - outward * reach, z0, z1)
        )
    end = canvas.add(TrainId.BUILDING, Part.BODY, Face.FRONT, key)
    canvas.poly(_quad_z(canvas, z0, xs, xs + outward * 12.0, 0, height), end)
    wall = canvas.add(TrainId.BUILDING, Part.BODY, Face.SIDE, key)
    canvas.poly(_quad_x(canvas, xs, 0, height, z0, z1), wall)
    _windows(canvas, xs, z0, z1, height, key)
    trim = canvas.add(TrainId.BUILDING, Part.TRIM, Face.SIDE, key)
    canvas.poly(_quad_x(canvas, xs, height - 0.5, height, z0, z1), trim)


def _windows(
    canvas: Canvas,
    xs: float,
    z0: float,
    z1: float,
    height: float,
    key: np.ndarray,
) -> None:
    """A grid of windows, one floor every 3.2 m, one bay every 2.6 m."""
    floors = np.arange(1.0, height - 2.0, 3.2)
    bays = np.arange(z0 + 1.0, z1 - 1.6, 2.6)
    if not len(floors) or not len(bays):
        return
    yy, zz = np.meshgrid(floors, bays, indexing='ij')
    yy, zz = yy.ravel(), zz.ravel()
    quads = canvas.camera.project(
        xs,
        np.stack([yy, yy + 1.6, yy + 1.6, yy], axis=1),
        np.stack([zz, zz, zz + 1.3, zz + 1.3], axis=1),
    )
    canvas.polys(
        list(quads), canvas.add(TrainId.BUILDING, Part.GLASS, Face.SIDE, key)
    )


def draw_barrier(
    canvas: Canvas,
    cls: TrainId,
    xs: float,
    z0: float,
    z1: float,
    height: float,
) -> None:
    """A wall or fence along the street at X=xs, with a lighter cap; a
    fence also gets dark gaps between its slats, as see-through fences
    look."""
    key = canvas.key()
    body = canvas.add(cls, Part.BODY, Face.SIDE, key)
    canvas.poly(_quad_x(canvas, xs, 0, height, z0, z1), body)
    cap = canvas.add(cls, Part.TRIM, Face.SIDE, key)
    canvas.poly(_quad_x(canvas, xs, height - 0.12, height, z0, z1), cap)
    if cls != TrainId.FENCE:
        return
    gaps = np.arange(z0 + 0.3, z1 - 0.3, 0.6)
    quads = canvas.camera.project(
        xs,
        np.array([0.1, height - 0.2, height - 0.2, 0.1]),
        np.stack([gaps, gaps, gaps + 0.25, gaps + 0.25], axis=1),
    )
    canvas.polys(list(quads), canvas.add(cls, Part.DARK, Face.SIDE, key))


def draw_ground(
    canvas: Canvas,
    cls: int,
    rects: Sequence[Sequence[float]],
    part: Part = Part.BODY,
) -> None:
    """Ground rectangles (x0, x1, z0, z1) of one surface, drawn in one call:
    road bands, sidewalks, grass strips, lane dashes, zebra stripes."""
    if not len(rects):
        return
    r = np.asarray(rects, dtype=np.float64)
    quads = canvas.camera.project(r[:, [0, 1, 1, 0]], 0.0, r[:, [2, 2, 3, 3]])
    canvas.polys(list(quads), canvas.add(cls, part, Face.GROUND))
