"""A small labelled text corpus that ships with the course, and the pieces to feed it to a model.

* :func:`load_corpus` - 360 short English sentences labelled with one of four topics
  (``sport``, ``food``, ``weather``, ``tech``; deliberately imbalanced), read from a file
  inside the package and verified against a SHA-256 checksum.
* :func:`train_wordpiece` - a real WordPiece tokenizer (Hugging Face ``tokenizers``)
  trained locally from an in-memory list of strings; nothing is downloaded.
* :func:`encode` / :class:`TextDataset` - token ids padded or truncated to ``max_len``
  with an attention mask, the dataset of chapter 06.
* :func:`pad_collate` - a ``collate_fn`` that pads each batch only to its longest sequence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from torch.utils.data import Dataset

CORPUS_PATH = Path(__file__).with_name("corpus") / "topics.tsv"
# SHA-256 of the file's text with "\n" line endings (so a CRLF checkout still verifies).
CORPUS_SHA256 = "e5ec0a7b492767f88ee8ac5bfc981a14a5f3981eccd50c8acf7c9ff315d22b4d"
CLASSES = ("sport", "food", "weather", "tech")

PAD, UNK, CLS, SEP = "[PAD]", "[UNK]", "[CLS]", "[SEP]"
SPECIAL_TOKENS = [PAD, UNK, CLS, SEP]  # PAD first, so its id is 0


class CorpusChecksumError(ValueError):
    """The corpus file is not the one the course was written against."""


@dataclass(frozen=True)
class TextCorpus:
    """Sentences, their integer labels (indices into ``classes``) and the class names."""

    texts: list[str]
    labels: list[int]
    classes: tuple[str, ...] = CLASSES

    def __len__(self) -> int:
        return len(self.texts)

    def class_counts(self) -> torch.Tensor:
        """How many sentences each class has, as an ``int64`` tensor of length ``len(classes)``."""
        return torch.bincount(torch.tensor(self.labels), minlength=len(self.classes))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def load_corpus(path: Path | str = CORPUS_PATH, *, expected_sha256: str | None = CORPUS_SHA256) -> TextCorpus:
    """Read the topic corpus (``label<TAB>text`` lines after a header) and verify its checksum.

    Pass ``expected_sha256=None`` to read a file of your own without verification.
    """
    text = Path(path).read_text(encoding="utf-8")
    if expected_sha256 is not None:
        actual = sha256_text(text)
        if actual != expected_sha256:
            raise CorpusChecksumError(
                f"{path} has SHA-256 {actual}, expected {expected_sha256}: the file was changed or "
                "damaged. Restore it from the repository (git checkout -- course_lib/corpus)."
            )
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    if lines[0] != "label\ttext":
        raise ValueError(f"{path}: the first line must be the header 'label<TAB>text', got {lines[0]!r}")
    texts, labels = [], []
    for number, line in enumerate(lines[1:], start=2):
        label, _, sentence = line.partition("\t")
        if label not in CLASSES or not sentence:
            raise ValueError(f"{path}, line {number}: expected '<one of {CLASSES}><TAB><text>', got {line!r}")
        texts.append(sentence)
        labels.append(CLASSES.index(label))
    return TextCorpus(texts, labels)


def train_wordpiece(texts: Sequence[str], vocab_size: int = 600, min_frequency: int = 1) -> Tokenizer:
    """Train a lower-casing WordPiece tokenizer on ``texts``; ``[PAD]`` gets id 0.

    Words seen in training become single tokens; rarer words are split into
    sub-word pieces (``"snowfall"`` -> ``["snow", "##fall"]``), and characters never
    seen map to ``[UNK]``.
    """
    tokenizer = Tokenizer(models.WordPiece(unk_token=UNK))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=min_frequency,
                                        special_tokens=SPECIAL_TOKENS, show_progress=False)
    tokenizer.train_from_iterator(list(texts), trainer=trainer)
    return tokenizer


def encode(tokenizer: Tokenizer, text: str, max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``[CLS] tokens [SEP]`` truncated or padded to exactly ``max_len``.

    Returns ``(input_ids, attention_mask)``, both ``int64`` of shape ``(max_len,)``;
    the mask is 1 on real tokens and 0 on padding.
    """
    if max_len < 2:
        raise ValueError(f"max_len must leave room for [CLS] and [SEP] (>= 2), got {max_len}")
    pieces = tokenizer.encode(text, add_special_tokens=False).ids[: max_len - 2]
    ids = [tokenizer.token_to_id(CLS), *pieces, tokenizer.token_to_id(SEP)]
    mask = [1] * len(ids) + [0] * (max_len - len(ids))
    ids = ids + [tokenizer.token_to_id(PAD)] * (max_len - len(ids))
    return torch.tensor(ids, dtype=torch.int64), torch.tensor(mask, dtype=torch.int64)


class TextDataset(Dataset):
    """Sentences as fixed-length token ids, attention masks and labels (one dict per item)."""

    def __init__(self, texts: Sequence[str], labels: Sequence[int], tokenizer: Tokenizer, max_len: int = 32):
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        self.texts, self.labels = list(texts), list(labels)
        self.tokenizer, self.max_len = tokenizer, max_len

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        input_ids, attention_mask = encode(self.tokenizer, self.texts[index], self.max_len)
        return {"input_ids": input_ids, "attention_mask": attention_mask,
                "label": torch.tensor(self.labels[index], dtype=torch.int64)}


def pad_collate(batch: Sequence[tuple[torch.Tensor, int]], pad_id: int = 0) -> dict[str, torch.Tensor]:
    """Collate ``(ids, label)`` pairs of different lengths, padding to the batch's longest.

    Returns ``input_ids`` ``(B, L)``, ``attention_mask`` ``(B, L)`` and ``label`` ``(B,)``,
    all ``int64``, where ``L`` is the longest sequence in this batch (not a global maximum).
    """
    lengths = [len(ids) for ids, _ in batch]
    longest = max(lengths)
    input_ids = torch.full((len(batch), longest), pad_id, dtype=torch.int64)
    attention_mask = torch.zeros((len(batch), longest), dtype=torch.int64)
    for row, ((ids, _), length) in enumerate(zip(batch, lengths)):
        input_ids[row, :length] = torch.as_tensor(ids, dtype=torch.int64)
        attention_mask[row, :length] = 1
    labels = torch.tensor([int(label) for _, label in batch], dtype=torch.int64)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "label": labels}
