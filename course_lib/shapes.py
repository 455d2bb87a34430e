"""Broadcasting, explained one dimension at a time.

:func:`explain_broadcast` lines two shapes up on the right, as PyTorch does, and
says for every dimension which rule applies::

    >>> print(explain_broadcast((3, 1), (1, 4)))
    a      : 3 1
    b      : 1 4
    result : 3 4
    dim -2: a=3, b=1 -> 3 (b is 1: its single entry is repeated 3 times)
    dim -1: a=1, b=4 -> 4 (a is 1: its single entry is repeated 4 times)
    result shape: (3, 4)

When the shapes do not broadcast, the explanation names the offending dimension and
carries the exact error message PyTorch raises for ``a + b``. The chapter on
broadcasting and its shape-explorer widget (:mod:`course_lib.widgets`) use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import torch

Shape = tuple[int, ...]

# Rules, in the words the chapter uses.
EQUAL = "equal"
A_IS_ONE = "a is 1"
B_IS_ONE = "b is 1"
A_MISSING = "a has no such dim"
B_MISSING = "b has no such dim"
MISMATCH = "mismatch"


def parse_shape(text: str | Sequence[int]) -> Shape:
    """Read a shape typed by a person: ``"(3, 1)"``, ``"3,1"``, ``"3 x 1"``, ``"[2, 3]"`` or ``"()"``.

    A sequence of ints is returned as a tuple. Raises ``ValueError`` saying what to
    type when the text is not a shape.
    """
    if not isinstance(text, str):
        values = tuple(text)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError(f"a shape is a sequence of ints; got {values!r}")
        shape = values
    else:
        body = text.strip().strip("()[]").strip()
        if body.lower().startswith("torch.size"):
            body = body[len("torch.size"):].strip("()[] ")
        body = re.sub(r"(?<=\d)\s*[x×]\s*(?=\d)", ",", body)  # "3 x 1" means (3, 1)
        parts = [p for p in re.split(r"[,\s]+", body) if p]
        try:
            shape = tuple(int(p) for p in parts)
        except ValueError:
            raise ValueError(
                f"cannot read {text!r} as a shape: type sizes separated by commas, e.g. (3, 1)"
            ) from None
    negative = [s for s in shape if s < 0]
    if negative:
        raise ValueError(f"sizes cannot be negative; got {shape}")
    return shape


@dataclass(frozen=True)
class DimStep:
    """One dimension of the comparison, counted from the right (``-1`` is the last)."""

    dim: int
    a: int | None  # None: the shape has fewer dimensions (treated as 1)
    b: int | None
    result: int | None  # None: the sizes clash
    rule: str

    def describe(self) -> str:
        a = "-" if self.a is None else self.a
        b = "-" if self.b is None else self.b
        if self.rule == MISMATCH:
            return (f"dim {self.dim}: a={a}, b={b} -> error (sizes differ and neither is 1)")
        reason = {
            EQUAL: "sizes are equal",
            A_IS_ONE: f"a is 1: its single entry is repeated {self.result} times",
            B_IS_ONE: f"b is 1: its single entry is repeated {self.result} times",
            A_MISSING: "a has no such dimension: treated as 1",
            B_MISSING: "b has no such dimension: treated as 1",
        }[self.rule]
        if self.rule == EQUAL and self.result == 1:
            reason = "both are 1"
        return f"dim {self.dim}: a={a}, b={b} -> {self.result} ({reason})"


@dataclass(frozen=True)
class BroadcastExplanation:
    """How two shapes broadcast: the step per dimension, the result shape or the error."""

    a: Shape
    b: Shape
    steps: tuple[DimStep, ...]  # left to right, i.e. dim -n ... -1
    result: Shape | None
    error: str | None  # PyTorch's own message for ``a + b`` when the shapes clash

    @property
    def ok(self) -> bool:
        return self.result is not None

    def aligned_rows(self) -> list[tuple[str, list[str]]]:
        """Rows ``(label, cells)`` of the right-aligned table; ``""`` marks a missing dimension."""
        def cells(values):
            return ["" if v is None else str(v) for v in values]

        rows = [("a", cells(s.a for s in self.steps)), ("b", cells(s.b for s in self.steps))]
        rows.append(("result", ["✗" if s.result is None else str(s.result) for s in self.steps]))
        return rows

    def __str__(self) -> str:
        rows = self.aligned_rows()
        width = max([1] + [len(c) for _, row in rows for c in row])
        lines = [f"{label:<7}: " + " ".join(c.rjust(width) for c in row) for label, row in rows]
        lines += [step.describe() for step in self.steps]
        if self.ok:
            lines.append(f"result shape: {self.result}")
        else:
            lines.append(f"error: {self.error}")
        return "\n".join(lines)


def _step(dim: int, a: int | None, b: int | None) -> DimStep:
    if a is None:
        return DimStep(dim, a, b, b, A_MISSING)
    if b is None:
        return DimStep(dim, a, b, a, B_MISSING)
    if a == b:
        return DimStep(dim, a, b, a, EQUAL)
    if a == 1:
        return DimStep(dim, a, b, b, A_IS_ONE)
    if b == 1:
        return DimStep(dim, a, b, a, B_IS_ONE)
    return DimStep(dim, a, b, None, MISMATCH)


def torch_broadcast_error(a: Shape, b: Shape) -> str | None:
    """PyTorch's exact error message for ``x + y`` with ``x.shape == a`` and ``y.shape == b``.

    ``None`` when the shapes broadcast. No memory is used: both operands are
    zero-stride views of one number, and the shape check fails before any output
    is allocated.
    """
    if _broadcast_or_none(a, b) is not None:
        return None
    x = torch.zeros(()).expand(a)
    y = torch.zeros(()).expand(b)
    try:
        x + y
    except RuntimeError as error:
        return str(error)
    raise AssertionError(f"PyTorch broadcast {a} and {b}; the explanation says it cannot")  # pragma: no cover


def _broadcast_or_none(a: Shape, b: Shape) -> Shape | None:
    steps = _steps(a, b)
    if any(s.result is None for s in steps):
        return None
    return tuple(s.result for s in steps)


def _steps(a: Shape, b: Shape) -> tuple[DimStep, ...]:
    n = max(len(a), len(b))
    padded_a = [None] * (n - len(a)) + list(a)
    padded_b = [None] * (n - len(b)) + list(b)
    return tuple(_step(i - n, x, y) for i, (x, y) in enumerate(zip(padded_a, padded_b)))


def explain_broadcast(a: str | Sequence[int], b: str | Sequence[int]) -> BroadcastExplanation:
    """Explain how shapes ``a`` and ``b`` broadcast (each a tuple or text such as ``"(3, 1)"``)."""
    a, b = parse_shape(a), parse_shape(b)
    steps = _steps(a, b)
    result = _broadcast_or_none(a, b)
    return BroadcastExplanation(a, b, steps, result, None if result is not None else torch_broadcast_error(a, b))


def broadcast_shape(a: str | Sequence[int], b: str | Sequence[int]) -> Shape:
    """The shape of ``x + y``; raises ``ValueError`` naming the clashing dimension."""
    explanation = explain_broadcast(a, b)
    if explanation.ok:
        return explanation.result
    clash = next(s for s in explanation.steps if s.result is None)
    raise ValueError(
        f"shapes {explanation.a} and {explanation.b} do not broadcast: at dim {clash.dim} "
        f"the sizes are {clash.a} and {clash.b} (they must be equal, or one of them 1). "
        f"PyTorch says: {explanation.error}"
    )
