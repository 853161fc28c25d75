"""VLMo (Mixture-of-Modality-Experts) in PyTorch, for training and as the
numerical reference of the C engine.

The module's state_dict uses exactly the names and shapes of the official code
(microsoft/unilm, vlmo/), so official checkpoints load into it and checkpoints
it saves look official. The whole official family is one VLMoConfig:
relative position bias with layer scale (base, large) or absolute position
embeddings without either (base-plus); any depth, width, vlffn_start, image and
patch size, max_text_len, and any subset of the task heads.

Inputs are token ids and normalised pixels ((x/255 - 0.5)/0.5, shape
(B, 3, S, S)). Text may be padded (pass `text_mask`, 1 = real token) or given
at its real length with no mask; real positions get the same outputs either
way, which is how the C engine runs (it never computes padding).

Entry points:
    VLMo(config) / VLMo.from_checkpoint(path_or_dict, **overrides)
    model.fusion(ids, pixels, text_mask, image_token_type) -> dict
    model.encode_text(ids, text_mask, vl) / model.encode_image(pixels, vl)
    model.vqa_logits / itm_logits / nlvr2 / nlvr2_logits / itc_logits / mlm_logits
    export_glance(model, path, vocab, answers, name, dtype) / load_glance(path)
"""
import dataclasses
import json
import math
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_io import read_safetensors, write_safetensors

ALL_HEADS = ("pooler", "itm", "itc", "itc_vl", "mlm", "vqa", "nlvr2")


@dataclasses.dataclass
class VLMoConfig:
    dim: int = 768                 # embed_dim
    depth: int = 12                # number of blocks
    heads: int = 12                # attention heads
    mlp_hidden: int = 3072         # FFN hidden width (mlp_ratio 4)
    vlffn_start: int = 10          # first block with mlp_vl / norm2_vl; == depth: none
    patch_size: int = 16
    image_size: int = 224          # square input side
    max_text_len: int = 40         # tokens including [CLS] and [SEP]
    vocab_size: int = 30522
    rel_pos: bool = True           # relative_position_bias_table (base, large)
    rel_pos_text_len: int = 196    # max_text_len_of_initckpt: text half-width of the table
    abs_pos: bool = False          # transformer.pos_embed + text position embeddings (base-plus)
    layer_scale: bool = True       # gamma_1 / gamma_2
    layer_scale_init: float = 0.1
    norm_eps: float = 1e-6         # transformer LayerNorms
    text_eps: float = 1e-12        # BertEmbeddings and MLM-transform LayerNorms
    head_eps: float = 1e-5         # LayerNorms inside the VQA / NLVR2 classifiers
    num_answers: int = 3129        # VQA classes; 0 without a VQA head
    heads_present: Tuple[str, ...] = ALL_HEADS
    token_types: Optional[int] = None  # rows of token_type_embeddings; default 3 with NLVR2
    drop_path_rate: float = 0.0    # stochastic depth, training only

    def __post_init__(self):
        self.heads_present = tuple(h for h in ALL_HEADS if h in self.heads_present)
        if "pooler" not in self.heads_present:
            # The official model always builds the pooler; every fusion head needs it.
            self.heads_present = ("pooler",) + self.heads_present
        if "vqa" not in self.heads_present:
            self.num_answers = 0
        elif self.num_answers <= 0:
            raise ValueError("a VQA head needs num_answers > 0")
        if self.token_types is None:
            self.token_types = 3 if "nlvr2" in self.heads_present else 2
        if self.dim % self.heads:
            raise ValueError(f"dim {self.dim} is not a multiple of heads {self.heads}")
        if self.image_size % self.patch_size:
            raise ValueError("image_size must be a multiple of patch_size")
        if not 0 <= self.vlffn_start <= self.depth:
            raise ValueError("vlffn_start must be in 0..depth")
        # Text offsets reach -(max_text_len - 2); beyond rel_pos_text_len they
        # would index the image rows of the table.
        if self.rel_pos and self.max_text_len > self.rel_pos_text_len:
            raise ValueError("max_text_len exceeds the text range of the relative position table")

    @property
    def grid(self):
        return self.image_size // self.patch_size

    @property
    def num_patches(self):
        return self.grid * self.grid

    def has(self, head):
        return head in self.heads_present

    # ---- official presets (multiway_transformer.py model functions) ----
    @classmethod
    def base(cls, **kw):
        return cls(**{**dict(dim=768, depth=12, heads=12, mlp_hidden=3072, vlffn_start=10), **kw})

    @classmethod
    def large(cls, **kw):
        return cls(**{**dict(dim=1024, depth=24, heads=16, mlp_hidden=4096, vlffn_start=21), **kw})

    @classmethod
    def base_plus(cls, **kw):
        return cls(**{**dict(dim=544, depth=24, heads=16, mlp_hidden=2176, vlffn_start=21,
                             rel_pos=False, abs_pos=True, layer_scale=False), **kw})

    # ---- glance.config metadata (docs/model-format.md) ----
    def to_glance_config(self):
        return {
            "dim": self.dim, "depth": self.depth, "heads": self.heads,
            "mlp_hidden": self.mlp_hidden, "vlffn_start": self.vlffn_start,
            "patch_size": self.patch_size, "image_size": self.image_size,
            "max_text_len": self.max_text_len, "vocab_size": self.vocab_size,
            "rel_pos": self.rel_pos, "rel_pos_text_len": self.rel_pos_text_len,
            "abs_pos": self.abs_pos, "layer_scale": self.layer_scale,
            "token_types": self.token_types, "norm_eps": self.norm_eps,
            "text_eps": self.text_eps, "head_eps": self.head_eps,
            "num_answers": self.num_answers, "heads_present": list(self.heads_present),
        }

    @classmethod
    def from_glance_config(cls, cfg):
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in cfg.items() if k in names}
        kw["heads_present"] = tuple(cfg.get("heads_present", ALL_HEADS))
        return cls(**kw)


