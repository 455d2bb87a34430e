"""The grading API that check cells call.

A check cell reads like a unit test, and its failure message is written for the
learner: which exercise, what was expected, what came back, and what to try::

    check = Checker("1.2", "normalize")
    check.close(normalize(x), expected, what="normalize(x)")
    check.done()

Every failure raises :class:`CheckFailure` (an ``AssertionError``), which is what
marks the cell, and so the exercise, as failed when the notebook is graded.
"""

from __future__ import annotations

from typing import Any, Callable

import torch


class CheckFailure(AssertionError):
    """A check did not pass; the message says why and what to try."""


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(value.shape)


def _format_index(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


_NUMBERS = (int, float)
_PLAIN = (int, float, bool, str, bytes, type(None), tuple, list, dict, set, frozenset)


def _type_mismatch(actual: Any, expected: Any) -> tuple[str, str] | None:
    """(expected type, actual type) of the first place where the two structures differ in type.

    Types must match exactly (an int subclass could redefine ``==``); ints and floats
    may stand for each other, bools may not.
    """
    ta, te = type(actual), type(expected)
    numeric = ta in _NUMBERS and te in _NUMBERS
    if ta is not te and not numeric:
        return te.__name__, ta.__name__
    if te in (tuple, list) and len(actual) == len(expected):
        for a, e in zip(actual, expected):
            found = _type_mismatch(a, e)
            if found:
                return found
    if te is dict and actual.keys() == expected.keys():
        for key in expected:
            found = _type_mismatch(actual[key], expected[key])
            if found:
                return found
    if te not in _PLAIN and not isinstance(expected, (torch.dtype, torch.device)):
        return None if ta is te else (te.__name__, ta.__name__)
    return None


class Checker:
    """Checks for one exercise; every message starts with the exercise's id and title."""

    def __init__(self, exercise: str, title: str | None = None):
        self.exercise = exercise
        self.title = title

    # -- building messages -------------------------------------------------
    def _fail(self, problem: str, expected: Any = None, got: Any = None, hint: str | None = None):
        name = f"Exercise {self.exercise}" + (f" ({self.title})" if self.title else "")
        lines = [f"{name}: {problem}"]
        if expected is not None or got is not None:
            lines.append(f"  expected: {expected}")
            lines.append(f"  got:      {got}")
        if hint:
            lines.append(f"  hint: {hint}")
        raise CheckFailure("\n".join(lines))

    # -- checks --------------------------------------------------------------
    def close(
        self,
        actual: Any,
        expected: Any,
        *,
        what: str = "the result",
        rtol: float | None = None,
        atol: float | None = None,
        check_dtype: bool = True,
        check_device: bool = True,
        hint: str | None = None,
    ) -> None:
        """Check that tensor ``actual`` matches ``expected`` in shape, dtype, device and values.

        Values are compared with ``torch.testing.assert_close`` tolerances
        (defaults depend on the dtype; pass ``rtol``/``atol`` together to override).
        """
        if not isinstance(expected, torch.Tensor):
            expected = torch.as_tensor(expected)
        if actual is None:
            self._fail(f"{what} is None.", "a tensor", "None", hint or "did you forget to `return` the result?")
        if not isinstance(actual, torch.Tensor):
            self._fail(f"{what} is not a tensor.", "torch.Tensor", type(actual).__name__,
                       hint or "build the result with torch operations (or wrap it with torch.tensor(...)).")
        if type(actual) not in (torch.Tensor, torch.nn.Parameter):
            # A subclass can redefine how comparisons behave: only plain tensors are graded.
            self._fail(f"{what} is a tensor subclass.", "torch.Tensor", type(actual).__name__,
                       hint or "return a plain tensor (e.g. result.as_subclass(torch.Tensor)).")
        if _shape(actual) != _shape(expected):
            self._fail(f"{what} has the wrong shape.", _shape(expected), _shape(actual), hint)
        if check_dtype and actual.dtype != expected.dtype:
            self._fail(f"{what} has the wrong dtype.", expected.dtype, actual.dtype,
                       hint or f"convert with .to({expected.dtype}) or create it with dtype={expected.dtype}.")
        if check_device and actual.device != expected.device:
            self._fail(f"{what} is on the wrong device.", expected.device, actual.device,
                       hint or "create tensors on the input's device (device=x.device) or move them with .to(device).")
        self._values_close(actual.detach().cpu(), expected.detach().cpu(), what, rtol, atol, hint)

    def _values_close(self, actual, expected, what, rtol, atol, hint):
        common = torch.promote_types(actual.dtype, expected.dtype)
        a, e = actual.to(common), expected.to(common)
        try:
            torch.testing.assert_close(a, e, rtol=rtol, atol=atol, equal_nan=True)
            return
        except AssertionError:
            pass
        if a.dtype.is_floating_point or a.dtype.is_complex:
            if rtol is None or atol is None:
                # The same defaults assert_close used for this dtype.
                rtol, atol = {torch.float16: (1e-3, 1e-5), torch.bfloat16: (1.6e-2, 1e-5),
                              torch.float64: (1e-7, 1e-7)}.get(common, (1.3e-6, 1e-5))
            mismatched = ~torch.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
        else:
            mismatched = a != e
        positions = mismatched.nonzero()
        first = tuple(positions[0].tolist()) if len(positions) else ()
        where = _format_index(first) if first else "the value"
        detail = f"{len(positions)} of {max(a.numel(), 1)} elements differ"
        if a.dtype.is_floating_point and a.numel():
            detail += f" (largest absolute difference {(a - e).abs().nan_to_num(float('inf')).max().item():.4g})"
        self._fail(
            f"{what} has wrong values: {detail}; first at {where}.",
            e[first].item() if e.numel() else e.tolist(),
            a[first].item() if a.numel() else a.tolist(),
            hint,
        )

    def equal(self, actual: Any, expected: Any, *, what: str = "the result", hint: str | None = None) -> None:
        """Check plain Python values (numbers, strings, tuples, ``torch.Size``) for equality."""
        if isinstance(actual, torch.Size):
            actual = tuple(actual)
        if isinstance(expected, torch.Size):
            expected = tuple(expected)
        mismatch = _type_mismatch(actual, expected)
        if mismatch:
            self._fail(f"{what} has the wrong type.", mismatch[0], mismatch[1], hint)
        if actual != expected:
            self._fail(f"{what} is not what was expected.", repr(expected), repr(actual), hint)

    def shape(self, tensor: Any, expected_shape: tuple[int, ...], *, what: str = "the result",
              hint: str | None = None) -> None:
        """Check that ``tensor`` is a tensor of the given shape."""
        if not isinstance(tensor, torch.Tensor):
            self._fail(f"{what} is not a tensor.", "torch.Tensor", type(tensor).__name__, hint)
        if _shape(tensor) != tuple(expected_shape):
            self._fail(f"{what} has the wrong shape.", tuple(expected_shape), _shape(tensor), hint)

    def true(self, condition: Any, problem: str, *, hint: str | None = None) -> None:
        """Check a condition; ``problem`` says what is wrong when it does not hold."""
        if not condition:
            self._fail(problem, hint=hint)

    def raises(self, exception: type[BaseException], function: Callable[..., Any], *args: Any,
               what: str = "the call", hint: str | None = None, **kwargs: Any) -> BaseException:
        """Check that ``function(*args, **kwargs)`` raises ``exception``; return the exception."""
        try:
            function(*args, **kwargs)
        except exception as error:
            return error
        except Exception as error:  # noqa: BLE001 - reported to the learner
            self._fail(f"{what} raised the wrong exception.", exception.__name__,
                       f"{type(error).__name__}: {error}", hint)
        self._fail(f"{what} did not raise.", exception.__name__, "no exception", hint)
        raise AssertionError("unreachable")

    def done(self) -> None:
        """Print the pass message; call it as the check cell's last line."""
        name = f"Exercise {self.exercise}" + (f" ({self.title})" if self.title else "")
        print(f"✔ {name}: all checks passed.")
