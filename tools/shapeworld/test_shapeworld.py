#!/usr/bin/python3
"""ShapeWorld unit tests: truthful labels, determinism, the scene distribution.

Answers and labels are checked by re-reading the generated text with regular
expressions and computing the answer again from the scene's objects, independently of
the generator's own code.  Run: /usr/bin/python3 tools/shapeworld/test_shapeworld.py
(exit status 0 when everything passes; prints one summary line).
"""

import colorsys
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import shapeworld as sw  # noqa: E402
from shapeworld.captions import placed_groups  # noqa: E402
from shapeworld.scene import SIDE_RANGE  # noqa: E402

COLOR = "(" + "|".join(sw.COLOR_NAMES) + ")"
SHAPE = "(" + "|".join(sw.SHAPES) + ")"
SHAPES_PL = "(circles|squares|triangles|stars|hexagons|crosses)"
NUMBER_WORDS = {"a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def singular(plural_word):
    return plural_word[:-2] if plural_word.endswith("sses") else plural_word[:-1]


def third(v):
    return 0 if v < 1 / 3 else (1 if v < 2 / 3 else 2)


def the(scene, color, shape):
    """The one object "the {color} {shape}" names; fails the test if not exactly one."""
    found = [o for o in scene.objects if o.color == color and o.shape == shape]
    assert len(found) == 1, f"'the {color} {shape}' names {len(found)} objects"
    return found[0]


def answer_again(scene, text):
    """The answer to a question, worked out from the scene without the generator."""
    objs = scene.objects
    m = re.fullmatch(rf"(?:what colou?r is|which color is|what is the color of) the {SHAPE}\?",
                     text)
    if m:
        found = [o for o in objs if o.shape == m[1]]
        assert len(found) == 1, text
        return found[0].color
    m = re.fullmatch(rf"what (?:shape is|is the shape of) the {COLOR} (?:object|thing)\?", text)
    if m:
        found = [o for o in objs if o.color == m[1]]
        assert len(found) == 1, text
        return found[0].shape
    m = re.fullmatch(rf"(?:how many|what is the number of) {SHAPES_PL}"
                     r"(?: are there| are in the image)?\?", text)
    if m:
        return str(sum(o.shape == singular(m[1]) for o in objs))
    m = re.fullmatch(rf"how many {COLOR} (?:objects|things|shapes) are (?:there|in the picture)\?",
                     text)
    if m:
        return str(sum(o.color == m[1] for o in objs))
    if re.fullmatch(r"how many (?:objects|shapes|things) are (?:there|in the image)\?", text):
        return str(len(objs))
    m = re.fullmatch(rf"(?:is there|does the image contain) an? {COLOR} {SHAPE}\?", text) or \
        re.fullmatch(rf"are there any {COLOR} {SHAPES_PL}\?", text)
    if m:
        shape = m[2] if m[2] in sw.SHAPES else singular(m[2])
        return "yes" if any(o.color == m[1] and o.shape == shape for o in objs) else "no"
    m = re.fullmatch(rf"(?:what size is|how big is|is) the {COLOR} {SHAPE}(?: small or large)?\?",
                     text)
    if m:
        return "large" if the(scene, m[1], m[2]).side > 0.2 else "small"
    m = re.fullmatch(rf"(?:where is|in which part of the image is) the {COLOR} {SHAPE}"
                     r"(?: located)?\?", text)
    if m:
        o = the(scene, m[1], m[2])
        for v in (o.cx, o.cy):
            assert min(abs(v - 1 / 3), abs(v - 2 / 3)) >= 0.03, f"{text}: on a third line"
        cell = (third(o.cy), third(o.cx))
        names = {(1, 1): "middle", (1, 0): "left", (1, 2): "right", (0, 1): "top",
                 (2, 1): "bottom"}
        assert cell in names, f"{text}: asked about a corner"
        return names[cell]
    m = re.fullmatch(rf"is the {COLOR} {SHAPE} (?:bigger|larger) than the {COLOR} {SHAPE}\?",
                     text)
    if m:
        a, b = the(scene, m[1], m[2]), the(scene, m[3], m[4])
        return "yes" if a.side > b.side * 1.5 else "no"
    raise AssertionError(f"question not recognised: {text!r}")


def truth_again(left, right, text):
    """The truth of a pair statement, worked out from the two scenes."""
    side = {"left": left.objects, "right": right.objects}
    other = {"left": "right", "right": "left"}
    m = re.fullmatch(rf"the (left|right) image has more {SHAPES_PL} than the (left|right) image",
                     text)
    if m:
        assert m[3] == other[m[1]]
        s = singular(m[2])
        return sum(o.shape == s for o in side[m[1]]) > sum(o.shape == s for o in side[m[3]])
    m = re.fullmatch(r"the (left|right) image has more objects than the (left|right) image", text)
    if m:
        return len(side[m[1]]) > len(side[m[2]])
    m = re.fullmatch(rf"both images contain an? {COLOR} {SHAPE}", text)
    if m:
        return all(any(o.color == m[1] and o.shape == m[2] for o in side[s]) for s in side)
    m = re.fullmatch(r"there are exactly (\d+) objects in total", text)
    if m:
        return int(m[1]) == len(left.objects) + len(right.objects)
    m = re.fullmatch(rf"the (left|right) image contains no {COLOR} objects", text)
    if m:
        return not any(o.color == m[2] for o in side[m[1]])
    if text == "both images have the same number of objects":
        return len(left.objects) == len(right.objects)
    m = re.fullmatch(rf"exactly one image contains an? {SHAPE}", text)
    if m:
        return sum(any(o.shape == m[1] for o in side[s]) for s in side) == 1
    m = re.fullmatch(rf"there are exactly (\d+) {SHAPES_PL} in total", text)
    if m:
        s = singular(m[2])
        return int(m[1]) == sum(o.shape == s for o in left.objects + right.objects)
    raise AssertionError(f"statement not recognised: {text!r}")


def objects_in_caption(text):
    """Multiset of (size, color, shape) a full caption names."""
    found = Counter()
    for part in re.split(r", | and ", text):
        m = re.fullmatch(rf"(an?|two|three|four|five|six) (small|large) {COLOR} (\w+)", part)
        assert m, f"caption part not recognised: {part!r} in {text!r}"
        n = NUMBER_WORDS[m[1]]
        shape = m[4] if n == 1 else singular(m[4])
        assert shape in sw.SHAPES, part
        found[(m[2], m[3], shape)] += n
    return found


# ---- tests ----

def test_vqa_answers_are_true():
    rng = sw.make_rng(5, 1)
    per_type = Counter()
    for i in range(3000):
        scene = sw.sample_scene(rng)
        for qtype in sw.QUESTION_TYPES:
            q = sw.ask(scene, qtype, rng, variants=(i % 2 == 1))
            if q is None:
                continue
            assert q.answer in sw.ANSWERS, q
            assert q.answer == answer_again(scene, q.text), (q, scene)
            per_type[qtype] += 1
    assert all(per_type[t] > 500 for t in sw.QUESTION_TYPES), per_type


def test_answers_are_balanced_where_they_can_be():
    rng = sw.make_rng(5, 2)
    answers = {t: Counter() for t in ("exist", "compare", "count_all")}
    for _ in range(4000):
        scene = sw.sample_scene(rng)
        for t in answers:
            q = sw.ask(scene, t, rng)
            if q:
                answers[t][q.answer] += 1
    yes = answers["exist"]["yes"] / sum(answers["exist"].values())
    assert 0.45 < yes < 0.55, answers["exist"]
    assert answers["compare"]["yes"] > 0.25 * sum(answers["compare"].values()), answers
    assert set(answers["count_all"]) == {"1", "2", "3", "4", "5", "6"}, answers


def test_pair_labels_are_true_and_balanced():
    rng = sw.make_rng(5, 3)
    labels = {k: Counter() for k in sw.STATEMENT_KINDS}
    for i in range(2400):
        kind = sw.STATEMENT_KINDS[i % len(sw.STATEMENT_KINDS)]
        left, right, st = sw.sample_example(rng, kinds=(kind,))
        assert st.kind == kind
        assert st.label == truth_again(left, right, st.text), (st, left, right)
        labels[kind][st.label] += 1
    for kind, c in labels.items():
        assert 0.35 < c[True] / (c[True] + c[False]) < 0.65, (kind, c)


def test_captions_name_every_object():
    rng = sw.make_rng(5, 4)
    for _ in range(2000):
        scene = sw.sample_scene(rng)
        want = Counter((o.size, o.color, o.shape) for o in scene.objects)
        assert objects_in_caption(sw.caption(scene, rng)) == want
        assert objects_in_caption(sw.caption(scene)) == want


def test_captions_with_positions_are_true():
    """Every stated position is the object's own (read back from the text, judged by the
    scene's geometry, independently of the generator's bookkeeping); describes() accepts
    the scene itself and rejects it once a stated object has moved to another ninth."""
    rng = sw.make_rng(5, 5)
    stated = Counter()
    for _ in range(2000):
        scene = sw.sample_scene(rng, layout="free" if rng.random() < 0.5 else "grid")
        text = sw.caption(scene, rng, with_positions=True)
        plain = sw.strip_positions(text)
        assert plain == re.sub(r" (on the left|on the right|at the top|at the bottom|in the "
                               r"middle)", "", text)
        assert objects_in_caption(plain) == Counter((o.size, o.color, o.shape)
                                                    for o in scene.objects), text
        for part in re.split(r", | and ", text):
            m = re.fullmatch(rf"an? (small|large) {COLOR} (\w+) (?:on the|at the|in the) "
                             r"(left|right|top|bottom|middle)", part)
            if not m:
                continue
            (obj,) = [o for o in scene.objects if (o.size, o.color, o.shape) == m.groups()[:3]]
            col, row = int(obj.cx * 3), int(obj.cy * 3)
            named = {(1, 0): "left", (1, 2): "right", (0, 1): "top", (2, 1): "bottom",
                     (1, 1): "middle"}
            assert named.get((row, col)) == m[4], (text, obj)
            stated[m[4]] += 1
        assert sw.describes(scene, scene, with_positions=True)
        places = placed_groups(scene)
        for o in scene.objects:
            if places.get((o.size, o.color, o.shape)) in ("left", "right", "top", "bottom"):
                moved = replace(scene, objects=[replace(x, cx=1 - x.cx, cy=1 - x.cy)
                                                if x is o else x for x in scene.objects])
                assert not sw.describes(scene, moved, with_positions=True), text
                assert sw.describes(scene, moved), "plain captions ignore positions"
                break
    assert set(stated) == {"left", "right", "top", "bottom", "middle"}, stated


def test_scene_distribution():
    rng = sw.make_rng(5, 5)
    counts = Counter()
    assert SIDE_RANGE["large"][0] >= 1.8 * SIDE_RANGE["small"][1]
    for _ in range(3000):
        scene = sw.sample_scene(rng)
        objs = scene.objects
        counts[len(objs)] += 1
        for o in objs:
            lo, hi = SIDE_RANGE[o.size]
            assert lo <= o.side <= hi
            assert o.side / 2 <= o.cx <= 1 - o.side / 2 and o.side / 2 <= o.cy <= 1 - o.side / 2
        for i, a in enumerate(objs):
            for b in objs[i + 1:]:
                reach = (a.side + b.side) / 2
                assert abs(a.cx - b.cx) >= reach or abs(a.cy - b.cy) >= reach, "overlap"
        for rgb in (scene.background.rgb_a, scene.background.rgb_b):
            assert colorsys.rgb_to_hsv(*[c / 255 for c in rgb])[1] <= 0.15
    assert set(counts) == {1, 2, 3, 4, 5, 6}
    assert min(counts.values()) > 350, counts


def test_grid_layout_aligns_objects_with_patches():
    from shapeworld.scene import GRID_CELLS, GRID_JITTER
    rng = sw.make_rng(5, 8)
    off_grid = 0
    for _ in range(500):
        for o in sw.sample_scene(rng).objects:
            for v in (o.cx, o.cy):
                # small: cell centres (k + 0.5) / G; large: corners k / G (clamped inside
                # the border by at most a pixel at 96 px).
                g = v * GRID_CELLS - (0.5 if o.size == "small" else 0.0)
                assert abs(g - round(g)) / GRID_CELLS <= GRID_JITTER + 0.012, (o, v)
        for o in sw.sample_scene(rng, layout="free").objects:
            g = o.cx * GRID_CELLS - (0.5 if o.size == "small" else 0.0)
            off_grid += abs(g - round(g)) / GRID_CELLS > GRID_JITTER + 0.012
    assert off_grid > 500, "free layout stays on the grid"


def test_pixels_show_the_objects():
    rng = sw.make_rng(5, 6)
    for _ in range(200):
        scene = sw.sample_scene(rng)
        pixels = sw.render(scene, 96).astype(int)
        assert pixels.shape == (96, 96, 3)
        for o in scene.objects:
            y, x = int(o.cy * 96), int(o.cx * 96)
            got = pixels[y, x]
            assert np.abs(got - np.array(o.rgb)).max() <= 45, (o, got)
        # The object colours are saturated, the background is not.
        hsv = [colorsys.rgb_to_hsv(*(c / 255 for c in o.rgb)) for o in scene.objects]
        assert min(h[1] for h in hsv) > 0.5


def test_same_seed_same_data():
    def draw(seed):
        rng = sw.make_rng(seed, 7)
        out = []
        for _ in range(20):
            scene = sw.sample_scene(rng)
            out.append((scene.objects, sw.sample_question(scene, rng, variants=True),
                        sw.caption(scene, rng), sw.render(scene, 64).tobytes()))
        left, right, st = sw.sample_example(rng)
        out.append((left.objects, right.objects, st))
        return out

    assert draw(11) == draw(11)
    assert draw(11) != draw(12)


def test_eval_sets_are_written_and_reproducible():
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_eval.py")
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for name in ("a", "b"):
            out = os.path.join(tmp, name)
            subprocess.run([sys.executable, script, "--seed", "3", "--out", out, "--size", "48",
                            "--vqa", "27", "--nlvr2", "16", "--retrieval", "40"],
                           check=True, capture_output=True)
            outs.append(out)
        for task in ("vqa", "nlvr2", "retrieval"):
            texts = [open(os.path.join(o, task, f"{task}.jsonl")).read() for o in outs]
            assert texts[0] == texts[1], task
            lines = [json.loads(line) for line in texts[0].splitlines()]
            for line in lines:
                for key in ("image", "left", "right"):
                    if key in line:
                        assert os.path.exists(os.path.join(outs[0], task, line[key])), line
            if task == "vqa":
                assert len(lines) == 27
                assert Counter(line["type"] for line in lines) == \
                    Counter({t: 3 for t in sw.QUESTION_TYPES})
            if task == "retrieval":
                assert len({frozenset(objects_in_caption(line["caption"]).items())
                            for line in lines}) == 40


def main():
    tests = [(name, fn) for name, fn in globals().items() if name.startswith("test_")]
    failed = []
    for name, fn in tests:
        try:
            fn()
        except Exception as e:  # report every failure, not only the first
            failed.append(name)
            print(f"FAIL {name}: {type(e).__name__}: {e}"[:2000])
    print(f"test_shapeworld: {len(tests) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
