#!/usr/bin/python3
"""Writes the resize fixtures of test-resize.c: for each case, <name>_in.npy (H, W, 3)
and <name>_out.npy (S, S, 3), the output of Pillow 9.4's BICUBIC Image.resize.

Run with Debian's interpreter, which has the Pillow the golden data was made with:
    /usr/bin/python3 tests/engine/resize-fixtures/make-fixtures.py
"""
import os
import numpy as np
import PIL
from PIL import Image

assert PIL.__version__ == "9.4.0", f"Pillow {PIL.__version__}: the reference is 9.4.0"
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20260401)


def noise(h, w):
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def checker(h, w):
    """Black and white cells: bicubic overshoots, so results clamp at 0 and 255."""
    y, x = np.mgrid[0:h, 0:w]
    cells = ((x + y) % 2 * 255).astype(np.uint8)
    return np.stack([cells, 255 - cells, cells], axis=-1)


CASES = {
    # name: (input, target side)
    "upscale_5x3_to_17": (noise(3, 5), 17),
    "downscale_61x41_to_5": (noise(41, 61), 5),
    "wide_300x2_to_3": (noise(2, 300), 3),
    "tall_2x150_to_4": (noise(150, 2), 4),
    "pixel_1x1_to_4": (noise(1, 1), 4),
    "pixel_2x1_to_1": (noise(1, 2), 1),
    "checker_9x9_to_20": (checker(9, 9), 20),
    "checker_40x40_to_7": (checker(40, 40), 7),
    "width_only_10x12_to_12": (noise(12, 10), 12),
    "height_only_12x10_to_12": (noise(10, 12), 12),
    "identity_6x6_to_6": (noise(6, 6), 6),
}

for name, (image, side) in CASES.items():
    out = np.asarray(Image.fromarray(image, "RGB").resize((side, side), Image.BICUBIC))
    np.save(os.path.join(HERE, f"{name}_in.npy"), image)
    np.save(os.path.join(HERE, f"{name}_out.npy"), out)
    clamped = int((out == 0).sum() + (out == 255).sum())
    print(f"{name}: {image.shape[1]}x{image.shape[0]} -> {side}, {clamped} samples at 0 or 255")
