"""Matplotlib helpers shared by several chapters.

Each function draws on an ``ax`` it is given (or a new one) and returns it, so a
chapter can place several pictures in one figure.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch


def _axes(ax=None, figsize=(5, 3.5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_curves(curves: Mapping[str, Sequence[float]], *, xlabel: str = "epoch", ylabel: str = "",
                title: str = "", ax=None, logy: bool = False):
    """Line plot of named series (loss curves, learning-rate schedules ...)."""
    ax = _axes(ax)
    for name, values in curves.items():
        ax.plot(range(len(values)), list(values), label=name)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return ax


def show_images(images: torch.Tensor, labels: Sequence | None = None, *, ncols: int = 8,
                cmap: str = "gray_r", size: float = 1.2):
    """A grid of small images, e.g. digits of shape ``(N, 8, 8)`` or ``(N, 1, 8, 8)``."""
    images = images.detach().cpu()
    if images.dim() == 4:
        images = images[:, 0]
    n = len(images)
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].numpy(), cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    fig.tight_layout()
    return fig


def show_matrix(values: torch.Tensor | np.ndarray, *, ax=None, title: str = "", annotate: bool = True,
                cmap: str = "viridis", fmt: str = "{:g}"):
    """A 2-D tensor as a coloured grid, with each value written in its cell."""
    ax = _axes(ax, figsize=(4, 3))
    array = values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
    if array.ndim == 1:
        array = array[None, :]
    ax.imshow(array, cmap=cmap)
    if annotate:
        for (row, col), value in np.ndenumerate(array):
            ax.text(col, row, fmt.format(value), ha="center", va="center", color="white", fontsize=9)
    ax.set(title=title, xticks=range(array.shape[1]), yticks=range(array.shape[0]))
    return ax


def plot_memory_layout(tensor: torch.Tensor, *, ax=None, title: str | None = None):
    """Show which storage element each position of a 2-D view reads.

    The top row is the underlying storage (flat memory); each cell of the grid below
    is labelled with the storage offset it reads, computed from the view's
    ``storage_offset()`` and ``stride()``. A transposed or sliced view reads the same
    memory in a different order - which is what "not contiguous" means.
    """
    if tensor.dim() != 2:
        raise ValueError(f"plot_memory_layout draws 2-D tensors; got shape {tuple(tensor.shape)}")
    rows, cols = tensor.shape
    row_stride, col_stride = tensor.stride()
    offsets = np.array([[tensor.storage_offset() + r * row_stride + c * col_stride for c in range(cols)]
                        for r in range(rows)])
    ax = _axes(ax, figsize=(4, 3))
    ax.imshow(offsets, cmap="tab20", vmin=0, vmax=max(19, offsets.max()))
    for (r, c), offset in np.ndenumerate(offsets):
        ax.text(c, r, str(offset), ha="center", va="center", fontsize=10)
    ax.set(xticks=range(cols), yticks=range(rows),
           title=title or f"shape {tuple(tensor.shape)}, stride {tensor.stride()}\n"
                          f"contiguous={tensor.is_contiguous()}")
    return ax
