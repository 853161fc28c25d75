"""ShapeWorld scenes: the fixed vocabulary of the world and random scene sampling.

A scene is pure data (no pixels): objects with shape, colour, size class, centre and
bounding-box side as fractions of the image side, plus everything the renderer needs
(background, noise, anti-aliasing).  Rendering the same scene at any resolution gives
the same picture, so samples can be drawn large for the app and small for training.

The distribution follows ../shared/DESIGN.md, "ShapeWorld".
"""

from dataclasses import dataclass, field

import numpy as np

# Colour name -> (hue in degrees, saturation range, value range).  Hues are far apart
# so a jitter of a few degrees never makes one colour look like its neighbour.
COLORS = {
    "red": (0.0, (0.80, 1.00), (0.80, 0.95)),
    "orange": (28.0, (0.85, 1.00), (0.92, 1.00)),
    "yellow": (56.0, (0.85, 1.00), (0.92, 1.00)),
    "green": (122.0, (0.75, 0.95), (0.65, 0.85)),
    "cyan": (185.0, (0.80, 1.00), (0.85, 1.00)),
    "blue": (225.0, (0.80, 1.00), (0.80, 1.00)),
    "purple": (275.0, (0.70, 0.90), (0.65, 0.85)),
    "pink": (325.0, (0.55, 0.75), (0.95, 1.00)),
}
COLOR_NAMES = tuple(COLORS)
SHAPES = ("circle", "square", "triangle", "star", "hexagon", "cross")
SIZES = ("small", "large")
POSITIONS = ("left", "right", "top", "bottom", "middle")

# Bounding-box side as a fraction of the image side.  The ranges are global, not per
# scene, so "what size is ..." can be answered from one object: the smallest large
# object is 0.235 / 0.13 = 1.81x the biggest small one (DESIGN.md asks >= 1.8x).
SIDE_RANGE = {"small": (0.115, 0.13), "large": (0.235, 0.26)}
MAX_OBJECTS = 6
# Empty space kept between bounding boxes and around the image border.
OBJECT_GAP = 0.02
BORDER = 0.005
# Where object centres go.  "grid": small objects at the centres of the cells of a
# GRID_CELLS x GRID_CELLS grid, large ones at the grid's inner corners, each moved by up
# to GRID_JITTER; "free": anywhere.  The grid matches the bundled model's patches (96 px
# images, 12 px patches), so every patch shows a whole small object or one quarter of
# a large one.  A ViT cannot cheaply learn shape from the arbitrary fragments that free
# placement cuts objects into: measured, a per-patch classifier learnt the shape of
# the object under a patch to 99% when objects were aligned and 23% when not (see
# tools/train/README.md).  Positions still vary over 64 cells (49 corners) and jitter.
LAYOUTS = ("grid", "free")
GRID_CELLS = 8
GRID_JITTER = 0.01
# "where" is only asked when the centre is this far from a third line, so the answer
# is clear to a person looking at the picture.
POSITION_MARGIN = 0.035


@dataclass(frozen=True)
class SceneObject:
    shape: str
    color: str
    size: str
    cx: float  # centre, fraction of the width (0 = left edge)
    cy: float  # centre, fraction of the height (0 = top edge)
    side: float  # bounding-box side, fraction of the image side
    rgb: tuple  # fill colour, 0..255 each


@dataclass(frozen=True)
class Background:
    rgb_a: tuple  # colour at the start of the gradient (or the flat colour)
    rgb_b: tuple  # colour at the end of the gradient (== rgb_a when flat)
    angle: float  # gradient direction in radians
    noise_sigma: float  # Gaussian pixel noise, in 0..255 units (0 = none)
    noise_seed: int  # where that noise comes from, so a scene always gives the same pixels


@dataclass(frozen=True)
class Scene:
    objects: tuple
    background: Background
    supersample: int = 3  # drawing resolution factor before the anti-aliasing resize
    edge_filter: str = "box"  # resampling filter of that resize
    extra: dict = field(default_factory=dict, compare=False)


def hsv_to_rgb(h_deg, s, v):
    """HSV (hue in degrees, s and v in 0..1) -> 0..255 RGB tuple."""
    h = (h_deg % 360.0) / 60.0
    i = int(h)
    f = h - i
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]
    return (int(round(r * 255)), int(round(g * 255)), int(round(b * 255)))


