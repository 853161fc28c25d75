"""NLVR2-style pairs: two scenes and a statement that is true or false of them.

Each statement kind enumerates its possible slot fillings, computes the truth of every
one from the two scenes, and picks a filling with the wanted label; the label is
therefore always computed, never assumed.  Right scenes often reuse left objects'
colour and shape, so "both images contain ..." can be true.
"""

from collections import Counter
from dataclasses import dataclass

from .questions import article, plural
from .scene import COLOR_NAMES, MAX_OBJECTS, SHAPES, sample_scene

STATEMENT_KINDS = ("more_shape", "more_objects", "both_contain", "total_objects",
                   "no_color", "same_count", "one_contains", "total_shape")
_OTHER = {"left": "right", "right": "left"}


@dataclass(frozen=True)
class Statement:
    text: str
    label: bool
    kind: str


def sample_pair(rng, min_objects=1, max_objects=MAX_OBJECTS, layout="grid"):
    left = sample_scene(rng, min_objects, max_objects, layout=layout)
    borrowed = []
    if rng.random() < 0.6:
        k = int(rng.integers(1, min(len(left.objects), max_objects) + 1))
        for i in rng.permutation(len(left.objects))[:k]:
            o = left.objects[i]
            borrowed.append((o.shape, o.color, None if rng.random() < 0.5 else o.size))
    right = sample_scene(rng, max(min_objects, len(borrowed)), max_objects, specs=borrowed,
                         layout=layout)
    if rng.random() < 0.5:
        left, right = right, left
    return left, right


def _candidates(kind, left, right):
    """(text, truth) for every filling of this kind worth asking about."""
    by = {"left": left.objects, "right": right.objects}
    shapes = {s: Counter(o.shape for o in by[s]) for s in by}
    colors = {s: Counter(o.color for o in by[s]) for s in by}
    combos = {s: {(o.color, o.shape) for o in by[s]} for s in by}
    seen_shapes = sorted(set(shapes["left"]) | set(shapes["right"]))
    seen_colors = sorted(set(colors["left"]) | set(colors["right"]))
    total = len(left.objects) + len(right.objects)
    out = []
    if kind == "more_shape":
        for side in ("left", "right"):
            for shape in seen_shapes:
                out.append((f"the {side} image has more {plural(shape)} than the "
                            f"{_OTHER[side]} image",
                            shapes[side][shape] > shapes[_OTHER[side]][shape]))
    elif kind == "more_objects":
        for side in ("left", "right"):
            out.append((f"the {side} image has more objects than the {_OTHER[side]} image",
                        len(by[side]) > len(by[_OTHER[side]])))
    elif kind == "both_contain":
        for color, shape in sorted(combos["left"] | combos["right"]):
            out.append((f"both images contain {article(color)} {color} {shape}",
                        (color, shape) in combos["left"] and (color, shape) in combos["right"]))
    elif kind == "total_objects":
        for n in range(max(2, total - 2), min(2 * MAX_OBJECTS, total + 2) + 1):
            out.append((f"there are exactly {n} objects in total", n == total))
    elif kind == "no_color":
        for side in ("left", "right"):
            for color in seen_colors:
                out.append((f"the {side} image contains no {color} objects",
                            colors[side][color] == 0))
    elif kind == "same_count":
        out.append(("both images have the same number of objects",
                    len(left.objects) == len(right.objects)))
    elif kind == "one_contains":
        for shape in seen_shapes:
            out.append((f"exactly one image contains {article(shape)} {shape}",
                        (shapes["left"][shape] > 0) != (shapes["right"][shape] > 0)))
    elif kind == "total_shape":
        for shape in seen_shapes:
            n_true = shapes["left"][shape] + shapes["right"][shape]
            for n in range(max(0, n_true - 2), n_true + 3):
                out.append((f"there are exactly {n} {plural(shape)} in total", n == n_true))
    else:
        raise ValueError(f"unknown statement kind {kind!r}")
    return out


def make_statement(left, right, kind, rng, want):
    """A statement of this kind, with label `want` when some filling has it."""
    cands = _candidates(kind, left, right)
    matching = [c for c in cands if c[1] == want]
    text, truth = (matching or cands)[rng.integers(len(matching or cands))]
    return Statement(text, bool(truth), kind)


def sample_statement(left, right, rng, kinds=STATEMENT_KINDS):
    kind = kinds[rng.integers(len(kinds))]
    return make_statement(left, right, kind, rng, want=bool(rng.random() < 0.5))


def sample_example(rng, min_objects=1, max_objects=MAX_OBJECTS, kinds=STATEMENT_KINDS,
                   layout="grid"):
    """(left, right, statement) with the label drawn 50/50 where the pair allows it.

    Pairs that cannot give the wanted label for the drawn kind are redrawn a few times,
    so labels stay balanced per kind.
    """
    kind = kinds[rng.integers(len(kinds))]
    want = bool(rng.random() < 0.5)
    for _ in range(8):
        left, right = sample_pair(rng, min_objects, max_objects, layout)
        st = make_statement(left, right, kind, rng, want)
        if st.label == want:
            break
    return left, right, st
