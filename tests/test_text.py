"""course_lib.text: the shipped corpus, the local tokenizer, the text dataset and collate."""

import pytest
import torch
from torch.utils.data import DataLoader

from course_lib import text


@pytest.fixture(scope="module")
def corpus():
    return text.load_corpus()


@pytest.fixture(scope="module")
def tokenizer(corpus):
    return text.train_wordpiece(corpus.texts)


def test_corpus_loads_and_is_imbalanced(corpus):
    assert len(corpus) == 360
    assert corpus.class_counts().tolist() == [150, 100, 70, 40]
    assert all(isinstance(t, str) and t for t in corpus.texts)


def test_corpus_checksum_is_verified(tmp_path):
    damaged = tmp_path / "topics.tsv"
    damaged.write_text(text.CORPUS_PATH.read_text(encoding="utf-8") + "sport\tone more line\n", encoding="utf-8")
    with pytest.raises(text.CorpusChecksumError, match="SHA-256"):
        text.load_corpus(damaged)
    assert len(text.load_corpus(damaged, expected_sha256=None)) == 361


def test_checksum_ignores_crlf_line_endings(tmp_path):
    crlf = tmp_path / "topics.tsv"
    crlf.write_bytes(text.CORPUS_PATH.read_bytes().replace(b"\n", b"\r\n"))
    assert len(text.load_corpus(crlf)) == 360


def test_bad_label_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("label\ttext\nsport\tok\nmusic\tnot a class\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        text.load_corpus(bad, expected_sha256=None)


def test_tokenizer_is_trained_locally_and_pads_with_zero(tokenizer):
    assert tokenizer.token_to_id(text.PAD) == 0
    assert tokenizer.get_vocab_size() <= 600
    pieces = tokenizer.encode("Snowfall", add_special_tokens=False).tokens
    assert pieces[0] == "snow" and all(p.startswith("##") for p in pieces[1:])


@pytest.mark.parametrize("max_len", [4, 8, 40])
def test_encode_pads_or_truncates_to_max_len(tokenizer, max_len):
    ids, mask = text.encode(tokenizer, "the home team won the final with a late goal", max_len)
    assert ids.shape == mask.shape == (max_len,)
    assert ids.dtype == mask.dtype == torch.int64
    assert ids[0] == tokenizer.token_to_id(text.CLS)
    n_real = int(mask.sum())
    assert ids[n_real - 1] == tokenizer.token_to_id(text.SEP)
    assert (ids[n_real:] == 0).all() and (mask[:n_real] == 1).all()


def test_encode_rejects_too_short_max_len(tokenizer):
    with pytest.raises(ValueError, match="max_len"):
        text.encode(tokenizer, "hello", 1)


def test_text_dataset_batches_through_a_dataloader(corpus, tokenizer):
    dataset = text.TextDataset(corpus.texts, corpus.labels, tokenizer, max_len=16)
    batch = next(iter(DataLoader(dataset, batch_size=8)))
    assert batch["input_ids"].shape == batch["attention_mask"].shape == (8, 16)
    assert batch["label"].tolist() == corpus.labels[:8]


def test_text_dataset_rejects_mismatched_lengths(tokenizer):
    with pytest.raises(ValueError, match="labels"):
        text.TextDataset(["a", "b"], [0], tokenizer)


def test_pad_collate_pads_to_the_longest_in_the_batch():
    batch = [(torch.tensor([5, 6, 7]), 1), (torch.tensor([8]), 0)]
    out = text.pad_collate(batch)
    assert out["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert out["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert out["label"].tolist() == [1, 0]
    assert text.pad_collate(batch, pad_id=-1)["input_ids"][1].tolist() == [8, -1, -1]
