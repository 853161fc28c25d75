#!/usr/bin/python3
"""A search for a described scene finds it: the bundled ShapeWorld model end to end.

    test-library-scene.py [--n N] [--rerank K] [--model FILE] [--min-recall5 R] [--min-recall1 R]

Writes N ShapeWorld scenes (all captions different) under
$GLANCE_TEST_TMP/library-scene, indexes them with `glance-cli index`, then searches
each scene's full caption with `glance-cli search` and reports recall@1 and recall@5,
with the dual encoder alone and re-ranked by the ITM head (--rerank K). Fails when either
way's recall@5 is below --min-recall5 (default 0.5; chance is 5/N) or its recall@1 below
--min-recall1 (default 0.5; chance is 1/N).

Needs the trained bundled model data/models/glance-shapeworld.safetensors: when it is
missing the test FAILS (it does not skip), because the app's search is then untested.
"""
import argparse
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = os.environ.get("GLANCE_CLI")
TMP = os.path.join(os.environ.get("GLANCE_TEST_TMP", "/tmp/glance-test"), "library-scene")
BUNDLED = os.path.join(ROOT, "data", "models", "glance-shapeworld.safetensors")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=40, help="scenes in the library")
    p.add_argument("--rerank", type=int, default=10, help="candidates re-ranked by ITM")
    p.add_argument("--model", default=BUNDLED)
    p.add_argument("--size", type=int, default=96, help="image side in pixels")
    p.add_argument("--min-recall5", type=float, default=0.5)
    p.add_argument("--min-recall1", type=float, default=0.5)
    args = p.parse_args()
    if not CLI:
        sys.exit("GLANCE_CLI must be set (run through meson test)")
    if not os.path.isfile(args.model):
        print(f"FAIL: the bundled model {args.model} does not exist yet; this test needs the trained "
              "ShapeWorld model (tools/train) to check that search finds described scenes")
        sys.exit(1)
    subprocess.run(["rm", "-rf", TMP], check=True)
    photos = os.path.join(TMP, "photos")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make-photos.py"), photos, str(args.n),
                    "--seed", "2024", "--size", str(args.size), "--objects", "3"], check=True)
    with open(os.path.join(photos, "captions.json")) as f:
        captions = json.load(f)
    db = os.path.join(TMP, "lib.db")
    base = ["--db", db, "--model", args.model]
    out = subprocess.run([CLI, "index", *base, photos, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"FAIL: index: {out.stderr.strip()}")
    counts = json.loads(out.stdout)
    if counts["added"] != args.n:
        sys.exit(f"FAIL: index added {counts['added']} of {args.n}: {counts}")

    hits = {"dual": [0, 0], "rerank": [0, 0]}
    for name, caption in sorted(captions.items()):
        want = os.path.join(photos, name)
        for mode, extra in (("dual", []), ("rerank", ["--rerank", str(args.rerank)])):
            out = subprocess.run([CLI, "search", *base, caption, "--limit", "5", "--json", *extra],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"FAIL: search {caption!r}: {out.stderr.strip()}")
            paths = [r["path"] for r in json.loads(out.stdout)["results"]]
            hits[mode][0] += paths[:1] == [want]
            hits[mode][1] += want in paths
    n = len(captions)
    for mode in ("dual", "rerank"):
        label = "dual encoder" if mode == "dual" else f"re-ranked top {args.rerank} by ITM"
        print(f"{label:28s} recall@1 {hits[mode][0] / n:.3f}  recall@5 {hits[mode][1] / n:.3f}  (n = {n})")
    failed = False
    for mode in ("dual", "rerank"):
        for k, at_least, chance in ((1, args.min_recall1, 1 / n), (5, args.min_recall5, 5 / n)):
            recall = hits[mode][0 if k == 1 else 1] / n
            if recall < at_least:
                print(f"FAIL: {mode} recall@{k} {recall:.3f} is below {at_least} (chance {chance:.3f})")
                failed = True
    if failed:
        sys.exit(1)
    print("ok: described scenes are found in the top results")


if __name__ == "__main__":
    main()
