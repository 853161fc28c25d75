#!/usr/bin/python3
"""Write the sample scenes and pairs the app offers a new user (data/samples/).

    /usr/bin/python3 tools/shapeworld/make_samples.py --out data/samples

Objects are placed anywhere (DESIGN.md's "free" layout, what a user's drawing or any other
generator produces; --layout grid puts them on the bundled model's 12-px patch grid).
Images are drawn at 288 px (the bundled model sees them resized to its own size, as
any photo) from a fixed seed.  samples.json lists, per scene, suggested questions with
their true answers and a caption, and per pair, statements with their true labels; all
computed from the scenes like every ShapeWorld label.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import shapeworld as sw  # noqa: E402

SEED = 424242  # never used for training or evaluation
SIZE = 288


def pick_scene(rng, n_objects, layout):
    """A scene with n objects that supports at least six kinds of question."""
    while True:
        scene = sw.sample_scene(rng, n_objects, n_objects, layout=layout)
        asked = [sw.ask(scene, t, rng) for t in sw.QUESTION_TYPES]
        asked = [q for q in asked if q is not None]
        if len({q.qtype for q in asked}) >= 6:
            return scene, asked


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default="data/samples")
    p.add_argument("--scenes", type=int, default=8)
    p.add_argument("--pairs", type=int, default=4)
    p.add_argument("--layout", choices=sw.scene.LAYOUTS, default="free")
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    rng = sw.make_rng(SEED)
    listing = {"version": 1, "image_size": SIZE, "scenes": [], "pairs": []}
    for i in range(args.scenes):
        scene, asked = pick_scene(rng, 2 + i % 4, args.layout)
        name = f"scene-{i + 1}.png"
        sw.save_png(sw.render(scene, SIZE), os.path.join(args.out, name))
        # Four questions of different kinds.
        order = [asked[k] for k in rng.permutation(len(asked))[:4]]
        listing["scenes"].append({
            "image": name, "caption": sw.caption(scene),
            "questions": [{"question": q.text, "answer": q.answer, "type": q.qtype}
                          for q in order]})
    for i in range(args.pairs):
        left, right = sw.sample_pair(rng, 1, 4, layout=args.layout)
        names = (f"pair-{i + 1}-left.png", f"pair-{i + 1}-right.png")
        for scene, name in zip((left, right), names):
            sw.save_png(sw.render(scene, SIZE), os.path.join(args.out, name))
        statements = []
        for k, kind in enumerate(rng.permutation(len(sw.STATEMENT_KINDS))[:3]):
            st = sw.pairs.make_statement(left, right, sw.STATEMENT_KINDS[kind], rng,
                                         want=(k % 2 == 0))
            statements.append({"statement": st.text, "label": st.label, "type": st.kind})
        listing["pairs"].append({"left": names[0], "right": names[1], "statements": statements})
    with open(os.path.join(args.out, "samples.json"), "w") as f:
        json.dump(listing, f, indent=1)
        f.write("\n")
    print(f"wrote {args.scenes} scenes and {args.pairs} pairs to {args.out}")


if __name__ == "__main__":
    main()
