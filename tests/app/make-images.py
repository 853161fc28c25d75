#!/usr/bin/python3
"""Writes the images test-image.c decodes into OUT_DIR: a JPEG whose EXIF says "rotate 90°
clockwise" (orientation 6), a PNG decompression bomb (20000 x 20000, about 1 MB), a PNG
with alpha, a truncated PNG and a truncated JPEG."""
import struct
import sys
import zlib

from PIL import Image

out = sys.argv[1]
img = Image.new("RGB", (40, 20), (200, 30, 30))
exif = Image.Exif()
exif[0x0112] = 6
img.save(f"{out}/rotated.jpg", quality=95, exif=exif.tobytes())
img.save(f"{out}/plain.jpg", quality=95)
blob = open(f"{out}/plain.jpg", "rb").read()
open(f"{out}/truncated.jpg", "wb").write(blob[: len(blob) // 2])

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
