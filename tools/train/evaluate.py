#!/usr/bin/python3
"""The bundled model's metrics, computed with the PyTorch model on eval sets in the
`glance-cli eval` JSONL formats (tools/shapeworld/make_eval.py writes them).

    /usr/bin/python3 tools/train/evaluate.py --model data/models/glance-shapeworld.safetensors \\
        --sets DIR [--json OUT.json]

DIR holds vqa/vqa.jsonl, nlvr2/nlvr2.jsonl and retrieval/retrieval.jsonl (any may be
missing).  Prints VQA accuracy overall and per question type, NLVR2 accuracy overall
and per statement kind, and retrieval R@1/5/10 in both directions.  The metric
functions are also what the trainer's validation uses.
"""

import argparse
import json
import os
import sys
from collections import defaultdict

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import pad_ids, pixels_to_tensor  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402
from vlmo import VLMo, VLMoConfig  # noqa: E402
from wordpiece import Tokenizer  # noqa: E402


# ---- models ----

def load_glance_model(path):
    """(model in eval mode, tokenizer, answers) from a Glance .safetensors file."""
    tensors, meta = read_safetensors(path)
    cfg = VLMoConfig.from_glance_config(json.loads(meta["glance.config"]))
    model = VLMo(cfg)
    own = model.state_dict()
    state = {}
    for key, value in own.items():
        if key in tensors:
            state[key] = torch.from_numpy(np.array(tensors[key], dtype=np.float32)) \
                .reshape(value.shape)
        elif key != "text_embeddings.position_ids":
            raise KeyError(f"{path}: no tensor {key}")
    model.load_state_dict(state, strict=False)
    answers = meta["glance.answers"].split("\n") if "glance.answers" in meta else []
    return model.eval(), Tokenizer(meta["glance.vocab"].split("\n")), answers


# ---- batched predictions (padding with masks gives the engine's unpadded results) ----

def _chunks(n, size):
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


@torch.no_grad()
def predict_vqa(model, tokenizer, pixels, questions, batch=64):
    """Answer indices for (N, S, S, 3) uint8 images and N questions."""
    out = []
    for s in _chunks(len(questions), batch):
        ids, mask = pad_ids([tokenizer.encode(q, model.cfg.max_text_len) for q in questions[s]],
                            tokenizer.pad_id)
        cls = model.fusion(ids, pixels_to_tensor(pixels[s]), mask)["cls_feats"]
        out.append(model.vqa_logits(cls).argmax(-1))
    return torch.cat(out).numpy()


@torch.no_grad()
def predict_nlvr2(model, tokenizer, left, right, statements, batch=32):
    """True/false verdicts for N pairs."""
    out = []
    for s in _chunks(len(statements), batch):
        ids, mask = pad_ids([tokenizer.encode(t, model.cfg.max_text_len) for t in statements[s]],
                            tokenizer.pad_id)
        logits, _, _ = model.nlvr2(ids, pixels_to_tensor(left[s]), pixels_to_tensor(right[s]),
                                   mask)
        out.append(logits.argmax(-1) == 1)
    return torch.cat(out).numpy()


@torch.no_grad()
def embed(model, tokenizer, pixels, texts, batch=128):
    """L2-normalised ITC vectors: (images (N, D), texts (M, D))."""
    images = [model.encode_image(pixels_to_tensor(pixels[s]))["cls_feats"]
              for s in _chunks(len(pixels), batch)]
    vectors = []
    for s in _chunks(len(texts), batch):
        ids, mask = pad_ids([tokenizer.encode(t, model.cfg.max_text_len) for t in texts[s]],
                            tokenizer.pad_id)
        vectors.append(model.encode_text(ids, mask)["cls_feats"])
    return torch.cat(images).numpy(), torch.cat(vectors).numpy()


# ---- metrics ----

def vqa_metrics(predicted, answers, types):
    """Accuracy overall and per type (one right answer per question)."""
    right = np.asarray(predicted) == np.asarray(answers)
    per_type = defaultdict(list)
    for ok, t in zip(right, types):
        per_type[t].append(ok)
    return {"n": int(len(right)), "accuracy": float(right.mean()),
            "per_type": {t: {"n": len(v), "accuracy": float(np.mean(v))}
                         for t, v in sorted(per_type.items())}}


