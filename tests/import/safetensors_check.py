"""Reads a Glance model file without the safetensors package and checks the
layout rules of docs/model-format.md; shared by the import tests."""
import json
import struct

import numpy as np

ALIGN = 64
# BF16 is read as its raw 16-bit patterns (numpy has no bfloat16); I8 as int8.
DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "I8": np.int8}


class LayoutError(AssertionError):
    pass


def read_model(path):
    """Returns (metadata dict, config dict, {name: numpy array}, header dict)."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise LayoutError(f"{path}: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    raw = blob[8:8 + n]
    if (8 + n) % ALIGN:
        raise LayoutError(f"data section starts at {8 + n}, not a multiple of {ALIGN}")
    text = raw.decode("utf-8")
    # the JSON object, then nothing but spaces (the writer's padding)
    try:
        header, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as e:
        raise LayoutError(f"header is not JSON: {e}") from None
    if text[end:].strip(" "):
        raise LayoutError(f"header padding is not spaces: {text[end:]!r}")
    meta = header.pop("__metadata__")
    for k, v in meta.items():
        if not isinstance(v, str):
            raise LayoutError(f"metadata {k} is not a string")
    data = blob[8 + n:]
    tensors = {}
    spans = []
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if begin % ALIGN:
            raise LayoutError(f"{name} starts at {begin}, not {ALIGN}-aligned")
        dtype = DTYPES[info["dtype"]]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * np.dtype(dtype).itemsize:
            raise LayoutError(f"{name}: {end - begin} bytes for shape {info['shape']}")
        if end > len(data):
            raise LayoutError(f"{name} runs past the end of the file")
        spans.append((begin, end, name))
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
    spans.sort()
    for (b0, e0, n0), (b1, e1, n1) in zip(spans, spans[1:]):
        if b1 < e0:
            raise LayoutError(f"{n0} and {n1} overlap")
    config = json.loads(meta["glance.config"])
    return meta, config, tensors, header
