"""Training batches drawn from ShapeWorld on the fly.

Every batch is a pure function of (seed, task, step), so a run that is killed and
resumed sees exactly the batches it would have seen, and no data ever needs storing.
Pixels travel as uint8 (cheap to pass between processes) and are normalised by
`pixels_to_tensor` as the engine does: x/255, then (x - 0.5) / 0.5.
"""

import os
import queue as queue_module
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import shapeworld as sw  # noqa: E402

# Stream ids: one independent random stream per kind of batch.
STREAMS = {"mim": 1, "text": 2, "captions": 3, "vqa": 4, "nlvr2": 5, "validation": 9}

ANSWER_INDEX = {a: i for i, a in enumerate(sw.ANSWERS)}
COLOR_INDEX = {c: i for i, c in enumerate(sw.COLOR_NAMES)}
SHAPE_INDEX = {s: i for i, s in enumerate(sw.SHAPES)}
# Visual tokens of the "scene" MIM targets, four factors per patch: the colour, shape
# and size of the object there (or background), and whether the patch holds the
# object's centre (exactly one patch per object does).
SCENE_FACTORS = (1 + len(sw.COLOR_NAMES), 1 + len(sw.SHAPES), 3, 2)
COLOR_LEVELS = 4  # per channel, for the "color" MIM targets
NUM_COLOR_CODES = COLOR_LEVELS ** 3
# "scene+position" adds a fifth: the ninth of the image (thirds across and down) that
# holds the object's centre, the cue position questions ask for.  Nothing else in
# pre-training needs an object's absolute place, so without it patches forget it.
POSITION_FACTOR = 1 + 9
MIM_TARGETS = ("scene", "scene+position", "color")


def mim_factors(targets):
    """The factor sizes of a MimHead for `targets` (one factor for "color")."""
    if targets not in MIM_TARGETS:
        raise ValueError(f"unknown MIM targets {targets!r} (one of {', '.join(MIM_TARGETS)})")
    if targets == "color":
        return (NUM_COLOR_CODES,)
    return SCENE_FACTORS + ((POSITION_FACTOR,) if targets == "scene+position" else ())


def shapeworld_texts(caption_positions=False):
    """Every word ShapeWorld can say, as texts; the reduced vocabulary is built from it
    (with the words of positioned captions when a config uses them)."""
    from shapeworld.captions import NUMBER_WORDS
    from shapeworld.questions import TEMPLATES, plural
    words = set(sw.ANSWERS) | set(NUMBER_WORDS) | {"a", "an", "and", ",", "?", "."}
    words |= {plural(s) for s in sw.SHAPES} | {str(n) for n in range(13)}
    texts = [" ".join(sorted(words))]
    for options in TEMPLATES.values():
        texts.extend(re.sub(r"\{\w+\}", " ", t) for t in options)  # words, not slots
    texts.append("the left right image has more objects than both images contain there are "
                 "exactly in total contains no have the same number of exactly one image")
    if caption_positions:
        from shapeworld.captions import PLACE_PHRASES
        texts.extend(PLACE_PHRASES.values())
    return texts


def pixels_to_tensor(pixels):
    """(B, S, S, 3) uint8 -> (B, 3, S, S) float in [-1, 1]."""
    x = torch.from_numpy(np.ascontiguousarray(pixels)).permute(0, 3, 1, 2).float()
    return (x / 255.0 - 0.5) / 0.5


def pad_ids(id_lists, pad_id):
    """Pads to the longest in the batch: (ids, mask) long tensors (mask 1 = real)."""
    length = max(len(x) for x in id_lists)
    ids = torch.full((len(id_lists), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(id_lists), length), dtype=torch.long)
    for i, x in enumerate(id_lists):
        ids[i, :len(x)] = torch.tensor(x)
        mask[i, :len(x)] = 1
    return ids, mask


