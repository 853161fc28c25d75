#!/usr/bin/python3
"""Writes the images test-image.c decodes into OUT_DIR: a JPEG whose EXIF says "rotate 90°
clockwise" (orientation 6), a lopsided JPEG for each EXIF orientation 2-8 with the pixels
Pillow's ImageOps.exif_transpose gives for it (orient-N.jpg, orient-N.rgb: "W H\n" + RGB),
a PNG too large to open (20000 x 20000, about 1 MB), a tiny PNG claiming 15000 x 15000
(a decompression bomb), a PNG with alpha, a truncated PNG
and a truncated JPEG."""
import struct
import sys
import zlib

from PIL import Image, ImageOps

out = sys.argv[1]
img = Image.new("RGB", (40, 20), (200, 30, 30))
exif = Image.Exif()
exif[0x0112] = 6
img.save(f"{out}/rotated.jpg", quality=95, exif=exif.tobytes())
img.save(f"{out}/plain.jpg", quality=95)
blob = open(f"{out}/plain.jpg", "rb").read()
open(f"{out}/truncated.jpg", "wb").write(blob[: len(blob) // 2])

# 24 x 16 in 8 x 8 blocks of six far-apart colours: every flip and turn moves a block
# to where another colour was, and 8 x 8 blocks keep JPEG's error small.
colours = [(250, 20, 20), (20, 250, 20), (20, 20, 250), (250, 250, 20), (20, 250, 250), (250, 20, 250)]
lopsided = Image.new("RGB", (24, 16))
for i, colour in enumerate(colours):
    lopsided.paste(colour, ((i % 3) * 8, (i // 3) * 8, (i % 3) * 8 + 8, (i // 3) * 8 + 8))
for orientation in range(2, 9):
    exif = Image.Exif()
    exif[0x0112] = orientation
    name = f"{out}/orient-{orientation}.jpg"
    lopsided.save(name, quality=100, subsampling=0, exif=exif.tobytes())
    upright = ImageOps.exif_transpose(Image.open(name)).convert("RGB")
    with open(f"{out}/orient-{orientation}.rgb", "wb") as f:
        f.write(b"%d %d\n" % upright.size + upright.tobytes())

rgba = Image.new("RGBA", (8, 6), (10, 200, 30, 0))
rgba.save(f"{out}/alpha.png")
png = open(f"{out}/alpha.png", "rb").read()
open(f"{out}/truncated.png", "wb").write(png[: len(png) - 20])


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


side = 20000
row = b"\0" + bytes(side * 3)
pixels = zlib.compressobj(9)
data = b"".join(pixels.compress(row) for _ in range(side)) + pixels.flush()
with open(f"{out}/bomb.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))

# A decompression bomb proper: a few hundred bytes that claim 15000 x 15000 pixels (under
# the size limit, so only the bytes-per-pixel test can refuse it).
side = 15000
with open(f"{out}/tiny-bomb.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
