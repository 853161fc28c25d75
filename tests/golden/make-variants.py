#!/usr/bin/python3
"""Builds small VLMo checkpoints in the official layouts that
../shared/golden/vlmo-ref-a does not cover, with expected outputs computed by
the project's PyTorch reference (tools/train/vlmo.py, itself proven against
the official code by tools/train/test_vlmo_golden.py).

    /usr/bin/python3 tests/golden/make-variants.py OUTDIR

Run from the project root. Writes, under OUTDIR only:
    manifest.json          every variant and case (read by test-variants.c)
    vocab.txt              1000-piece WordPiece vocabulary shared by all variants
    answers.txt            50 VQA answers (label order) for the variants with VQA
    <variant>/checkpoint.pt            the official-layout checkpoint to import
    <variant>/reference.safetensors    the same weights via export_glance
    <variant>/*.npy                    inputs and expected outputs

Weights are random, seeded, and large enough that outputs depend on the input
(as in the golden README). Exits 77 (meson's "skipped") without torch."""
import json
import os
import sys

import numpy as np

try:
    import torch
except ImportError:
    print("make-variants: PyTorch is not available (run with /usr/bin/python3)", file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else 77)  # CI installs it: no skips there

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # run from the source tree; leave no __pycache__
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from vlmo import VLMo, VLMoConfig, export_glance  # noqa: E402

GOLDEN = os.path.join(ROOT, "..", "shared", "golden", "vlmo-ref-a")
BERT_VOCAB = os.path.join(ROOT, "..", "shared", "vocab", "bert-base-uncased-vocab.txt")
VQA_ANSWERS = os.path.join(ROOT, "..", "shared", "vqa", "vqav2-answers-3129.txt")
VOCAB_SIZE = 1000
NUM_ANSWERS = 50
SPECIAL_IDS = {0, 100, 101, 102, 103}  # [PAD] [UNK] [CLS] [SEP] [MASK]
MASK_ID = 103

PRETRAIN_HEADS = ("pooler", "itm", "itc", "itc_vl", "mlm")
ALL_HEADS = PRETRAIN_HEADS + ("vqa", "nlvr2")

# name, description, config, wrapping, storage dtype, importer flags.
VARIANTS = [
    ("base-plus", "vlmo_base_plus style: absolute image and text positions, no relative "
     "position table, no layer scale; head_dim 15; Lightning {state_dict, hyper_parameters}",
     VLMoConfig.base_plus(dim=60, depth=4, heads=4, mlp_hidden=240, vlffn_start=3,
                          image_size=64, patch_size=16, max_text_len=40,
                          vocab_size=VOCAB_SIZE, num_answers=NUM_ANSWERS,
                          heads_present=ALL_HEADS),
     "lightning", "f32", ["--heads", "4"]),  # no table: the head count is not in any shape
    ("f16", "relative position bias + layer scale, every tensor stored as float16; "
     "plain state dict",
     VLMoConfig(dim=64, depth=4, heads=4, mlp_hidden=256, vlffn_start=2,
                image_size=64, patch_size=16, max_text_len=40,
                vocab_size=VOCAB_SIZE, num_answers=NUM_ANSWERS, heads_present=ALL_HEADS),
     "plain", "f16", []),
    ("deepspeed", "pre-training checkpoint (ITM, ITC, VL-ITC, MLM; no VQA/NLVR2, 2 token "
     "types) in DeepSpeed's {module: {module.*}} with optimizer state and other junk",
     VLMoConfig(dim=48, depth=3, heads=6, mlp_hidden=192, vlffn_start=2,
                image_size=64, patch_size=16, max_text_len=40,
                vocab_size=VOCAB_SIZE, heads_present=PRETRAIN_HEADS),
     "deepspeed", "f32", []),
    ("grid3-vl1", "vlffn_start 1 of 3 layers, 48-px images in 16-px patches (3x3 grid), "
     "max_text_len 24, mlp ratio 2; {model: ...}",
     VLMoConfig(dim=64, depth=3, heads=4, mlp_hidden=128, vlffn_start=1,
                image_size=48, patch_size=16, max_text_len=24,
                vocab_size=VOCAB_SIZE, num_answers=NUM_ANSWERS, heads_present=ALL_HEADS),
     "model", "f32", []),
    ("patch8-novl", "retrieval fine-tune style (pooler + ITC only, no logit_vl_scale), "
     "no VL-FFN at all (vlffn_start == depth), 40-px images in 8-px patches (5x5 grid), "
     "max_text_len 16; Lightning",
     VLMoConfig(dim=32, depth=2, heads=2, mlp_hidden=128, vlffn_start=2,
                image_size=40, patch_size=8, max_text_len=16,
                vocab_size=VOCAB_SIZE, heads_present=("pooler", "itc")),
     "lightning", "f32", []),
]