def scene_codes(scene, image_size, patch_size, position=False):
    """(grid*grid, 4) visual tokens of one scene, per patch: colour, shape, size (each
    0 for background, else 1 + index) and 1 on the patch holding an object's centre;
    with `position` a fifth column, 1 + the ninth of the image holding the centre."""
    objects = sw.object_map(scene, image_size)
    grid = image_size // patch_size
    # Pixels of each object (0 = background) in each patch.
    cells = objects.reshape(grid, patch_size, grid, patch_size).transpose(0, 2, 1, 3)
    cells = cells.reshape(grid * grid, -1)
    counts = np.stack([(cells == k).sum(1) for k in range(len(scene.objects) + 1)], 1)
    counts[:, 0] = 0
    owner = counts.argmax(1)
    # A patch belongs to an object when it covers at least 15% of it.
    owner[counts.max(1) < 0.15 * patch_size * patch_size] = 0
    codes = np.zeros((grid * grid, 5 if position else 4), dtype=np.int64)
    for k, obj in enumerate(scene.objects, start=1):
        factors = [1 + COLOR_INDEX[obj.color], 1 + SHAPE_INDEX[obj.shape],
                   1 + (obj.size == "large"), 0]
        if position:
            factors.append(1 + 3 * min(int(obj.cy * 3), 2) + min(int(obj.cx * 3), 2))
        codes[owner == k, :3] = factors[:3]
        codes[owner == k, 4:] = factors[4:]
        centre = min(int(obj.cy * grid), grid - 1) * grid + min(int(obj.cx * grid), grid - 1)
        codes[centre] = factors[:3] + [1] + factors[4:]
    return codes


def color_codes(pixels, patch_size):
    """(grid*grid,) visual tokens from each patch's mean colour, 4 levels per channel."""
    size = pixels.shape[0]
    grid = size // patch_size
    mean = pixels.reshape(grid, patch_size, grid, patch_size, 3).mean((1, 3)).reshape(-1, 3)
    q = np.minimum((mean / 256.0 * COLOR_LEVELS).astype(np.int64), COLOR_LEVELS - 1)
    return (q[:, 0] * COLOR_LEVELS + q[:, 1]) * COLOR_LEVELS + q[:, 2]


