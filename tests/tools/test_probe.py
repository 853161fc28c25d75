#!/usr/bin/python3
"""tools/train/probe_position.py measures position, not something else: on the bundled
model with pos_embed removed (the encoder then cannot know where a patch is) it scores
near the majority class, and with pos_embed amplified it reads the thirds well."""

import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))

import probe_position as pp  # noqa: E402
import vlmo  # noqa: E402

torch.manual_seed(0)
torch.set_num_threads(1)
failures = 0


def check(cond, what):
    global failures
    print(("ok " if cond else "FAIL ") + what)
    failures += not cond


def layer0(scale):
    model = vlmo.load_glance(pp.BUNDLED)[0].eval()
    with torch.no_grad():
        model.transformer.pos_embed.mul_(scale)
    results, baseline = pp.probe(model, "grid", 300)
    print(f"pos_embed x{scale}: layer 0 {results[0][1:]}, majority {baseline}")
    return results[0][1:], baseline


(ax, ay), (bx, by) = layer0(0)
check(ax < bx + 0.12 and ay < by + 0.12, "no pos_embed: near the majority class")
(ax, ay), _ = layer0(30)
check(ax > 0.75 and ay > 0.75, "amplified pos_embed: thirds read from layer 0")
print(f"test_probe: {2 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
