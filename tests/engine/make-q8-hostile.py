#!/usr/bin/python3
"""From a Q8 Glance model file (glance-cli import --dtype q8), writes broken variants
that the engine must refuse with a clear message (tests/engine/test-lowp.c):
  no-scale         a Q8 matrix without its NAME.scale
  scale-shape      NAME.scale with half the rows
  scale-f16        NAME.scale stored as F16
  scale-nan        NAME.scale holding a NaN
  q8-rows          a Q8 matrix whose shape is not the config's
  q8-norm          a LayerNorm weight stored as I8 (only big layers may be Q8)
  precision        glance.precision "q4"
and, given a BF16 import (glance-cli import --dtype bf16) as well:
  bf16-rows        a BF16 panel matrix whose shape is not the config's

    /usr/bin/python3 make-q8-hostile.py Q8.safetensors OUT_DIR [BF16.safetensors]
"""
import importlib.util
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

# The reader and writer (64-byte aligned tensors) of make-dtype-variants.py beside this file.
_spec = importlib.util.spec_from_file_location(
    "make_dtype_variants", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-dtype-variants.py"))
_variants = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_variants)

MATRIX = "transformer.blocks.0.attn.qkv.weight"
NORM = "transformer.blocks.0.norm1.weight"


def variant(items, meta, out, name, change):
    copy = {k: list(v) for k, v in items.items()}
    m = dict(meta)
    change(copy, m)
    _variants.write(os.path.join(out, name + ".safetensors"), {k: tuple(v) for k, v in copy.items()}, m, 64, 0)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    items, meta = _variants.read_raw(src)
    assert items[MATRIX][0] == "I8", "not a q8 import"
    scale = MATRIX + ".scale"
    rows, cols = items[MATRIX][1]

    def no_scale(t, m):
        del t[scale]

    def scale_shape(t, m):
        t[scale] = ["F32", [rows // 2], t[scale][2][: rows // 2 * 4]]

    def scale_f16(t, m):
        values = np.frombuffer(t[scale][2], dtype="<f4").astype("<f2")
        t[scale] = ["F16", [rows], values.tobytes()]

    def scale_nan(t, m):
        values = np.frombuffer(t[scale][2], dtype="<f4").copy()
        values[3] = np.nan
        t[scale] = ["F32", [rows], values.tobytes()]

    def q8_rows(t, m):
        t[MATRIX][1] = [rows // 2, cols * 2]

    def q8_norm(t, m):
        values = np.frombuffer(t[NORM][2], dtype="<f4")
        t[NORM] = ["I8", list(t[NORM][1]), np.clip(np.rint(values), -127, 127).astype("i1").tobytes()]

    def precision(t, m):
        m["glance.precision"] = "q4"

    for name, change in [("no-scale", no_scale), ("scale-shape", scale_shape), ("scale-f16", scale_f16),
                         ("scale-nan", scale_nan), ("q8-rows", q8_rows), ("q8-norm", q8_norm),
                         ("precision", precision)]:
        variant(items, meta, out, name, change)
    if len(sys.argv) > 3:
        items, meta = _variants.read_raw(sys.argv[3])
        assert items[MATRIX][0] == "BF16" and meta.get("glance.precision") == "bf16", "not a bf16 import"

        def bf16_rows(t, m):
            t[MATRIX][1] = [rows // 2, cols * 2]

        variant(items, meta, out, "bf16-rows", bf16_rows)


if __name__ == "__main__":
    main()
