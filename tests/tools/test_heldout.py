#!/usr/bin/python3
"""tools/train/heldout.py end to end on a tiny held-out set: it writes the sets, runs the
real `glance-cli eval` on the bundled model and prints tables whose numbers are the
CLI's own (re-read here from its JSON)."""

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
check(r["vqa"]["n"] == 18 and r["nlvr2"]["n"] == 8 and r["retrieval"]["n"] == 12,
      "the CLI judged every item of each set")
check(f"| VQA accuracy (18 questions) | {100 * r['vqa']['accuracy']:.1f}% |" in out.stdout,
      "the VQA row shows the CLI's accuracy")
check(sum(v["n"] for v in r["vqa"]["per_type"].values()) == 18
      and out.stdout.count("\n| ") >= 9 + 8, "per-type rows")
bad = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "train", "heldout.py"),
                      "--out", os.path.join(tmp, "sets"), "--cli", cli, "--model", "/nonexistent"],
                     capture_output=True, text=True)
check(bad.returncode != 0 and "failed" in bad.stderr, "a missing model is an error")
sys.exit(1 if failures else 0)
