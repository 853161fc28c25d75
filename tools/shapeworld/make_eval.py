#!/usr/bin/python3
"""Write ShapeWorld evaluation sets in the `glance-cli eval` JSONL formats.

    /usr/bin/python3 tools/shapeworld/make_eval.py --seed 777 --out DIR

writes DIR/vqa/vqa.jsonl, DIR/nlvr2/nlvr2.jsonl and DIR/retrieval/retrieval.jsonl with
the PNG images beside each file (paths in the JSONL are relative to its folder).  Lines
carry a "type" key (question type or statement kind) for per-type tables; glance-cli
ignores it.  Question types and statement kinds take turns, so every type has about
n / 9 (VQA) or n / 8 (NLVR2) examples.  Retrieval captions are all different: a set
where two images share a caption has no single right answer.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import shapeworld as sw  # noqa: E402

# Streams of one seed, so the three sets are independent of each other's sizes.  Seeds
# are tuples of ints: the trainer's validation sets use (training seed, 9).
VQA_STREAM, NLVR2_STREAM, RETRIEVAL_STREAM = 101, 102, 103


def vqa_items(seed, n, layout="grid"):
    """n (scene, question), question types taking turns."""
    rng = sw.make_rng(*seed, VQA_STREAM)
    for i in range(n):
        qtype = sw.QUESTION_TYPES[i % len(sw.QUESTION_TYPES)]
        question = None
        while question is None:
            scene = sw.sample_scene(rng, layout=layout)
            question = sw.ask(scene, qtype, rng)
        yield scene, question


def nlvr2_items(seed, n, layout="grid"):
    """n (left, right, statement), statement kinds taking turns."""
    rng = sw.make_rng(*seed, NLVR2_STREAM)
    for i in range(n):
        yield sw.sample_example(rng, kinds=(sw.STATEMENT_KINDS[i % len(sw.STATEMENT_KINDS)],),
                                layout=layout)


def retrieval_items(seed, n, layout="grid"):
    """n (scene, caption) whose captions all name different objects."""
    rng = sw.make_rng(*seed, RETRIEVAL_STREAM)
    seen = set()
    while len(seen) < n:
        scene = sw.sample_scene(rng, layout=layout)
        text = sw.caption(scene, rng)
        key = sw.caption(scene)  # order-free, so reorderings count as the same caption
        if key not in seen:
            seen.add(key)
            yield scene, text


def write_vqa(out_dir, seed, n, size, layout="grid"):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "vqa.jsonl"), "w") as f:
        for i, (scene, question) in enumerate(vqa_items(seed, n, layout)):
            name = f"q{i:05d}.png"
            sw.save_png(sw.render(scene, size), os.path.join(out_dir, name))
            f.write(json.dumps({"image": name, "question": question.text,
                                "answers": [question.answer], "type": question.qtype}) + "\n")


def write_nlvr2(out_dir, seed, n, size, layout="grid"):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "nlvr2.jsonl"), "w") as f:
        for i, (left, right, st) in enumerate(nlvr2_items(seed, n, layout)):
            names = (f"p{i:05d}-left.png", f"p{i:05d}-right.png")
            for scene, name in zip((left, right), names):
                sw.save_png(sw.render(scene, size), os.path.join(out_dir, name))
            f.write(json.dumps({"left": names[0], "right": names[1], "statement": st.text,
                                "label": st.label, "type": st.kind}) + "\n")


def write_retrieval(out_dir, seed, n, size, layout="grid"):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "retrieval.jsonl"), "w") as f:
        for i, (scene, text) in enumerate(retrieval_items(seed, n, layout)):
            name = f"r{i:05d}.png"
            sw.save_png(sw.render(scene, size), os.path.join(out_dir, name))
            f.write(json.dumps({"image": name, "caption": text,
                                "type": f"{len(scene.objects)}-objects"}) + "\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, required=True,
                   help="held-out seed (the trainer never uses it)")
    p.add_argument("--out", required=True, help="folder to write vqa/ nlvr2/ retrieval/ into")
    p.add_argument("--size", type=int, default=96, help="image side in pixels")
    p.add_argument("--vqa", type=int, default=2700, help="questions (one image each)")
    p.add_argument("--nlvr2", type=int, default=1000, help="pairs")
    p.add_argument("--retrieval", type=int, default=1000, help="images, one caption each")
    p.add_argument("--layout", choices=sw.scene.LAYOUTS, default="grid",
                   help="object placement (free: anywhere, to measure robustness)")
    args = p.parse_args(argv)
    seed = (args.seed,)
    if args.vqa:
        write_vqa(os.path.join(args.out, "vqa"), seed, args.vqa, args.size, args.layout)
    if args.nlvr2:
        write_nlvr2(os.path.join(args.out, "nlvr2"), seed, args.nlvr2, args.size, args.layout)
    if args.retrieval:
        write_retrieval(os.path.join(args.out, "retrieval"), seed, args.retrieval, args.size,
                        args.layout)
    print(f"wrote {args.vqa} questions, {args.nlvr2} pairs, {args.retrieval} retrieval "
          f"images to {args.out}")


if __name__ == "__main__":
    main()
