#!/usr/bin/python3
"""Smoke training: every stage's objectives on a tiny model, on one thread, < 60 s.

1. Each stage trains 30 steps on one fixed batch: its loss must fall clearly (a model
   that can fit one batch has gradients reaching every part the stage trains), and
   stage 2 must leave the frozen attention and V-FFN untouched.
2. The full trainer runs a tiny four-stage config twice: straight through, and
   stopped after every step and resumed (as after a kill).  Both must end with the
   same weights, and the exported Glance file must give the trained model's outputs.
3. The data options: "scene+position" MIM targets, layout mixing (off: no extra
   random draw), question-type shares, captions with positions, and the data-worker
   process.

Run: /usr/bin/python3 tools/train/smoke_test.py  (prints one summary line; exit 1 on failure)
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import contextlib  # noqa: E402
import copy  # noqa: E402
import io  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import data  # noqa: E402
import tasks  # noqa: E402
import train  # noqa: E402
from evaluate import load_glance_model  # noqa: E402
from wordpiece import Tokenizer, load_vocab, reduced_vocab  # noqa: E402

TEXT_ONLY = ["text_embeddings\\.", "token_type_embeddings", "relative_position_bias_table",
             "transformer\\.blocks\\.\\d+\\.(mlp_text|norm2_text)\\.", "mlm_score\\."]
TINY = {
    "name": "smoke", "seed": 5, "threads": 1, "workers": 0, "log_every": 1000,
    "model": {"dim": 32, "depth": 2, "heads": 2, "mlp_hidden": 64, "vlffn_start": 1,
              "patch_size": 12, "image_size": 48, "max_text_len": 40, "rel_pos_text_len": 40},
    "validation": {"vqa": 9, "nlvr2": 8, "retrieval": 8},
    "stages": [
        {"name": "mim", "steps": 3, "lr": 2e-3, "warmup": 1,
         "tasks": {"mim": {"batch": 8, "mask_ratio": 0.4}}},
        {"name": "text", "steps": 3, "lr": 2e-3, "warmup": 1, "train_only": TEXT_ONLY,
         "tasks": {"text_mlm": {"batch": 8}}},
        {"name": "vl", "steps": 3, "lr": 2e-3, "warmup": 1,
         "tasks": {"itc": {"batch": 8}, "itm": {"batch": 8}, "mlm": {"batch": 4}}},
        {"name": "ft", "steps": 3, "lr": 2e-3, "warmup": 1, "init_third_token_type": True,
         "tasks": {"vqa": {"batch": 8}, "nlvr2": {"batch": 4}, "itc": {"batch": 8},
                   "itm": {"batch": 4}}},
    ],
}


def check_each_stage_fits_a_batch():
    vocab = reduced_vocab(load_vocab(train.FULL_VOCAB), data.shapeworld_texts())
    tokenizer = Tokenizer(vocab)
    torch.manual_seed(0)
    model = train.build_model(TINY["model"], vocab)
    mim_head = tasks.MimHead(model.cfg.dim, 0, data.SCENE_FACTORS)
    batches = data.Batches(5, 48, 12, tokenizer, 40)
    for stage in TINY["stages"]:
        stage = {**stage, "steps": 40, "lr": 3e-3, "warmup": 3}
        params = train.trainable(model, mim_head, stage)
        optimizer = train.make_optimizer(params, stage)
        frozen = {n: p.detach().clone() for n, p in model.named_parameters()
                  if not p.requires_grad}
        fixed = data.step_batches(batches, stage, 0)
        losses = []
        for step in range(stage["steps"]):
            for group in optimizer.param_groups:
                group["lr"] = train.lr_at(stage, step)
            generator = torch.Generator().manual_seed(0)  # the same masks every step
            loss, _ = train.step_loss(model, mim_head, stage, fixed, tokenizer, generator)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        first, last = sum(losses[:3]) / 3, sum(losses[-3:]) / 3
        assert last < 0.8 * first, f"stage {stage['name']}: loss {first:.3f} -> {last:.3f}"
        for name, before in frozen.items():
            assert torch.equal(before, dict(model.named_parameters())[name]), \
                f"stage {stage['name']} changed frozen {name}"
        if stage["name"] == "text":
            assert frozen and any(".attn." in n for n in frozen) and \
                any("mlp_imag" in n for n in frozen), "stage 2 froze nothing"
    return model


def check_position_targets():
    """"scene+position" keeps the four scene factors and adds, on every patch of an
    object, the ninth of the image holding its centre (left = middle row, first
    column); a MIM head over the five factors fits a batch."""
    import numpy as np
    import shapeworld as sw
    rng = sw.make_rng(7, 7)
    named = {"left": 4, "right": 6, "top": 2, "bottom": 8, "middle": 5}
    seen = set()
    for _ in range(200):
        scene = sw.sample_scene(rng, 1, 4, layout="free")
        plain = data.scene_codes(scene, 96, 12)
        codes = data.scene_codes(scene, 96, 12, position=True)
        assert np.array_equal(codes[:, :4], plain), "the position factor moved the others"
        assert ((codes[:, 4] > 0) == (plain[:, 0] > 0)).all(), "position outside objects"
        for obj in scene.objects:
            where = sw.position_of(obj)
            centre = min(int(obj.cy * 8), 7) * 8 + min(int(obj.cx * 8), 7)
            if where:
                assert codes[centre, 4] == named[where], (where, codes[centre])
                seen.add(where)
    assert seen == set(named), f"only {seen} drawn"
    vocab = reduced_vocab(load_vocab(train.FULL_VOCAB), data.shapeworld_texts())
    torch.manual_seed(0)
    model = train.build_model(TINY["model"], vocab)
    head = tasks.MimHead(model.cfg.dim, 0, data.mim_factors("scene+position"))
    stage = {**TINY["stages"][0], "steps": 40, "lr": 3e-3, "warmup": 3,
             "tasks": {"mim": {"batch": 8, "mask_ratio": 0.4, "targets": "scene+position"}}}
    optimizer = train.make_optimizer(train.trainable(model, head, stage), stage)
    fixed = data.step_batches(data.Batches(5, 48, 12, Tokenizer(vocab), 40), stage, 0)
    assert fixed["mim"]["codes"].shape[-1] == 5
    losses = []
    for step in range(stage["steps"]):
        loss, metrics = train.step_loss(model, head, stage, fixed, Tokenizer(vocab),
                                        torch.Generator().manual_seed(0))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert "mim_acc4" in metrics, sorted(metrics)
    assert sum(losses[-3:]) < 0.8 * sum(losses[:3]), f"loss {losses[0]:.3f} -> {losses[-1]:.3f}"
    try:
        data.mim_factors("scenes")
        raise AssertionError("unknown MIM targets accepted")
    except ValueError:
        pass


def check_resume_and_export():
    with tempfile.TemporaryDirectory() as tmp:
        straight = os.path.join(tmp, "straight")
        out = train.train(copy.deepcopy(TINY), straight, threads=1, workers=0)
        resumed = os.path.join(tmp, "resumed")
        result, runs = None, 0
        while result is None:
            # A limit already passed stops the run after its next step, as a kill would.
            result = train.train(copy.deepcopy(TINY), resumed, threads=1, workers=0,
                                 max_minutes=1e-9)
            runs += 1
        assert runs > 4, f"the stopped run finished in {runs} runs"
        a = torch.load(os.path.join(straight, "checkpoint.pt"))["model"]
        b = torch.load(os.path.join(resumed, "checkpoint.pt"))["model"]
        for key in a:
            assert torch.equal(a[key], b[key]), f"resumed run differs in {key}"
        # A fresh machine resumes from a committed stage-end checkpoint: same weights.
        fresh = os.path.join(tmp, "from-stage-end")
        train.train(copy.deepcopy(TINY), fresh, threads=1, workers=0,
                    resume_from=os.path.join(straight, "after-vl.pt"))
        c = torch.load(os.path.join(fresh, "checkpoint.pt"))["model"]
        for key in a:
            assert torch.equal(a[key], c[key]), f"run from a stage end differs in {key}"
        try:
            other = {**copy.deepcopy(TINY), "stages": TINY["stages"][1:]}
            train.train(other, os.path.join(tmp, "wrong"), threads=1, workers=0,
                        resume_from=os.path.join(straight, "after-vl.pt"))
            raise AssertionError("a stage end of another recipe was accepted")
        except ValueError:
            pass

        trained = train.build_model(TINY["model"], torch.load(
            os.path.join(straight, "checkpoint.pt"))["vocab"])
        trained.load_state_dict(a)
        trained.eval()
        exported, tokenizer, answers = load_glance_model(out)
        assert answers[0] == "red" and tokenizer.vocab[:3] == ["[PAD]", "[UNK]", "[CLS]"]
        ids = torch.tensor([tokenizer.encode("what color is the star?", 40)])
        pixels = torch.rand(1, 3, 48, 48) * 2 - 1
        with torch.no_grad():
            want = trained.vqa_logits(trained.fusion(ids, pixels)["cls_feats"])
            got = exported.vqa_logits(exported.fusion(ids, pixels)["cls_feats"])
        assert torch.allclose(want, got, atol=1e-6), "exported model disagrees"
        assert not hasattr(exported, "mlm_score"), "the MLM head was exported"

        # A run may start from an exported file (grid -> free fine-tuning of the bundled
        # model): every exported tensor arrives; a file of another size is refused.
        fresh = train.build_model(TINY["model"], tokenizer.vocab)
        train.load_model_file(fresh, out, tokenizer.vocab)
        got = fresh.state_dict()
        for key, value in exported.state_dict().items():
            assert torch.equal(got[key], value), f"{key} not loaded from the file"
        wider = train.build_model({**TINY["model"], "dim": 48, "heads": 2}, tokenizer.vocab)
        try:
            train.load_model_file(wider, out, tokenizer.vocab)
            raise AssertionError("a file of another width was loaded")
        except ValueError:
            pass
        # Per stage, the share of free scenes and a validation set of either layout.
        stage = {**TINY["stages"][3], "free_layout_fraction": 1.0}
        run = {**copy.deepcopy(TINY), "init_from_model": out, "stages": [stage],
               "validation": {"vqa": 9, "layout": "free"}}
        train.train(run, os.path.join(tmp, "from-file"), threads=1, workers=0)
        free = train.Validation(5, 48, {"vqa": 9, "layout": "free"})
        grid = train.Validation(5, 48, {"vqa": 9})
        assert [q.text for _, q in free.vqa] != [q.text for _, q in grid.vqa]


def check_layout_mix():
    """free_layout_fraction 0 draws nothing extra (grid-only runs keep their batches);
    0.5 gives both layouts."""
    import numpy as np
    vocab = reduced_vocab(load_vocab(train.FULL_VOCAB), data.shapeworld_texts())
    grid = data.Batches(5, 48, 12, Tokenizer(vocab), 40)
    rng = np.random.default_rng(1)
    assert {grid._layout(rng) for _ in range(50)} == {"grid"}
    assert rng.random() == np.random.default_rng(1).random(), "a grid-only run drew numbers"
    mixed = data.Batches(5, 48, 12, Tokenizer(vocab), 40, free_layout_fraction=0.5)
    assert {mixed._layout(rng) for _ in range(50)} == {"grid", "free"}
    a = data.step_batches(grid, TINY["stages"][3], 0)
    b = data.step_batches(mixed, TINY["stages"][3], 0)
    assert not np.array_equal(a["vqa"]["pixels"], b["vqa"]["pixels"]), "the mix changed nothing"


def check_type_shares():
    """type_shares gives its types their share of a VQA batch; without it the batch is
    the one a run without the option gets (no extra draw); an unknown type is refused."""
    vocab = reduced_vocab(load_vocab(train.FULL_VOCAB), data.shapeworld_texts())
    batches = data.Batches(5, 48, 12, Tokenizer(vocab), 40)
    plain = batches.vqa(3, 40)
    again = batches.vqa(3, 40, type_shares={})
    assert plain["types"] == again["types"], "an empty type_shares changed the batch"
    focused = batches.vqa(3, 40, type_shares={"position": 0.5})
    share = focused["types"].count("position") / 40
    assert 0.35 <= share <= 0.8, f"position share {share} for a share of 0.5"
    assert plain["types"].count("position") / 40 < 0.3, "position is common without it"
    stage = copy.deepcopy(TINY["stages"][3])
    stage["tasks"]["vqa"]["type_shares"] = {"position": 1.0}
    assert set(data.step_batches(batches, stage, 0)["vqa"]["types"]) == {"position"}
    try:
        batches.vqa(3, 4, type_shares={"wherever": 0.5})
    except ValueError:
        return
    raise AssertionError("an unknown question type was accepted")


def check_caption_positions():
    """caption_positions: a share of training captions say where things are, in the
    vocabulary (no [UNK], no truncation at 40 tokens); `truth` marks each image's own
    caption and no caption naming other objects; an image-text stage fits a batch."""
    vocab = reduced_vocab(load_vocab(train.FULL_VOCAB), data.shapeworld_texts(True))
    assert {"on", "at"} <= set(vocab) and len(vocab) > len(
        reduced_vocab(load_vocab(train.FULL_VOCAB), data.shapeworld_texts()))
    tokenizer = Tokenizer(vocab)
    batches = data.Batches(5, 48, 12, tokenizer, 40, free_layout_fraction=0.5,
                           caption_positions=0.5)
    placed = 0
    for step in range(20):
        cap = batches.captions(step, 48, (1, 6))
        truth = cap["truth"]
        assert truth.diagonal().all(), "an image's own caption is not true of it"
        for i in range(48):
            text = [tokenizer.vocab[t] for t in cap["ids"][i] if t]
            assert "[UNK]" not in text, text
            placed += any(w in text for w in ("on", "at")) or "middle" in text
    assert 0.2 * 20 * 48 < placed < 0.7 * 20 * 48, placed
    import shapeworld as sw
    rng = sw.make_rng(5, 6)
    for _ in range(300):  # crowded scenes: positions only where they fit uncut
        text, with_positions = batches._caption(sw.sample_scene(rng, 6, 6), rng)
        assert not with_positions or len(tokenizer.pieces(text)) <= 38, text
    torch.manual_seed(0)
    model = train.build_model(TINY["model"], vocab)
    head = tasks.MimHead(model.cfg.dim, 0, data.SCENE_FACTORS)
    stage = {**TINY["stages"][2], "steps": 40, "lr": 3e-3, "warmup": 3}
    optimizer = train.make_optimizer(train.trainable(model, head, stage), stage)
    fixed = data.step_batches(batches, stage, 0)
    losses = []
    for step in range(stage["steps"]):
        loss, _ = train.step_loss(model, head, stage, fixed, tokenizer,
                                  torch.Generator().manual_seed(0))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert sum(losses[-3:]) < 0.8 * sum(losses[:3]), f"loss {losses[0]:.3f} -> {losses[-1]:.3f}"


def check_worker_delivers_every_step():
    """The data-worker process sends every batch up to a stage's last one, the same as
    in-process ones, and a worker that dies is an error rather than a hang."""
    import numpy as np
    vocab = reduced_vocab(load_vocab(train.FULL_VOCAB), data.shapeworld_texts())
    args = (5, 48, 12, Tokenizer(vocab), 40)
    stage = TINY["stages"][3]
    local = data.Prefetcher(args, stage, 0, 5, workers=0)
    worker = data.Prefetcher(args, stage, 0, 5, workers=1)
    time.sleep(1.0)  # let it finish and exit: the last batches must still arrive
    for step in range(5):
        want, got = local.get(step), worker.get(step)
        for kind, batch in want.items():
            for key, value in batch.items():
                value = value.numpy() if torch.is_tensor(value) else value
                assert np.array_equal(np.asarray(value), np.asarray(got[kind][key])), \
                    f"worker batch {kind}.{key} of step {step} differs"
    worker.close()
    dead = data.Prefetcher(args, stage, 0, 50, workers=1)
    dead.process.kill()
    dead.process.join()
    try:
        for step in range(50):
            dead.get(step)
        raise AssertionError("a dead worker went unnoticed")
    except RuntimeError as e:
        assert "data worker ended" in str(e), e
    dead.close()


def main():
    torch.set_num_threads(1)
    start = time.time()
    failed = []
    checks = (check_each_stage_fits_a_batch, check_position_targets, check_layout_mix,
              check_type_shares, check_caption_positions, check_worker_delivers_every_step,
              check_resume_and_export)
    for check in checks:
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # the trainer's progress lines
                check()
        except Exception as e:  # report every check
            failed.append(check.__name__)
            print(f"FAIL {check.__name__}: {type(e).__name__}: {e}")
    print(f"smoke_test: {len(checks) - len(failed)} passed, {len(failed)} failed "
          f"({time.time() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
