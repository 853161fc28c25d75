#!/usr/bin/python3
"""Trains the bundled ShapeWorld VLMo, stage by stage, and exports it.

    /usr/bin/python3 tools/train/train.py --config tools/train/configs/shapeworld.json \\
        --export data/models/glance-shapeworld.safetensors

The config lists the stages (see README.md); each has its own AdamW, warmup and cosine
schedule and a set of tasks trained together every step.  The run folder (default
tools/train/runs/<config name>/) holds settings.json, log.jsonl, the rolling
checkpoint.pt (written atomically every few minutes and at every stage end) and a
snapshot per finished stage.  Running the same command again resumes from the
checkpoint: batches are a function of (seed, stage, step), so a resumed run trains on
exactly what an uninterrupted one would have.
"""

import os

# Before torch loads OpenMP: idle threads must sleep, not spin on shared cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import data  # noqa: E402
import tasks  # noqa: E402
from evaluate import (embed, load_glance_model, predict_nlvr2, predict_vqa,  # noqa: E402
                      retrieval_metrics, vqa_metrics)
from shapeworld import make_eval  # noqa: E402
import shapeworld as sw  # noqa: E402
from vlmo import VLMo, VLMoConfig, export_glance  # noqa: E402
from wordpiece import Tokenizer, load_vocab, reduced_vocab  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
FULL_VOCAB = os.path.join(REPO, "..", "shared", "vocab", "bert-base-uncased-vocab.txt")
TRAIN_HEADS = ("pooler", "itm", "itc", "mlm", "vqa", "nlvr2")
EXPORT_HEADS = ("pooler", "itm", "itc", "vqa", "nlvr2")
MAX_EXPORT_BYTES = 40 * 1000 * 1000
# CLIP's cap on the contrastive temperature: exp(4.6052) = 100.
MAX_LOGIT_SCALE = math.log(100.0)


# ---- model and optimiser ----

def build_model(model_cfg, vocab):
    cfg = VLMoConfig(**{**model_cfg, "vocab_size": len(vocab), "num_answers": len(sw.ANSWERS),
                        "heads_present": TRAIN_HEADS})
    model = VLMo(cfg)
    reinit_heads(model)
    return model


def load_model_file(model, path, vocab):
    """Starts from the weights of an exported Glance file (the bundled model, say).
    Its vocabulary and body must be this run's; heads it lacks (MLM) keep their init."""
    source, tokenizer, _ = load_glance_model(path)
    if list(tokenizer.vocab) != list(vocab):
        raise ValueError(f"{path}: its vocabulary is not this run's")
    own = model.state_dict()
    for name, value in source.state_dict().items():
        if name not in own or value.shape != own[name].shape:
            raise ValueError(f"{path}: tensor {name} {tuple(value.shape)} does not fit the model")
    model.load_state_dict(source.state_dict(), strict=False)


def reinit_heads(model):
    """Gives the pooler and the classifier heads PyTorch's fan-in Linear init.

    The official N(0, 0.02) init assumes a pretrained body.  From scratch, the fused
    [CLS] differs between images by a fraction of a percent, and three small layers
    (pooler, classifier Linear, LayerNorm) shrink that further: a pilot learnt the
    colour of a scene's only object no better than the label prior after 150 steps,
    and at 95% within 125 steps with this init (a linear probe on the same [CLS]
    learnt it too, so the body was fine).
    """
    heads = [model.pooler.dense, model.itm_score.fc, model.vqa_classifier[0],
             model.vqa_classifier[3], model.nlvr2_classifier[0], model.nlvr2_classifier[3]]
    for layer in heads:
        layer.reset_parameters()


def _no_decay(name, param):
    """Biases, norms, layer scales, embeddings and position tables are not decayed."""
    return (param.ndim < 2 or "embeddings" in name or "relative_position" in name
            or name.endswith(("cls_token", "pos_embed", "mask_token")))


def make_optimizer(named_params, stage):
    decay, no_decay = [], []
    for name, p in named_params:
        (no_decay if _no_decay(name, p) else decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": stage.get("weight_decay", 0.05)},
                              {"params": no_decay, "weight_decay": 0.0}],
                             lr=stage["lr"], betas=(0.9, 0.98), eps=1e-6)


