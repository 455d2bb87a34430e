"""Look inside ``nn.Module`` models: count, summarise, freeze (chapter 05 on).

* :func:`count_parameters` - how many numbers a model learns (shared tensors counted once).
* :func:`layer_shapes` / :func:`format_layer_shapes` - every submodule's output shape, recorded
  with forward hooks during one real forward pass, so nested modules and forwards that are
  not a simple chain (residual connections, ``torch.flatten`` inside ``forward``) are right.
* :func:`freeze` / :func:`unfreeze` - switch ``requires_grad`` by module-name prefix, and fail
  loudly when a prefix matches nothing (a typo must not silently train everything).
* :class:`DigitsMLP` - the small classifier for the 8x8 digits that several chapters use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import torch
from torch import nn


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of scalar parameters; with ``trainable_only`` only those with ``requires_grad``.

    ``model.parameters()`` yields a shared (tied) tensor once, so it is counted once.
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@dataclass(frozen=True)
class LayerShape:
    """One call of one submodule during a forward pass."""

    name: str  # dotted name from ``named_modules()``, e.g. ``"stack.0"``
    kind: str  # the class name, e.g. ``"Linear"``
    output_shape: tuple  # a tuple of ints, or a tuple of shapes for tuple outputs
    num_parameters: int  # parameters owned directly by this module (not its children)

    @property
    def depth(self) -> int:
        return self.name.count(".") + 1


def _shape_of(value: Any):
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    if isinstance(value, (tuple, list)):
        return tuple(_shape_of(v) for v in value)
    return None  # e.g. need_weights=False gives (output, None)


def layer_shapes(model: nn.Module, *inputs: Any, **kwargs: Any) -> list[LayerShape]:
    """Run ``model(*inputs, **kwargs)`` once under ``no_grad`` and record each submodule's output.

    Rows come in the order the modules *finished* (a container finishes after its children);
    a module called twice appears twice. Hooks are always removed, even if the forward fails.
    """
    rows: list[LayerShape] = []

    def make_hook(name: str):
        def hook(module: nn.Module, args, output):
            own = sum(p.numel() for p in module.parameters(recurse=False))
            rows.append(LayerShape(name, type(module).__name__, _shape_of(output), own))
        return hook

    handles = [module.register_forward_hook(make_hook(name))
               for name, module in model.named_modules() if name]  # "" is the model itself
    try:
        with torch.no_grad():
            model(*inputs, **kwargs)
    finally:
        for handle in handles:
            handle.remove()
    return rows


def format_layer_shapes(rows: Sequence[LayerShape], input_shape: tuple | None = None) -> str:
    """A table of :func:`layer_shapes` rows, indented by nesting depth."""
    lines = [f"{'layer':<32} {'output shape':<24} {'params':>8}"]
    if input_shape is not None:
        lines.append(f"{'(input)':<32} {str(tuple(input_shape)):<24} {'':>8}")
    for row in rows:
        label = "  " * (row.depth - 1) + f"{row.name} ({row.kind})"
        lines.append(f"{label:<32} {str(row.output_shape):<24} {row.num_parameters:>8,}")
    return "\n".join(lines)


def print_layer_shapes(model: nn.Module, *inputs: Any, **kwargs: Any) -> None:
    """Print every submodule's output shape for one forward pass of ``inputs``."""
    first = inputs[0] if inputs else None
    input_shape = tuple(first.shape) if isinstance(first, torch.Tensor) else None
    print(format_layer_shapes(layer_shapes(model, *inputs, **kwargs), input_shape))


def _matches(name: str, prefix: str) -> bool:
    # Whole name components only: "head" matches "head.weight" but not "prehead.weight"
    # or "heads.0.weight", the silent mistakes a substring test ("head" in name) makes.
    return prefix == "" or name == prefix or name.startswith(prefix + ".")


def set_requires_grad(model: nn.Module, requires_grad: bool, prefixes: Iterable[str] | None = None) -> list[str]:
    """Set ``requires_grad`` on the parameters under the given module-name prefixes.

    ``prefixes=None`` means every parameter. Returns the names changed. Raises
    ``ValueError`` naming the available modules when a prefix matches no parameter.
    """
    prefixes = [""] if prefixes is None else list(prefixes)
    named = list(model.named_parameters())
    for prefix in prefixes:
        if not any(_matches(name, prefix) for name, _ in named):
            modules = sorted({name.rsplit(".", 1)[0] for name, _ in named if "." in name})
            raise ValueError(f"no parameter of {type(model).__name__} is under {prefix!r}; "
                             f"modules with parameters: {', '.join(modules)}")
    changed = []
    for name, param in named:
        if any(_matches(name, prefix) for prefix in prefixes):
            param.requires_grad_(requires_grad)
            changed.append(name)
    return changed


def freeze(model: nn.Module, *prefixes: str) -> list[str]:
    """Stop training the parameters under ``prefixes`` (all of them when none are given)."""
    return set_requires_grad(model, False, prefixes or None)


def unfreeze(model: nn.Module, *prefixes: str) -> list[str]:
    """Train the parameters under ``prefixes`` again (all of them when none are given)."""
    return set_requires_grad(model, True, prefixes or None)


class DigitsMLP(nn.Module):
    """An MLP for the 8x8 digits: ``(B, 64)`` or ``(B, 1, 8, 8)`` in, ``(B, 10)`` logits out.

    The submodules are ``flatten``, ``body`` (Linear-ReLU-Dropout per hidden layer) and
    ``head`` (the last Linear), so "freeze all but the head" is ``freeze(model, "body")``.
    """

    def __init__(self, hidden: Sequence[int] = (128, 64), num_classes: int = 10,
                 dropout: float = 0.2, in_features: int = 64):
        super().__init__()
        layers: list[nn.Module] = []
        width = in_features
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        self.flatten = nn.Flatten()
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(self.flatten(x)))  # (B, num_classes)
