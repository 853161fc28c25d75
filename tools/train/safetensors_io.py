"""Reads and writes .safetensors files the way Glance model files need them.

Written by hand (struct + json + numpy) instead of with the `safetensors`
package, because the engine maps F32 tensors in place and therefore relies on
two things the format allows but other writers do not promise
(docs/model-format.md):
- the JSON header is padded with spaces so the data section starts at a
  multiple of 64 bytes from the start of the file;
- every tensor's data offset is a multiple of 64.
"""
import json
import struct

import numpy as np

ALIGN = 64

_DTYPE_NAMES = {
    np.dtype("<f4"): "F32",
    np.dtype("<f2"): "F16",
    np.dtype("<i8"): "I64",
    np.dtype("<i4"): "I32",
    np.dtype("u1"): "U8",
}
_NAME_DTYPES = {name: dtype for dtype, name in _DTYPE_NAMES.items()}


def _aligned(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def write_safetensors(path, tensors, metadata=None):
    """Writes `tensors` (name -> numpy array, in the order given) and
    `metadata` (str -> str) to `path`."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    arrays = []
    offset = 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        array = array.astype(array.dtype.newbyteorder("<"), copy=False)
        if array.dtype not in _DTYPE_NAMES:
            raise ValueError(f"{name}: unsupported dtype {array.dtype}")
        offset = _aligned(offset)
        end = offset + array.nbytes
        header[name] = {
            "dtype": _DTYPE_NAMES[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, end],
        }
        arrays.append((offset, array))
        offset = end

    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # 8 bytes of length + header must end on a 64-byte boundary.
    padded_len = _aligned(8 + len(header_bytes)) - 8
    header_bytes += b" " * (padded_len - len(header_bytes))

    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        data_start = f.tell()
        for start, array in arrays:
            f.write(b"\0" * (data_start + start - f.tell()))
            f.write(array.tobytes())


def read_safetensors(path):
    """Returns (tensors: name -> numpy array, metadata: dict of strings).
    Also checks the Glance alignment rules, so tests can use it on files
    written by the C importer."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack_from("<Q", blob, 0)
    header = json.loads(blob[8:8 + header_len].decode("utf-8"))
    data_start = 8 + header_len
    if data_start % ALIGN:
        raise ValueError(f"{path}: data section starts at {data_start}, not 64-aligned")
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if begin % ALIGN:
            raise ValueError(f"{path}: tensor {name} at offset {begin}, not 64-aligned")
        if info["dtype"] == "BF16":
            raw = np.frombuffer(blob, dtype="<u2", count=(end - begin) // 2,
                                offset=data_start + begin)
            array = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            dtype = _NAME_DTYPES[info["dtype"]]
            array = np.frombuffer(blob, dtype=dtype, count=(end - begin) // dtype.itemsize,
                                  offset=data_start + begin)
        tensors[name] = array.reshape(info["shape"])
    return tensors, metadata
