"""The training objectives of every stage, on top of vlmo.VLMo.

Each loss function takes the model and one batch (as data.Batches makes it, converted
to tensors) and returns (loss, metrics dict).  Nothing here is exported: the masked
image modelling head and its [MASK] patch embedding exist only during stage 1.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


class MimHead(nn.Module):
    """Stage 1 only: the embedding that replaces masked patches, and the classifier
    that predicts their visual tokens (BEiT's lm_head).

    With factors (the "scene" tokens), the classifier's outputs are split into one
    softmax per factor (colour, shape, size, centre flag), so colour can be learnt
    before shape instead of every combination being its own rare class."""

    def __init__(self, dim, num_codes, factors=None):
        super().__init__()
        self.factors = tuple(factors) if factors else (num_codes,)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dim))
        nn.init.trunc_normal_(self.mask_token, std=0.02)
        self.classifier = nn.Linear(dim, sum(self.factors))  # PyTorch's fan-in init


def encode_masked_image(model, pixels, patch_mask, mask_token):
    """The image-only pass (V-FFN) with masked patches' embeddings replaced by
    mask_token, as BEiT does.  vlmo.VLMo.encode_image has no hook for that, so this
    repeats its three steps (embed, blocks, final norm) with the replacement."""
    t = model.transformer
    x = t.patch_embed.proj(pixels).flatten(2).transpose(1, 2)
    x = torch.where(patch_mask[:, :, None], mask_token.to(x.dtype).expand_as(x), x)
    x = torch.cat((t.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
    if t.pos_embed is not None:
        x = x + t.pos_embed
    x = x + model.token_type_embeddings.weight[1]
    for blk, bias in zip(t.blocks, model._layer_biases(0, True)):
        x = blk(x, None, bias, "image")
    return t.norm(x)


def mim_loss(model, mim_head, batch, mask_ratio, generator, visible_weight=0.0):
    """Cross-entropy of the visual tokens of masked patches (BEiT), per factor;
    visible_weight > 0 adds the same loss on the patches left visible, a denser signal
    for a short stage.  batch["codes"]: (B, P, factors) or (B, P) token ids."""
    pixels, codes = batch["pixels"], batch["codes"]
    if codes.dim() == 2:
        codes = codes[:, :, None]
    B, P, _ = codes.shape
    # Exactly round(mask_ratio * P) random patches per image.
    scores = torch.rand(B, P, generator=generator)
    k = max(1, int(round(mask_ratio * P)))
    patch_mask = torch.zeros(B, P, dtype=torch.bool)
    patch_mask.scatter_(1, scores.topk(k, dim=1).indices, True)
    feats = encode_masked_image(model, pixels, patch_mask, mim_head.mask_token)[:, 1:]
    logits = mim_head.classifier(feats).split(mim_head.factors, dim=-1)
    loss, metrics = 0.0, {}
    on_object = codes[:, :, 0][patch_mask] > 0
    # The first factor tells objects from background; the others are only learnt where
    # there is an object, so the many background patches do not drown them.
    has_object = codes[:, :, 0] > 0 if len(logits) > 1 else torch.ones_like(patch_mask)
    for f, factor_logits in enumerate(logits):
        target = codes[:, :, f]
        where = patch_mask if f == 0 else patch_mask & has_object
        if bool(where.any()):
            loss = loss + F.cross_entropy(factor_logits[where], target[where])
        where = ~patch_mask if f == 0 else ~patch_mask & has_object
        if visible_weight and bool(where.any()):
            loss = loss + visible_weight * F.cross_entropy(factor_logits[where], target[where])
        masked = factor_logits[patch_mask]
        hit = masked.argmax(-1) == target[patch_mask]
        metrics[f"mim_acc{f}"] = hit[on_object].float().mean().item()
        if visible_weight and f < 2:  # colour and shape where the model can see them
            seen = factor_logits[~patch_mask]
            seen_object = codes[:, :, 0][~patch_mask] > 0
            metrics[f"seen_acc{f}"] = (seen.argmax(-1) == target[~patch_mask])[seen_object] \
                .float().mean().item()
    return loss, metrics


def mask_tokens(ids, mask, tokenizer, vocab_size, prob, generator):
    """BERT masking of real, non-special tokens: at least one per text; of the chosen,
    80% -> [MASK], 10% -> a random piece, 10% unchanged.  Returns (inputs, labels)
    with labels -100 where nothing is predicted."""
    special = (ids == tokenizer.cls_id) | (ids == tokenizer.sep_id) | (mask == 0)
    chosen = (torch.rand(ids.shape, generator=generator) < prob) & ~special
    # Texts where nothing was drawn get their first real word masked instead.
    none = ~chosen.any(1)
    chosen[none, 1] = ~special[none, 1]
    labels = torch.where(chosen, ids, torch.full_like(ids, -100))
    inputs = ids.clone()
    roll = torch.rand(ids.shape, generator=generator)
    inputs[chosen & (roll < 0.8)] = tokenizer.mask_id
    randomise = chosen & (roll >= 0.8) & (roll < 0.9)
    # Random pieces from the non-special part of the vocabulary.
    first = 5
    inputs[randomise] = torch.randint(first, vocab_size, (int(randomise.sum()),),
                                      generator=generator)
    return inputs, labels


def _mlm_metrics(logits, labels):
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                           ignore_index=-100)
    hit = labels != -100
    acc = (logits.argmax(-1)[hit] == labels[hit]).float().mean().item()
    return loss, acc


def text_mlm_loss(model, batch, tokenizer, prob, generator):
    inputs, labels = mask_tokens(batch["ids"], batch["mask"], tokenizer,
                                 model.cfg.vocab_size, prob, generator)
    feats = model.encode_text(inputs, batch["mask"])["text_feats"]
    loss, acc = _mlm_metrics(model.mlm_logits(feats), labels)
    return loss, {"text_mlm_acc": acc}


def itc_logits(model, batch):
    """(image x text logits, image vectors, text vectors) of the dual encoder."""
    image = model.encode_image(batch["pixels"])["cls_feats"]
    text = model.encode_text(batch["ids"], batch["mask"])["cls_feats"]
    return model.itc_logits(image, text), image, text


def itc_loss(model, batch):
    """Contrastive loss both ways; every caption true of an image is a positive
    (batch["truth"][i, j]: caption j is true of image i)."""
    logits, _, _ = itc_logits(model, batch)
    same = batch["truth"].float()
    target_i2t = same / same.sum(1, keepdim=True)
    target_t2i = same.t() / same.t().sum(1, keepdim=True)
    loss_i2t = -(target_i2t * F.log_softmax(logits, dim=1)).sum(1).mean()
    loss_t2i = -(target_t2i * F.log_softmax(logits.t(), dim=1)).sum(1).mean()
    hit = same[torch.arange(len(same)), logits.argmax(1)].mean().item()
    return (loss_i2t + loss_t2i) / 2, {"itc_i2t_acc": hit}, logits


def itm_loss(model, batch, itc_scores, generator, count=None):
    """Image-text matching on the first `count` pairs (all by default) plus one hard
    negative for each: half get another text, half another image, drawn in proportion
    to softmax(ITC score) over the whole batch's non-matching items (VLMo's hard
    negatives; on one machine the batch is the "global" batch)."""
    truth = batch["truth"]
    B = truth.shape[0]
    k = min(count or B, B)
    with torch.no_grad():
        scores = itc_scores.detach().float()
        # The tiny floor keeps every non-matching item drawable when softmax underflows.
        w_i2t = (F.softmax(scores[:k], dim=1) + 1e-9).masked_fill(truth[:k], 0)
        w_t2i = (F.softmax(scores.t()[:k], dim=1) + 1e-9).masked_fill(truth.t()[:k], 0)
        if not bool((w_i2t.sum(1) > 0).all()):
            return torch.zeros(()), {}  # every caption in the batch is the same
        neg_text = torch.multinomial(w_i2t, 1, generator=generator).squeeze(1)
        neg_image = torch.multinomial(w_t2i, 1, generator=generator).squeeze(1)
    half = k // 2
    ids, mask, pixels = batch["ids"], batch["mask"], batch["pixels"]
    fused_ids = torch.cat([ids[:k], ids[neg_text[:half]], ids[half:k]])
    fused_mask = torch.cat([mask[:k], mask[neg_text[:half]], mask[half:k]])
    fused_pixels = torch.cat([pixels[:k], pixels[:half], pixels[neg_image[half:]]])
    labels = torch.cat([torch.ones(k, dtype=torch.long), torch.zeros(k, dtype=torch.long)])
    logits = model.itm_logits(model.fusion(fused_ids, fused_pixels, fused_mask)["cls_feats"])
    loss = F.cross_entropy(logits, labels)
    return loss, {"itm_acc": (logits.argmax(-1) == labels).float().mean().item()}


def vl_mlm_loss(model, batch, tokenizer, prob, generator):
    inputs, labels = mask_tokens(batch["ids"], batch["mask"], tokenizer,
                                 model.cfg.vocab_size, prob, generator)
    feats = model.fusion(inputs, batch["pixels"], batch["mask"])["text_feats"]
    loss, acc = _mlm_metrics(model.mlm_logits(feats), labels)
    return loss, {"mlm_acc": acc}


def vqa_loss(model, batch):
    """Binary cross-entropy over the answer list (VLMo/ViLT scale it by the number of
    answers, i.e. a sum over answers and a mean over questions)."""
    logits = model.vqa_logits(model.fusion(batch["ids"], batch["pixels"],
                                           batch["mask"])["cls_feats"])
    target = F.one_hot(batch["labels"], logits.shape[1]).float()
    loss = F.binary_cross_entropy_with_logits(logits, target) * logits.shape[1]
    return loss, {"vqa_acc": (logits.argmax(-1) == batch["labels"]).float().mean().item()}


def nlvr2_loss(model, batch):
    logits, _, _ = model.nlvr2(batch["ids"], batch["left"], batch["right"], batch["mask"])
    loss = F.cross_entropy(logits, batch["labels"])
    return loss, {"nlvr2_acc": (logits.argmax(-1) == batch["labels"]).float().mean().item()}
