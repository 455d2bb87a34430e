"""A small, readable training toolkit used from chapter 07 on.

``fit`` is the loop chapter 07 builds by hand, packaged: train and validation phases,
optional gradient clipping, a scheduler stepped per epoch or per batch, early
stopping and best-checkpoint saving. Each piece is a plain function or a tiny class
so a chapter can use one piece without the others.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import torch
from torch import nn
from tqdm.auto import tqdm


@dataclass
class History:
    """Per-epoch metrics, one list per name (``train_loss``, ``val_acc``, ``lr`` ...)."""

    metrics: dict[str, list[float]] = field(default_factory=dict)

    def log(self, **values: float) -> None:
        for name, value in values.items():
            self.metrics.setdefault(name, []).append(float(value))

    def __getitem__(self, name: str) -> list[float]:
        return self.metrics[name]

    def best(self, name: str, mode: str = "min") -> float:
        return (min if mode == "min" else max)(self.metrics[name])


def accuracy(logits: torch.Tensor, target: torch.Tensor) -> float:
    """Fraction of rows whose arg-max matches ``target``."""
    return (logits.argmax(dim=1) == target).float().mean().item()


def train_one_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable, optimizer: torch.optim.Optimizer,
                    device: torch.device, *, max_grad_norm: float | None = None,
                    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None) -> tuple[float, float]:
    """One pass over ``loader`` in train mode; returns (mean loss, accuracy) over samples.

    ``scheduler``, when given, is stepped after every batch (OneCycleLR-style).
    """
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad(set_to_none=True)
        logits = model(X)
        loss = loss_fn(logits, y)
        loss.backward()
        if max_grad_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total_loss += loss.item() * len(y)  # .item(): keep numbers, not graphs
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total_loss / seen, correct / seen


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, loss_fn: Callable, device: torch.device) -> tuple[float, float]:
    """Mean loss and accuracy over ``loader`` in eval mode, without building graphs."""
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total_loss += loss_fn(logits, y).item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total_loss / seen, correct / seen


class EarlyStopping:
    """Stop when a monitored value has not improved by ``min_delta`` for ``patience`` epochs."""

    def __init__(self, patience: int = 3, min_delta: float = 0.0, mode: str = "min"):
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.patience, self.min_delta, self.mode = patience, min_delta, mode
        self.best = math.inf if mode == "min" else -math.inf
        self.bad_epochs = 0

    def improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value: float) -> bool:
        """Record ``value``; return True when training should stop."""
        if self.improved(value):
            self.best, self.bad_epochs = value, 0
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience


def rng_state() -> dict[str, torch.Tensor | list[torch.Tensor]]:
    """The torch random-number state (CPU and every CUDA device), to store in a checkpoint.

    Restoring it with :func:`set_rng_state` makes the next shuffle, dropout mask and
    random initialisation identical to an uninterrupted run.
    """
    return {"cpu": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []}


def set_rng_state(state: dict) -> None:
    """Restore a state captured by :func:`rng_state`."""
    torch.set_rng_state(state["cpu"])
    if state.get("cuda") and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path: Path | str, **state) -> None:
    """Save a checkpoint dict (model/optimizer/scheduler state dicts, epoch, RNG state ...)."""
    torch.save(state, path)


def load_checkpoint(path: Path | str, map_location: torch.device | str = "cpu") -> dict:
    """Load a checkpoint saved by :func:`save_checkpoint`; only tensors and plain data are unpickled."""
    return torch.load(path, map_location=map_location, weights_only=True)


def fit(model: nn.Module, train_loader: Iterable, val_loader: Iterable, *, epochs: int,
        optimizer: torch.optim.Optimizer, loss_fn: Callable = nn.CrossEntropyLoss(),
        device: torch.device | str = "cpu", scheduler=None, step_scheduler_per_batch: bool = False,
        max_grad_norm: float | None = None, early_stopping: EarlyStopping | None = None,
        checkpoint_path: Path | str | None = None, progress: bool = True,
        on_epoch_end: Callable[[History], None] | None = None) -> History:
    """Train ``model`` and return its :class:`History`; the best weights (by val loss) are restored.

    ``on_epoch_end(history)`` is called after each epoch (e.g. to redraw a live plot).
    """
    model.to(device)
    history = History()
    best_loss, best_state = math.inf, None
    for _ in tqdm(range(epochs), desc="epochs", disable=not progress, leave=False):
        batch_scheduler = scheduler if step_scheduler_per_batch else None
        train_loss, train_acc = train_one_epoch(model, train_loader, loss_fn, optimizer, device,
                                                max_grad_norm=max_grad_norm, scheduler=batch_scheduler)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history.log(train_loss=train_loss, train_acc=train_acc, val_loss=val_loss, val_acc=val_acc,
                    lr=optimizer.param_groups[0]["lr"])
        if scheduler is not None and not step_scheduler_per_batch:
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(val_loss)
            else:
                scheduler.step()
        if val_loss < best_loss:
            best_loss, best_state = val_loss, copy.deepcopy(model.state_dict())
            if checkpoint_path is not None:
                save_checkpoint(checkpoint_path, model=best_state, val_loss=val_loss,
                                epoch=len(history["val_loss"]))
        if on_epoch_end is not None:
            on_epoch_end(history)
        if early_stopping is not None and early_stopping.step(val_loss):
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