# --------------------------------------------------------------------------
# Checkpoints: wrappers and architecture inference
# --------------------------------------------------------------------------

# Official model_arch names -> attention heads, for checkpoints whose shapes
# do not reveal the head count (no relative position table).
_ARCH_HEADS = {"vlmo_base_patch16": 12, "vlmo_large_patch16": 16, "vlmo_base_plus_patch16": 16}


def unwrap_checkpoint(ckpt):
    """Returns (state_dict, hparams config or {}) from any official wrapping:
    a plain state dict, Lightning {"state_dict"}, {"model"} or DeepSpeed
    {"module"} with "module." prefixes (the same order the official loader tries)."""
    hparams = {}
    if isinstance(ckpt, dict):
        hparams = (ckpt.get("hyper_parameters") or {}).get("config") or {}
    state = ckpt
    for key in ("state_dict", "module", "model"):
        if isinstance(ckpt, dict) and key in ckpt:
            state = ckpt[key]
            break
    state = {(k[len("module."):] if k.startswith("module.") else k): v for k, v in state.items()}
    return state, hparams


def infer_config(state, hparams=None, **overrides):
    """Builds a VLMoConfig from tensor shapes; `overrides` (heads, image_size,
    max_text_len, ...) win. The head count comes from the relative position
    table, else hparams, else must be given."""
    hparams = hparams or {}
    arch = hparams.get("arch") or {}
    shape = {k: tuple(v.shape) for k, v in state.items()}
    dim = shape["transformer.cls_token"][-1]
    depth = 1 + max(int(k.split(".")[2]) for k in shape if k.startswith("transformer.blocks."))
    patch = shape["transformer.patch_embed.proj.weight"][-1]
    rel_pos = "relative_position_bias_table" in shape
    abs_pos = "transformer.pos_embed" in shape
    rel_text = int(hparams.get("max_text_len_of_initckpt", 196))
    kw = dict(
        dim=dim, depth=depth, patch_size=patch,
        mlp_hidden=shape["transformer.blocks.0.mlp_text.fc1.weight"][0],
        vlffn_start=min([i for i in range(depth)
                         if f"transformer.blocks.{i}.mlp_vl.fc1.weight" in shape] + [depth]),
        vocab_size=shape["text_embeddings.word_embeddings.weight"][0],
        max_text_len=shape["text_embeddings.position_embeddings.weight"][0],
        rel_pos=rel_pos, abs_pos=abs_pos, rel_pos_text_len=rel_text,
        layer_scale="transformer.blocks.0.gamma_1" in shape,
        token_types=shape["token_type_embeddings.weight"][0],
        num_answers=shape.get("vqa_classifier.3.weight", (0,))[0],
        heads_present=tuple(h for h, key in [
            ("pooler", "pooler.dense.weight"), ("itm", "itm_score.fc.weight"),
            ("itc", "itc_text_proj.fc.weight"), ("itc_vl", "itc_vl_text_proj.fc.weight"),
            ("mlm", "mlm_score.decoder.weight"), ("vqa", "vqa_classifier.3.weight"),
            ("nlvr2", "nlvr2_classifier.3.weight")] if key in shape),
    )
    if rel_pos:
        rows, cols = shape["relative_position_bias_table"]
        kw["heads"] = cols // depth
        # rows = (2W-1)^2 + 3 image entries + 2 * rel_text text entries + 2
        side = math.isqrt(rows - 5 - 2 * rel_text)
        kw["image_size"] = (side + 1) // 2 * patch
    elif abs_pos:
        kw["image_size"] = math.isqrt(shape["transformer.pos_embed"][1] - 1) * patch
    if "num_heads" in arch:
        kw.setdefault("heads", arch["num_heads"])
    if hparams.get("model_arch") in _ARCH_HEADS:
        kw.setdefault("heads", _ARCH_HEADS[hparams["model_arch"]])
    if "image_size" in hparams:
        kw.setdefault("image_size", hparams["image_size"])
    kw.update(overrides)
    if "heads" not in kw:
        raise ValueError("cannot infer the number of attention heads; pass heads=N")
    return VLMoConfig(**kw)


