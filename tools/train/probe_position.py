#!/usr/bin/python3
"""Does a model's image encoder know where objects are?

Fits a linear classifier, per layer of the image-only pass, that reads the third of the
image (across, and down) holding an object's centre from the patch feature at that
centre, and reports its accuracy on scenes it was not fitted on, beside the majority-class
baseline. Position questions can only be answered if this information survives to the
layers the question reads; a model with no position signal scores near the baseline.

    /usr/bin/python3 tools/train/probe_position.py [--model FILE] [--layout grid|free]
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import data  # noqa: E402
import shapeworld as sw  # noqa: E402
import vlmo  # noqa: E402

BUNDLED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "data", "models", "glance-shapeworld.safetensors")
PROBE_SEED = 4242  # its own stream, apart from training (seed, 1..9) and held-out seeds


def centre_patches(scenes, grid):
    """(scene index, patch index, third across, third down) of every object."""
    rows = []
    for i, scene in enumerate(scenes):
        for obj in scene.objects:
            patch = 1 + min(int(obj.cy * grid), grid - 1) * grid + min(int(obj.cx * grid), grid - 1)
            rows.append((i, patch, min(int(obj.cx * 3), 2), min(int(obj.cy * 3), 2)))
    return np.array(rows)


def linear_probe(x, y, train_fraction=0.6, steps=500):
    """Accuracy on the held-back part of a softmax regression fitted on the rest."""
    x = torch.as_tensor(x, dtype=torch.float32)
    y = torch.as_tensor(y)
    n = int(len(y) * train_fraction)
    mean, std = x[:n].mean(0), x[:n].std(0) + 1e-6
    x = (x - mean) / std
    classes = int(y.max()) + 1
    w = torch.zeros(x.shape[1], classes, requires_grad=True)
    b = torch.zeros(classes, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.01)
    with torch.enable_grad():  # callers may hold torch.no_grad()
        for _ in range(steps):
            opt.zero_grad()
            loss = F.cross_entropy(x[:n] @ w + b, y[:n]) + 1e-3 * (w ** 2).sum()
            loss.backward()
            opt.step()
    with torch.no_grad():
        return ((x[n:] @ w + b).argmax(1) == y[n:]).float().mean().item()


def majority(y, train_fraction=0.6):
    n = int(len(y) * train_fraction)
    return float(np.mean(y[n:] == np.bincount(y[:n]).argmax()))


def probe(model, layout="grid", scenes=600):
    """[(layer, across accuracy, down accuracy)] and the (across, down) baselines."""
    rng = sw.make_rng(PROBE_SEED, 1)
    drawn = [sw.sample_scene(rng, 1, 4, layout=layout) for _ in range(scenes)]
    size = model.cfg.image_size
    pixels = data.pixels_to_tensor(np.stack([sw.render(s, size) for s in drawn]))
    with torch.no_grad():
        hidden = model.encode_image(pixels, return_hidden=True)["hidden"][:model.cfg.depth]
    where = centre_patches(drawn, size // model.cfg.patch_size)
    results = []
    for layer, h in enumerate(hidden):
        feats = h[where[:, 0], where[:, 1]].numpy()
        results.append((layer, linear_probe(feats, where[:, 2]), linear_probe(feats, where[:, 3])))
    return results, (majority(where[:, 2]), majority(where[:, 3]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=BUNDLED)
    ap.add_argument("--layout", choices=("grid", "free"), default="grid")
    ap.add_argument("--scenes", type=int, default=600)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = vlmo.load_glance(args.model)[0].eval()
    results, (base_x, base_y) = probe(model, args.layout, args.scenes)
    print(f"| layer | third across | third down |  ({args.layout} layout, {args.scenes} scenes)")
    print("| --- | --- | --- |")
    print(f"| majority class | {100 * base_x:.1f}% | {100 * base_y:.1f}% |")
    for layer, ax, ay in results:
        print(f"| {layer} | {100 * ax:.1f}% | {100 * ay:.1f}% |")


if __name__ == "__main__":
    main()
