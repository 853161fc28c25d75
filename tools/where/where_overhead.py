#!/usr/bin/python3
"""What `--where` costs: `glance-cli ask` with and without the map, alternately, on one
thread (GLANCE_THREADS=1), so the CPU time of each run is the pass's own work even on a
busy machine (wall time on a shared machine moves by 2-3x with the load; CPU time much
less).

    /usr/bin/python3 tools/where/where_overhead.py --model FILE [--runs 5] [--method last-layer]

Prints the median CPU seconds (user + system) and wall seconds of each, and the
difference. The runs include loading the model (the same for both); for the figure of
the pass alone see `glance-cli bench engine --passes vqa,vqa_where`.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def one_run(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        sys.exit(f"where_overhead: {' '.join(cmd)}: {out.stderr.strip()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cli", default=os.environ.get("GLANCE_CLI", os.path.join(ROOT, "build", "app", "cli",
                                                                             "glance-cli")))
    p.add_argument("--model", required=True)
    p.add_argument("--image", default=os.path.join(ROOT, "data", "samples", "scene-1.png"))
    p.add_argument("--question", default="what color is the hexagon?")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--method", default="last-layer")
    args = p.parse_args(argv)
    env = dict(os.environ, GLANCE_THREADS="1")
    base = [args.cli, "ask", "--model", args.model, "--json", args.image, args.question]
    cmds = {"plain": base, "where": base + ["--where", "--where-method", args.method]}
    one_run(cmds["plain"], env)  # page the model in
    figures = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            figures[name].append(one_run(cmd, env))
    cpu = {name: statistics.median(c for c, _ in runs) for name, runs in figures.items()}
    wall = {name: statistics.median(w for _, w in runs) for name, runs in figures.items()}
    for name in cmds:
        print(f"{name:<6} cpu {cpu[name]:7.3f} s  wall {wall[name]:7.3f} s  (median of {args.runs}; "
              f"cpu runs: {', '.join(f'{c:.3f}' for c, _ in figures[name])})")
    print(f"--where ({args.method}): +{cpu['where'] - cpu['plain']:.3f} s cpu "
          f"({100 * (cpu['where'] / cpu['plain'] - 1):+.1f}%), load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
