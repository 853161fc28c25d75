"""Captions: descriptions naming a scene's objects, e.g.
"two small blue squares and a large red circle".

A full caption names every object with its size, colour and shape, grouping identical
ones with a number word, so it is true of the scene and of no scene with other objects.
"""

from collections import Counter

from .questions import article, plural

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


def caption(scene, rng=None, with_size=True):
    """The full description of the scene.

    rng: shuffles the order of the groups (None keeps a canonical order: large before
    small, then by colour and shape name).  with_size=False leaves sizes out, which is a
    partial description (still true, but true of more scenes).
    """
    groups = Counter((o.size if with_size else "", o.color, o.shape) for o in scene.objects)
    keys = sorted(groups, key=lambda k: (k[0] != "large", k[1], k[2]))
    if rng is not None:
        keys = [keys[i] for i in rng.permutation(len(keys))]
    return _join([_group_phrase(groups[k], *k) for k in keys])
