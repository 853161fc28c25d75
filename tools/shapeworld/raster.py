"""Drawing ShapeWorld scenes to pixels.

Shapes are drawn as polygons at `supersample` times the output size and then resized
down, which anti-aliases the edges; the factor and the resize filter vary per scene so
edges are not one fixed pattern.  Noise is added at the output size.
"""

import math

import numpy as np
from PIL import Image, ImageDraw

from .scene import SHAPES

_FILTERS = {"box": Image.BOX, "bilinear": Image.BILINEAR, "lanczos": Image.LANCZOS}


def _regular_polygon(n, start_deg):
    return [(math.cos(math.radians(start_deg + 360.0 * k / n)),
             math.sin(math.radians(start_deg + 360.0 * k / n))) for k in range(n)]


def _star(points=5, inner=0.45):
    verts = []
    for k in range(2 * points):
        r = 1.0 if k % 2 == 0 else inner
        a = math.radians(-90 + 180.0 * k / points)
        verts.append((r * math.cos(a), r * math.sin(a)))
    return verts


def _fit_unit_box(verts):
    """Scale and centre a polygon so its bounding box's larger side is 1, centred at 0."""
    xs, ys = [v[0] for v in verts], [v[1] for v in verts]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    s = max(w, h)
    return [((x - cx) / s, (y - cy) / s) for x, y in verts]


_t = 1 / 6  # half the arm thickness of the cross (arms are a third of the side)
# Outlines in a unit box centred at 0, y pointing down; all upright.
_OUTLINES = {
    "square": [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)],
    "triangle": _fit_unit_box([(0.0, -0.5), (0.5, 0.5), (-0.5, 0.5)]),
    "star": _fit_unit_box(_star()),
    "hexagon": _fit_unit_box(_regular_polygon(6, 0.0)),  # flat top and bottom
    "cross": [(-_t, -0.5), (_t, -0.5), (_t, -_t), (0.5, -_t), (0.5, _t), (_t, _t),
              (_t, 0.5), (-_t, 0.5), (-_t, _t), (-0.5, _t), (-0.5, -_t), (-_t, -_t)],
}
assert set(_OUTLINES) | {"circle"} == set(SHAPES)


def _draw_object(draw, obj, scale, fill):
    cx, cy, side = obj.cx * scale, obj.cy * scale, obj.side * scale
    if obj.shape == "circle":
        r = side / 2
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    else:
        draw.polygon([(cx + x * side, cy + y * side) for x, y in _OUTLINES[obj.shape]],
                     fill=fill)


def _background(bg, size):
    a, b = np.array(bg.rgb_a, np.float32), np.array(bg.rgb_b, np.float32)
    if bg.rgb_a == bg.rgb_b:
        return np.broadcast_to(a, (size, size, 3)).copy()
    coords = (np.arange(size, dtype=np.float32) + 0.5) / size - 0.5
    proj = (math.cos(bg.angle) * coords[None, :] + math.sin(bg.angle) * coords[:, None])
    t = (proj - proj.min()) / max(float(proj.max() - proj.min()), 1e-6)
    return a + (b - a) * t[:, :, None]


def render(scene, size):
    """The scene as an RGB uint8 array (size, size, 3); the same scene, the same pixels."""
    # Objects are drawn at high resolution on black together with a coverage mask, both
    # resized down, then laid over a background computed at the output size: the same
    # picture as drawing over a high-resolution background, at a fraction of the cost.
    hi = size * scene.supersample
    layer = Image.new("RGB", (hi, hi))
    mask = Image.new("L", (hi, hi))
    draw_layer, draw_mask = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
    for obj in scene.objects:
        _draw_object(draw_layer, obj, hi, obj.rgb)
        _draw_object(draw_mask, obj, hi, 255)
    if hi != size:
        layer = layer.resize((size, size), _FILTERS[scene.edge_filter])
        mask = mask.resize((size, size), _FILTERS[scene.edge_filter])
    coverage = np.asarray(mask, dtype=np.float32)[:, :, None] / 255.0
    pixels = np.asarray(layer, dtype=np.float32) + _background(scene.background, size) * (1 - coverage)
    if scene.background.noise_sigma > 0:
        noise_rng = np.random.default_rng(scene.background.noise_seed)
        pixels += noise_rng.normal(0, scene.background.noise_sigma, pixels.shape)
    return np.clip(pixels + 0.5, 0, 255).astype(np.uint8)


def object_map(scene, size):
    """(size, size) uint8 array: 0 for background, i + 1 where object i is drawn."""
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    for i, obj in enumerate(scene.objects):
        _draw_object(draw, obj, size, i + 1)
    return np.asarray(img)


def save_png(pixels, path):
    Image.fromarray(pixels).save(path, optimize=False, compress_level=6)
