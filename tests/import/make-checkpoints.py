#!/usr/bin/python3
"""Writes the importer's test checkpoints into OUTDIR, with OUTDIR/cases.json
describing what `glance-cli import` must do with each.

    /usr/bin/python3 tests/import/make-checkpoints.py OUTDIR

Every checkpoint is a small VLMo-shaped state dict (random values, official
tensor names) saved by torch.save in one of the wrappings and layouts the
importer accepts, or broken in one of the ways it must refuse. Nothing here
is written outside OUTDIR. The hostile checkpoints carry payloads that would
create a marker file when unpickled by Python; the test proves they are live
with torch.load in a throw-away process, then that the importer leaves no marker.
"""
import builtins
import collections
import json
import os
import pickle
import subprocess
import sys
import types
import zipfile

import torch

VOCAB = 50
ANSWERS = 7


def vlmo_state_dict(dim=32, depth=3, heads=2, hidden=64, vlffn_start=2, patch=8, image=24,
                    text_len=12, rel_pos=True, rel_text_len=196, abs_pos=False, layer_scale=True,
                    vqa=True, nlvr2=True, itc=True, itc_vl=True, mlm=True, itm=True, seed=0):
    """An official-layout VLMo state dict (vlmo/modules/vlmo_module.py names), random values."""
    g = torch.Generator().manual_seed(seed)
    sd = collections.OrderedDict()

    def t(*shape):
        return torch.randn(*shape, generator=g)

    w = image // patch
    if rel_pos:
        sd["relative_position_bias_table"] = t((2 * w - 1) ** 2 + 5 + 2 * rel_text_len, heads * depth)
    if itc:
        sd["logit_scale"] = torch.tensor(2.6592)
    if itc_vl:
        sd["logit_vl_scale"] = torch.tensor(2.5)
    sd["transformer.cls_token"] = t(1, 1, dim)
    if abs_pos:
        sd["transformer.pos_embed"] = t(1, w * w + 1, dim)
    sd["transformer.patch_embed.proj.weight"] = t(dim, 3, patch, patch)
    sd["transformer.patch_embed.proj.bias"] = t(dim)
    for i in range(depth):
        b = f"transformer.blocks.{i}."
        if layer_scale:
            sd[b + "gamma_1"] = t(dim)
            sd[b + "gamma_2"] = t(dim)
        sd[b + "norm1.weight"] = t(dim)
        sd[b + "norm1.bias"] = t(dim)
        sd[b + "attn.q_bias"] = t(dim)
        sd[b + "attn.v_bias"] = t(dim)
        sd[b + "attn.qkv.weight"] = t(3 * dim, dim)
        sd[b + "attn.proj.weight"] = t(dim, dim)
        sd[b + "attn.proj.bias"] = t(dim)
        experts = ["text", "imag"] + (["vl"] if i >= vlffn_start else [])
        for e in experts:
            sd[b + f"norm2_{e}.weight"] = t(dim)
            sd[b + f"norm2_{e}.bias"] = t(dim)
            sd[b + f"mlp_{e}.fc1.weight"] = t(hidden, dim)
            sd[b + f"mlp_{e}.fc1.bias"] = t(hidden)
            sd[b + f"mlp_{e}.fc2.weight"] = t(dim, hidden)
            sd[b + f"mlp_{e}.fc2.bias"] = t(dim)
    sd["transformer.norm.weight"] = t(dim)
    sd["transformer.norm.bias"] = t(dim)
    sd["text_embeddings.position_ids"] = torch.arange(text_len).expand((1, -1))
    sd["text_embeddings.word_embeddings.weight"] = t(VOCAB, dim)
    sd["text_embeddings.position_embeddings.weight"] = t(text_len, dim)
    sd["text_embeddings.token_type_embeddings.weight"] = t(2, dim)
    sd["text_embeddings.LayerNorm.weight"] = t(dim)
    sd["text_embeddings.LayerNorm.bias"] = t(dim)
    sd["token_type_embeddings.weight"] = t(3 if nlvr2 else 2, dim)
    sd["pooler.dense.weight"] = t(dim, dim)
    sd["pooler.dense.bias"] = t(dim)
    if mlm:
        sd["mlm_score.bias"] = t(VOCAB)
        sd["mlm_score.transform.dense.weight"] = t(dim, dim)
        sd["mlm_score.transform.dense.bias"] = t(dim)
        sd["mlm_score.transform.LayerNorm.weight"] = t(dim)
        sd["mlm_score.transform.LayerNorm.bias"] = t(dim)
        sd["mlm_score.decoder.weight"] = t(VOCAB, dim)
    if itm:
        sd["itm_score.fc.weight"] = t(2, dim)
        sd["itm_score.fc.bias"] = t(2)
    if itc:
        sd["itc_text_proj.fc.weight"] = t(dim, dim)
        sd["itc_image_proj.fc.weight"] = t(dim, dim)
    if itc_vl:
        sd["itc_vl_text_proj.fc.weight"] = t(dim, dim)
        sd["itc_vl_image_proj.fc.weight"] = t(dim, dim)
    if vqa:
        sd["vqa_classifier.0.weight"] = t(2 * dim, dim)
        sd["vqa_classifier.0.bias"] = t(2 * dim)
        sd["vqa_classifier.1.weight"] = t(2 * dim)
        sd["vqa_classifier.1.bias"] = t(2 * dim)
        sd["vqa_classifier.3.weight"] = t(ANSWERS, 2 * dim)
        sd["vqa_classifier.3.bias"] = t(ANSWERS)
    if nlvr2:
        sd["nlvr2_classifier.0.weight"] = t(2 * dim, 2 * dim)
        sd["nlvr2_classifier.0.bias"] = t(2 * dim)
        sd["nlvr2_classifier.1.weight"] = t(2 * dim)
        sd["nlvr2_classifier.1.bias"] = t(2 * dim)
        sd["nlvr2_classifier.3.weight"] = t(2, 2 * dim)
        sd["nlvr2_classifier.3.bias"] = t(2)
    return sd


