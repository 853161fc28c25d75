#!/usr/bin/python3
"""Writes a small random VLMo checkpoint (official state-dict names, every head) whose
attention runs in 4 head groups once imported as q8 or bf16 (engine/forward.c,
qkv_head_groups): dim 128 and 4 heads (groups of 32 columns, whole panels), and a
32-pixel image of 4-pixel patches that fits in xn. The golden checkpoint (dim 96) and
the bundled model (image larger than xn) run in 2 groups.

    /usr/bin/python3 tests/engine/make-grouped-vqa.py OUT.pt
"""
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from vlmo import VLMo, VLMoConfig  # noqa: E402


def main():
    torch.manual_seed(14)
    config = VLMoConfig(dim=128, depth=2, heads=4, mlp_hidden=256, vlffn_start=1, image_size=32, patch_size=4,
                        max_text_len=40, vocab_size=30522, num_answers=3129)
    model = VLMo(config)
    torch.save({"state_dict": model.state_dict(), "epoch": 1, "global_step": 1}, sys.argv[1])


if __name__ == "__main__":
    main()
