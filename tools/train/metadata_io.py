"""Rewrites the `__metadata__` of a Glance model file without touching its tensors.

The data section is copied byte for byte: tensor offsets are relative to it, so they stay
64-aligned as long as the new header is padded with spaces to end on a 64-byte boundary
(docs/model-format.md). The result is checked before it replaces the file."""
import json
import os
import struct

from safetensors_io import ALIGN


def split_file(blob):
    """(header dict, data section bytes) of a .safetensors file's contents."""
    (header_len,) = struct.unpack_from("<Q", blob, 0)
    return json.loads(blob[8:8 + header_len].decode("utf-8")), blob[8 + header_len:]


def rewrite_metadata(path, updates):
    """Sets the metadata keys in `updates` (str -> str) in the file at `path`."""
    with open(path, "rb") as f:
        blob = f.read()
    header, data = split_file(blob)
    meta = header.pop("__metadata__", {})
    meta.update({str(k): str(v) for k, v in updates.items()})
    header = {"__metadata__": meta, **header}
    raw = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    padded = (8 + len(raw) + ALIGN - 1) // ALIGN * ALIGN - 8
    raw += b" " * (padded - len(raw))
    out = struct.pack("<Q", len(raw)) + raw + data

    new_header, new_data = split_file(out)
    old_tensors = {k: v for k, v in split_file(blob)[0].items() if k != "__metadata__"}
    if new_data != data or {k: v for k, v in new_header.items() if k != "__metadata__"} != old_tensors:
        raise RuntimeError(f"{path}: rewriting the metadata would change the tensors")
    if (8 + len(raw)) % ALIGN:
        raise RuntimeError(f"{path}: data section would not start 64-aligned")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
