#!/usr/bin/python3
"""Glance's engine against the PyTorch reference, at VLMo-Base size, interleaved.

    /usr/bin/python3 tools/bench/engine_vs_torch.py [--rounds 2] [--threads 2] [--seconds 3]
                     [--chart docs/performance.png] [--json out.json] [--cli OTHER-GLANCE-CLI]
                     [--dtype f32,q8,bf16] [--sizes 224,384,480]

1. builds a release glance-cli in build-rel/ (meson, -Dwerror=false);
2. writes random VLMo-Base checkpoints at 224, 384 and 480 px with
   ../shared/bench/vlmo_torch_ref.py and imports them with `glance-cli import`, once:
   they are cached in build-rel/bench-cache/ (or $GLANCE_BENCH_CACHE), about 850 MB each
   (--dtype q8,bf16: also imported with `--dtype q8` / `--dtype bf16`; the checkpoints
   are kept beside them so that each dtype is imported from the same weights);
3. runs, for each round, `glance-cli bench engine --json` on each model (every dtype) and then
   `vlmo_torch_ref.py bench --arch base --json`, with the same thread count, and notes
   the load average before each;
4. prints the table (speed-up = PyTorch time / Glance time, per round) and draws a chart.

The machines this runs on are shared: absolute times move with the load, so only ratios
from the same round mean much. Glance's times include preprocessing (resizing a 640x480
picture) and tokenising; PyTorch's start from tensors.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
REF = os.path.join(SHARED, "bench", "vlmo_torch_ref.py")
VOCAB = os.path.join(SHARED, "vocab", "bert-base-uncased-vocab.txt")
ANSWERS = os.path.join(SHARED, "vqa", "vqav2-answers-3129.txt")
BUILD = os.path.join(ROOT, "build-rel")
CLI = os.path.join(BUILD, "app", "cli", "glance-cli")
SIZES = (224, 384, 480)

# (label, Glance model size, Glance figure, PyTorch pass name, PyTorch items per call)
ROWS = [
    ("image embedding 224, one image", 224, "embed_image", "image ITC (V-FFN) 224, batch 1", 1),
    ("image embedding 224, 8 at a time (per image)", 224, "embed_image_batch",
     "image ITC (V-FFN) 224, batch 8", 8),
    ("text embedding, 12 tokens", 224, "embed_text", "text ITC (L-FFN) 12 tokens, unpadded", 1),
    ("VQA at 480 (12-token question)", 480, "vqa", "VQA fusion 480 (text unpadded, 12)", 1),
    ("NLVR2 at 384 (PyTorch text padded to 40)", 384, "nlvr2", "NLVR2 verdict 384 (2 fusion passes)", 1),
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def build():
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        run(["meson", "setup", BUILD, "--buildtype=release", "-Dwerror=false"], cwd=ROOT,
            stdout=subprocess.DEVNULL)
    run(["ninja", "-C", BUILD, "app/cli/glance-cli"], stdout=subprocess.DEVNULL)


def model_name(size, dtype):
    return f"base{size}.safetensors" if dtype == "f32" else f"base{size}-{dtype}.safetensors"


def models(cache, sizes, dtypes):
    """{(size, dtype): path}. The f32-only run keeps no checkpoint (as before); other
    dtypes keep base{size}.pt so that every dtype comes from the same weights."""
    os.makedirs(cache, exist_ok=True)
    paths = {}
    for size in sizes:
        pt = os.path.join(cache, f"base{size}.pt")
        for dtype in dtypes:
            path = os.path.join(cache, model_name(size, dtype))
            if not os.path.exists(path):
                print(f"importing a random VLMo-Base at {size} px as {dtype} ...", file=sys.stderr)
                with tempfile.TemporaryDirectory(dir=cache) as tmp:
                    source = pt if dtypes != ["f32"] else os.path.join(tmp, f"base{size}.pt")
                    if not os.path.exists(source):
                        run(["/usr/bin/python3", REF, "random", "--arch", "base", "--image-size", str(size),
                             "-o", source], stdout=subprocess.DEVNULL)
                    run([CLI, "import", source, "--vocab", VOCAB, "--answers", ANSWERS, "--dtype", dtype,
                         "-o", path + ".part"], stdout=subprocess.DEVNULL)
                os.replace(path + ".part", path)
            paths[(size, dtype)] = path
    return paths


def glance_bench(cli, path, threads, seconds):
    env = dict(os.environ, GLANCE_THREADS=str(threads))
    out = run([cli, "bench", "engine", "--model", path, "--json", "--seconds", str(seconds)], env=env,
              stdout=subprocess.PIPE).stdout
    return json.loads(out)


def torch_bench(threads):
    out = run(["/usr/bin/python3", REF, "bench", "--arch", "base", "--threads", str(threads), "--json"],
              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    return {p["name"]: p["median_s"] for p in json.loads(out)["passes"]}


def measure(cli, paths, rounds, threads, seconds):
    results = []
    for r in range(rounds):
        entry = {"glance": {}, "load_glance": load_average()}
        for size, dtype in paths:
            print(f"round {r + 1}: Glance at {size} px, {dtype} (load {load_average():.1f})", file=sys.stderr)
            entry["glance"][key(size, dtype)] = glance_bench(cli, paths[(size, dtype)], threads, seconds)
        entry["load_torch"] = load_average()
        print(f"round {r + 1}: PyTorch (load {entry['load_torch']:.1f})", file=sys.stderr)
        entry["torch"] = torch_bench(threads)
        results.append(entry)
    return results


def key(size, dtype):
    """Results are keyed "224" for f32 (as in older --json files) and "224-q8" otherwise."""
    return str(size) if dtype == "f32" else f"{size}-{dtype}"


def table(results):
    rows = []
    keys = list(results[0]["glance"])
    for k in keys:
        size, _, dtype = k.partition("-")
        for label, row_size, figure, torch_name, items in ROWS:
            if int(size) != row_size:
                continue
            g = [e["glance"][k]["seconds_per_call"].get(figure) for e in results]
            t = [e["torch"].get(torch_name) / items if e["torch"].get(torch_name) else None for e in results]
            ratios = [tt / gg for gg, tt in zip(g, t) if gg and tt]
            rows.append({"pass": label + (f", Glance {dtype}" if dtype else ""), "glance_s": [x for x in g if x],
                         "torch_s": [x for x in t if x], "speedup": ratios})
    return rows


def fmt_range(values, scale=1e3, unit="ms"):
    if not values:
        return "-"
    lo, hi = min(values) * scale, max(values) * scale
    return f"{lo:.0f} {unit}" if round(lo) == round(hi) else f"{lo:.0f}-{hi:.0f} {unit}"


def print_table(rows, results, threads):
    print(f"threads {threads}; {len(results)} interleaved round(s); load average (1 min) before Glance / PyTorch: "
          + ", ".join(f"{e['load_glance']:.1f} / {e['load_torch']:.1f}" for e in results))
    print()
    print("| pass | Glance | PyTorch | speed-up (per round) |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        ratios = ", ".join(f"{x:.2f}x" for x in r["speedup"]) or "-"
        print(f"| {r['pass']} | {fmt_range(r['glance_s'])} | {fmt_range(r['torch_s'])} | {ratios} |")
    print()
    for k in results[0]["glance"]:
        figures = [e["glance"][k] for e in results]
        loads = [x["load"] for x in figures if "load" in x]
        rss = [x["peak_rss_bytes"] for x in figures if "peak_rss_bytes" in x]
        if loads:
            print(f"Glance {k}: model open (warm page cache) {fmt_range(loads, 1e3)}; "
                  f"peak resident memory of its bench {max(rss) / 2**20:.0f} MiB")


def chart(rows, results, path):
    """One marker per round and pass: on a shared machine the rounds disagree, and a bar
    of their mean would hide it. The legend gives each round's load averages."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no chart: matplotlib is missing (apt-get install python3-matplotlib)", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(10, 1.6 + 0.45 * len(rows)))
    colours = ["#1c71d8", "#e66100", "#26a269", "#9141ac", "#865e3c"]
    for k, e in enumerate(results):
        xs = [r["speedup"][k] if k < len(r["speedup"]) else None for r in rows]
        pts = [(x, i) for i, x in enumerate(xs) if x is not None]
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=60, color=colours[k % len(colours)], zorder=3,
                   label=f"round {k + 1} (load {e['load_glance']:.1f} Glance / {e['load_torch']:.1f} PyTorch)")
        for x, i in pts:
            ax.annotate(f"{x:.2f}x", (x, i), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    ax.axvline(1.0, color="#c01c28", linewidth=1)
    ax.set_yticks(range(len(rows)), [r["pass"] for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.7)
    top = max((max(r["speedup"]) for r in rows if r["speedup"]), default=1)
    ax.set_xlim(0, max(top, 1) * 1.15)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("speed-up over PyTorch (PyTorch time / Glance time; right of the red line: Glance faster)", fontsize=9)
    ax.set_title("Glance engine vs PyTorch eager (fp32), VLMo-Base, 2 threads, interleaved rounds", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"chart: {path}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=3.0, help="Glance: time per figure")
    ap.add_argument("--chart", default=os.path.join(BUILD, "bench-cache", "engine-vs-torch.png"))
    ap.add_argument("--json", help="also write the raw figures here")
    ap.add_argument("--cli", default=CLI, help="the glance-cli to time (default: the one built here), "
                    "e.g. a copy of an older build for a before/after")
    ap.add_argument("--cache", default=os.environ.get("GLANCE_BENCH_CACHE", os.path.join(BUILD, "bench-cache")))
    ap.add_argument("--from-json", help="print and draw figures saved by --json instead of measuring")
    ap.add_argument("--dtype", default="f32", help="comma-separated Glance model dtypes: f32, q8, bf16")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated image sizes (224, 384, 480)")
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            results = json.load(f)["rounds"]
        rows = table(results)
        print_table(rows, results, args.threads)
        chart(rows, results, args.chart)
        return
    for tool in ("meson", "ninja"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (tools/install-deps.sh)")
    dtypes = args.dtype.split(",")
    sizes = [int(x) for x in args.sizes.split(",")]
    if any(d not in ("f32", "q8", "bf16") for d in dtypes) or any(x not in SIZES for x in sizes):
        sys.exit("--dtype takes f32, q8, bf16; --sizes takes 224, 384, 480")
    build()
    paths = models(args.cache, sizes, dtypes)
    results = measure(args.cli, paths, args.rounds, args.threads, args.seconds)
    rows = table(results)
    print_table(rows, results, args.threads)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rounds": results, "table": rows}, f, indent=1)
    chart(rows, results, args.chart)


if __name__ == "__main__":
    main()