def sample_object_rgb(rng, color):
    hue, (s_lo, s_hi), (v_lo, v_hi) = COLORS[color]
    return hsv_to_rgb(hue + rng.uniform(-6, 6), rng.uniform(s_lo, s_hi), rng.uniform(v_lo, v_hi))


def sample_background(rng):
    """Low-saturation (<= 0.15) background, half the time a gradient, half noisy.

    Saturation is drawn up to 0.13 so that rounding to 8 bits keeps it <= 0.15.
    """
    def low_sat_rgb():
        return hsv_to_rgb(rng.uniform(0, 360), rng.uniform(0, 0.13), rng.uniform(0.25, 0.95))

    rgb_a = low_sat_rgb()
    rgb_b = low_sat_rgb() if rng.random() < 0.5 else rgb_a
    sigma = float(rng.uniform(2, 10)) if rng.random() < 0.5 else 0.0
    return Background(rgb_a, rgb_b, float(rng.uniform(0, 2 * np.pi)), sigma,
                      int(rng.integers(2 ** 62)))


def position_of(obj, margin=0.0):
    """left/right/top/bottom/middle by thirds of the centre, or None.

    None for the four corner cells (they have no one-word name) and, with a margin,
    for centres closer than that to a third line.
    """
    def third(v):
        if margin and min(abs(v - 1 / 3), abs(v - 2 / 3)) < margin:
            return None
        return 0 if v < 1 / 3 else (1 if v < 2 / 3 else 2)

    col, row = third(obj.cx), third(obj.cy)
    if col is None or row is None:
        return None
    return {(1, 1): "middle", (1, 0): "left", (1, 2): "right",
            (0, 1): "top", (2, 1): "bottom"}.get((row, col))


def _boxes_overlap(a, b):
    reach = (a.side + b.side) / 2 + OBJECT_GAP
    return abs(a.cx - b.cx) < reach and abs(a.cy - b.cy) < reach


def _centre(rng, size, half, layout):
    """One coordinate of an object's centre (fraction of the image side)."""
    if layout == "free":
        return rng.uniform(half, 1 - half)
    if size == "small":
        c = (rng.integers(GRID_CELLS) + 0.5) / GRID_CELLS
    else:
        c = rng.integers(1, GRID_CELLS) / GRID_CELLS
    return float(np.clip(c + rng.uniform(-GRID_JITTER, GRID_JITTER), half, 1 - half))


def _place(rng, shape, color, size, placed, tries, layout):
    lo, hi = SIDE_RANGE[size]
    for _ in range(tries):
        side = rng.uniform(lo, hi)
        half = side / 2 + BORDER
        cand = SceneObject(shape, color, size, _centre(rng, size, half, layout),
                           _centre(rng, size, half, layout), side,
                           sample_object_rgb(rng, color))
        if not any(_boxes_overlap(cand, other) for other in placed):
            return cand
    return None


def sample_scene(rng, min_objects=1, max_objects=MAX_OBJECTS, specs=(), layout="grid"):
    """A random scene with n objects, min_objects <= n <= max_objects.

    specs: (shape, color, size) triples that must be in the scene (any of them may be
    None for "random"); pair statements use this to make related pairs.
    layout: "grid" or "free", see LAYOUTS.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    n = int(rng.integers(min_objects, max_objects + 1))
    n = max(n, len(specs))
    # Random sequential placement jams when many large objects are drawn; start over
    # with fresh sizes instead of shrinking objects (which would bias size by count).
    while True:
        placed = []
        for i in range(n):
            spec = specs[i] if i < len(specs) else (None, None, None)
            shape = spec[0] or SHAPES[rng.integers(len(SHAPES))]
            color = spec[1] or COLOR_NAMES[rng.integers(len(COLOR_NAMES))]
            size = spec[2] or SIZES[rng.integers(2)]
            obj = _place(rng, shape, color, size, placed, tries=60, layout=layout)
            if obj is None:
                break
            placed.append(obj)
        if len(placed) == n:
            break
    order = rng.permutation(n)  # so specs are not always drawn first
    objects = tuple(placed[i] for i in order)
    return Scene(objects, sample_background(rng), supersample=int(rng.integers(2, 5)),
                 edge_filter=("box", "bilinear", "lanczos")[rng.integers(3)])


def make_rng(*seed_parts):
    """A generator fixed by a tuple of non-negative integers (seed, stream, index...)."""
    return np.random.default_rng(np.random.SeedSequence([int(p) for p in seed_parts]))