def recall_at(scores, ks=(1, 5, 10)):
    """Row i's right column is i; R@k = share of rows where it ranks in the top k."""
    right = np.diag(scores)
    rank = (scores > right[:, None]).sum(1)
    return {f"r{k}": float((rank < k).mean()) for k in ks}


def retrieval_metrics(image_vectors, text_vectors):
    scores = image_vectors @ text_vectors.T
    return {"n": int(len(scores)), "text_to_image": recall_at(scores.T),
            "image_to_text": recall_at(scores)}


# ---- eval sets on disk ----

def _read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_image(path, size):
    """RGB uint8 at size x size, resized with PIL bicubic as the engine does."""
    from PIL import Image
    img = Image.open(path).convert("RGB")
    if img.size != (size, size):
        img = img.resize((size, size), Image.BICUBIC)
    return np.asarray(img)


def evaluate_sets(model, tokenizer, answers, sets_dir, limit=None):
    size = model.cfg.image_size
    results = {}
    path = os.path.join(sets_dir, "vqa", "vqa.jsonl")
    if os.path.exists(path) and model.cfg.has("vqa"):
        lines = _read_jsonl(path)[:limit]
        folder = os.path.dirname(path)
        pixels = np.stack([load_image(os.path.join(folder, x["image"]), size) for x in lines])
        index = {a: i for i, a in enumerate(answers)}
        predicted = predict_vqa(model, tokenizer, pixels, [x["question"] for x in lines])
        results["vqa"] = vqa_metrics(predicted, [index.get(x["answers"][0], -1) for x in lines],
                                     [x.get("type", "all") for x in lines])
    path = os.path.join(sets_dir, "nlvr2", "nlvr2.jsonl")
    if os.path.exists(path) and model.cfg.has("nlvr2"):
        lines = _read_jsonl(path)[:limit]
        folder = os.path.dirname(path)
        left = np.stack([load_image(os.path.join(folder, x["left"]), size) for x in lines])
        right = np.stack([load_image(os.path.join(folder, x["right"]), size) for x in lines])
        verdicts = predict_nlvr2(model, tokenizer, left, right, [x["statement"] for x in lines])
        results["nlvr2"] = vqa_metrics(verdicts, [bool(x["label"]) for x in lines],
                                       [x.get("type", "all") for x in lines])
    path = os.path.join(sets_dir, "retrieval", "retrieval.jsonl")
    if os.path.exists(path) and model.cfg.has("itc"):
        lines = _read_jsonl(path)[:limit]
        folder = os.path.dirname(path)
        pixels = np.stack([load_image(os.path.join(folder, x["image"]), size) for x in lines])
        results["retrieval"] = retrieval_metrics(
            *embed(model, tokenizer, pixels, [x["caption"] for x in lines]))
    return results


def format_results(results):
    """Plain-text report: VQA per type, NLVR2 per kind, retrieval recalls."""
    lines = []
    for task in ("vqa", "nlvr2"):
        if task in results:
            r = results[task]
            lines.append(f"{task}: accuracy {r['accuracy']:.4f} (n={r['n']})")
            for t, v in r["per_type"].items():
                lines.append(f"  {t:14} {v['accuracy']:.4f}  (n={v['n']})")
    if "retrieval" in results:
        r = results["retrieval"]
        for way in ("text_to_image", "image_to_text"):
            rec = r[way]
            lines.append(f"retrieval {way}: R@1 {rec['r1']:.4f}  R@5 {rec['r5']:.4f}  "
                         f"R@10 {rec['r10']:.4f} (n={r['n']})")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="data/models/glance-shapeworld.safetensors")
    p.add_argument("--sets", required=True, help="folder with vqa/ nlvr2/ retrieval/")
    p.add_argument("--json", help="also write the results as JSON to this file")
    p.add_argument("--limit", type=int, help="use only the first N lines of each set")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, tokenizer, answers = load_glance_model(args.model)
    results = evaluate_sets(model, tokenizer, answers, args.sets, args.limit)
    print(format_results(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
