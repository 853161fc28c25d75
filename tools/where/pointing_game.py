#!/usr/bin/python3
"""The pointing game for `glance-cli ask --where`: does the map point at the object the
question is about?

    /usr/bin/python3 tools/where/pointing_game.py [--cli build/app/cli/glance-cli]
        [--model FILE] [--n 600] [--layouts free grid] [--methods rollout vl-rollout last-layer]

draws a held-out ShapeWorld set per layout (free placement and the grid; seed 1717,
stream 104, which the trainer never uses) of questions "what color is the {shape}?" and
"what size is the {color} {shape}?" whose object is the only one of its kind, with that
object's bounding box, asks each with --where --json, and reports per layout and method:

- pointing rate: how often the map's highest patch has its centre inside the object's box
  grown by one patch on every side;
- mass share: the share of the map's weight inside that grown box (each patch counted by
  the part of it the box covers);
- chance: the same two numbers for a map that knows nothing, i.e. the share of patch
  centres inside the grown box and the box's share of the image;
- VQA accuracy on the set, to read the maps next to how well the model answers, and the
  pointing rate on the questions it answered right (rate|right).

--task match scores `glance-cli match IMAGE "a {size} {color} {shape}"` (the object's
caption; image-text matching, the pass behind "why this result?") instead; its "vqa"
column is then the share the model calls a match.

--fake uniform replaces every map by a uniform one (its highest patch is the first, as
numpy's argmax takes): the check a floor must fail. --min-rate R exits 1 when the first
method's pointing rate on any layout is below R (tests use it). --json prints the table as
one JSON object. Images are written to --work (default: a temporary folder).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "shapeworld"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import shapeworld as sw  # noqa: E402

SEED, STREAM = 1717, 104
QUESTION_KINDS = ("color", "size")  # taking turns
DEFAULT_CLI = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           "build", "app", "cli", "glance-cli")


def pointing_items(seed, n, layout):
    """n (scene, question text, answer, kind, object), kinds taking turns."""
    rng = sw.make_rng(seed, STREAM, sw.scene.LAYOUTS.index(layout))
    for i in range(n):
        kind = QUESTION_KINDS[i % len(QUESTION_KINDS)]
        while True:
            scene = sw.sample_scene(rng, layout=layout)
            question = sw.ask(scene, kind, rng)
            if question is None:
                continue
            if kind == "color":  # the shape is unique in the scene
                target = [o for o in scene.objects if question.text.endswith(f" {o.shape}?")]
            else:  # the colour and shape together are unique
                target = [o for o in scene.objects
                          if f"the {o.color} {o.shape}?" in question.text]
            assert len(target) == 1, (question, scene)
            yield scene, question.text, question.answer, kind, target[0]
            break


def write_set(work, seed, n, layout, size):
    folder = os.path.join(work, layout)
    os.makedirs(folder, exist_ok=True)
    items = []
    for i, (scene, text, answer, kind, obj) in enumerate(pointing_items(seed, n, layout)):
        path = os.path.join(folder, f"w{i:05d}.png")
        if not os.path.exists(path):
            sw.save_png(sw.render(scene, size), path)
        half = obj.side / 2
        items.append({"image": path, "question": text, "answer": answer, "kind": kind,
                      "caption": f"{sw.questions.article(obj.size)} {obj.size} {obj.color} {obj.shape}",
                      "box": [obj.cx - half, obj.cy - half, obj.cx + half, obj.cy + half]})
    return items


def ask(cli, model, item, method, task="ask"):
    """(map, right?) of one item: `ask` the question, or `match` the object's caption."""
    if task == "match":
        cmd = [cli, "match", item["image"], item["caption"]]
    else:
        cmd = [cli, "ask", item["image"], item["question"], "--top", "1"]
    cmd += ["--where", "--json", "--where-method", method]
    if model:
        cmd += ["--model", model]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"pointing_game: {' '.join(cmd)} failed: {out.stderr.strip()}")
    reply = json.loads(out.stdout)
    rows, cols = reply["where"]["grid"]
    weights = np.array(reply["where"]["weights"], dtype=np.float64).reshape(rows, cols)
    if task == "match":
        return weights, reply["probability"] > 0.5
    return weights, reply["answers"][0]["answer"] == item["answer"]


def grown_box(box, rows, cols):
    """The box in patch units (x0, y0, x1, y1), grown by one patch each side, clipped."""
    x0, y0, x1, y1 = box
    return (max(0.0, x0 * cols - 1), max(0.0, y0 * rows - 1),
            min(float(cols), x1 * cols + 1), min(float(rows), y1 * rows + 1))


