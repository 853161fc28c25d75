#!/usr/bin/python3
"""`glance-cli import` end to end on checkpoints from make-checkpoints.py and on
the golden vlmo-ref-a checkpoint.

    test-import.py GROUP    (wrappings | layouts | hostile | bad-inputs | golden)

Each written model file is read back without the importer (safetensors_check)
and compared with torch.load of the source: config, metadata, tensor names,
shapes and exact bytes. Every refused input must exit non-zero with one line
on stderr, leave no output file (nor a temporary one) and keep an existing
file at the output path untouched. Exit 77 (skip) when PyTorch is missing.
Generated files live under $GLANCE_TEST_TMP/import, never in the source tree.
"""
import fcntl
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import numpy as np
    import torch
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e} (run with /usr/bin/python3, which has Debian's python3-torch)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)  # CI installs it: no skips there

import safetensors_check  # noqa: E402

CLI = os.environ.get("GLANCE_CLI")
TMP = os.path.join(os.environ.get("GLANCE_TEST_TMP", "/tmp/glance-test"), "import")
SHARED = os.path.join(os.getcwd(), "..", "shared")
failures = []


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def checkpoints_dir():
    """make-checkpoints.py output, regenerated when the script is newer; a lock
    keeps parallel test processes from generating it twice."""
    out = os.path.join(TMP, "checkpoints")
    os.makedirs(TMP, exist_ok=True)
    script = os.path.join(HERE, "make-checkpoints.py")
    stamp = os.path.join(out, "cases.json")
    with open(os.path.join(TMP, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(script):
            subprocess.run([sys.executable, script, out], check=True)
    return out


def run_cli(args):
    return subprocess.run([CLI, "import"] + args, capture_output=True, text=True, timeout=300)


def load_source(path, wrapper, prefix):
    obj = torch.load(path, map_location="cpu")
    sd = obj[wrapper] if wrapper else obj
    if prefix:
        sd = {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in sd.items()}
    return sd


def expected_bytes(tensor, shape, dtype, text_rows=None):
    t = tensor.detach()
    if text_rows is not None:
        t = t[:text_rows]
    t = t.float() if dtype == "f32" else t.float().half()
    return t.contiguous().reshape(shape).numpy().tobytes()


def check_model(path, case, vocab_path, answers_path, cli_json=None):
    meta, config, tensors, header = safetensors_check.read_model(path)
    check(meta["glance.format"] == "1", "glance.format is not 1")
    check(meta["glance.name"] == case.get("name_arg", os.path.splitext(os.path.basename(case["checkpoint"]))[0]),
          f"glance.name is {meta['glance.name']!r}")
    with open(vocab_path) as f:
        check(meta["glance.vocab"] == f.read().rstrip("\n"), "glance.vocab differs from the vocabulary file")
    if answers_path:
        with open(answers_path) as f:
            check(meta["glance.answers"] == f.read().rstrip("\n"), "glance.answers differs from the answer list")
    else:
        check("glance.answers" not in meta, "glance.answers without a VQA head")
    for key, value in case["config"].items():
        check(config.get(key) == value, f"config {key} = {config.get(key)!r}, expected {value!r}")
    check(abs(config["norm_eps"] - 1e-6) < 1e-12 and abs(config["text_eps"] - 1e-12) < 1e-18
          and abs(config["head_eps"] - 1e-5) < 1e-11, "eps values")
    if cli_json is not None:
        check(cli_json["config"] == config, "--json config differs from glance.config")
        check(cli_json["tensors"] == len(tensors), "--json tensor count")
        check(cli_json["bytes"] == os.path.getsize(path), "--json byte count")

    source = load_source(case["source"], case.get("wrapper"), case.get("prefix"))
    dtype = case.get("dtype", "f32")
    wanted = {k for k in source if k not in case["not_written"]}
    check(set(tensors) == wanted,
          f"tensors written differ: missing {sorted(wanted - set(tensors))[:5]}, extra {sorted(set(tensors) - wanted)[:5]}")
    for name, array in tensors.items():
        info = header[name]
        check(info["dtype"] == dtype.upper(), f"{name} stored as {info['dtype']}")
        src = source[name]
        rows = case.get("text_rows") if name == "text_embeddings.position_embeddings.weight" else None
        shape = [1] if src.dim() == 0 else [rows or src.shape[0]] + list(src.shape[1:])
        check(list(array.shape) == shape, f"{name} has shape {list(array.shape)}, expected {shape}")
        check(array.tobytes() == expected_bytes(src, shape, dtype, rows), f"{name}: bytes differ from the source")


MATRIX = re.compile(r"transformer\.blocks\.\d+\.(attn\.(qkv|proj)|mlp_(text|imag|vl)\.fc[12])\.weight$")


def unpanel(panels, rows, cols, step):
    """docs/model-format.md: element (o, k) of a 16-row panel layout with column steps
    of `step`, at ((o // 16) * (cols // step) + k // step) * 16 * step + (o % 16) * step + k % step."""
    flat = panels.reshape(-1)
    o = np.arange(rows)[:, None]
    k = np.arange(cols)[None, :]
    return flat[((o // 16) * (cols // step) + k // step) * 16 * step + (o % 16) * step + k % step]


def check_reduced(path, ckpt, dtype):
    """A q8 / bf16 import, read independently of the engine: the big layers decoded from
    the documented panel layout, everything else F32 bytes as in the checkpoint."""
    meta, _, tensors, header = safetensors_check.read_model(path)
    check(meta.get("glance.precision") == dtype, f"glance.precision is {meta.get('glance.precision')!r}")
    source = load_source(ckpt, "state_dict", None)
    matrices = 0
    for name, src in source.items():
        if name == "text_embeddings.position_ids":
            continue
        w = src.detach().float()
        if not MATRIX.match(name):
            check(header[name]["dtype"] == "F32", f"{name} stored as {header[name]['dtype']}")
            check(tensors[name].tobytes() == expected_bytes(src, [1] if src.dim() == 0 else list(src.shape), "f32"),
                  f"{name}: bytes differ from the source")
            continue
        matrices += 1
        rows, cols = w.shape
        check(list(tensors[name].shape) == [rows, cols], f"{name} has shape {list(tensors[name].shape)}")
        w = w.numpy()
        if dtype == "bf16":
            check(header[name]["dtype"] == "BF16", f"{name} stored as {header[name]['dtype']}")
            want = torch.from_numpy(w).bfloat16().view(torch.int16).numpy().view(np.uint16)
            check(np.array_equal(unpanel(tensors[name], rows, cols, 2), want), f"{name}: BF16 panels differ")
            continue
        check(header[name]["dtype"] == "I8", f"{name} stored as {header[name]['dtype']}")
        scale = tensors[name + ".scale"]
        check(header[name + ".scale"]["dtype"] == "F32" and list(scale.shape) == [rows], f"{name}.scale shape")
        check(np.allclose(scale, np.abs(w).max(axis=1) / 127, rtol=1e-6, atol=0), f"{name}.scale is not max|w|/127")
        q = unpanel(tensors[name], rows, cols, 4).astype(np.float32)
        err = np.abs(q * scale[:, None] - w)
        check(np.all(err <= scale[:, None] * 0.5001 + 1e-12), f"{name}: Q8 values off by {err.max()}")
        check(np.abs(q).max() == 127, f"{name}: the largest weight of a row is not +-127")
    check(matrices > 0, "no big-layer matrices in the checkpoint")


def leftovers(out_dir):
    return sorted(n for n in os.listdir(out_dir) if n.startswith("."))


def run_case(case, vocab, answers, work):
    out_dir = os.path.join(work, "out")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "model.safetensors")
    if os.path.exists(out):
        os.unlink(out)
    vocab_path = os.path.join(os.path.dirname(vocab), case["vocab"]) if "vocab" in case else vocab
    answers_path = None if case.get("no_answers") else answers
    args = [case["checkpoint"], "--vocab", vocab_path, "-o", out] + case["args"]
    if answers_path:
        args += ["--answers", answers_path]
    if "name_arg" in case:
        args += ["--name", case["name_arg"]]
    if case.get("marker") and os.path.exists(case["marker"]):
        os.unlink(case["marker"])

    if case["expect"] == "ok":
        result = run_cli(args + ["--json"])
        check(result.returncode == 0, f"exit {result.returncode}: {result.stderr.strip()}")
        check(result.stderr == "", f"stderr not empty: {result.stderr!r}")
        check_model(out, case, vocab_path, answers_path, json.loads(result.stdout))
    else:
        sentinel = b"an older model that a failed import must not touch\n"
        with open(out, "wb") as f:
            f.write(sentinel)
        result = run_cli(args)
        check(result.returncode != 0, "exit status 0 for a refused input")
        lines = result.stderr.strip("\n").split("\n")
        check(len(lines) == 1 and lines[0].startswith("glance-cli: "), f"stderr is not one line: {result.stderr!r}")
        for fragment in case["error_contains"]:
            check(fragment in lines[0], f"error {lines[0]!r} does not mention {fragment!r}")
        check(result.stdout == "", "stdout not empty on error")
        with open(out, "rb") as f:
            check(f.read() == sentinel, "the existing output file was changed")
        os.unlink(out)
        result = run_cli(args)
        check(not os.path.exists(out), "a failed import left an output file")
    check(leftovers(out_dir) == [], f"temporary files left behind: {leftovers(out_dir)}")
    if case.get("marker"):
        check(not os.path.exists(case["marker"]), f"the payload ran: {case['marker']} exists")


def prove_payloads_live(cases, work):
    """The hostile payloads do run under Python's unpickler (torch.load), so the
    marker checks above can fail; done in a child process, markers removed after."""
    for case in cases:
        marker = case.get("marker")
        if not marker:
            continue
        code = (f"import torch, time\ntry:\n    torch.load({case['checkpoint']!r}, map_location='cpu')\n"
                f"except Exception:\n    pass\ntime.sleep(0.5)\n")
        subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
        check(os.path.exists(marker), f"payload of {case['name']!r} did not run under torch.load: test is void")
        os.unlink(marker)


def check_padding_check_fires(path, work):
    """safetensors_check refuses a header padded with anything but spaces: the same model
    re-padded with a tab, a newline or a NUL before the spaces must fail to read."""
    with open(path, "rb") as f:
        blob = f.read()
    n = int.from_bytes(blob[:8], "little")
    body, data = blob[8:8 + n].rstrip(b" "), blob[8 + n:]
    for extra, expect_ok in ((b"", True), (b"\t", False), (b"\n", False), (b"\0", False)):
        text = body + extra
        text += b" " * (-(8 + len(text)) % safetensors_check.ALIGN)
        repadded = os.path.join(work, "repadded.safetensors")
        with open(repadded, "wb") as f:
            f.write(len(text).to_bytes(8, "little") + text + data)
        try:
            safetensors_check.read_model(repadded)
            ok = True
        except safetensors_check.LayoutError:
            ok = False
        check(ok == expect_ok, f"padding {extra!r}: read_model {'accepted' if ok else 'refused'} it")
        os.unlink(repadded)


def golden(work):
    ckpt = os.path.join(SHARED, "golden", "vlmo-ref-a", "vlmo-ref-a.pt")
    vocab = os.path.join(SHARED, "vocab", "bert-base-uncased-vocab.txt")
    answers = os.path.join(SHARED, "vqa", "vqav2-answers-3129.txt")
    with open(os.path.join(SHARED, "golden", "vlmo-ref-a", "manifest.json")) as f:
        manifest = json.load(f)
    arch = manifest["config"]["arch"]
    config = dict(dim=arch["embed_dim"], depth=arch["depth"], heads=arch["num_heads"],
                  mlp_hidden=arch["embed_dim"] * arch["mlp_ratio"], vlffn_start=arch["vlffn_start_layer_index"],
                  patch_size=arch["patch_size"], image_size=manifest["config"]["image_size"],
                  max_text_len=manifest["config"]["max_text_len"], vocab_size=manifest["config"]["vocab_size"],
                  rel_pos=True, rel_pos_text_len=manifest["config"]["max_text_len_of_initckpt"], abs_pos=False,
                  layer_scale=True, token_types=3, num_answers=manifest["config"]["vqav2_label_size"],
                  heads_present=["pooler", "itm", "itc", "itc_vl", "mlm", "vqa", "nlvr2"])
    keys = [k["key"] for k in manifest["checkpoint"]["state_dict_keys"]]
    for dtype in ("f32", "f16"):
        case = dict(name=f"golden {dtype}", checkpoint=ckpt, config=config, source=ckpt, wrapper="state_dict",
                    not_written=["text_embeddings.position_ids"], dtype=dtype)
        out = os.path.join(work, f"vlmo-ref-a-{dtype}.safetensors")
        result = run_cli([ckpt, "--vocab", vocab, "--answers", answers, "--dtype", dtype, "-o", out, "--json"])
        check(result.returncode == 0, f"exit {result.returncode}: {result.stderr.strip()}")
        check_model(out, case, vocab, answers, json.loads(result.stdout))
        _, _, tensors, header = safetensors_check.read_model(out)
        check(sorted(tensors) == sorted(k for k in keys if k != "text_embeddings.position_ids"),
              "golden tensors differ from manifest.json's keys")
        check(list(header)[0] == "relative_position_bias_table", "tensors not in state-dict order")
        print(f"ok - {case['name']}")
    for dtype in ("q8", "bf16"):
        out = os.path.join(work, f"vlmo-ref-a-{dtype}.safetensors")
        result = run_cli([ckpt, "--vocab", vocab, "--answers", answers, "--dtype", dtype, "-o", out, "--json"])
        check(result.returncode == 0, f"exit {result.returncode}: {result.stderr.strip()}")
        check_reduced(out, ckpt, dtype)
        print(f"ok - golden {dtype}: big layers in panels as docs/model-format.md says, the rest F32 as in the source")
    check_padding_check_fires(out, work)
    print("ok - header padding other than spaces is refused")


def main():
    group = sys.argv[1]
    check(CLI and os.access(CLI, os.X_OK), "GLANCE_CLI is not set to the glance-cli binary")
    work = os.path.join(TMP, "work-" + group)
    os.makedirs(work, exist_ok=True)
    if group == "golden":
        golden(work)
        return 0
    out = checkpoints_dir()
    with open(os.path.join(out, "cases.json")) as f:
        spec = json.load(f)
    cases = [c for c in spec["cases"] if c["group"] == group]
    check(cases, f"no cases in group {group!r}")
    if group == "hostile":
        prove_payloads_live(cases, work)
    for case in cases:
        try:
            run_case(case, spec["vocab"], spec["answers"], work)
            print(f"ok - {case['name']}")
        except AssertionError as e:
            failures.append(case["name"])
            print(f"FAIL - {case['name']}: {e}")
    if failures:
        print(f"{len(failures)} of {len(cases)} cases failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
