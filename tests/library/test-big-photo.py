#!/usr/bin/python3
"""A 108-megapixel photo (12000 x 9000 JPEG, what 108-MP phone cameras write) indexes, is
found by itself and is asked about, each `glance-cli` run within a memory bound: decoded
whole, its pixels alone would take 324 MB (twice that while gdk-pixbuf's copy lives).
Peak RSS comes from getrusage of each child (RUSAGE_CHILDREN, in KiB on Linux) and is
printed; nothing is timed. The photo is made here with Pillow, never committed."""
import json
import os
import resource
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
CLI = os.environ["GLANCE_CLI"]
MODEL = os.environ["GLANCE_GOLDEN_MODEL_FILE"]
TMP = os.path.join(os.environ.get("GLANCE_TEST_TMP", "/tmp/glance-test"), "big-photo")
INDEX_BOUND_MB = 150   # decoded at 1/8 scale for the model
ASK_BOUND_MB = 300     # decoded at most 3072 px on the short side (DCT 1/2, then scaled)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL {message}", flush=True)


def run_measured(*args):
    """Runs glance-cli in a fresh grandchild so RUSAGE_CHILDREN is that run's peak alone."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        p = subprocess.run([CLI, *args], capture_output=True, text=True,
                           env=dict(os.environ, GLANCE_THREADS="1"))
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        os.write(write, json.dumps([p.returncode, p.stdout, p.stderr, peak_kb]).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        data = f.read()
    os.waitpid(pid, 0)
    returncode, stdout, stderr, peak_kb = json.loads(data)
    return returncode, stdout, stderr, peak_kb / 1024


def main():
    from PIL import Image

    shutil.rmtree(TMP, ignore_errors=True)
    photos = os.path.join(TMP, "photos")
    os.makedirs(photos)
    big = os.path.join(photos, "big.jpg")
    size = (12000, 9000)
    ramp = Image.linear_gradient("L").resize(size)
    ring = Image.radial_gradient("L").resize(size)
    Image.merge("RGB", (ramp, ring, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT))).save(big, quality=90)
    del ramp, ring
    Image.new("RGB", (64, 48), (200, 40, 40)).save(os.path.join(photos, "small.png"))
    db = os.path.join(TMP, "lib.db")

    rc, out, err, peak = run_measured("index", "--db", db, "--model", MODEL, photos, "--json")
    print(f"index of a 12000 x 9000 JPEG: peak RSS {peak:.0f} MB (bound {INDEX_BOUND_MB} MB)")
    check(rc == 0, f"index exited {rc}: {err}")
    counts = json.loads(out) if rc == 0 else {}
    check(counts.get("added") == 2 and counts.get("failed") == 0, f"index: {counts}")
    check(peak < INDEX_BOUND_MB, f"index peak RSS {peak:.0f} MB over {INDEX_BOUND_MB} MB")

    rc, out, err, peak = run_measured("search", "--db", db, "--model", MODEL, "--image", big, "--json")
    print(f"search by the 12000 x 9000 JPEG: peak RSS {peak:.0f} MB (bound {INDEX_BOUND_MB} MB)")
    results = json.loads(out)["results"] if rc == 0 else []
    check(results and results[0]["path"] == big and abs(results[0]["score"] - 1) < 1e-4,
          f"search --image finds the photo itself first: {results[:2]} {err}")
    check(peak < INDEX_BOUND_MB, f"search peak RSS {peak:.0f} MB over {INDEX_BOUND_MB} MB")

    rc, out, err, peak = run_measured("ask", "--model", MODEL, big, "what color is the circle?", "--json")
    print(f"ask about the 12000 x 9000 JPEG: peak RSS {peak:.0f} MB (bound {ASK_BOUND_MB} MB)")
    answers = json.loads(out).get("answers", []) if rc == 0 else []
    check(rc == 0 and len(answers) > 0, f"ask exited {rc}: {err}")
    check(peak < ASK_BOUND_MB, f"ask peak RSS {peak:.0f} MB over {ASK_BOUND_MB} MB")

    shutil.rmtree(TMP, ignore_errors=True)
    print(f"{'FAIL' if failures else 'OK'}: big photo, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