def coverage(box, rows, cols):
    """(rows, cols): the part of each patch the box covers."""
    x0, y0, x1, y1 = box
    xs, ys = np.arange(cols), np.arange(rows)
    cover_x = np.clip(np.minimum(xs + 1, x1) - np.maximum(xs, x0), 0, 1)
    cover_y = np.clip(np.minimum(ys + 1, y1) - np.maximum(ys, y0), 0, 1)
    return np.outer(cover_y, cover_x)


def centres_inside(box, rows, cols):
    x0, y0, x1, y1 = box
    cx, cy = np.arange(cols) + 0.5, np.arange(rows) + 0.5
    return np.outer((cy >= y0) & (cy <= y1), (cx >= x0) & (cx <= x1))


def score(items, cli, model, method, fake, task="ask"):
    hits, mass, chance_point, chance_mass, correct = [], [], [], [], []
    for item in items:
        weights, right = ask(cli, model, item, method, task)
        rows, cols = weights.shape
        if fake == "uniform":
            weights = np.full((rows, cols), 1.0 / (rows * cols))
        box = grown_box(item["box"], rows, cols)
        inside = centres_inside(box, rows, cols)
        cover = coverage(box, rows, cols)
        top = np.unravel_index(int(np.argmax(weights)), weights.shape)
        hits.append(bool(inside[top]))
        mass.append(float((weights * cover).sum() / weights.sum()))
        chance_point.append(float(inside.mean()))
        chance_mass.append(float(cover.mean()))
        correct.append(right)
    right = [h for h, c in zip(hits, correct) if c]
    return {"questions": len(items), "pointing_rate": float(np.mean(hits)),
            "pointing_rate_answered_right": float(np.mean(right)) if right else None,
            "mass_share": float(np.mean(mass)), "chance_pointing": float(np.mean(chance_point)),
            "chance_mass": float(np.mean(chance_mass)), "vqa_accuracy": float(np.mean(correct))}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cli", default=os.environ.get("GLANCE_CLI", DEFAULT_CLI))
    p.add_argument("--model", help="model file or name (default: the VQA task's model)")
    p.add_argument("--n", type=int, default=600, help="questions per layout (default 600)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--size", type=int, default=96, help="image side in pixels")
    p.add_argument("--layouts", nargs="+", choices=sw.scene.LAYOUTS, default=["free", "grid"])
    p.add_argument("--methods", nargs="+", default=["rollout", "vl-rollout", "last-layer"])
    p.add_argument("--fake", choices=["uniform"], help="replace the maps (to test the floor)")
    p.add_argument("--task", choices=["ask", "match"], default="ask",
                   help="ask the question (VQA), or match the object's caption (ITM)")
    p.add_argument("--min-rate", type=float, help="exit 1 when the first method's rate is below")
    p.add_argument("--work", help="folder for the images (default: a temporary one)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pointing-") as tmp:
        work = args.work or tmp
        results = {}
        started = time.time()
        for layout in args.layouts:
            items = write_set(work, args.seed, args.n, layout, args.size)
            results[layout] = {m: score(items, args.cli, args.model, m, args.fake, args.task)
                               for m in args.methods}
        elapsed = time.time() - started

    if args.json:
        print(json.dumps({"seed": args.seed, "n": args.n, "fake": args.fake, "results": results}))
    else:
        print(f"pointing game ({args.task}), seed {args.seed}, {args.n} questions per layout"
              + (f", maps replaced: {args.fake}" if args.fake else "") + f" ({elapsed:.0f} s)")
        print(f"{'layout':<6} {'method':<11} {'rate':>6} {'chance':>7} {'mass':>6} {'chance':>7} {'vqa':>6}"
              f" {'rate|right':>10}")
        for layout, by_method in results.items():
            for method, r in by_method.items():
                print(f"{layout:<6} {method:<11} {r['pointing_rate']:6.1%} {r['chance_pointing']:7.1%} "
                      f"{r['mass_share']:6.1%} {r['chance_mass']:7.1%} {r['vqa_accuracy']:6.1%} "
                      f"{r['pointing_rate_answered_right'] or 0:10.1%}")
    if args.min_rate is not None:
        first = args.methods[0]
        low = [(layout, r[first]["pointing_rate"]) for layout, r in results.items()
               if r[first]["pointing_rate"] < args.min_rate]
        for layout, rate in low:
            print(f"FAIL: {first} on {layout}: pointing rate {rate:.1%} < floor {args.min_rate:.1%}",
                  file=sys.stderr)
        return 1 if low else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
