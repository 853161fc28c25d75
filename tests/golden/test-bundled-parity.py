#!/usr/bin/python3
"""The trainer's PyTorch forward and the C engine agree on the bundled model.

For the sample scenes and pairs in data/samples/ (their suggested questions, statements and
captions), compares `glance-cli ask --logits --json`, `compare --json` and `embed --json`
with tools/train/vlmo.py run on the same file (vlmo.load_glance), the same Pillow bicubic
resize and the trainer's tokenizer: VQA logits, NLVR2 logits and ITC vectors must agree
within max abs error 1e-3. Prints the worst error of each kind.
"""
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import vlmo  # noqa: E402
from wordpiece import Tokenizer  # noqa: E402

MODEL = os.path.join(ROOT, "data", "models", "glance-shapeworld.safetensors")
SAMPLES = os.path.join(ROOT, "data", "samples")
CLI = os.environ.get("GLANCE_CLI")
TOLERANCE = 1e-3


def cli(*args):
    out = subprocess.run([CLI, *args, "--model", MODEL, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"FAIL glance-cli {' '.join(args)}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    if not CLI:
        sys.exit("GLANCE_CLI must be set (run through meson test)")
    if not os.path.isfile(MODEL):
        sys.exit(f"FAIL the bundled model {MODEL} is missing")
    torch.set_num_threads(1)
    model, vocab, _, _ = vlmo.load_glance(MODEL)
    model.eval()
    cfg = model.cfg
    tok = Tokenizer(vocab)
    samples = json.load(open(os.path.join(SAMPLES, "samples.json")))

    def pixels(name):
        img = Image.open(os.path.join(SAMPLES, name)).convert("RGB").resize((cfg.image_size, cfg.image_size),
                                                                             Image.BICUBIC)
        a = (np.asarray(img, dtype=np.float32) / 255.0 - 0.5) / 0.5
        return torch.from_numpy(a).permute(2, 0, 1).unsqueeze(0)

    def ids(text):
        return torch.tensor([tok.encode(text, cfg.max_text_len)])

    worst = {"vqa logits": 0.0, "nlvr2 logits": 0.0, "itc image vector": 0.0, "itc text vector": 0.0}
    counts = dict.fromkeys(worst, 0)

    def note(kind, ours, theirs):
        diff = np.abs(np.asarray(ours, dtype=np.float64) - np.asarray(theirs, dtype=np.float64))
        # NaN on either side is an infinite error (max(0.0, nan) would be 0.0)
        err = float(np.max(np.nan_to_num(diff, nan=np.inf)))
        worst[kind] = max(worst[kind], err)
        counts[kind] += 1

    with torch.no_grad():
        for scene in samples["scenes"]:
            px = pixels(scene["image"])
            image = os.path.join(SAMPLES, scene["image"])
            for q in scene["questions"]:
                c = cli("ask", "--logits", image, q["question"])
                py = model.vqa_logits(model.fusion(ids(q["question"]), px)["cls_feats"])[0]
                note("vqa logits", c["logits"], py.numpy())
            emb = cli("embed", "--image", image, "--text", scene["caption"])["embeddings"]
            note("itc image vector", emb[0]["vector"], model.encode_image(px)["cls_feats"][0].numpy())
            note("itc text vector", emb[1]["vector"], model.encode_text(ids(scene["caption"]))["cls_feats"][0].numpy())
        for pair in samples["pairs"]:
            left, right = pixels(pair["left"]), pixels(pair["right"])
            for st in pair["statements"]:
                c = cli("compare", os.path.join(SAMPLES, pair["left"]), os.path.join(SAMPLES, pair["right"]),
                        st["statement"])
                py, _, _ = model.nlvr2(ids(st["statement"]), left, right)
                note("nlvr2 logits", c["logits"], py[0].numpy())
    failed = False
    for kind, err in worst.items():
        ok = counts[kind] > 0 and err <= TOLERANCE
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {kind:<18} max abs error {err:.2e} over {counts[kind]} cases")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
