"""The domain check of a ShapeWorld model: image statistics of the picture the model sees
(docs/model-scope.md). app/glance-domain.c computes the same statistics in C; the two
must agree, and tests/app/test-domain-rates checks the rates through the C side.

The model's ITC image embedding alone does not separate real photos from ShapeWorld
scenes (a whitened distance from the training mean flagged 0-13% of the photo fixtures at
<= 2% of held-out scenes), so the check looks at the pixels, as resized for the model,
against what a ShapeWorld scene is made of: a low-saturation background (a gradient plus
noise) and flat, saturated objects in eight hues."""

import numpy as np
from PIL import Image

METHOD = "shapeworld-pixels-1"
# ShapeWorld's object hues in degrees (tools/shapeworld/scene.py COLORS).
HUES = (0.0, 28.0, 56.0, 122.0, 185.0, 225.0, 275.0, 325.0)
# The statistics, each a fraction in [0, 1]; a scene is outside the domain when any
# exceeds its calibrated maximum.
NAMES = ("mid_saturation", "off_palette_hue", "busy_blocks", "dark", "grey_structure")


def hsv(rgb):
    """Hue in degrees, saturation and value of float RGB in [0, 1]."""
    mx, mn = rgb.max(2), rgb.min(2)
    chroma = mx - mn
    s = np.where(mx > 0, chroma / np.maximum(mx, 1e-12), 0.0)
    c = np.maximum(chroma, 1e-12)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    h = np.where(mx == r, ((g - b) / c) % 6, np.where(mx == g, (b - r) / c + 2, (r - g) / c + 4))
    return np.where(chroma > 0, h * 60.0, 0.0), s, mx


def statistics(path, size, hues=HUES):
    """The five statistics of the image file at `path`, resized to size x size with PIL's
    bicubic filter (the engine's resize matches it)."""
    rgb = np.asarray(Image.open(path).convert("RGB").resize((size, size), Image.BICUBIC),
                     dtype=np.float64) / 255.0
    h, s, v = hsv(rgb)
    grey = rgb.mean(2)
    hue_gap = np.abs((h[..., None] - np.array(hues) + 180.0) % 360.0 - 180.0).min(-1)
    lit = v > 0.25
    mid_saturation = ((s > 0.25) & (s < 0.5) & lit).mean()
    off_palette = ((s > 0.35) & lit & (hue_gap > 15.0)).mean()
    nb = size // 8
    blocks = grey[:nb * 8, :nb * 8].reshape(nb, 8, nb, 8).std(axis=(1, 3))
    busy = (blocks > 0.08).mean()
    dark = (v < 0.2).mean()
    return np.array([mid_saturation, off_palette, busy, dark, grey_structure(grey, s < 0.2)])


def grey_structure(grey, low_sat):
    """Fraction of pixels that are unsaturated yet far (> 0.15) from the plane fitted to
    the unsaturated pixels: grey things that a ShapeWorld background cannot hold."""
    if low_sat.sum() < 3:
        return 0.0
    size = grey.shape[0]
    yy, xx = np.mgrid[0:size, 0:size] / float(size - 1)
    design = np.stack([np.ones(size * size), xx.ravel(), yy.ravel()], 1)
    mask = low_sat.ravel()
    coef, *_ = np.linalg.lstsq(design[mask], grey.ravel()[mask], rcond=None)
    far = np.abs(grey.ravel() - design @ coef) > 0.15
    return float((far & mask).mean())


def fit(stats):
    """Thresholds: each statistic's maximum over the in-domain calibration images."""
    return {name: float(stats[:, i].max()) for i, name in enumerate(NAMES)}


def flags(stats, thresholds):
    limits = np.array([thresholds[n] for n in NAMES])
    return (stats > limits).any(1)


def metadata(thresholds, size, n_images, seed):
    return {"method": METHOD, "image_size": size, "hues": list(HUES),
            "max": {n: thresholds[n] for n in NAMES},
            "calibration": {"images": n_images, "seed": seed}}
