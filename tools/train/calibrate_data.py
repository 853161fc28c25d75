"""What calibrate.py measures, gathered through the C engine (`glance-cli`), so the
thresholds are calibrated on exactly the numbers the app will compute.

Held-out ShapeWorld sets come from tools/shapeworld/make_eval.py with seeds the trainer
never uses (it trains on (seed, stream, step) of its config's seed and validates on
(seed, 9)) and apart from heldout.py's 2026."""

import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from shapeworld import make_eval  # noqa: E402

DEFAULT_CLI = os.path.join(ROOT, "build", "app", "cli", "glance-cli")
PHOTOS = os.path.join(ROOT, "tests", "fixtures", "photos")
LAYOUTS = ("grid", "free")
TASKS = ("vqa", "nlvr2", "retrieval")
BATCH = 100  # inputs per `glance-cli embed` call


def make_sets(seed, layout, sizes, work):
    """Writes (or reuses) the vqa/nlvr2/retrieval sets of one seed and layout; returns
    their folder."""
    out = os.path.join(work, f"{seed}-{layout}")
    for task, n in sizes.items():
        path = os.path.join(out, task, task + ".jsonl")
        if n and not (os.path.exists(path) and sum(1 for _ in open(path)) == n):
            make_eval.main(["--seed", str(seed), "--out", out, "--layout", layout]
                           + [f"--{t}={n if t == task else 0}" for t in TASKS])
    return out


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


class Cli:
    """Runs glance-cli commands on one model and parses their --json output."""

    def __init__(self, cli, model):
        self.cli, self.model = cli, model

    def run(self, command, *args):
        cmd = [self.cli, command, "--model", self.model, "--json", *args]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{' '.join(cmd[:6])} … failed: {done.stderr.strip()}")
        return json.loads(done.stdout)

    def embed(self, kind, inputs):
        """ITC vectors of images (kind "image", file paths) or texts (kind "text")."""
        rows = []
        for i in range(0, len(inputs), BATCH):
            args = [a for x in inputs[i:i + BATCH] for a in (f"--{kind}", x)]
            rows += [e["vector"] for e in self.run("embed", *args)["embeddings"]]
        return np.array(rows, dtype=np.float64)

    def vqa_best(self, folder, items):
        """(best answer score, right?) per question."""
        out = []
        for it in items:
            best = self.run("ask", "--top", "1", os.path.join(folder, it["image"]),
                            it["question"])["answers"][0]
            out.append((best["score"], best["answer"] in it["answers"]))
        return np.array(out, dtype=np.float64)

    def nlvr2_verdicts(self, folder, items):
        """(probability of the given verdict, right?) per pair."""
        out = []
        for it in items:
            r = self.run("compare", os.path.join(folder, it["left"]),
                         os.path.join(folder, it["right"]), it["statement"])
            p = r["probability"]
            out.append((max(p, 1 - p), r["verdict"] == it["label"]))
        return np.array(out, dtype=np.float64)


def retrieval_images(folder):
    items = read_jsonl(os.path.join(folder, "retrieval", "retrieval.jsonl"))
    return [os.path.join(folder, "retrieval", it["image"]) for it in items], \
        [it["caption"] for it in items]


def photo_paths():
    return sorted(os.path.join(PHOTOS, f) for f in os.listdir(PHOTOS)
                  if f.lower().endswith((".jpg", ".jpeg", ".png")))
