"""Captions: descriptions naming a scene's objects, e.g.
"two small blue squares and a large red circle".

A full caption names every object with its size, colour and shape, grouping identical
ones with a number word, so it is true of the scene and of no scene with other objects.
With positions (training only: the evaluation formats keep plain captions), each object
alone of its kind whose centre is clearly in one of the five named ninths also gets
where it is: "a large red circle on the left and two small blue squares".
"""

from collections import Counter

from .questions import article, plural
from .scene import POSITION_MARGIN, position_of

PLACE_PHRASES = {"left": "on the left", "right": "on the right", "top": "at the top",
                 "bottom": "at the bottom", "middle": "in the middle"}

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six")


def _group_phrase(count, size, color, shape):
    words = [w for w in (size, color) if w]
    if count == 1:
        return " ".join([article(words[0] if words else shape)] + words + [shape])
    return " ".join([NUMBER_WORDS[count]] + words + [plural(shape)])


def _join(phrases):
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def placed_groups(scene):
    """{(size, color, shape): position} for the objects alone of their kind whose
    centre is clearly (by POSITION_MARGIN) in a named ninth: what a caption with
    positions says about where things are."""
    groups = Counter((o.size, o.color, o.shape) for o in scene.objects)
    return {(o.size, o.color, o.shape): position_of(o, POSITION_MARGIN)
            for o in scene.objects
            if groups[(o.size, o.color, o.shape)] == 1 and position_of(o, POSITION_MARGIN)}


def caption(scene, rng=None, with_size=True, with_positions=False):
    """The full description of the scene.

    rng: shuffles the order of the groups (None keeps a canonical order: large before
    small, then by colour and shape name).  with_size=False leaves sizes out, which is a
    partial description (still true, but true of more scenes).  with_positions adds
    where each object of placed_groups is (only to captions with sizes, whose groups
    are the ones placed_groups names).
    """
    groups = Counter((o.size if with_size else "", o.color, o.shape) for o in scene.objects)
    keys = sorted(groups, key=lambda k: (k[0] != "large", k[1], k[2]))
    if rng is not None:
        keys = [keys[i] for i in rng.permutation(len(keys))]
    places = placed_groups(scene) if with_positions and with_size else {}
    return _join([_group_phrase(groups[k], *k) + (" " + PLACE_PHRASES[places[k]] if k in places
                                                  else "") for k in keys])


def strip_positions(text):
    """The plain caption a caption with positions was made from."""
    for phrase in PLACE_PHRASES.values():
        text = text.replace(" " + phrase, "")
    return text


def describes(scene, other, with_positions=False):
    """Whether the full caption of `scene` (with positions, if asked) is true of `other`:
    the same objects, and every stated position holds there (by the centre's ninth)."""
    if caption(scene) != caption(other):
        return False
    if not with_positions:
        return True
    where = {(o.size, o.color, o.shape): position_of(o) for o in other.objects}
    return all(where[k] == pos for k, pos in placed_groups(scene).items())
