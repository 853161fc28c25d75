#!/usr/bin/python3
"""tools/where/pointing_game.py on a small fixed ShapeWorld set with the bundled model:
the maps of `glance-cli ask --where` point at the object asked about far more often than
chance on both layouts, and a map that ignores the image (uniform) fails the same floor.
Also the box geometry the game scores with, on hand-made cases."""

import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "where"))
import pointing_game as pg  # noqa: E402

# 48 questions per layout (seed 1717): the bundled model's last-layer maps score about
# 0.6 (free) and 0.8 (grid) on sets like this; chance is below 0.2.
FLOOR = 0.45
N = 48
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    failures += not cond


def run(*extra):
    cmd = ["/usr/bin/python3", os.path.join(ROOT, "tools", "where", "pointing_game.py"),
           "--model", os.path.join(ROOT, "data", "models", "glance-shapeworld.safetensors"),
           "--n", str(N), "--methods", "last-layer", "--work", work, "--json",
           "--min-rate", str(FLOOR), *extra]
    out = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    return out.returncode, json.loads(out.stdout)["results"] if out.stdout else None


# ---- geometry: an object exactly on patch (row 2, col 3) of an 8 x 8 grid ----
box = pg.grown_box((3 / 8, 2 / 8, 4 / 8, 3 / 8), 8, 8)
check(box == (2.0, 1.0, 5.0, 4.0), f"grown box is one patch more each side: {box}")
check(int(pg.centres_inside(box, 8, 8).sum()) == 9, "3 x 3 patch centres inside the grown box")
check(abs(pg.coverage(box, 8, 8).sum() - 9.0) < 1e-9, "the grown box covers 9 patches of area")
edge = pg.grown_box((0.0, 0.0, 0.1, 0.1), 8, 8)
check(edge[0] == 0.0 and edge[1] == 0.0, f"growing stops at the image border: {edge}")
half = pg.coverage((0.5, 0.0, 1.5, 1.0), 1, 2)
check(np.allclose(half, [[0.5, 0.5]]), f"partly covered patches count by area: {half}")

work = os.path.join(os.environ.get("GLANCE_TEST_TMP", "/tmp"), "pointing-game")
os.makedirs(work, exist_ok=True)
env_cli = os.environ.get("GLANCE_CLI")
check(env_cli is not None, "GLANCE_CLI is set (run through meson test)")

status, results = run()
for layout in ("free", "grid"):
    r = results[layout]["last-layer"]
    print(f"     {layout}: rate {r['pointing_rate']:.3f} (chance {r['chance_pointing']:.3f}), "
          f"mass {r['mass_share']:.3f} (chance {r['chance_mass']:.3f})")
    check(r["questions"] == N, f"{layout}: {N} questions scored")
    check(r["pointing_rate"] >= FLOOR, f"{layout}: pointing rate {r['pointing_rate']:.3f} >= {FLOOR}")
    check(r["chance_pointing"] < FLOOR / 2, f"{layout}: chance {r['chance_pointing']:.3f} is far below the floor")
    check(r["mass_share"] > r["chance_mass"], f"{layout}: more mass on the object than chance")
check(status == 0, f"the floor passes (exit {status})")

status, results = run("--fake", "uniform")
rates = {layout: results[layout]["last-layer"]["pointing_rate"] for layout in results}
check(status == 1, f"a uniform map fails the floor (exit {status}, rates {rates})")
check(all(rate < FLOOR for rate in rates.values()), f"a uniform map is below the floor on both layouts: {rates}")

print(f"pointing-game: {failures} failures")
sys.exit(1 if failures else 0)