def lr_at(stage, step):
    """Linear warmup, then cosine down to min_lr_ratio * lr."""
    warmup = stage.get("warmup", 0)
    if step < warmup:
        return stage["lr"] * (step + 1) / warmup
    progress = (step - warmup) / max(1, stage["steps"] - warmup)
    low = stage.get("min_lr_ratio", 0.02)
    return stage["lr"] * (low + (1 - low) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def trainable(model, mim_head, stage):
    """(name, parameter) pairs this stage trains; the rest are frozen.

    stage["train_only"]: regular expressions of parameter names (stage 2 trains the
    text side only: attention and V-FFN stay as stage 1 left them).
    """
    named = list(model.named_parameters())
    if "mim" in stage["tasks"]:
        named += [("mim_head." + n, p) for n, p in mim_head.named_parameters()]
    patterns = [re.compile(p) for p in stage.get("train_only", [".*"])]
    chosen = []
    for name, p in named:
        p.requires_grad_(any(r.match(name) for r in patterns))
        if p.requires_grad:
            chosen.append((name, p))
    return chosen


# ---- checkpoints ----

def save_atomically(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def export_model(model, vocab, path, name):
    """Writes the Glance file with the heads the app uses (no MLM head)."""
    cfg = dataclasses.replace(model.cfg, heads_present=EXPORT_HEADS)
    slim = VLMo(cfg)
    own = slim.state_dict()
    slim.load_state_dict({k: v for k, v in model.state_dict().items() if k in own})
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    export_glance(slim, tmp, vocab, list(sw.ANSWERS), name=name)
    size = os.path.getsize(tmp)
    if size > MAX_EXPORT_BYTES:
        os.remove(tmp)
        raise RuntimeError(f"exported model is {size} bytes, over the {MAX_EXPORT_BYTES} limit")
    os.replace(tmp, path)
    return size


# ---- validation on a fixed in-memory set (seed, 9): never the held-out test seed ----

class Validation:
    def __init__(self, seed, image_size, sizes):
        # "layout": "grid" (default) or "free"; a free set draws from another stream so
        # its scenes are not the grid set's moved about.
        layout = sizes.get("layout", "grid")
        part = (seed, 9) if layout == "grid" else (seed, 9, 1)
        self.vqa = list(make_eval.vqa_items(part, sizes.get("vqa", 0), layout))
        self.nlvr2 = list(make_eval.nlvr2_items(part, sizes.get("nlvr2", 0), layout))
        self.retrieval = list(make_eval.retrieval_items(part, sizes.get("retrieval", 0), layout))
        render = lambda scenes: np.stack([sw.render(s, image_size) for s in scenes]) \
            if scenes else None  # noqa: E731
        self.vqa_pixels = render([s for s, _ in self.vqa])
        self.left = render([a for a, _, _ in self.nlvr2])
        self.right = render([b for _, b, _ in self.nlvr2])
        self.retrieval_pixels = render([s for s, _ in self.retrieval])

    @torch.no_grad()
    def run(self, model, tokenizer):
        model.eval()
        out = {}
        if self.vqa:
            index = {a: i for i, a in enumerate(sw.ANSWERS)}
            pred = predict_vqa(model, tokenizer, self.vqa_pixels, [q.text for _, q in self.vqa])
            out["vqa"] = vqa_metrics(pred, [index[q.answer] for _, q in self.vqa],
                                     [q.qtype for _, q in self.vqa])
        if self.nlvr2:
            pred = predict_nlvr2(model, tokenizer, self.left, self.right,
                                 [st.text for _, _, st in self.nlvr2])
            out["nlvr2"] = vqa_metrics(pred, [st.label for _, _, st in self.nlvr2],
                                       [st.kind for _, _, st in self.nlvr2])
        if self.retrieval:
            out["retrieval"] = retrieval_metrics(*embed(model, tokenizer, self.retrieval_pixels,
                                                        [t for _, t in self.retrieval]))
        model.train()
        return out


def summarise(results):
    parts = []
    if "vqa" in results:
        r = results["vqa"]
        worst = min(r["per_type"].items(), key=lambda kv: kv[1]["accuracy"])
        parts.append(f"vqa {r['accuracy']:.3f} (worst {worst[0]} {worst[1]['accuracy']:.2f}; "
                     + " ".join(f"{t}={v['accuracy']:.2f}" for t, v in r["per_type"].items())
                     + ")")
    if "nlvr2" in results:
        parts.append(f"nlvr2 {results['nlvr2']['accuracy']:.3f}")
    if "retrieval" in results:
        r = results["retrieval"]
        parts.append(f"t2i R@1 {r['text_to_image']['r1']:.3f} R@10 {r['text_to_image']['r10']:.3f}"
                     f" i2t R@1 {r['image_to_text']['r1']:.3f} R@10 {r['image_to_text']['r10']:.3f}")
    return " | ".join(parts)


# ---- one step ----

def _tensors(batch):
    out = {}
    for key, value in batch.items():
        if key in ("pixels", "left", "right"):
            out[key] = data.pixels_to_tensor(value)
        elif isinstance(value, np.ndarray):
            out[key] = torch.from_numpy(value)
        else:
            out[key] = value
    return out


def step_loss(model, mim_head, stage, batches, tokenizer, generator):
    """The weighted sum of this stage's task losses on one step's batches."""
    spec = stage["tasks"]
    weight = lambda task: spec[task].get("weight", 1.0)  # noqa: E731
    total, metrics = 0.0, {}

    def add(task, loss, m):
        nonlocal total
        total = total + weight(task) * loss
        metrics[task] = loss.item()
        metrics.update(m)

    if "mim" in batches:
        add("mim", *tasks.mim_loss(model, mim_head, _tensors(batches["mim"]),
                                   spec["mim"].get("mask_ratio", 0.4), generator,
                                   spec["mim"].get("visible_weight", 0.0)))
    if "text" in batches:
        add("text_mlm", *tasks.text_mlm_loss(model, _tensors(batches["text"]), tokenizer,
                                             spec["text_mlm"].get("prob", 0.15), generator))
    if "captions" in batches:
        cap = _tensors(batches["captions"])
        loss, m, scores = tasks.itc_loss(model, cap)
        add("itc", loss, m)
        if "itm" in spec:
            add("itm", *tasks.itm_loss(model, cap, scores, generator, spec["itm"].get("batch")))
        if "mlm" in spec:
            k = spec["mlm"].get("batch", len(cap["ids"]))
            sub = {key: cap[key][:k] for key in ("ids", "mask", "pixels")}
            add("mlm", *tasks.vl_mlm_loss(model, sub, tokenizer, spec["mlm"].get("prob", 0.15),
                                          generator))
    if "vqa" in batches:
        add("vqa", *tasks.vqa_loss(model, _tensors(batches["vqa"])))
    if "nlvr2" in batches:
        add("nlvr2", *tasks.nlvr2_loss(model, _tensors(batches["nlvr2"])))
    return total, metrics


# ---- the run ----

class Log:
    def __init__(self, run_dir):
        self.path = os.path.join(run_dir, "log.jsonl")

    def write(self, record, text):
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
        print(text, flush=True)


def start_from_stage_end(path, config, ckpt_path):
    """Makes a stage-end checkpoint the run's checkpoint, after checking that it ended a
    stage of this very recipe (same model, same stages before it)."""
    ckpt = torch.load(path, map_location="cpu")
    done = ckpt["stage"]
    names = lambda c: [s["name"] for s in c["stages"][:done]]  # noqa: E731
    if ckpt["step"] != 0 or ckpt["config"]["model"] != config["model"] \
            or names(ckpt["config"]) != names(config) or done > len(config["stages"]):
        raise ValueError(f"{path} did not end a stage of this config")
    save_atomically(ckpt, ckpt_path)


def train(config, run_dir, threads, workers, export_path=None, max_minutes=None,
          resume_from=None):
    torch.set_num_threads(threads)
    os.makedirs(run_dir, exist_ok=True)
    seed = int(config["seed"])
    log = Log(run_dir)
    ckpt_path = os.path.join(run_dir, "checkpoint.pt")
    if resume_from and not os.path.exists(ckpt_path):
        start_from_stage_end(resume_from, config, ckpt_path)

    vocab = reduced_vocab(load_vocab(FULL_VOCAB),
                          data.shapeworld_texts(config.get("caption_positions", 0.0) > 0))
    tokenizer = Tokenizer(vocab)
    torch.manual_seed(seed)
    model = build_model(config["model"], vocab)
    mim_targets = next((s["tasks"]["mim"].get("targets", "scene") for s in config["stages"]
                        if "mim" in s["tasks"]), "scene")
    mim_head = tasks.MimHead(model.cfg.dim, 0, data.mim_factors(mim_targets))
    stages = config["stages"]
    state = {"stage": 0, "step": 0, "train_seconds": 0.0, "optimizer": None}

    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path, map_location="cpu")
        model.load_state_dict(ckpt["model"])
        mim_head.load_state_dict(ckpt["mim_head"])
        state = {k: ckpt[k] for k in ("stage", "step", "train_seconds", "optimizer")}
        log.write({"event": "resume", **{k: state[k] for k in ("stage", "step")}},
                  f"resuming at stage {state['stage']} step {state['step']}")
    else:
        if config.get("init_from"):
            init = torch.load(config["init_from"], map_location="cpu")
            model.load_state_dict(init["model"])
            mim_head.load_state_dict(init["mim_head"])
        elif config.get("init_from_model"):
            # Relative to the repository root, so a config works from any directory.
            load_model_file(model, os.path.join(REPO, config["init_from_model"]), vocab)
        with open(os.path.join(run_dir, "settings.json"), "w") as f:
            json.dump({"config": config, "vocab_size": len(vocab), "torch": torch.__version__,
                       "threads": threads, "workers": workers,
                       "parameters": sum(p.numel() for p in model.parameters())}, f, indent=1)
        log.write({"event": "start", "seed": seed, "config": config},
                  f"new run in {run_dir}: {sum(p.numel() for p in model.parameters())} "
                  f"parameters, vocabulary {len(vocab)}")

    validation = Validation(seed, model.cfg.image_size, config.get("validation", {}))
    batch_fraction = config.get("free_layout_fraction", 0.0)
    def batch_args(stage):
        # A stage may set its own share of free-placement scenes (a grid -> free curriculum).
        return (seed, model.cfg.image_size, model.cfg.patch_size, tokenizer,
                model.cfg.max_text_len, stage.get("free_layout_fraction", batch_fraction),
                config.get("caption_positions", 0.0))
    every_s = 60.0 * config.get("checkpoint_minutes", 3)
    started = time.time()
    model.train()

    def checkpoint(stage_index, step, optimizer):
        state["train_seconds"] += time.time() - checkpoint.since
        checkpoint.since = time.time()
        save_atomically({"model": model.state_dict(), "mim_head": mim_head.state_dict(),
                         "optimizer": optimizer.state_dict() if optimizer else None,
                         "stage": stage_index, "step": step,
                         "train_seconds": state["train_seconds"], "config": config,
                         "vocab": vocab}, ckpt_path)
    checkpoint.since = time.time()

    for si, stage in enumerate(stages):
        if si < state["stage"]:
            continue
        start = state["step"] if si == state["stage"] else 0
        params = trainable(model, mim_head, stage)
        optimizer = make_optimizer(params, stage)
        if start > 0 and state["optimizer"] is not None:
            optimizer.load_state_dict(state["optimizer"])
        elif stage.get("init_third_token_type") and model.cfg.token_types > 2:
            # NLVR2's right image gets token type 2, which stages before never used;
            # VLMo starts it from type 1 (the image type).
            with torch.no_grad():
                model.token_type_embeddings.weight[2] = model.token_type_embeddings.weight[1]
        prefetch = data.Prefetcher(batch_args(stage), stage, start, stage["steps"], workers)
        window, window_start, samples = [], time.time(), 0
        last_save = time.time()
        try:
            for step in range(start, stage["steps"]):
                lr = lr_at(stage, step)
                for group in optimizer.param_groups:
                    group["lr"] = lr
                batches = prefetch.get(step)
                generator = torch.Generator().manual_seed(seed * 1_000_003 + si * 10_007 + step)
                loss, metrics = step_loss(model, mim_head, stage, batches, tokenizer, generator)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for _, p in params], stage.get("clip", 1.0))
                optimizer.step()
                if hasattr(model, "logit_scale"):
                    with torch.no_grad():
                        model.logit_scale.clamp_(0, MAX_LOGIT_SCALE)
                window.append(metrics)
                samples += sum(len(b.get("ids", b.get("codes", []))) for b in batches.values())
                done = step + 1
                if done % config.get("log_every", 20) == 0 or done == stage["steps"]:
                    mean = {k: float(np.mean([m[k] for m in window if k in m]))
                            for k in window[-1]}
                    rate = samples / max(time.time() - window_start, 1e-6)
                    elapsed = state["train_seconds"] + time.time() - checkpoint.since
                    log.write({"stage": stage["name"], "step": done, "lr": lr,
                               "samples_per_s": rate, "train_seconds": elapsed, **mean},
                              f"[{stage['name']} {done}/{stage['steps']}] lr {lr:.2e} "
                              + " ".join(f"{k} {v:.3f}" for k, v in mean.items())
                              + f" | {rate:.0f} samples/s, {elapsed / 60:.1f} min")
                    window, window_start, samples = [], time.time(), 0
                if stage.get("eval_every") and done % stage["eval_every"] == 0 \
                        and done != stage["steps"]:
                    results = validation.run(model, tokenizer)
                    log.write({"stage": stage["name"], "step": done, "validation": results},
                              f"  validation: {summarise(results)}")
                if time.time() - last_save > every_s:
                    checkpoint(si, done, optimizer)
                    last_save = time.time()
                if max_minutes and time.time() - started > 60 * max_minutes:
                    checkpoint(si, done, optimizer)
                    log.write({"event": "stopped", "stage": si, "step": done},
                              f"stopping after {max_minutes} minutes (resume with the same "
                              f"command)")
                    return None
        finally:
            prefetch.close()
        results = validation.run(model, tokenizer)
        log.write({"stage": stage["name"], "step": stage["steps"], "validation": results,
                   "event": "stage_end"}, f"end of {stage['name']}: {summarise(results)}")
        state["step"] = 0
        checkpoint(si + 1, 0, None)
        save_atomically({"model": model.state_dict(), "mim_head": mim_head.state_dict(),
                         "stage": si + 1, "step": 0, "train_seconds": state["train_seconds"],
                         "config": config, "vocab": vocab, "optimizer": None},
                        os.path.join(run_dir, f"after-{stage['name']}.pt"))

    out = export_path or os.path.join(run_dir, "model.safetensors")
    size = export_model(model, vocab, out, config.get("name", "glance-shapeworld"))
    log.write({"event": "exported", "path": out, "bytes": size,
               "train_seconds": state["train_seconds"]},
              f"exported {out} ({size / 1e6:.1f} MB) after {state['train_seconds'] / 60:.1f} "
              f"minutes of training")
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", required=True, help="JSON file (tools/train/configs/)")
    p.add_argument("--run-dir", help="default: tools/train/runs/<config file name>")
    p.add_argument("--threads", type=int, help="torch threads (default: the config's)")
    p.add_argument("--workers", type=int, help="data worker processes, 0 or 1")
    p.add_argument("--export", help="also write the final model here")
    p.add_argument("--max-minutes", type=float, help="stop (resumably) after this long")
    p.add_argument("--resume-from", help="a stage-end checkpoint (after-STAGE.pt, e.g. one "
                   "committed in tools/train/checkpoints/): a run folder without a checkpoint "
                   "starts from it, as if it had run the stages before")
    args = p.parse_args(argv)
    with open(args.config) as f:
        config = json.load(f)
    name = os.path.splitext(os.path.basename(args.config))[0]
    run_dir = args.run_dir or os.path.join(HERE, "runs", name)
    out = train(config, run_dir, args.threads or config.get("threads", 2),
                config.get("workers", 1) if args.workers is None else args.workers,
                args.export, args.max_minutes, args.resume_from)
    if out and args.export:
        import calibrate  # what the model knows: glance.scope, glance.domain, glance.calibration
        calibrate.calibrate_export(out)


if __name__ == "__main__":
    main()