class Batches:
    """Makes every kind of training batch; `objects` is (min, max) objects a scene.

    seed: an int, or a tuple of ints for streams apart from the training ones (the
    trainer's validation set uses (seed, 9)).
    """

    def __init__(self, seed, image_size, patch_size, tokenizer, max_text_len,
                 free_layout_fraction=0.0, caption_positions=0.0):
        self.seed = tuple(seed) if isinstance(seed, (tuple, list)) else (seed,)
        self.image_size = image_size
        self.patch_size = patch_size
        self.tokenizer = tokenizer
        self.max_text_len = max_text_len
        self.free_layout_fraction = free_layout_fraction
        self.caption_positions = caption_positions

    def _layout(self, rng):
        """ShapeWorld's grid layout, or with this probability objects placed anywhere.
        Without free scenes no random number is drawn, so grid-only runs keep their batches."""
        if self.free_layout_fraction and rng.random() < self.free_layout_fraction:
            return "free"
        return "grid"

    def _caption(self, scene, rng):
        """(caption, whether it says where things are): with positions for a share
        `caption_positions` of them (no extra draw when none), unless that would not
        fit max_text_len (a crowded scene), then plain."""
        if not self.caption_positions:
            return sw.caption(scene, rng), False
        placed = sw.caption(scene, rng, with_positions=True)
        if rng.random() < self.caption_positions and \
                len(self.tokenizer.pieces(placed)) <= self.max_text_len - 2:
            return placed, True
        return sw.strip_positions(placed), False

    def _scene(self, rng, objects):
        return sw.sample_scene(rng, *objects, layout=self._layout(rng))

    def _rng(self, task, step):
        return sw.make_rng(*self.seed, STREAMS[task], step)

    def _encode(self, texts):
        return pad_ids([self.tokenizer.encode(t, self.max_text_len) for t in texts],
                       self.tokenizer.pad_id)

    def mim(self, step, size, objects=(1, 6), targets="scene"):
        rng = self._rng("mim", step)
        pixels, codes = [], []
        mim_factors(targets)  # rejects unknown targets
        for _ in range(size):
            scene = self._scene(rng, objects)
            image = sw.render(scene, self.image_size)
            pixels.append(image)
            codes.append(color_codes(image, self.patch_size) if targets == "color" else
                         scene_codes(scene, self.image_size, self.patch_size,
                                     position=targets == "scene+position"))
        return {"pixels": np.stack(pixels), "codes": np.stack(codes)}

    def texts(self, step, size, objects=(1, 6)):
        """Questions, captions and pair statements, a third each (text-only MLM)."""
        rng = self._rng("text", step)
        texts = []
        for i in range(size):
            scene = self._scene(rng, objects)
            kind = rng.integers(3)
            if kind == 0:
                texts.append(sw.sample_question(scene, rng, variants=True).text)
            elif kind == 1:
                texts.append(self._caption(scene, rng)[0])
            else:
                texts.append(sw.sample_statement(scene, self._scene(rng, objects), rng).text)
        ids, mask = self._encode(texts)
        return {"ids": ids, "mask": mask}

    def captions(self, step, size, objects=(1, 6)):
        """Image-caption pairs; `truth[i, j]`: caption j is true of image i (the same
        objects, and the positions it states, if any, hold)."""
        rng = self._rng("captions", step)
        pixels, texts, scenes, placed = [], [], [], []
        for _ in range(size):
            scene = self._scene(rng, objects)
            pixels.append(sw.render(scene, self.image_size))
            text, with_positions = self._caption(scene, rng)
            texts.append(text)
            placed.append(with_positions)
            scenes.append(scene)
        ids, mask = self._encode(texts)
        keys = [sw.caption(s) for s in scenes]
        truth = torch.tensor([[keys[i] == keys[j] and (not placed[j] or sw.describes(
            scenes[j], scenes[i], with_positions=True)) for j in range(size)]
            for i in range(size)])
        return {"pixels": np.stack(pixels), "ids": ids, "mask": mask, "truth": truth}

    def vqa(self, step, size, objects=(1, 6), variants=True, type_shares=None):
        """type_shares, e.g. {"position": 0.25}: that share of the questions is of that
        type (the rest drawn as usual); without it no extra random number is drawn."""
        rng = self._rng("vqa", step)
        pixels, texts, labels, types = [], [], [], []
        for _ in range(size):
            qtype = _pick_type(rng, type_shares) if type_shares else None
            question, tries = None, 0
            while question is None:
                tries += 1
                if tries > 1000:
                    raise ValueError(f"no {qtype} question fits scenes of {objects} objects")
                scene = self._scene(rng, objects)
                question = (sw.ask(scene, qtype, rng, variants) if qtype else
                            sw.sample_question(scene, rng, variants=variants))
            pixels.append(sw.render(scene, self.image_size))
            texts.append(question.text)
            labels.append(ANSWER_INDEX[question.answer])
            types.append(question.qtype)
        ids, mask = self._encode(texts)
        return {"pixels": np.stack(pixels), "ids": ids, "mask": mask,
                "labels": torch.tensor(labels), "types": types}

    def nlvr2(self, step, size, objects=(1, 6)):
        rng = self._rng("nlvr2", step)
        left, right, texts, labels = [], [], [], []
        for _ in range(size):
            a, b, st = sw.sample_example(rng, *objects, layout=self._layout(rng))
            left.append(sw.render(a, self.image_size))
            right.append(sw.render(b, self.image_size))
            texts.append(st.text)
            labels.append(int(st.label))
        ids, mask = self._encode(texts)
        return {"left": np.stack(left), "right": np.stack(right), "ids": ids, "mask": mask,
                "labels": torch.tensor(labels)}


