#!/usr/bin/python3
"""Writes the files the model-download tests serve, into OUTDIR only:

    /usr/bin/python3 tests/models/make-checkpoints.py OUTDIR

    vqa.pt         a small VLMo fine-tuned for VQA (BERT vocabulary, 3129 answers),
                   official state-dict names, in Lightning's {"state_dict": ...}
    retrieval.pt   a small pre-trained-style VLMo (pooler, ITC, ITM; no VQA head)
    nlvr2.pt       a small VLMo fine-tuned for NLVR2 (pooler, NLVR2 head)
    garbage.pt     random bytes: a download that is not a checkpoint
    sizes.json     {"vqa.pt": [bytes, sha256], ...}

The weights come from the project's own PyTorch VLMo (tools/train/vlmo.py), whose
state dict uses the official names, so the importer and engine take them as they
take the published checkpoints. Exits 77 (meson's "skipped") without torch."""
import hashlib
import json
import os
import sys

try:
    import torch
except ImportError:
    print("make-checkpoints: PyTorch is not available (run with /usr/bin/python3)", file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else 77)  # CI installs it: no skips there

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from vlmo import VLMo, VLMoConfig  # noqa: E402

# Small enough to generate and serve in a moment, big enough (about 5 MB, mostly the
# 30522-row word embeddings) that a transfer can be cut or stalled half way.
SMALL = dict(dim=32, depth=2, heads=2, mlp_hidden=64, vlffn_start=1, image_size=32,
             patch_size=16, max_text_len=40, vocab_size=30522)


def save(model, path):
    torch.save({"state_dict": model.state_dict(), "epoch": 1, "global_step": 10}, path)


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    save(VLMo(VLMoConfig(**SMALL, num_answers=3129, heads_present=("pooler", "itc", "vqa"))),
         os.path.join(out, "vqa.pt"))
    save(VLMo(VLMoConfig(**SMALL, heads_present=("pooler", "itm", "itc"))),
         os.path.join(out, "retrieval.pt"))
    save(VLMo(VLMoConfig(**SMALL, heads_present=("pooler", "nlvr2"))), os.path.join(out, "nlvr2.pt"))
    with open(os.path.join(out, "garbage.pt"), "wb") as f:
        f.write(os.urandom(300_000))
    sizes = {}
    for name in ("vqa.pt", "retrieval.pt", "nlvr2.pt", "garbage.pt"):
        with open(os.path.join(out, name), "rb") as f:
            data = f.read()
        sizes[name] = [len(data), hashlib.sha256(data).hexdigest()]
    with open(os.path.join(out, "sizes.json"), "w") as f:
        json.dump(sizes, f)


if __name__ == "__main__":
    main()
