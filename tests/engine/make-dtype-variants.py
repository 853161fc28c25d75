#!/usr/bin/python3
"""From a Glance model file, writes three files holding the same numbers:
  rounded-f32.safetensors     every F32 tensor rounded to bfloat16 precision, stored as F32
  bf16.safetensors            the same values stored as BF16
  misaligned-f32.safetensors  rounded-f32's tensors at offsets that are not multiples of 4
The engine must give bit-identical outputs on all three: BF16 conversion and the
copy path for unaligned F32 are then proven against the in-place F32 path.

    /usr/bin/python3 make-dtype-variants.py MODEL.safetensors OUT_DIR
"""
import json
import os
import struct
import sys

import numpy as np


def read_raw(path):
    """name -> [dtype name, shape, raw bytes], and the metadata."""
    blob = open(path, "rb").read()
    (n,) = struct.unpack_from("<Q", blob, 0)
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    items = {}
    for name, t in header.items():
        a, b = t["data_offsets"]
        items[name] = [t["dtype"], list(t["shape"]), blob[8 + n + a:8 + n + b]]
    return items, meta


def read(path):
    items, meta = read_raw(path)
    tensors = {}
    for name, (dtype, shape, raw) in items.items():
        assert dtype == "F32", name
        tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(shape)
    return tensors, meta


def to_bf16_bits(a):
    """Round to nearest even, as torch does, and keep the upper 16 bits."""
    bits = a.astype("<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2")


def write(path, items, meta, align, skew):
    """items: name -> (dtype name, shape, raw bytes)."""
    header = {"__metadata__": meta}
    offset, chunks = 0, []
    for name, (dtype, shape, raw) in items.items():
        offset = (offset + align - 1) // align * align + skew
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append((offset, raw))
        offset += len(raw)
    hb = json.dumps(header).encode()
    hb += b" " * ((-(8 + len(hb))) % 64)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)) + hb)
        start = f.tell()
        for off, raw in chunks:
            f.write(b"\0" * (start + off - f.tell()))
            f.write(raw)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    tensors, meta = read(src)
    bf16 = {k: to_bf16_bits(v) for k, v in tensors.items()}
    rounded = {k: (b.astype("<u4") << 16).view("<f4").reshape(tensors[k].shape) for k, b in bf16.items()}
    write(os.path.join(out, "rounded-f32.safetensors"),
          {k: ("F32", v.shape, v.tobytes()) for k, v in rounded.items()}, meta, 64, 0)
    write(os.path.join(out, "bf16.safetensors"),
          {k: ("BF16", tensors[k].shape, v.tobytes()) for k, v in bf16.items()}, meta, 64, 0)
    write(os.path.join(out, "misaligned-f32.safetensors"),
          {k: ("F32", v.shape, v.tobytes()) for k, v in rounded.items()}, meta, 64, 2)


if __name__ == "__main__":
    main()
