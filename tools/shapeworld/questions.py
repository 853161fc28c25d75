"""VQA questions about one scene, with answers computed from the scene.

Every answer is derived from the objects; a question is only asked when it has exactly
one right answer (e.g. "what color is the star?" needs exactly one star).  The
canonical phrasings are DESIGN.md's templates; `variants=True` mixes in paraphrases so
the bundled model copes with the way people type.
"""

from collections import Counter
from dataclasses import dataclass

from .scene import COLOR_NAMES, POSITION_MARGIN, POSITIONS, SHAPES, SIZES, position_of

QUESTION_TYPES = ("color", "shape", "count_shape", "count_color", "count_all", "exist",
                  "size", "position", "compare")
# The answer list of the VQA head, in label order.
ANSWERS = (COLOR_NAMES + SHAPES + SIZES + POSITIONS + ("yes", "no")
           + tuple(str(n) for n in range(7)))


@dataclass(frozen=True)
class Question:
    text: str
    answer: str
    qtype: str


def plural(shape):
    return shape + ("es" if shape.endswith("s") else "s")


def article(word):
    return "an" if word[0] in "aeiou" else "a"


# Paraphrases per type; the first is DESIGN.md's template.  Placeholders: {shape},
# {shapes} (plural), {color}, {a} (article before the colour), and for comparisons
# {color1} {shape1} {color2} {shape2}.
TEMPLATES = {
    "color": ("what color is the {shape}?", "what colour is the {shape}?",
              "which color is the {shape}?", "what is the color of the {shape}?"),
    "shape": ("what shape is the {color} object?", "what shape is the {color} thing?",
              "what is the shape of the {color} object?"),
    "count_shape": ("how many {shapes} are there?", "how many {shapes} are in the image?",
                    "what is the number of {shapes}?"),
    "count_color": ("how many {color} objects are there?", "how many {color} things are there?",
                    "how many {color} shapes are in the picture?"),
    "count_all": ("how many objects are there?", "how many shapes are there?",
                  "how many things are in the image?"),
    "exist": ("is there {a} {color} {shape}?", "are there any {color} {shapes}?",
              "does the image contain {a} {color} {shape}?"),
    "size": ("what size is the {color} {shape}?", "how big is the {color} {shape}?",
             "is the {color} {shape} small or large?"),
    "position": ("where is the {color} {shape}?", "where is the {color} {shape} located?",
                 "in which part of the image is the {color} {shape}?"),
    "compare": ("is the {color1} {shape1} bigger than the {color2} {shape2}?",
                "is the {color1} {shape1} larger than the {color2} {shape2}?"),
}


def _phrase(qtype, rng, variants, **slots):
    options = TEMPLATES[qtype]
    template = options[rng.integers(len(options))] if variants and rng.random() < 0.3 \
        else options[0]
    if "color" in slots:
        slots["a"] = article(slots["color"])
    if "shape" in slots:
        slots["shapes"] = plural(slots["shape"])
    return template.format(**slots)


def _unique_objects(scene):
    """Objects that "the {color} {shape}" names unambiguously."""
    counts = Counter((o.color, o.shape) for o in scene.objects)
    return [o for o in scene.objects if counts[(o.color, o.shape)] == 1]


def _pick(rng, items):
    return items[rng.integers(len(items))]


def ask(scene, qtype, rng, variants=False):
    """One question of this type about the scene, or None when none can be asked."""
    objs = scene.objects
    shape_counts = Counter(o.shape for o in objs)
    color_counts = Counter(o.color for o in objs)

    if qtype == "color":
        lone = [o for o in objs if shape_counts[o.shape] == 1]
        if not lone:
            return None
        o = _pick(rng, lone)
        return Question(_phrase(qtype, rng, variants, shape=o.shape), o.color, qtype)

    if qtype == "shape":
        lone = [o for o in objs if color_counts[o.color] == 1]
        if not lone:
            return None
        o = _pick(rng, lone)
        return Question(_phrase(qtype, rng, variants, color=o.color), o.shape, qtype)

    if qtype == "count_shape":
        # Mostly shapes that are there, so the answers are not nearly all "0".
        shape = _pick(rng, sorted(shape_counts)) if rng.random() < 0.8 else _pick(rng, SHAPES)
        return Question(_phrase(qtype, rng, variants, shape=shape),
                        str(shape_counts[shape]), qtype)

    if qtype == "count_color":
        color = _pick(rng, sorted(color_counts)) if rng.random() < 0.8 else \
            _pick(rng, COLOR_NAMES)
        return Question(_phrase(qtype, rng, variants, color=color),
                        str(color_counts[color]), qtype)

    if qtype == "count_all":
        return Question(_phrase(qtype, rng, variants), str(len(objs)), qtype)

    if qtype == "exist":
        present = {(o.color, o.shape) for o in objs}
        if rng.random() < 0.5:
            color, shape = _pick(rng, sorted(present))
        else:
            absent = [(c, s) for c in COLOR_NAMES for s in SHAPES if (c, s) not in present]
            # Near misses (the colour or the shape is there, not both) teach binding.
            near = [(c, s) for c, s in absent if c in color_counts or s in shape_counts]
            color, shape = _pick(rng, near if near and rng.random() < 0.8 else absent)
        answer = "yes" if (color, shape) in present else "no"
        return Question(_phrase(qtype, rng, variants, color=color, shape=shape), answer, qtype)

    if qtype == "size":
        unique = _unique_objects(scene)
        if not unique:
            return None
        o = _pick(rng, unique)
        return Question(_phrase(qtype, rng, variants, color=o.color, shape=o.shape), o.size,
                        qtype)

    if qtype == "position":
        placed = [o for o in _unique_objects(scene) if position_of(o, POSITION_MARGIN)]
        if not placed:
            return None
        o = _pick(rng, placed)
        return Question(_phrase(qtype, rng, variants, color=o.color, shape=o.shape),
                        position_of(o, POSITION_MARGIN), qtype)

    if qtype == "compare":
        unique = _unique_objects(scene)
        if len(unique) < 2:
            return None
        pairs = [(a, b) for a in unique for b in unique if a is not b]
        bigger = [(a, b) for a, b in pairs if a.size == "large" and b.size == "small"]
        # Half "yes" when the scene allows it; "no" covers equal sizes and reversals.
        a, b = _pick(rng, bigger) if bigger and rng.random() < 0.5 else _pick(rng, pairs)
        text = _phrase(qtype, rng, variants, color1=a.color, shape1=a.shape,
                       color2=b.color, shape2=b.shape)
        answer = "yes" if (a.size == "large" and b.size == "small") else "no"
        return Question(text, answer, qtype)

    raise ValueError(f"unknown question type {qtype!r}")


def sample_question(scene, rng, types=QUESTION_TYPES, variants=False):
    """A question of a type drawn uniformly among those the scene allows."""
    order = rng.permutation(len(types))
    for i in order:
        q = ask(scene, types[i], rng, variants)
        if q is not None:
            return q
    return None
