"""BERT uncased WordPiece tokenisation, and the reduced vocabulary of ShapeWorld.

The algorithm is BertTokenizer(do_lower_case=True)'s, as DESIGN.md and the engine's
tokenizer follow it, so ids computed here are the ids the C engine computes from the
vocabulary stored in the model file.
"""

import unicodedata

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
MAX_WORD_CHARS = 100


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_words(text):
    """Clean, split on whitespace, lower-case, strip accents, split off punctuation."""
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_cjk(cp):
            cleaned.append(f" {ch} ")
        else:
            cleaned.append(" " if _is_whitespace(ch) else ch)
    words = []
    for token in "".join(cleaned).split():
        token = unicodedata.normalize("NFD", token.lower())
        token = "".join(ch for ch in token if unicodedata.category(ch) != "Mn")
        current = ""
        for ch in token:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


def wordpiece(word, piece_ids, unk="[UNK]"):
    """Greedy longest-match-first pieces of one word ("##" marks continuations)."""
    if len(word) > MAX_WORD_CHARS:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in piece_ids:
                break
            end -= 1
        if end == start:
            return [unk]
        pieces.append(piece)
        start = end
    return pieces


class Tokenizer:
    """[CLS] pieces [SEP] ids for a vocabulary given as a list (line n = id n)."""

    def __init__(self, vocab):
        self.vocab = list(vocab)
        # The later id wins for duplicates, as in the engine and Hugging Face.
        self.ids = {piece: i for i, piece in enumerate(self.vocab)}
        self.pad_id, self.unk_id = self.ids["[PAD]"], self.ids["[UNK]"]
        self.cls_id, self.sep_id = self.ids["[CLS]"], self.ids["[SEP]"]
        self.mask_id = self.ids.get("[MASK]")

    def pieces(self, text):
        return [p for w in basic_words(text) for p in wordpiece(w, self.ids)]

    def encode(self, text, max_len):
        """Ids with [CLS] and [SEP], truncated to max_len, no padding."""
        body = [self.ids[p] for p in self.pieces(text)][:max_len - 2]
        return [self.cls_id] + body + [self.sep_id]


def reduced_vocab(full_vocab, texts):
    """The pieces of the full vocabulary that `texts` use, after the special tokens.

    Tokenising with a subset that holds every piece the full vocabulary produced gives
    the same pieces (greedy longest match finds the same piece at every step), so the
    reduced vocabulary tokenises these texts exactly as bert-base-uncased does.
    """
    full = Tokenizer(full_vocab)
    used = set()
    for text in texts:
        used.update(full.pieces(text))
    used.discard("[UNK]")
    return list(SPECIALS) + sorted(used)


def load_vocab(path):
    """A vocabulary file, one piece a line (line n = id n)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return (text[:-1] if text.endswith("\n") else text).split("\n")