def adamw_state(sd):
    """A real optimizer state dict (moments for every parameter) after one step."""
    params = [torch.nn.Parameter(v.clone()) for v in sd.values() if v.is_floating_point()]
    opt = torch.optim.AdamW(params, lr=1e-3)
    sum(p.sum() for p in params).backward()
    opt.step()
    return opt.state_dict()


class Payload:
    """Unpickling this calls `func(*args)`: what a malicious checkpoint does."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


class ObjPayload(Payload):
    """Pickled with the protocol-0/1 OBJ opcode ('o'), which calls `func(*args)` too."""


class ObjPickler(pickle._Pickler):
    """Python's own pickler, writing ObjPayload as MARK func args... OBJ (no pickler of
    Python 3 writes OBJ by itself; old files and hand-made ones do)."""
    dispatch = dict(pickle._Pickler.dispatch)

    def save_obj(self, obj):
        self.write(pickle.MARK)
        self.save(obj.func)
        for arg in obj.args:
            self.save(arg)
        self.write(pickle.OBJ)

    dispatch[ObjPayload] = save_obj


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    markers = os.path.join(out, "markers")
    os.makedirs(markers, exist_ok=True)
    cases = []

    def path(name):
        return os.path.join(out, name)

    def save(name, obj, **kwargs):
        torch.save(obj, path(name), **kwargs)
        return path(name)

    def case(name, checkpoint, expect="ok", args=(), **details):
        cases.append(dict(name=name, checkpoint=checkpoint, expect=expect, args=list(args), **details))

    with open(path("vocab.txt"), "w") as f:
        f.write("".join(f"[tok{i}]\n" for i in range(VOCAB)))
    with open(path("vocab-short.txt"), "w") as f:
        f.write("".join(f"[tok{i}]\n" for i in range(VOCAB - 1)))
    with open(path("answers.txt"), "w") as f:
        f.write("".join(f"answer {i}\n" for i in range(ANSWERS)))

    base_config = dict(dim=32, depth=3, heads=2, mlp_hidden=64, vlffn_start=2, patch_size=8,
                       image_size=24, max_text_len=12, vocab_size=VOCAB, rel_pos=True,
                       rel_pos_text_len=196, abs_pos=False, layer_scale=True, token_types=3,
                       num_answers=ANSWERS,
                       heads_present=["pooler", "itm", "itc", "itc_vl", "mlm", "vqa", "nlvr2"])
    buffers = ["text_embeddings.position_ids"]
    sd = vlmo_state_dict()

    # ---- wrappings ----
    plain = save("plain.pt", sd)
    case("plain state dict", plain, config=base_config, source=plain, wrapper=None,
         not_written=buffers, group="wrappings")

    lightning = dict(state_dict=collections.OrderedDict(sd), epoch=3, global_step=1234,
                     optimizer_states=[adamw_state(sd)], lr_schedulers=[{"last_epoch": 3}],
                     hyper_parameters={"config": {"max_text_len": 12, "seed": 2 ** 70}})
    lightning["state_dict"]["relative_position_index"] = torch.zeros(10, 10, dtype=torch.long)
    lightning["state_dict"]["unknown_head.weight"] = torch.ones(4, 4)
    f = save("lightning.pt", lightning)
    case("lightning {state_dict} with optimizer state", f, config=base_config, source=f,
         wrapper="state_dict", not_written=buffers + ["relative_position_index", "unknown_head.weight"],
         group="wrappings", name_arg="lightning")

    f = save("model.pt", {"model": sd, "optimizer": adamw_state(sd), "epoch": 7,
                          "args": {"lr": 1e-4, "betas": (0.9, 0.98)}})
    case("{model} with optimizer state", f, config=base_config, source=f, wrapper="model",
         not_written=buffers, group="wrappings")

    deepspeed = collections.OrderedDict(("module." + k, v) for k, v in sd.items())
    f = save("deepspeed.pt", {"module": deepspeed, "buffer_names": buffers, "optimizer": None,
                              "lr_scheduler": None, "ds_config": {"train_batch_size": 1024},
                              "ds_version": "0.5.8", "global_steps": 10})
    case("DeepSpeed {module} with module. prefixes", f, config=base_config, source=f, wrapper="module",
         prefix="module.", not_written=buffers, group="wrappings")

    # ---- storages and layouts ----
    half = collections.OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in sd.items())
    f = save("f16.pt", half)
    case("F16 storages", f, config=base_config, source=f, wrapper=None, not_written=buffers, group="layouts")
    case("F16 storages written as f16", f, args=["--dtype", "f16"], config=base_config, source=f,
         wrapper=None, not_written=buffers, dtype="f16", group="layouts")
    bf16 = collections.OrderedDict((k, v.bfloat16() if v.is_floating_point() else v) for k, v in sd.items())
    f = save("bf16.pt", bf16)
    case("BF16 storages", f, config=base_config, source=f, wrapper=None, not_written=buffers, group="layouts")
    case("F32 written as f16", plain, args=["--dtype", "f16"], config=base_config, source=plain,
         wrapper=None, not_written=buffers, dtype="f16", group="layouts")

    views = collections.OrderedDict(sd)
    # a transposed (non-contiguous) view, slices sharing one storage, a storage
    # larger than its tensor and a non-zero storage offset
    views["transformer.blocks.0.attn.qkv.weight"] = sd["transformer.blocks.0.attn.qkv.weight"].t().contiguous().t()
    norms = torch.cat([sd["transformer.norm.weight"], sd["transformer.norm.bias"], torch.randn(5)])
    views["transformer.norm.weight"] = norms[:32]
    views["transformer.norm.bias"] = norms[32:64]
    big = torch.cat([torch.randn(3, 32), sd["text_embeddings.word_embeddings.weight"], torch.randn(2, 32)])
    views["text_embeddings.word_embeddings.weight"] = big[3:3 + VOCAB]
    grid = torch.randn(64, 4, 64)
    views["transformer.blocks.1.mlp_imag.fc1.weight"] = grid[:, 1, 16:48]  # strides (256, 1), offset 80
    views["transformer.blocks.2.gamma_1"] = torch.full((1,), 0.5).expand(32)  # stride 0
    assert not views["transformer.blocks.0.attn.qkv.weight"].is_contiguous()
    f = save("views.pt", views)
    case("strided views, shared storages, offsets", f, config=base_config, source=f, wrapper=None,
         not_written=buffers, group="layouts")

    zipped = path("deflated.pt")
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    case("deflated zip entries", zipped, config=base_config, source=plain, wrapper=None,
         not_written=buffers, group="layouts")

    plus_sd = vlmo_state_dict(dim=48, depth=2, heads=3, hidden=96, vlffn_start=1, patch=8, image=32,
                              text_len=10, rel_pos=False, abs_pos=True, layer_scale=False, nlvr2=False,
                              mlm=False, itm=False, itc_vl=False, seed=1)
    plus = save("base-plus-style.pt", {"state_dict": plus_sd})
    plus_config = dict(dim=48, depth=2, heads=3, mlp_hidden=96, vlffn_start=1, patch_size=8,
                       image_size=32, max_text_len=10, vocab_size=VOCAB, rel_pos=False, abs_pos=True,
                       layer_scale=False, token_types=2, num_answers=ANSWERS,
                       heads_present=["pooler", "itc", "vqa"])
    case("absolute positions, no layer scale, VL-FFN from block 1", plus, args=["--heads", "3"],
         config=plus_config, source=plus, wrapper="state_dict", not_written=buffers, group="layouts")
    case("absolute positions need --heads for dim 48", plus, expect="error",
         error_contains=["--heads"], group="layouts")
    case("--image-size contradicting pos_embed", plus, args=["--heads", "3", "--image-size", "48"],
         expect="error", error_contains=["--image-size 48", "transformer.pos_embed"], group="layouts")

    small = save("small-text-table.pt", vlmo_state_dict(image=16, rel_text_len=64, text_len=12, seed=2))
    case("table rows need --image-size", small, expect="error",
         error_contains=["relative_position_bias_table", "--image-size"], group="layouts")
    case("--image-size pins the table's split", small, args=["--image-size", "16"],
         config=dict(base_config, image_size=16, rel_pos_text_len=64), source=small, wrapper=None,
         not_written=buffers, group="layouts")
    case("--max-text-len keeps the first rows", plain, args=["--max-text-len", "8"],
         config=dict(base_config, max_text_len=8), source=plain, wrapper=None, not_written=buffers,
         text_rows=8, group="layouts")
    case("--heads contradicting the table", plain, args=["--heads", "4"], expect="error",
         error_contains=["--heads 4", "relative_position_bias_table"], group="layouts")

    novqa = save("no-vqa.pt", vlmo_state_dict(vqa=False, seed=3))
    case("no VQA head, no answers", novqa, no_answers=True,
         config=dict(base_config, num_answers=0,
                     heads_present=["pooler", "itm", "itc", "itc_vl", "mlm", "nlvr2"]),
         source=novqa, wrapper=None, not_written=buffers, group="layouts")
    case("answers for a model without VQA head", novqa, expect="error",
         error_contains=["no VQA head"], group="bad-inputs")

    # ---- hostile pickles: nothing may run ----
    def marker(name):
        return os.path.join(markers, name)

    f = save("evil-extra-key.pt", {"state_dict": sd, "hook": Payload(os.system, "touch " + marker("extra"))})
    case("os.system beside the state dict", f, config=base_config, source=plain, wrapper=None,
         not_written=buffers, marker=marker("extra"), group="hostile")
    f = save("evil-root.pt", Payload(os.system, "touch " + marker("root")))
    case("os.system as the whole checkpoint", f, expect="error", error_contains=["system"],
         marker=marker("root"), group="hostile")
    f = save("evil-eval.pt", {"state_dict": Payload(builtins.eval, f"open({marker('eval')!r}, 'w')")})
    case("builtins.eval as the state dict", f, expect="error", error_contains=["eval", "never called"],
         marker=marker("eval"), group="hostile")
    f = save("evil-popen.pt", {"model": Payload(subprocess.Popen, ["touch", marker("popen")])})
    case("subprocess.Popen as the model", f, expect="error", error_contains=["Popen"],
         marker=marker("popen"), group="hostile")
    inner = collections.OrderedDict(sd)
    inner["pooler.dense.bias"] = Payload(os.system, "touch " + marker("inner"))
    f = save("evil-inside-state-dict.pt", inner)
    case("os.system in place of a tensor", f, expect="error", error_contains=["pooler.dense.bias"],
         marker=marker("inner"), group="hostile")

    # protocols 0 and 1: text opcodes and OBJ, which torch.save never writes by default
    f = save("evil-protocol-0.pt", Payload(os.system, "touch " + marker("proto0")), pickle_protocol=0)
    case("os.system, pickle protocol 0", f, expect="error", error_contains=["opcode", "protocol 0/1"],
         marker=marker("proto0"), group="hostile")
    f = save("evil-protocol-1.pt", {"state_dict": sd, "hook": Payload(os.system, "touch " + marker("proto1"))},
             pickle_protocol=1)
    case("os.system beside the state dict, pickle protocol 1", f, expect="error", error_contains=["opcode 'I'"],
         marker=marker("proto1"), group="hostile")
    obj_module = types.SimpleNamespace(Pickler=ObjPickler, __name__="obj_pickle")
    f = save("evil-obj-opcode.pt", {"hook": ObjPayload(os.system, "touch " + marker("obj")), "state_dict": sd},
             pickle_protocol=1, pickle_module=obj_module)
    case("os.system called by the OBJ opcode", f, expect="error", error_contains=["opcode 'o'"],
         marker=marker("obj"), group="hostile")

    # ---- bad inputs ----
    # one byte changed inside a deflated tensor entry; level 0 keeps the stream valid, so
    # only the CRC can tell
    corrupt = path("deflated-corrupt.pt")
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(corrupt, "w", zipfile.ZIP_DEFLATED, compresslevel=0) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        target = next(i.filename for i in src.infolist() if "/data/" in i.filename and i.file_size >= 64)
    with zipfile.ZipFile(corrupt) as z:
        info = z.getinfo(target)
    with open(corrupt, "r+b") as fh:
        fh.seek(info.header_offset + 26)
        name_len, extra_len = (int.from_bytes(fh.read(2), "little") for _ in range(2))
        at = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
        fh.seek(at)
        byte = fh.read(1)[0]
        fh.seek(at)
        fh.write(bytes([byte ^ 0x10]))
    case("deflated entry with a changed byte", corrupt, expect="error", error_contains=["CRC", target],
         group="bad-inputs")
    case("missing file", path("does-not-exist.pt"), expect="error", error_contains=["no such file"],
         group="bad-inputs")
    with open(path("not-a-zip.pt"), "w") as fh:
        fh.write("definitely not a checkpoint\n" * 10)
    case("not a zip", path("not-a-zip.pt"), expect="error", error_contains=["not a PyTorch checkpoint"],
         group="bad-inputs")
    with open(plain, "rb") as fh:
        data = fh.read()
    with open(path("truncated.pt"), "wb") as fh:
        fh.write(data[: len(data) // 2])
    case("truncated zip", path("truncated.pt"), expect="error", error_contains=["not a PyTorch checkpoint"],
         group="bad-inputs")
    f = save("legacy.pt", sd, _use_new_zipfile_serialization=False)
    case("legacy torch.save format", f, expect="error", error_contains=["legacy"], group="bad-inputs")

    wrong = collections.OrderedDict(sd)
    wrong["transformer.blocks.1.mlp_text.fc1.weight"] = torch.randn(48, 32)
    f = save("contradicting-shapes.pt", wrong)
    case("contradicting shapes", f, expect="error",
         error_contains=["transformer.blocks.1.mlp_text.fc1.weight", "[48, 32]",
                         "transformer.blocks.0.mlp_text.fc1.weight"], group="bad-inputs")
    resnet = collections.OrderedDict([("conv1.weight", torch.randn(8, 3, 7, 7)), ("bn1.weight", torch.ones(8)),
                                      ("fc.weight", torch.randn(10, 8)), ("fc.bias", torch.zeros(10))])
    f = save("resnet.pt", {"state_dict": resnet})
    case("not a VLMo checkpoint", f, expect="error",
         error_contains=["not a VLMo checkpoint", "transformer.patch_embed.proj.weight"], group="bad-inputs")
    partial = collections.OrderedDict((k, v) for k, v in sd.items() if not k.startswith("vqa_classifier.3"))
    f = save("partial-vqa-head.pt", partial)
    case("partial VQA head", f, expect="error", error_contains=["vqa_classifier.3.weight"], group="bad-inputs")
    ints = collections.OrderedDict(sd)
    ints["pooler.dense.bias"] = torch.zeros(32, dtype=torch.long)
    f = save("integer-tensor.pt", ints)
    case("integer tensor where floats belong", f, expect="error",
         error_contains=["pooler.dense.bias", "LongStorage"], group="bad-inputs")
    bomb = collections.OrderedDict(sd)
    huge = 2 ** 30  # a broadcast (stride 0) FFN of 2^35 elements backed by one float
    for k in list(bomb):
        if ".mlp_" in k and k.endswith("fc1.weight"):
            bomb[k] = torch.zeros(1, 1).expand(huge, 32)
        elif ".mlp_" in k and k.endswith("fc1.bias"):
            bomb[k] = torch.zeros(1).expand(huge)
        elif ".mlp_" in k and k.endswith("fc2.weight"):
            bomb[k] = torch.zeros(1, 1).expand(32, huge)
    f = save("expansion-bomb.pt", bomb)
    case("broadcast views expanding to terabytes", f, expect="error", error_contains=["far larger"],
         group="bad-inputs")
    case("vocabulary of the wrong size", plain, vocab="vocab-short.txt", expect="error",
         error_contains=["49 entries", "50 rows"], group="bad-inputs")
    case("VQA head without --answers", plain, no_answers=True, expect="error",
         error_contains=["--answers"], group="bad-inputs")

    with open(path("cases.json"), "w") as fh:
        json.dump({"vocab": path("vocab.txt"), "answers": path("answers.txt"), "cases": cases}, fh, indent=1)


if __name__ == "__main__":
    main()