# ---------------------------------------------------------------- weights

def randomize(model, gen):
    """Golden-README style: Linear/conv N(0, 1/sqrt(fan_in)), biases N(0, 0.1),
    LayerNorm weight U(0.5, 1.5) and bias N(0, 0.1), gammas U(0.3, 1.0),
    embedding tables, [CLS], pos_embed and the relative table N(0, 0.5),
    logit scales U(2, 4)."""
    def normal(p, std):
        p.copy_(torch.randn(p.shape, generator=gen) * std)

    def uniform(p, lo, hi):
        p.copy_(lo + (hi - lo) * torch.rand(p.shape, generator=gen))

    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            owner = model.get_submodule(name.rsplit(".", 1)[0]) if "." in name else model
            if isinstance(owner, torch.nn.LayerNorm):
                uniform(p, 0.5, 1.5) if leaf == "weight" else normal(p, 0.1)
            elif isinstance(owner, (torch.nn.Linear, torch.nn.Conv2d)) and leaf == "weight":
                normal(p, p[0].numel() ** -0.5)
            elif leaf in ("gamma_1", "gamma_2"):
                uniform(p, 0.3, 1.0)
            elif leaf in ("logit_scale", "logit_vl_scale"):
                uniform(p, 2.0, 4.0)
            elif isinstance(owner, torch.nn.Embedding) or leaf in (
                    "cls_token", "pos_embed", "relative_position_bias_table"):
                normal(p, 0.5)
            else:  # biases, q_bias, v_bias, mlm_score.bias
                normal(p, 0.1)


def wrap(state, wrapping, cfg, gen):
    """The official containers the importer must accept."""
    if wrapping == "plain":
        return state
    if wrapping == "model":
        return {"model": state, "epoch": 7}
    if wrapping == "lightning":
        return {"state_dict": state, "epoch": 3, "global_step": 1234,
                "hyper_parameters": {"config": {
                    "model_arch": "glance_variant", "image_size": cfg.image_size,
                    "max_text_len": cfg.max_text_len, "max_text_len_of_initckpt": 196,
                    "loss_names": {"vqa": int(cfg.has("vqa")), "nlvr2": int(cfg.has("nlvr2"))},
                    "learning_rate": 1e-4}}}
    if wrapping == "deepspeed":
        names = list(state)[:4]
        optimizer = {
            "state": {i: {"step": 100, "exp_avg": torch.randn(state[n].shape, generator=gen),
                          "exp_avg_sq": torch.rand(state[n].shape, generator=gen)}
                      for i, n in enumerate(names)},
            "param_groups": [{"lr": 1e-4, "betas": (0.9, 0.98), "weight_decay": 0.01,
                              "params": list(range(len(names)))}],
        }
        return {"module": {"module." + k: v for k, v in state.items()},
                "buffer_names": ["module.text_embeddings.position_ids"],
                "optimizer": optimizer,
                "lr_scheduler": {"last_epoch": 100, "base_lrs": [1e-4]},
                "sparse_tensor_module_names": set(),
                "skipped_steps": 0, "global_steps": 100, "global_samples": 102400,
                "dp_world_size": 8, "mp_world_size": 1,
                "ds_config": {"train_batch_size": 1024, "fp16": {"enabled": True}},
                "ds_version": "0.5.8"}
    raise ValueError(wrapping)


# ---------------------------------------------------------------- inputs

def small_vocab(texts):
    """The first VOCAB_SIZE BERT pieces, with every piece the test texts use
    beyond that moved into an [unusedN] slot, so ids stay below VOCAB_SIZE and
    the vocabulary still spells the texts. Returns (vocab, id map)."""
    with open(BERT_VOCAB, encoding="utf-8") as f:
        bert = f.read().split("\n")[:30522]
    vocab = bert[:VOCAB_SIZE]
    free = [i for i in range(VOCAB_SIZE) if vocab[i].startswith("[unused")]
    id_map = {}
    for text in texts:
        for i in text["input_ids"]:
            if i < VOCAB_SIZE:
                id_map[i] = i
            elif i not in id_map:
                slot = free.pop(0)
                vocab[slot] = bert[i]
                id_map[i] = slot
    return vocab, id_map


def text_ids(text, id_map, max_len):
    """Real-length ids remapped to the small vocabulary, truncated to max_len
    the way the tokenizer truncates: [CLS] first pieces [SEP]."""
    ids = [id_map[i] for i, m in zip(text["input_ids"], text["attention_mask"]) if m]
    if len(ids) > max_len:
        ids = ids[:max_len - 1] + [ids[-1]]
    return ids