def _pick_type(rng, type_shares):
    """A question type by its share, or None (the usual uniform draw) for the rest."""
    u, total = rng.random(), 0.0
    for qtype in sorted(type_shares):
        if qtype not in sw.QUESTION_TYPES:
            raise ValueError(f"type_shares: unknown question type {qtype!r}")
        total += type_shares[qtype]
        if u < total:
            return qtype
    return None


# ---- one training step's batches, made ahead in a worker process ----

def objects_at(stage, step):
    """(min, max) objects a scene at this step of the stage (the curriculum)."""
    current = (1, sw.scene.MAX_OBJECTS)
    for start, objects in stage.get("objects", []):
        if step >= start * stage["steps"]:
            current = tuple(objects)
    return current


def step_batches(batches, stage, step):
    """Every batch one step of `stage` needs, keyed by kind."""
    tasks = stage["tasks"]
    objects = objects_at(stage, step)
    out = {}
    if "mim" in tasks:
        out["mim"] = batches.mim(step, tasks["mim"]["batch"], objects,
                                 tasks["mim"].get("targets", "scene"))
    if "text_mlm" in tasks:
        out["text"] = batches.texts(step, tasks["text_mlm"]["batch"], objects)
    if "itc" in tasks:
        out["captions"] = batches.captions(step, tasks["itc"]["batch"], objects)
    if "vqa" in tasks:
        out["vqa"] = batches.vqa(step, tasks["vqa"]["batch"], objects,
                                 type_shares=tasks["vqa"].get("type_shares"))
    if "nlvr2" in tasks:
        out["nlvr2"] = batches.nlvr2(step, tasks["nlvr2"]["batch"], objects)
    return out


def _produce(queue, batch_args, stage, start, stop, trainer_pid):
    torch.set_num_threads(1)
    batches = Batches(*batch_args)
    for step in range(start, stop):
        out = step_batches(batches, stage, step)
        # Plain arrays: torch would share tensors through file descriptors that vanish
        # when this process ends before the trainer has read them.
        out = {kind: {k: v.numpy() if torch.is_tensor(v) else v for k, v in batch.items()}
               for kind, batch in out.items()}
        while True:
            try:
                queue.put((step, out), timeout=5)
                break
            except queue_module.Full:
                if os.getppid() != trainer_pid:  # the trainer was killed: stop too,
                    queue.cancel_join_thread()   # without flushing to nobody
                    return
    # A normal end flushes the last batches: exiting waits until the trainer took them.


class Prefetcher:
    """Makes the batches of steps start..stop-1 in a worker process, a few ahead.

    workers=0 makes them in this process instead (for pilots on one core).
    """

    def __init__(self, batch_args, stage, start, stop, workers=1, ahead=3):
        self.batch_args, self.stage = batch_args, stage
        self.process = None
        if workers:
            import multiprocessing
            ctx = multiprocessing.get_context("spawn")  # no fork after torch started threads
            self.queue = ctx.Queue(maxsize=ahead)
            self.process = ctx.Process(target=_produce, daemon=True,
                                       args=(self.queue, batch_args, stage, start, stop,
                                             os.getpid()))
            self.process.start()
        else:
            self.batches = Batches(*batch_args)

    def get(self, step):
        if self.process is None:
            return step_batches(self.batches, self.stage, step)
        while True:
            try:
                got_step, out = self.queue.get(timeout=5)
                break
            except queue_module.Empty:
                # A worker that ended without sending this step would leave us waiting forever.
                if not self.process.is_alive() and self.queue.empty():
                    raise RuntimeError(f"data worker ended (exit code {self.process.exitcode}) "
                                       f"before the batch of step {step}")
        if got_step != step:
            raise RuntimeError(f"batch for step {got_step} arrived, {step} expected")
        return out

    def close(self):
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.process = None