# --------------------------------------------------------------------------
# Building blocks (submodule and parameter names are the official ones)
# --------------------------------------------------------------------------

def drop_path(x, rate, training):
    if rate == 0.0 or not training:
        return x
    keep = torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype, device=x.device)
    return x * (keep >= rate).to(x.dtype) / (1.0 - rate)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()  # exact erf form, as the official nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.q_bias = nn.Parameter(torch.zeros(dim))
        self.v_bias = nn.Parameter(torch.zeros(dim))
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)  # no key bias
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, key_mask=None, bias=None):
        """x (B, N, C); key_mask (B, N) bool, False = padding; bias (H, N, N)."""
        B, N, C = x.shape
        qkv_bias = torch.cat((self.q_bias, torch.zeros_like(self.v_bias), self.v_bias))
        qkv = F.linear(x, self.qkv.weight, qkv_bias)
        q, k, v = qkv.reshape(B, N, 3, self.heads, C // self.heads).permute(2, 0, 3, 1, 4)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        if bias is not None:
            attn = attn + bias.unsqueeze(0)
        if key_mask is not None:
            # Padded keys only; queries at padded positions are still computed.
            attn = attn.masked_fill(~key_mask[:, None, None, :], float("-inf"))
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B, N, C))


class Block(nn.Module):
    """Pre-norm block: shared attention, then one FFN expert per token."""

    def __init__(self, cfg, with_vl, drop_path_rate):
        super().__init__()
        dim, eps = cfg.dim, cfg.norm_eps
        if cfg.layer_scale:
            self.gamma_1 = nn.Parameter(cfg.layer_scale_init * torch.ones(dim))
            self.gamma_2 = nn.Parameter(cfg.layer_scale_init * torch.ones(dim))
        else:
            self.gamma_1 = self.gamma_2 = None
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, cfg.heads)
        self.norm2_text = nn.LayerNorm(dim, eps=eps)
        self.norm2_imag = nn.LayerNorm(dim, eps=eps)
        self.mlp_text = Mlp(dim, cfg.mlp_hidden)
        self.mlp_imag = Mlp(dim, cfg.mlp_hidden)
        if with_vl:
            self.mlp_vl = Mlp(dim, cfg.mlp_hidden)
            self.norm2_vl = nn.LayerNorm(dim, eps=eps)
        else:
            self.mlp_vl = None
        self.drop_path_rate = drop_path_rate

    def _residual(self, x, gamma, update):
        if gamma is not None:
            update = gamma * update
        return x + drop_path(update, self.drop_path_rate, self.training)

    def forward(self, x, key_mask, bias, modality, text_len=None):
        """modality: "text" (L-FFN), "image" (V-FFN) or "vl": VL-FFN in blocks
        that have it, otherwise L-FFN on the first text_len tokens and V-FFN
        on the rest (the fusion pass)."""
        x = self._residual(x, self.gamma_1, self.attn(self.norm1(x), key_mask, bias))
        if modality == "text":
            return self._residual(x, self.gamma_2, self.mlp_text(self.norm2_text(x)))
        if modality == "image":
            return self._residual(x, self.gamma_2, self.mlp_imag(self.norm2_imag(x)))
        if self.mlp_vl is not None:
            return self._residual(x, self.gamma_2, self.mlp_vl(self.norm2_vl(x)))
        text, image = x[:, :text_len], x[:, text_len:]
        text = self._residual(text, self.gamma_2, self.mlp_text(self.norm2_text(text)))
        image = self._residual(image, self.gamma_2, self.mlp_imag(self.norm2_imag(image)))
        return torch.cat([text, image], dim=1)