def pixel_inputs(cfg, gen):
    """The golden images' preprocessed pixels at 64 px; otherwise random
    pixels on the uint8 grid ((u/255 - 0.5)/0.5), like real inputs."""
    if cfg.image_size == 64:
        return [np.load(os.path.join(GOLDEN, "expected", f"image{i}_pixel_values.npy"))
                for i in range(4)]
    out = []
    for _ in range(4):
        u = torch.randint(0, 256, (3, cfg.image_size, cfg.image_size), generator=gen)
        out.append(((u.float() / 255.0 - 0.5) / 0.5).numpy())
    return out


# ---------------------------------------------------------------- cases

class Writer:
    def __init__(self, outdir, variant):
        self.outdir, self.variant = outdir, variant
        os.makedirs(os.path.join(outdir, variant), exist_ok=True)

    def save(self, name, array):
        rel = f"{self.variant}/{name}.npy"
        np.save(os.path.join(self.outdir, rel), np.ascontiguousarray(array))
        return rel


def check_padded_matches(model, ids, px, out):
    """Self-check: the padded, masked pass (training) equals the unpadded one."""
    cfg = model.cfg
    padded = torch.zeros(1, cfg.max_text_len, dtype=torch.long)
    padded[0, :len(ids)] = torch.tensor(ids)
    mask = (torch.arange(cfg.max_text_len) < len(ids)).long()[None]
    ref = model.fusion(padded, px, mask)["cls_feats"]
    err = float((ref - out["cls_feats"]).abs().max())
    assert err < 1e-5, f"padded vs unpadded fusion differ by {err}"


def build_cases(model, w, pixels, texts):
    """Runs the reference per sample at real text length (as the engine does)."""
    cfg = model.cfg
    px = [torch.from_numpy(p)[None] for p in pixels]
    px_files = [w.save(f"pixels{i}", p) for i, p in enumerate(pixels)]
    cases = []
    with torch.no_grad():
        for n, (t, i) in enumerate([(0, 0), (1, 1), (5, 2), (4, 3)]):
            ids = texts[t]
            out = model.fusion(torch.tensor([ids]), px[i])
            check_padded_matches(model, ids, px[i], out)
            outputs = {k: w.save(f"fusion{n}_{k}", out[k][0].numpy())
                       for k in ("cls_feats", "raw_cls_feats", "text_feats", "image_feats")}
            if cfg.has("vqa"):
                outputs["vqa_logits"] = w.save(f"fusion{n}_vqa_logits",
                                               model.vqa_logits(out["cls_feats"])[0].numpy())
            if cfg.has("itm"):
                outputs["itm_logits"] = w.save(f"fusion{n}_itm_logits",
                                               model.itm_logits(out["cls_feats"])[0].numpy())
            cases.append({"id": f"fusion{n}", "kind": "fusion", "ids": ids,
                          "pixels": px_files[i], "token_type": 1, "outputs": outputs})
        # The right image's token type alone, so a wrong type row shows directly.
        if cfg.token_types > 2:
            out = model.fusion(torch.tensor([texts[3]]), px[1], image_token_type=2)
            cases.append({"id": "fusion_type2", "kind": "fusion", "ids": texts[3],
                          "pixels": px_files[1], "token_type": 2,
                          "outputs": {"cls_feats": w.save("fusion_type2_cls_feats",
                                                          out["cls_feats"][0].numpy())}})

        if cfg.has("nlvr2"):
            for n, (t, left, right) in enumerate([(3, 0, 1), (6, 2, 3)]):
                logits, _, _ = model.nlvr2(torch.tensor([texts[t]]), px[left], px[right])
                cases.append({"id": f"nlvr2_{n}", "kind": "nlvr2", "ids": texts[t],
                              "left": px_files[left], "right": px_files[right],
                              "outputs": {"nlvr2_logits": w.save(f"nlvr2_{n}_logits",
                                                                 logits[0].numpy())}})

        vl = cfg.has("itc_vl")
        if cfg.has("itc"):
            for i in range(3):
                out = model.encode_image(px[i], vl=vl)
                outputs = {"vector": w.save(f"image{i}_vector", out["cls_feats"][0].numpy())}
                if vl:
                    outputs["vl_vector"] = w.save(f"image{i}_vl_vector",
                                                  out["cls_vlffn_feats"][0].numpy())
                cases.append({"id": f"image{i}", "kind": "image", "pixels": px_files[i],
                              "outputs": outputs})
            for t in (0, 1, 4, 5):
                out = model.encode_text(torch.tensor([texts[t]]), vl=vl)
                outputs = {"vector": w.save(f"text{t}_vector", out["cls_feats"][0].numpy())}
                if vl:
                    outputs["vl_vector"] = w.save(f"text{t}_vl_vector",
                                                  out["cls_vlffn_feats"][0].numpy())
                cases.append({"id": f"text{t}", "kind": "text", "ids": texts[t],
                              "outputs": outputs})
            scales = {"logit_scale_exp": w.save("logit_scale_exp",
                                                model.logit_scale.exp().reshape(1).numpy())}
            if vl:
                scales["logit_vl_scale_exp"] = w.save(
                    "logit_vl_scale_exp", model.logit_vl_scale.exp().reshape(1).numpy())
            cases.append({"id": "logit_scales", "kind": "logit_scales", "outputs": scales})

        if cfg.has("mlm"):
            masked = list(texts[1])
            masked[3] = MASK_ID
            feats = model.encode_text(torch.tensor([masked]))["text_feats"]
            cases.append({"id": "mlm_text_masked", "kind": "mlm", "ids": masked, "position": 3,
                          "outputs": {"logits": w.save("mlm_text_masked_logits",
                                                       model.mlm_logits(feats[0, 3]).numpy())}})
            feats = model.fusion(torch.tensor([masked]), px[0])["text_feats"]
            cases.append({"id": "mlm_fusion_masked", "kind": "mlm", "ids": masked, "position": 3,
                          "pixels": px_files[0],
                          "outputs": {"logits": w.save("mlm_fusion_masked_logits",
                                                       model.mlm_logits(feats[0, 3]).numpy())}})
            feats = model.encode_text(torch.tensor([texts[0]]))["text_feats"]
            cases.append({"id": "mlm_text0_cls", "kind": "mlm", "ids": texts[0], "position": 0,
                          "outputs": {"logits": w.save("mlm_text0_cls_logits",
                                                       model.mlm_logits(feats[0, 0]).numpy())}})
    return cases


