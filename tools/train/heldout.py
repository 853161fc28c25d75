#!/usr/bin/python3
"""The bundled model's held-out figures, measured the way users measure any model: by
`glance-cli eval` (the C engine) on ShapeWorld sets from a seed the trainer never uses.

    /usr/bin/python3 tools/train/heldout.py [--model FILE] [--seed 2026] [--layout grid]
        [--cli build/app/cli/glance-cli] [--out DIR] [--json OUT.json]

Writes the sets with tools/shapeworld/make_eval.py into DIR (default
/tmp/glance-heldout-SEED-LAYOUT; reused when already there), runs `glance-cli eval`
on each and prints the README's tables (markdown): overall figures against the
targets, VQA per question type and NLVR2 per statement kind.
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from shapeworld import make_eval  # noqa: E402

TASKS = ("vqa", "nlvr2", "retrieval")


def ensure_sets(out, seed, layout, sizes):
    for task in TASKS:
        if not os.path.exists(os.path.join(out, task, task + ".jsonl")):
            make_eval.main(["--seed", str(seed), "--out", out, "--layout", layout]
                           + [f"--{t}={sizes[t] if t == task else 0}" for t in TASKS])


def run_eval(cli, model, out, task):
    cmd = [cli, "eval", task, os.path.join(out, task, task + ".jsonl"), "--json"]
    if model:
        cmd[2:2] = ["--model", model]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def pct(x):
    return f"{100 * x:.1f}%"


def tables(results):
    vqa, nlvr2, ret = (results[t] for t in TASKS)
    worst = min(vqa["per_type"].items(), key=lambda kv: kv[1]["accuracy"])
    t2i, i2t = ret["text_to_image"], ret["image_to_text"]
    lines = [
        "| measure | result | target |",
        "| --- | --- | --- |",
        f"| VQA accuracy ({vqa['n']} questions) | {pct(vqa['accuracy'])} | ≥ 90% |",
        f"| VQA, weakest type ({worst[0]}) | {pct(worst[1]['accuracy'])} | ≥ 80% |",
        f"| NLVR2 accuracy ({nlvr2['n']} pairs) | {pct(nlvr2['accuracy'])} | ≥ 85% |",
        f"| text → image R@1 / R@5 / R@10 ({ret['n']} images) | "
        f"{pct(t2i['r1'])} / {pct(t2i['r5'])} / {pct(t2i['r10'])} | R@1 ≥ 50%, R@10 ≥ 90% |",
        f"| image → text R@1 / R@5 / R@10 | "
        f"{pct(i2t['r1'])} / {pct(i2t['r5'])} / {pct(i2t['r10'])} | R@1 ≥ 50%, R@10 ≥ 90% |",
        "",
        "| VQA question type | n | accuracy |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {k} | {v['n']} | {pct(v['accuracy'])} |"
              for k, v in sorted(vqa["per_type"].items())]
    lines += ["", "| NLVR2 statement kind | n | accuracy |", "| --- | --- | --- |"]
    lines += [f"| {k} | {v['n']} | {pct(v['accuracy'])} |"
              for k, v in sorted(nlvr2.get("per_type", {}).items())]
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", help="model file or installed name (default: the bundled model)")
    p.add_argument("--seed", type=int, default=2026, help="held-out seed (never trained on)")
    p.add_argument("--layout", choices=("grid", "free"), default="grid")
    p.add_argument("--cli", default=os.path.join(ROOT, "build", "app", "cli", "glance-cli"))
    p.add_argument("--out", help="folder for the sets (default /tmp/glance-heldout-SEED-LAYOUT)")
    p.add_argument("--vqa", type=int, default=2700)
    p.add_argument("--nlvr2", type=int, default=1000)
    p.add_argument("--retrieval", type=int, default=1000)
    p.add_argument("--json", help="also write every result as JSON here")
    args = p.parse_args(argv)
    out = args.out or f"/tmp/glance-heldout-{args.seed}-{args.layout}"
    ensure_sets(out, args.seed, args.layout,
                {"vqa": args.vqa, "nlvr2": args.nlvr2, "retrieval": args.retrieval})
    results = {t: run_eval(args.cli, args.model, out, t) for t in TASKS}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seed": args.seed, "layout": args.layout, **results}, f, indent=1)
    print(f"held-out seed {args.seed}, {args.layout} layout, sets in {out}\n")
    print(tables(results))


if __name__ == "__main__":
    main()
