#!/usr/bin/python3
"""How close q8 and bf16 model files come to f32 (docs/performance.md, "Reduced precision").

    /usr/bin/python3 tools/bench/reduced_precision.py vqa [--model data/models/glance-shapeworld.safetensors]
        [--questions 2000] [--seed 2026] [--out DIR] [--cli build/app/cli/glance-cli]
    /usr/bin/python3 tools/bench/reduced_precision.py itc F32.safetensors OTHER.safetensors... [--photos DIR]

vqa: re-imports a Glance model file (f32) with `glance-cli import --dtype q8` and
`--dtype bf16` (through an official-layout .pt written from its tensors, with its own
vocabulary and answer list), writes a held-out ShapeWorld VQA set
(tools/shapeworld/make_eval.py; seed 2026 is never trained on), runs `glance-cli eval
vqa --json` with each file and prints each one's accuracy and its top-1 agreement with
the f32 file, question by question.

itc: embeds every photo in --photos (default tests/fixtures/photos) with each model
file (`glance-cli embed --json`) and prints the cosine of each file's image vectors to
the first file's: min and mean over the photos.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))


def read_model(path):
    blob = open(path, "rb").read()
    (n,) = struct.unpack_from("<Q", blob, 0)
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", f"{name}: re-import needs an F32 model file"
        a, b = t["data_offsets"]
        tensors[name] = np.frombuffer(blob[8 + n + a:8 + n + b], dtype="<f4").reshape(t["shape"])
    return tensors, meta


def reimport(cli, model, out, dtypes):
    """{dtype: path} of the model imported again with each dtype."""
    import torch
    tensors, meta = read_model(model)
    config = json.loads(meta["glance.config"])
    pt, vocab, answers = (os.path.join(out, n) for n in ("model.pt", "vocab.txt", "answers.txt"))
    torch.save({k: torch.from_numpy(v.copy()) for k, v in tensors.items()}, pt)
    with open(vocab, "w") as f:
        f.write(meta["glance.vocab"] + "\n")
    with open(answers, "w") as f:
        f.write(meta["glance.answers"] + "\n")
    paths = {}
    for dtype in dtypes:
        path = os.path.join(out, f"model-{dtype}.safetensors")
        subprocess.run([cli, "import", pt, "--vocab", vocab, "--answers", answers, "--dtype", dtype,
                        "--heads", str(config["heads"]), "--image-size", str(config["image_size"]),
                        "--max-text-len", str(config["max_text_len"]), "-o", path],
                       check=True, stdout=subprocess.DEVNULL)
        paths[dtype] = path
    return paths


def eval_vqa(cli, model, jsonl, env=None):
    done = subprocess.run([cli, "eval", "vqa", jsonl, "--model", model, "--json"], check=True,
                          capture_output=True, text=True, env=env)
    return json.loads(done.stdout)


def vqa(args):
    from shapeworld import make_eval
    out = args.out or tempfile.mkdtemp(prefix="glance-reduced-")
    sets = os.path.join(out, f"vqa-{args.seed}-{args.questions}")
    jsonl = os.path.join(sets, "vqa", "vqa.jsonl")
    if not os.path.exists(jsonl):
        make_eval.main(["--seed", str(args.seed), "--out", sets, "--vqa", str(args.questions),
                        "--nlvr2", "0", "--retrieval", "0"])
    paths = {"f32": args.model, **reimport(args.cli, args.model, out, ["q8", "bf16"])}
    runs = [("f32", "f32", None), ("q8", "q8", None), ("bf16", "bf16", None)]
    if args.avx2:
        avx2 = dict(os.environ, GLANCE_CPU="avx2")
        runs += [("q8 (GLANCE_CPU=avx2)", "q8", avx2), ("bf16 (GLANCE_CPU=avx2)", "bf16", avx2)]
    results = {label: eval_vqa(args.cli, paths[dtype], jsonl, env) for label, dtype, env in runs}
    ref = results["f32"]["predictions"]
    print(f"held-out ShapeWorld VQA, seed {args.seed}, {len(ref)} questions; model {args.model}\n")
    print("| model file | accuracy | top-1 agreement with f32 |")
    print("| --- | --- | --- |")
    for label, r in results.items():
        same = sum(a == b for a, b in zip(r["predictions"], ref))
        print(f"| {label} | {100 * r['accuracy']:.2f}% | {same} / {len(ref)} ({100 * same / len(ref):.2f}%) |")


def embed(cli, model, photos):
    cmd = [cli, "embed", "--model", model, "--json"]
    for p in photos:
        cmd += ["-i", p]
    data = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return np.array([e["vector"] for e in data["embeddings"] if e["kind"] == "image"], dtype=np.float64)


def itc(args):
    photos = sorted(os.path.join(args.photos, f) for f in os.listdir(args.photos)
                    if f.lower().endswith((".jpg", ".jpeg", ".png")))
    ref = embed(args.cli, args.models[0], photos)
    print(f"ITC image vectors of {len(photos)} photos in {args.photos} against {args.models[0]}\n")
    print("| model file | min cosine | mean cosine |")
    print("| --- | --- | --- |")
    for m in args.models[1:]:
        v = embed(args.cli, m, photos)
        cos = (v * ref).sum(1) / np.linalg.norm(v, axis=1) / np.linalg.norm(ref, axis=1)
        print(f"| {os.path.basename(m)} | {cos.min():.6f} | {cos.mean():.6f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "app", "cli", "glance-cli"))
    sub = ap.add_subparsers(dest="what", required=True)
    v = sub.add_parser("vqa")
    v.add_argument("--model", default=os.path.join(ROOT, "data", "models", "glance-shapeworld.safetensors"))
    v.add_argument("--questions", type=int, default=2000)
    v.add_argument("--seed", type=int, default=2026)
    v.add_argument("--out")
    v.add_argument("--avx2", action="store_true", help="also run q8 and bf16 with GLANCE_CPU=avx2")
    i = sub.add_parser("itc")
    i.add_argument("models", nargs="+")
    i.add_argument("--photos", default=os.path.join(ROOT, "tests", "fixtures", "photos"))
    args = ap.parse_args()
    (vqa if args.what == "vqa" else itc)(args)


if __name__ == "__main__":
    main()
