#!/usr/bin/python3
"""Exports a training checkpoint (runs/<name>/checkpoint.pt) as a Glance model file, without
stopping or touching the run: the way to ship the best model so far while training goes on.

    /usr/bin/python3 tools/train/export_checkpoint.py RUN_DIR/checkpoint.pt OUT.safetensors

The name, vocabulary and settings come from the checkpoint itself; train.export_model writes
the file (the heads the app uses, size limit, atomic rename); calibrate.py then adds what the
model knows (glance.scope, glance.domain, glance.calibration; needs a built glance-cli)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

import torch  # noqa: E402

import calibrate  # noqa: E402
import train  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ckpt = torch.load(sys.argv[1], map_location="cpu")
    model = train.build_model(ckpt["config"]["model"], ckpt["vocab"])
    model.load_state_dict(ckpt["model"])
    model.eval()
    stages = ckpt["config"]["stages"]
    where = f"{stages[ckpt['stage']]['name']} step {ckpt['step']}" if ckpt["stage"] < len(stages) else "end"
    size = train.export_model(model, ckpt["vocab"], sys.argv[2], ckpt["config"].get("name", "glance-shapeworld"))
    print(f"exported {sys.argv[2]} ({size} bytes) from {where}")
    calibrate.calibrate_export(sys.argv[2])


if __name__ == "__main__":
    main()