# ---------------------------------------------------------------- main

def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} OUTDIR", file=sys.stderr)
        return 2
    outdir = os.path.abspath(sys.argv[1])
    torch.set_num_threads(1)
    os.makedirs(outdir, exist_ok=True)

    with open(os.path.join(GOLDEN, "manifest.json")) as f:
        golden_texts = json.load(f)["texts"]
    vocab, id_map = small_vocab(golden_texts)
    with open(os.path.join(outdir, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    with open(VQA_ANSWERS, encoding="utf-8") as f:
        answers = f.read().split("\n")[:NUM_ANSWERS]
    with open(os.path.join(outdir, "answers.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(answers) + "\n")

    manifest = {"format": 1, "tolerance": {"abs": 1e-4, "rel": 1e-4},
                "produced_by": "tests/golden/make-variants.py with tools/train/vlmo.py",
                "variants": []}
    for seed, (name, description, cfg, wrapping, dtype, flags) in enumerate(VARIANTS):
        gen = torch.Generator().manual_seed(1000 + seed)
        model = VLMo(cfg).eval()
        randomize(model, gen)
        state = model.state_dict()
        if dtype == "f16":
            state = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
            model.load_official_state_dict(state)  # expected outputs see the rounded weights
        w = Writer(outdir, name)
        ckpt_rel = f"{name}/checkpoint.pt"
        torch.save(wrap(state, wrapping, cfg, gen), os.path.join(outdir, ckpt_rel))
        size = os.path.getsize(os.path.join(outdir, ckpt_rel))
        assert size < 3 << 20, f"{name}: checkpoint is {size} bytes"

        # The same weights written by the Python exporter (the trainer's path),
        # so engine and importer problems can be told apart.
        ref_rel = f"{name}/reference.safetensors"
        export_glance(model, os.path.join(outdir, ref_rel), vocab,
                      answers if cfg.has("vqa") else None, name, dtype)

        texts = [text_ids(t, id_map, cfg.max_text_len) for t in golden_texts]
        cases = build_cases(model, w, pixel_inputs(cfg, gen), texts)
        manifest["variants"].append({
            "name": name, "description": description, "checkpoint": ckpt_rel,
            "reference_model": ref_rel,
            "wrapping": wrapping, "dtype": dtype, "vocab": "vocab.txt",
            "answers": "answers.txt" if cfg.has("vqa") else None, "flags": flags,
            "config": cfg.to_glance_config(), "cases": cases})
        print(f"{name}: {size} bytes, {len(cases)} cases")

    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
