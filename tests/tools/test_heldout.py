#!/usr/bin/python3
"""tools/train/heldout.py end to end on a tiny held-out set: it writes the sets (both
layouts), runs the real `glance-cli eval` on the bundled model and prints tables whose
numbers are the CLI's own (re-read here from its JSON), free placement first."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tmp = os.path.join(os.environ.get("GLANCE_TEST_TMP", "/tmp"), "heldout-report")
cli = os.environ.get("GLANCE_CLI", os.path.join(ROOT, "build", "app", "cli", "glance-cli"))
subprocess.run(["rm", "-rf", tmp], check=True)
out = subprocess.run(
    ["/usr/bin/python3", os.path.join(ROOT, "tools", "train", "heldout.py"), "--seed", "9001",
     "--vqa", "18", "--nlvr2", "8", "--retrieval", "12", "--cli", cli,
     "--out", os.path.join(tmp, "sets"), "--json", os.path.join(tmp, "r.json")],
    capture_output=True, text=True)
print(out.stdout, out.stderr)
failures = 0


def check(cond, what):
    global failures
    print(("ok " if cond else "FAIL ") + what)
    failures += not cond


check(out.returncode == 0, "heldout.py exits 0")
r = json.load(open(os.path.join(tmp, "r.json")))
free, grid = r["free"], r["grid"]
check(all(x["vqa"]["n"] == 18 and x["nlvr2"]["n"] == 8 and x["retrieval"]["n"] == 12
          for x in (free, grid)), "the CLI judged every item of each set, in both layouts")
check(free["vqa"]["per_type"] != grid["vqa"]["per_type"]
      or free["retrieval"] != grid["retrieval"], "the two layouts are different sets")
check(f"| VQA accuracy (18 questions) | {100 * free['vqa']['accuracy']:.1f}% | "
      f"{100 * grid['vqa']['accuracy']:.1f}% | ≥ 85% |" in out.stdout,
      "the VQA row shows the CLI's accuracy, free then grid, and the target")
t2i = free["retrieval"]["text_to_image"]
check(f"| {100 * t2i['r1']:.1f}% / {100 * t2i['r5']:.1f}% / {100 * t2i['r10']:.1f}% |"
      in out.stdout, "the free retrieval row shows the CLI's recalls")
check(sum(v["n"] for v in free["vqa"]["per_type"].values()) == 18
      and out.stdout.count("\n| ") >= 9 + 8, "per-type rows")
one = subprocess.run(
    ["/usr/bin/python3", os.path.join(ROOT, "tools", "train", "heldout.py"), "--seed", "9001",
     "--vqa", "18", "--nlvr2", "8", "--retrieval", "12", "--cli", cli, "--layout", "grid",
     "--out", os.path.join(tmp, "sets", "grid"), "--json", os.path.join(tmp, "g.json")],
    capture_output=True, text=True)
check(one.returncode == 0 and json.load(open(os.path.join(tmp, "g.json")))["grid"] == grid,
      "--layout grid alone gives the same grid figures")
bad = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "train", "heldout.py"),
                      "--out", os.path.join(tmp, "sets"), "--cli", cli, "--model", "/nonexistent"],
                     capture_output=True, text=True)
check(bad.returncode != 0 and "failed" in bad.stderr, "a missing model is an error")
sys.exit(1 if failures else 0)
