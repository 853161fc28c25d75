#!/usr/bin/python3
"""Writes a folder of ShapeWorld scenes for the library tests.

    make-photos.py OUT N [--seed S] [--size PX] [--objects MAX] [--variants K] [--layout grid|free]
                   [--name FORMAT] [--first I] [--captions FILE]

OUT/sNNNN.png for N scenes whose captions all differ, and OUT/captions.json mapping
each file name to its full caption (--name "photo-{:02d}.png" --first 1 names them
photo-01.png ...; --captions writes the captions elsewhere, so that OUT holds photos only). Deterministic for a seed. --variants K writes each
scene K times (sNNNN-vKKK.png) with a different PNG text chunk: the same pixels in
files of different content, a cheap way to a large folder that must all be decoded.
--layout: where objects sit (DESIGN.md's "free" placement by default; "grid" puts every
object on the bundled model's 12-px patch grid).
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import shapeworld as sw  # noqa: E402
from PIL import Image, PngImagePlugin  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("n", type=int)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--objects", type=int, default=3, help="at most this many objects a scene")
    p.add_argument("--variants", type=int, default=0, help="byte-distinct copies of each scene")
    p.add_argument("--layout", choices=sw.scene.LAYOUTS, default="free")
    p.add_argument("--name", default="s{:04d}.png", help="file name format of scene number I")
    p.add_argument("--first", type=int, default=0, help="number of the first scene")
    p.add_argument("--captions", help="where captions.json goes (default: OUT/captions.json)")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = sw.make_rng(args.seed, 404)
    captions, seen = {}, set()
    while len(captions) < args.n * max(args.variants, 1):
        scene = sw.sample_scene(rng, max_objects=args.objects, layout=args.layout)
        text = sw.caption(scene)
        if text in seen:
            continue
        seen.add(text)
        pixels = sw.render(scene, args.size)
        if args.variants:
            image = Image.fromarray(pixels)
            for v in range(args.variants):
                info = PngImagePlugin.PngInfo()
                info.add_text("variant", str(v))
                name = f"s{len(captions) // args.variants:04d}-v{v:03d}.png"
                image.save(os.path.join(args.out, name), pnginfo=info, compress_level=1)
                captions[name] = text
            continue
        name = args.name.format(args.first + len(captions))
        sw.save_png(pixels, os.path.join(args.out, name))
        captions[name] = text
    with open(args.captions or os.path.join(args.out, "captions.json"), "w") as f:
        json.dump(captions, f, indent=0)


if __name__ == "__main__":
    main()
