#!/usr/bin/python3
"""Writes the photos the viewer's details are checked on into OUT_DIR: camera.jpg (64 x 48,
EXIF Make "Canon", Model "Canon EOS 80D", DateTimeOriginal 2021:07:14 18:30:05 with
OffsetTimeOriginal +02:00), padded.jpg (Make "NIKON CORPORATION  " padded with blanks and
NULs, Model "NIKON D750", IFD0 DateTime only), plain.jpg (no EXIF, 30 x 20) and
camera.png (PNG with an eXIf chunk: Make "Apple", Model "iPhone 12") and big.jpg (6000 x 4000,
24 MP, what the viewer must not decode at full size)."""
import sys

from PIL import Image

out = sys.argv[1]
exif = Image.Exif()
exif[0x010F] = "Canon"
exif[0x0110] = "Canon EOS 80D"
exif[0x8769] = {0x9003: "2021:07:14 18:30:05", 0x9011: "+02:00"}  # the Exif sub-IFD
Image.new("RGB", (64, 48), (30, 120, 200)).save(f"{out}/camera.jpg", quality=90, exif=exif.tobytes())

exif = Image.Exif()
exif[0x010F] = "NIKON CORPORATION  \0\0"
exif[0x0110] = "NIKON D750"
exif[0x0132] = "2019:01:02 03:04:05"
Image.new("RGB", (40, 30), (200, 120, 30)).save(f"{out}/padded.jpg", quality=90, exif=exif.tobytes())

Image.new("RGB", (30, 20), (10, 200, 10)).save(f"{out}/plain.jpg", quality=90)

exif = Image.Exif()
exif[0x010F] = "Apple"
exif[0x0110] = "iPhone 12"
Image.new("RGB", (16, 12), (90, 90, 90)).save(f"{out}/camera.png", exif=exif.tobytes())

big = Image.linear_gradient("L").resize((6000, 4000)).convert("RGB")
big.save(f"{out}/big.jpg", quality=60)
