"""Offline datasets for the course: nothing here downloads anything.

* :func:`load_digits` - scikit-learn's 1,797 real 8x8 handwritten digits (they ship
  inside the scikit-learn package) as tensors with a fixed train/val/test split.
* :func:`make_regression` / :func:`make_classification` - small seeded synthetic
  problems for demos where the data should be easy to picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from sklearn import datasets as sk_datasets
from sklearn.model_selection import train_test_split

DIGITS_PIXEL_MAX = 16.0  # scikit-learn's digits hold integer intensities 0..16
DIGITS_SPLIT_SEED = 0  # fixed, so every chapter and grader sees the same split


@dataclass(frozen=True)
class Split:
    """Features ``X`` and labels ``y`` of one part of a dataset."""

    X: torch.Tensor
    y: torch.Tensor

    def __len__(self) -> int:
        return len(self.y)

    def tensor_dataset(self) -> torch.utils.data.TensorDataset:
        return torch.utils.data.TensorDataset(self.X, self.y)


@dataclass(frozen=True)
class DigitsData:
    """The digits dataset split three ways (about 60 / 20 / 20 %, stratified by class)."""

    train: Split
    val: Split
    test: Split
    num_classes: int = 10


def load_digits(as_images: bool = False, device: torch.device | str = "cpu") -> DigitsData:
    """Load scikit-learn's handwritten digits as float tensors in ``[0, 1]``.

    ``X`` has shape ``(N, 64)``, or ``(N, 1, 8, 8)`` with ``as_images=True``;
    ``y`` holds class indices ``0..9`` as ``int64``. The split is the same on
    every machine.
    """
    bunch = sk_datasets.load_digits()
    X = torch.tensor(bunch.data, dtype=torch.float32) / DIGITS_PIXEL_MAX
    y = torch.tensor(bunch.target, dtype=torch.int64)
    indices = torch.arange(len(y)).numpy()
    train_idx, rest_idx = train_test_split(
        indices, test_size=0.4, random_state=DIGITS_SPLIT_SEED, stratify=y.numpy()
    )
    val_idx, test_idx = train_test_split(
        rest_idx, test_size=0.5, random_state=DIGITS_SPLIT_SEED, stratify=y.numpy()[rest_idx]
    )
    if as_images:
        X = X.reshape(-1, 1, 8, 8)

    def part(idx) -> Split:
        idx = torch.as_tensor(idx)
        return Split(X[idx].to(device), y[idx].to(device))

    return DigitsData(train=part(train_idx), val=part(val_idx), test=part(test_idx))


def make_regression(
    n: int = 100,
    weight: float = 2.0,
    bias: float = 0.5,
    noise: float = 0.1,
    seed: int = 0,
) -> Split:
    """Noisy points on the line ``y = weight * x + bias``; ``X`` and ``y`` have shape ``(n, 1)``."""
    generator = torch.Generator().manual_seed(seed)
    X = torch.rand(n, 1, generator=generator) * 4 - 2
    y = weight * X + bias + noise * torch.randn(n, 1, generator=generator)
    return Split(X, y)


def make_classification(
    n: int = 300,
    num_classes: int = 3,
    spread: float = 0.6,
    seed: int = 0,
) -> Split:
    """Gaussian blobs in 2-D, one per class, centred on a circle; ``y`` holds class indices."""
    generator = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % num_classes
    angles = 2 * torch.pi * y.float() / num_classes
    centres = torch.stack([angles.cos(), angles.sin()], dim=1) * 2
    X = centres + spread * torch.randn(n, 2, generator=generator)
    order = torch.randperm(n, generator=generator)
    return Split(X[order], y[order])
