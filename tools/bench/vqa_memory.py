#!/usr/bin/python3
"""Resident memory of a VQA pass against the weights it reads, per model file.

    /usr/bin/python3 tools/bench/vqa_memory.py [--cli build-rel/app/cli/glance-cli]
                     [--threads 2] [--seconds 1] [--json out.json] MODEL.safetensors...

(no MODEL: base480.safetensors, base480-q8 and base480-bf16 from $GLANCE_BENCH_CACHE or
build-rel/bench-cache, as tools/bench/engine_vs_torch.py makes them.)

For each model it runs `glance-cli bench engine --passes vqa --json` (model open, then VQA
passes only) and reads:
  - peak_rss_bytes: the process's peak resident set (getrusage), taken before the bench
    times model opening;
  - while it runs, /proc/PID/smaps every 2 ms, keeping the sample with the most resident
    memory while the model is mapped once (so before the bench times model opening, which
    older glance-cli builds counted in peak_rss_bytes), split into the model file's mapping, anonymous memory and heap (the engine's
    buffers, the tokenizer, the header), and shared libraries;
and, from the file's header, the weights a VQA pass reads (its run-time format: Glance
uses every tensor in place from the mapping): every block's norm1, attention (qkv, its
biases, proj), layer scales; the text and image experts (norm2_*, mlp_*) of the blocks
below vlffn_start and the VL expert of those from it; patch embedding, [CLS], position
embeddings, the relative-position table, the text embeddings' position, type and
LayerNorm tensors, token types, the final norm, the pooler and the VQA classifier. Not
read: the other blocks' experts (a Q8 or BF16 file holds all of them), the MLM, ITM, ITC
and NLVR2 heads, and the word embeddings except the question's rows (counted as one 4 KB
page per token, 12 tokens).
"""
import argparse
import collections
import json
import os
import re
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(ROOT, "build-rel", "app", "cli", "glance-cli")
QUESTION_TOKENS = 12  # "how many red circles are there in the picture?" (bench engine's question)
PAGE = 4096


def header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)), n


def read_by_vqa(name, config):
    """True if a VQA pass reads the tensor, 'rows' for the word embeddings."""
    m = re.match(r"transformer\.blocks\.(\d+)\.(.*)", name)
    if m:
        layer, rest = int(m.group(1)), m.group(2)
        if re.match(r"(norm2_|mlp_)(text|imag)", rest):
            return layer < config["vlffn_start"]
        if re.match(r"(norm2_|mlp_)vl", rest):
            return layer >= config["vlffn_start"]
        return True
    if name.startswith(("mlm_score", "itm_score", "itc_", "nlvr2_classifier", "logit_")):
        return False
    if name == "text_embeddings.word_embeddings.weight":
        return "rows"
    return True


def vqa_weight_bytes(path):
    tensors, header_len = header(path)
    config = json.loads(tensors["__metadata__"]["glance.config"])
    total = 0
    everything = 0
    for name, t in tensors.items():
        if name == "__metadata__":
            continue
        size = t["data_offsets"][1] - t["data_offsets"][0]
        everything += size
        read = read_by_vqa(name, config)
        if read == "rows":
            total += QUESTION_TOKENS * PAGE
        elif read:
            total += size
    return total, everything, header_len


def sample_smaps(pid, model_path):
    """Resident KiB per kind of mapping: model, anon (anonymous + heap + stack), libraries;
    None while the model is mapped more than once (the bench timing model opens)."""
    kinds = collections.Counter()
    kind = None
    real_model = os.path.realpath(model_path)
    model_maps = 0
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if not fields[0].endswith(":"):
                name = fields[5] if len(fields) > 5 else ""
                if name and os.path.realpath(name) == real_model:
                    kind = "model"
                    model_maps += 1
                elif name.startswith("/"):
                    kind = "libraries"
                else:
                    kind = "anon"
            elif fields[0] == "Rss:":
                kinds[kind] += int(fields[1])
    return kinds if model_maps <= 1 else None


def measure(cli, model, threads, seconds):
    cmd = [cli, "bench", "engine", "--model", model, "--passes", "vqa", "--seconds", str(seconds), "--json"]
    env = dict(os.environ, GLANCE_THREADS=str(threads))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    peak = collections.Counter()
    while proc.poll() is None:
        try:
            kinds = sample_smaps(proc.pid, model)
            if kinds and sum(kinds.values()) > sum(peak.values()):
                peak = kinds
        except (OSError, ValueError):
            pass
        time.sleep(0.002)
    out = proc.stdout.read()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed")
    bench = json.loads(out)
    return bench, {k: v * 1024 for k, v in peak.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*")
    parser.add_argument("--cli", default=CLI)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    models = args.models
    if not models:
        cache = os.environ.get("GLANCE_BENCH_CACHE", os.path.join(ROOT, "build-rel", "bench-cache"))
        models = [os.path.join(cache, f"base480{s}.safetensors") for s in ("", "-q8", "-bf16")]
    MiB = 1 << 20
    rows = []
    print("| model | file (tensors) | weights a VQA pass reads | peak RSS | over the weights "
          "| sampled peak: total (over the weights) = model mapping + anon and heap + libraries |")
    print("| --- | --- | --- | --- | --- | --- |")
    for model in models:
        weights, everything, _ = vqa_weight_bytes(model)
        bench, peak = measure(args.cli, model, args.threads, args.seconds)
        rss = bench["peak_rss_bytes"]
        row = {"model": os.path.basename(model), "file_tensor_bytes": everything, "vqa_weight_bytes": weights,
               "peak_rss_bytes": rss, "over_weights": rss / weights - 1,
               "sampled_peak": peak, "vqa_seconds": bench["seconds_per_call"]["vqa"]}
        rows.append(row)
        print(f"| {row['model']} | {everything / MiB:.1f} MiB | {weights / MiB:.1f} MiB | {rss / MiB:.1f} MiB "
              f"| {100 * row['over_weights']:+.1f}% | {sum(peak.values()) / MiB:.1f} MiB "
              f"({100 * (sum(peak.values()) / weights - 1):+.1f}%) = {peak.get('model', 0) / MiB:.1f} + "
              f"{peak.get('anon', 0) / MiB:.1f} + {peak.get('libraries', 0) / MiB:.1f} MiB |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": args.threads, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
