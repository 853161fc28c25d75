#!/usr/bin/python3
"""The C engine against PyTorch on the same model, inputs and thread count.

    /usr/bin/python3 tools/bench/bench_vs_pytorch.py [--model FILE | --make base|small] [--threads N]

Runs `glance-cli bench engine --json` and the same passes through the project's PyTorch
VLMo (tools/train/vlmo.py, proven against the official outputs by the golden tests), in one
run, and prints per-pass times and the speed-up (PyTorch time / C time). The machines are
shared and noisy: only the ratio means something. --make base writes a random VLMo-Base
(768 wide, 12 layers, 224 px) model to /tmp first (about 900 MB).
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import vlmo  # noqa: E402

QUESTION = "how many red circles are there in the picture?"


def make_model(kind):
    cfg = vlmo.VLMoConfig.base(image_size=224) if kind == "base" else vlmo.VLMoConfig(
        dim=192, depth=6, heads=6, mlp_hidden=768, vlffn_start=4, image_size=96, patch_size=16)
    torch.manual_seed(0)
    model = vlmo.VLMo(cfg)
    vocab = open(os.path.join(ROOT, "..", "shared", "vocab", "bert-base-uncased-vocab.txt")).read().split("\n")[:cfg.vocab_size]
    answers = [f"answer{i}" for i in range(cfg.num_answers)]
    path = f"/tmp/glance-bench-{kind}.safetensors"
    if not os.path.exists(path):
        vlmo.export_glance(model, path, vocab, answers, name=f"random-{kind}")
    return path


def picture(size):
    """The same picture glance-cli bench draws (a hash pattern), as a PIL image."""
    h = size * 3 // 4
    i = np.arange(size * h * 3, dtype=np.uint64)
    p = ((i * 2654435761) % (1 << 32) >> 24).astype(np.uint8).reshape(h, size, 3)
    return Image.fromarray(p, "RGB")


def timed(fn, min_seconds):
    fn()
    n, start = 0, time.perf_counter()
    while n < 3 or time.perf_counter() - start < min_seconds:
        fn()
        n += 1
    return (time.perf_counter() - start) / n


def pytorch_figures(path, threads, min_seconds, size):
    torch.set_num_threads(threads)
    model, vocab, answers, _ = vlmo.load_glance(path)
    model.eval()
    cfg = model.cfg
    index = {w: i for i, w in enumerate(vocab)}
    # The bench question's words are all whole vocabulary entries: no WordPiece needed.
    words = QUESTION.replace("?", " ?").split()
    ids = torch.tensor([[index["[CLS]"]] + [index[w] for w in words] + [index["[SEP]"]]])
    img = picture(size)

    def preprocess():
        a = np.asarray(img.resize((cfg.image_size, cfg.image_size), Image.BICUBIC), dtype=np.float32)
        return torch.from_numpy((a / 255.0 - 0.5) / 0.5).permute(2, 0, 1).unsqueeze(0)

    pixels = preprocess()
    figures = {"preprocess": timed(preprocess, min_seconds)}
    with torch.no_grad():
        if cfg.has("vqa"):
            figures["vqa"] = timed(lambda: model.vqa_logits(model.fusion(ids, preprocess())["cls_feats"]), min_seconds)
        if cfg.has("nlvr2"):
            figures["nlvr2"] = timed(lambda: model.nlvr2(ids, preprocess(), preprocess()), min_seconds)
        if cfg.has("itm"):
            figures["itm"] = timed(lambda: model.itm_logits(model.fusion(ids, preprocess())["cls_feats"]), min_seconds)
        if cfg.has("itc"):
            figures["embed_image"] = timed(lambda: model.encode_image(preprocess()), min_seconds)
            figures["embed_text"] = timed(lambda: model.encode_text(ids), min_seconds)
    del pixels
    return figures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--make", choices=["base", "small"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--image-size", type=int, default=640)
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "app", "cli", "glance-cli"))
    args = ap.parse_args()
    path = args.model or make_model(args.make or "small")
    env = dict(os.environ, GLANCE_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads),
               OMP_WAIT_POLICY="PASSIVE")
    out = subprocess.run([args.cli, "bench", "engine", "--json", "--model", path, "--seconds", str(args.seconds),
                          "--image-size", str(args.image_size)], env=env, check=True, capture_output=True, text=True)
    c = json.loads(out.stdout)["seconds_per_call"]
    py = pytorch_figures(path, args.threads, args.seconds, args.image_size)
    print(f"model {path}, {args.threads} threads, input {args.image_size} px")
    print(f"{'pass':<12} {'C (ms)':>9} {'PyTorch (ms)':>13} {'speed-up':>9}")
    for name in c:
        if name in py:
            print(f"{name:<12} {c[name] * 1e3:9.2f} {py[name] * 1e3:13.2f} {py[name] / c[name]:8.2f}x")


if __name__ == "__main__":
    main()