class PatchEmbed(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Conv2d(3, cfg.dim, kernel_size=cfg.patch_size, stride=cfg.patch_size)


class MultiWayTransformer(nn.Module):
    """Holds the `transformer.*` parameters: image embedding, blocks, final norm."""

    def __init__(self, cfg):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        if cfg.abs_pos:
            self.pos_embed = nn.Parameter(torch.zeros(1, cfg.num_patches + 1, cfg.dim))
        else:
            self.pos_embed = None
        self.patch_embed = PatchEmbed(cfg)
        rates = [cfg.drop_path_rate * i / max(cfg.depth - 1, 1) for i in range(cfg.depth)]
        self.blocks = nn.ModuleList(
            [Block(cfg, i >= cfg.vlffn_start, rates[i]) for i in range(cfg.depth)])
        self.norm = nn.LayerNorm(cfg.dim, eps=cfg.norm_eps)

    def visual_embed(self, pixels):
        """(B, 3, S, S) -> (B, 1 + patches, C): [CLS] then patches, row-major."""
        x = self.patch_embed.proj(pixels).flatten(2).transpose(1, 2)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        if self.pos_embed is not None:
            x = x + self.pos_embed
        return x


class TextEmbeddings(nn.Module):
    """The `text_embeddings.*` parameters: BERT's embedding layer."""

    def __init__(self, cfg):
        super().__init__()
        self.abs_pos = cfg.abs_pos
        self.word_embeddings = nn.Embedding(cfg.vocab_size, cfg.dim)
        # Always present in official checkpoints; only added with abs_pos.
        self.position_embeddings = nn.Embedding(cfg.max_text_len, cfg.dim)
        self.token_type_embeddings = nn.Embedding(2, cfg.dim)
        self.LayerNorm = nn.LayerNorm(cfg.dim, eps=cfg.text_eps)
        self.register_buffer("position_ids", torch.arange(cfg.max_text_len).unsqueeze(0))

    def forward(self, ids):
        x = self.word_embeddings(ids) + self.token_type_embeddings.weight[0]
        if self.abs_pos:
            x = x + self.position_embeddings(self.position_ids[:, :ids.shape[1]])
        return self.LayerNorm(x)


class Pooler(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dense = nn.Linear(dim, dim)

    def forward(self, cls):
        return torch.tanh(self.dense(cls))


class LinearHead(nn.Module):
    """itm_score (dim -> 2) and itc_*_proj (dim -> dim, no bias): one `fc`."""

    def __init__(self, dim, out, bias=True):
        super().__init__()
        self.fc = nn.Linear(dim, out, bias=bias)

    def forward(self, x):
        return self.fc(x)


class MLMTransform(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg.dim, cfg.dim)
        self.LayerNorm = nn.LayerNorm(cfg.dim, eps=cfg.text_eps)

    def forward(self, x):
        return self.LayerNorm(F.gelu(self.dense(x)))


class MLMHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transform = MLMTransform(cfg)
        self.decoder = nn.Linear(cfg.dim, cfg.vocab_size, bias=False)  # not tied
        self.bias = nn.Parameter(torch.zeros(cfg.vocab_size))

    def forward(self, x):
        return self.decoder(self.transform(x)) + self.bias


def classifier(dim_in, dim_hidden, dim_out, eps):
    """vqa_classifier / nlvr2_classifier: Linear -> LayerNorm -> GELU -> Linear
    (indices 0, 1, 3 hold the parameters)."""
    return nn.Sequential(nn.Linear(dim_in, dim_hidden), nn.LayerNorm(dim_hidden, eps=eps),
                         nn.GELU(), nn.Linear(dim_hidden, dim_out))


# --------------------------------------------------------------------------
# Relative position bias
# --------------------------------------------------------------------------

def relative_position_index(cfg, text_len, with_image):
    """Index into relative_position_bias_table for a sequence of `text_len`
    text tokens (0 for none) followed, if with_image, by 1 + patches image
    tokens. Rows: query, columns: key.

    Table layout (rows): image patch pairs (2W-1)^2 by query-minus-key offset;
    then image [CLS]->patch, patch->[CLS], [CLS]->[CLS]; text->image,
    image->text; text pairs by key-minus-query offset (the opposite sign);
    then text [CLS]->other, other->[CLS], [CLS]->[CLS]. The text entries depend
    only on offsets, so any text_len <= max_text_len gives the same biases at
    real positions as the padded official sequence."""
    W = cfg.grid
    n_image = (2 * W - 1) ** 2 + 3          # num_relative_distance
    n_all = n_image + 2 * cfg.rel_pos_text_len + 2
    n_img_tokens = 1 + W * W if with_image else 0
    index = torch.zeros(text_len + n_img_tokens, text_len + n_img_tokens, dtype=torch.long)

    if text_len:
        pos = torch.arange(text_len)
        text = (pos[None, :] - pos[:, None]) + n_image + cfg.rel_pos_text_len
        text[0, :] = n_all - 3
        text[:, 0] = n_all - 2
        text[0, 0] = n_all - 1
        index[:text_len, :text_len] = text
    if with_image:
        ys, xs = torch.meshgrid(torch.arange(W), torch.arange(W), indexing="ij")
        ys, xs = ys.flatten(), xs.flatten()
        dy = ys[:, None] - ys[None, :] + W - 1
        dx = xs[:, None] - xs[None, :] + W - 1
        image = torch.empty(1 + W * W, 1 + W * W, dtype=torch.long)
        image[1:, 1:] = dy * (2 * W - 1) + dx
        image[0, :] = n_image - 3
        image[:, 0] = n_image - 2
        image[0, 0] = n_image - 1
        index[text_len:, text_len:] = image
    if text_len and with_image:
        index[:text_len, text_len:] = n_image
        index[text_len:, :text_len] = n_image + 1
    return index


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

class VLMo(nn.Module):
    def __init__(self, cfg: VLMoConfig):
        super().__init__()
        self.cfg = cfg
        dim = cfg.dim
        # Direct parameters first, then submodules: the official state-dict order.
        if cfg.rel_pos:
            rows = (2 * cfg.grid - 1) ** 2 + 3 + 2 * cfg.rel_pos_text_len + 2
            self.relative_position_bias_table = nn.Parameter(
                torch.zeros(rows, cfg.heads * cfg.depth))
        else:
            self.relative_position_bias_table = None
        if cfg.has("itc"):
            self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        if cfg.has("itc_vl"):
            self.logit_vl_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.transformer = MultiWayTransformer(cfg)
        self.text_embeddings = TextEmbeddings(cfg)
        self.token_type_embeddings = nn.Embedding(cfg.token_types, dim)
        self.pooler = Pooler(dim)
        if cfg.has("mlm"):
            self.mlm_score = MLMHead(cfg)
        if cfg.has("itm"):
            self.itm_score = LinearHead(dim, 2)
        if cfg.has("itc"):
            self.itc_text_proj = LinearHead(dim, dim, bias=False)
            self.itc_image_proj = LinearHead(dim, dim, bias=False)
        if cfg.has("itc_vl"):
            self.itc_vl_text_proj = LinearHead(dim, dim, bias=False)
            self.itc_vl_image_proj = LinearHead(dim, dim, bias=False)
        if cfg.has("vqa"):
            self.vqa_classifier = classifier(dim, 2 * dim, cfg.num_answers, cfg.head_eps)
        if cfg.has("nlvr2"):
            self.nlvr2_classifier = classifier(2 * dim, 2 * dim, 2, cfg.head_eps)
        self._index_cache = {}
        self.init_weights()

    # ---- construction ----
    def init_weights(self):
        """The official initialisation, for training from scratch: Linear and
        Embedding N(0, 0.02), biases 0, LayerNorm 1/0, [CLS] and pos_embed
        truncated N(0, 0.02), relative position table 0, layer scale 0.1."""
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
            if isinstance(m, nn.Conv2d):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
            if isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.transformer.cls_token, std=0.02)
        if self.transformer.pos_embed is not None:
            nn.init.trunc_normal_(self.transformer.pos_embed, std=0.02)
        if self.relative_position_bias_table is not None:
            nn.init.zeros_(self.relative_position_bias_table)
        if self.cfg.has("mlm"):
            nn.init.zeros_(self.mlm_score.bias)

    @classmethod
    def from_checkpoint(cls, ckpt, **overrides):
        """Loads an official-layout checkpoint (path or loaded object, any
        wrapping). Unknown keys (optimizer state, index buffers) are ignored;
        a missing parameter is an error."""
        if isinstance(ckpt, str):
            ckpt = torch.load(ckpt, map_location="cpu")
        state, hparams = unwrap_checkpoint(ckpt)
        model = cls(infer_config(state, hparams, **overrides))
        model.load_official_state_dict(state)
        return model

    def load_official_state_dict(self, state):
        own = self.state_dict()
        state = {k: v for k, v in state.items() if k in own}
        state.setdefault("text_embeddings.position_ids", own["text_embeddings.position_ids"])
        missing = [k for k in own if k not in state]
        if missing:
            raise KeyError(f"checkpoint lacks {missing[0]} (and {len(missing) - 1} more)")
        self.load_state_dict(state, strict=True)

    # ---- embeddings and bias ----
    def embed_text(self, ids):
        return self.text_embeddings(ids) + self.token_type_embeddings.weight[0]

    def embed_image(self, pixels, token_type=1):
        """token_type: 1, or 2 for the second NLVR2 image; an int or a (B,) tensor."""
        x = self.transformer.visual_embed(pixels)
        if isinstance(token_type, int):
            return x + self.token_type_embeddings.weight[token_type]
        return x + self.token_type_embeddings(token_type)[:, None, :]

    def _layer_biases(self, text_len, with_image):
        """Per layer (H, N, N) relative position biases, or Nones."""
        if self.relative_position_bias_table is None:
            return [None] * self.cfg.depth
        table = self.relative_position_bias_table
        key = (text_len, with_image, table.device)
        if key not in self._index_cache:
            self._index_cache[key] = relative_position_index(
                self.cfg, text_len, with_image).to(table.device)
        bias = table[self._index_cache[key]].permute(2, 0, 1)  # (H*depth, N, N)
        return list(bias.split(self.cfg.heads, dim=0))

    @staticmethod
    def _key_mask(text_mask, n_image, batch, device):
        if text_mask is None:
            return None
        mask = text_mask.to(device=device, dtype=torch.bool)
        if n_image:
            mask = torch.cat([mask, torch.ones(batch, n_image, dtype=torch.bool, device=device)], 1)
        return mask

    # ---- encoders ----
    def fusion(self, ids, pixels, text_mask=None, image_token_type=1, return_hidden=False):
        """Fusion encoder: text tokens then image tokens. Returns text_feats
        (B, T, C), image_feats (B, 1+P, C), raw_cls_feats (final-normed text
        [CLS]) and cls_feats (pooler); with return_hidden, `hidden` holds the
        block input and every block output."""
        text = self.embed_text(ids)
        image = self.embed_image(pixels, image_token_type)
        T = text.shape[1]
        x = torch.cat([text, image], dim=1)
        key_mask = self._key_mask(text_mask, image.shape[1], x.shape[0], x.device)
        biases = self._layer_biases(T, True)
        hidden = [x]
        for blk, bias in zip(self.transformer.blocks, biases):
            x = blk(x, key_mask, bias, "vl", text_len=T)
            hidden.append(x)
        x = self.transformer.norm(x)
        out = {"text_feats": x[:, :T], "image_feats": x[:, T:], "raw_cls_feats": x[:, 0],
               "cls_feats": self.pooler(x[:, 0])}
        if return_hidden:
            out["hidden"] = hidden
        return out

    def _single_modality(self, x, key_mask, biases, modality, vl, return_hidden):
        """Runs every block with one expert; with `vl`, also reruns blocks
        vlffn_start.. with VL-FFN on the output of block vlffn_start-1 (the
        official infer_text / infer_image). Returns (feats, vl_feats, calls)."""
        calls = []
        start = self.cfg.vlffn_start
        # The official code indexes hidden states [start - 1]; with start == 0
        # that would wrap to the last block, so use the embeddings instead.
        vl_input = x if start == 0 else None
        for i, (blk, bias) in enumerate(zip(self.transformer.blocks, biases)):
            x = blk(x, key_mask, bias, modality)
            calls.append(x)
            if i == start - 1:
                vl_input = x
        vl_feats = None
        if vl:
            h = vl_input
            for i in range(start, self.cfg.depth):
                h = self.transformer.blocks[i](h, key_mask, biases[i], "vl")
                calls.append(h)
            vl_feats = self.transformer.norm(h)
        return self.transformer.norm(x), vl_feats, (calls if return_hidden else None)

    def encode_text(self, ids, text_mask=None, vl=False, return_hidden=False):
        """Text-only pass (L-FFN). Returns text_feats (final-normed hidden
        states, for MLM), cls_feats (L2-normalised itc_text_proj of [CLS], with
        an ITC head) and, with vl, cls_vlffn_feats (VL-FFN path, itc_vl_text_proj)."""
        x = self.embed_text(ids)
        key_mask = self._key_mask(text_mask, 0, x.shape[0], x.device)
        feats, vl_feats, calls = self._single_modality(
            x, key_mask, self._layer_biases(x.shape[1], False), "text", vl, return_hidden)
        out = {"text_feats": feats}
        if self.cfg.has("itc"):
            out["cls_feats"] = F.normalize(self.itc_text_proj(feats[:, 0]), dim=-1)
        if vl:
            out["cls_vlffn_feats"] = F.normalize(self.itc_vl_text_proj(vl_feats[:, 0]), dim=-1)
        if return_hidden:
            out["hidden"] = calls
        return out

    def encode_image(self, pixels, vl=False, image_token_type=1, return_hidden=False):
        """Image-only pass (V-FFN); outputs as encode_text with image_feats."""
        x = self.embed_image(pixels, image_token_type)
        feats, vl_feats, calls = self._single_modality(
            x, None, self._layer_biases(0, True), "image", vl, return_hidden)
        out = {"image_feats": feats}
        if self.cfg.has("itc"):
            out["cls_feats"] = F.normalize(self.itc_image_proj(feats[:, 0]), dim=-1)
        if vl:
            out["cls_vlffn_feats"] = F.normalize(self.itc_vl_image_proj(vl_feats[:, 0]), dim=-1)
        if return_hidden:
            out["hidden"] = calls
        return out

    # ---- heads ----
    def vqa_logits(self, cls_feats):
        return self.vqa_classifier(cls_feats)

    def itm_logits(self, cls_feats):
        return self.itm_score(cls_feats)

    def nlvr2_logits(self, cls_left, cls_right):
        return self.nlvr2_classifier(torch.cat([cls_left, cls_right], dim=-1))

    def nlvr2(self, ids, left, right, text_mask=None):
        """Two fusion passes (left image with token type 1, right with 2), run
        as one batch of 2B. Returns (logits, cls_left, cls_right)."""
        B = ids.shape[0]
        types = torch.tensor([1] * B + [2] * B, device=ids.device)
        mask = None if text_mask is None else torch.cat([text_mask, text_mask])
        cls = self.fusion(torch.cat([ids, ids]), torch.cat([left, right]), mask, types)["cls_feats"]
        return self.nlvr2_logits(cls[:B], cls[B:]), cls[:B], cls[B:]

    def itc_logits(self, image_vectors, text_vectors, vl=False):
        """exp(scale) * image @ text^T: rows images, columns texts."""
        scale = self.logit_vl_scale if vl else self.logit_scale
        return scale.exp() * image_vectors @ text_vectors.t()

    def mlm_logits(self, text_feats):
        return self.mlm_score(text_feats)


def strip_padding(ids, text_mask):
    """Per-sample real-length id tensors (1, n) from a padded batch, for exact
    unpadded evaluation as the C engine does it."""
    return [row[mask.bool()].unsqueeze(0) for row, mask in zip(ids, text_mask)]


# --------------------------------------------------------------------------
# Export to a Glance model file
# --------------------------------------------------------------------------

# Buffers the official code recomputes; never stored (docs/model-format.md).
_NOT_EXPORTED = {"text_embeddings.position_ids"}


def export_glance(model, path, vocab, answers=None, name="", dtype="f32"):
    """Writes `model` as a Glance .safetensors file. vocab: list of
    vocab_size word pieces (line n = id n); answers: num_answers strings
    (label order) when the model has a VQA head; dtype "f32" or "f16"."""
    cfg = model.cfg
    if len(vocab) != cfg.vocab_size:
        raise ValueError(f"vocab has {len(vocab)} entries, the model {cfg.vocab_size}")
    if cfg.has("vqa") and (answers is None or len(answers) != cfg.num_answers):
        raise ValueError(f"a VQA head needs {cfg.num_answers} answers")
    np_dtype = {"f32": np.float32, "f16": np.float16}[dtype]
    tensors = {}
    for key, value in model.state_dict().items():
        if key in _NOT_EXPORTED:
            continue
        array = value.detach().cpu().float().numpy().astype(np_dtype)
        tensors[key] = array.reshape(1) if array.ndim == 0 else array
    metadata = {
        "glance.format": "1",
        "glance.name": name,
        "glance.config": json.dumps(cfg.to_glance_config()),
        "glance.vocab": "\n".join(vocab),
    }
    if cfg.has("vqa"):
        metadata["glance.answers"] = "\n".join(answers)
    write_safetensors(path, tensors, metadata)


def load_glance(path):
    """Reads a Glance model file back (e.g. to fine-tune the bundled model).
    Returns (model, vocab, answers, name)."""
    tensors, metadata = read_safetensors(path)
    model = VLMo(VLMoConfig.from_glance_config(json.loads(metadata["glance.config"])))
    own = model.state_dict()
    state = {k: torch.from_numpy(v.astype(np.float32)).reshape(own[k].shape)
             for k, v in tensors.items() if k in own}
    model.load_official_state_dict(state)
    vocab = metadata["glance.vocab"].split("\n")
    answers = metadata["glance.answers"].split("\n") if "glance.answers" in metadata else []
    return model, vocab, answers, metadata.get("glance.name", "")
