"""Floating-point formats, made visible (chapter 09).

* :func:`describe_dtype` / :func:`dtype_table` - bits, range, precision and machine
  epsilon of ``float32``, ``float16`` and ``bfloat16`` (from ``torch.finfo``);
* :func:`round_to` / :func:`rounding_table` - what a number becomes when stored in each
  dtype, with the error and what happened (rounded, overflowed, underflowed ...);
* :func:`bit_fields` - a value's sign | exponent | mantissa bits;
* :func:`autocast_output_dtypes` - which dtype each op returns under ``torch.autocast``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import torch

FLOAT_DTYPES = (torch.float32, torch.float16, torch.bfloat16)

_INT_VIEW = {torch.float32: torch.int32, torch.float16: torch.int16, torch.bfloat16: torch.int16}


def dtype_name(dtype: torch.dtype) -> str:
    """``torch.bfloat16`` -> ``"bfloat16"``."""
    return str(dtype).removeprefix("torch.")


@dataclass(frozen=True)
class DtypeInfo:
    """The facts about one floating-point format that matter for training."""

    name: str
    bits: int
    exponent_bits: int
    mantissa_bits: int  # stored fraction bits (precision is one more, the implicit leading 1)
    max: float
    smallest_normal: float
    smallest_subnormal: float
    eps: float  # gap between 1.0 and the next representable number
    decimal_digits: float


def describe_dtype(dtype: torch.dtype) -> DtypeInfo:
    """Bits, range and precision of a floating-point dtype, from ``torch.finfo``."""
    if not dtype.is_floating_point:
        raise ValueError(f"{dtype} is not a floating-point dtype")
    info = torch.finfo(dtype)
    mantissa = round(-math.log2(info.eps))
    return DtypeInfo(
        name=dtype_name(dtype),
        bits=info.bits,
        exponent_bits=info.bits - 1 - mantissa,
        mantissa_bits=mantissa,
        max=info.max,
        smallest_normal=info.smallest_normal,
        smallest_subnormal=info.smallest_normal * info.eps,
        eps=info.eps,
        decimal_digits=(mantissa + 1) * math.log10(2),
    )


def _format_rows(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def dtype_table(dtypes: Iterable[torch.dtype] = FLOAT_DTYPES) -> str:
    """A plain-text table comparing floating-point dtypes (one row each)."""
    header = ["dtype", "bits", "exp", "mant", "max", "smallest normal", "smallest subnormal", "eps", "digits"]
    rows = []
    for dtype in dtypes:
        d = describe_dtype(dtype)
        rows.append([d.name, d.bits, d.exponent_bits, d.mantissa_bits, f"{d.max:.5g}", f"{d.smallest_normal:.4g}",
                     f"{d.smallest_subnormal:.4g}", f"{d.eps:.4g}", f"{d.decimal_digits:.1f}"])
    return _format_rows(header, rows)


def round_to(value: float, dtype: torch.dtype) -> float:
    """The number ``value`` becomes when stored in ``dtype`` (round to nearest even), as a Python float."""
    return torch.tensor(value, dtype=torch.float64).to(dtype).item()


def classify_rounding(value: float, stored: float, dtype: torch.dtype) -> str:
    """What storing ``value`` in ``dtype`` did: ``exact``, ``rounded``, ``subnormal``, ``underflow`` or ``overflow``."""
    if math.isinf(stored) and not math.isinf(value):
        return "overflow"
    if stored == 0.0 and value != 0.0:
        return "underflow"
    if stored != 0.0 and abs(stored) < torch.finfo(dtype).smallest_normal:
        return "subnormal"
    return "exact" if stored == value else "rounded"


@dataclass(frozen=True)
class Rounding:
    dtype: str
    stored: float
    abs_error: float
    rel_error: float
    status: str


def rounding_report(value: float, dtypes: Iterable[torch.dtype] = FLOAT_DTYPES) -> list[Rounding]:
    """How ``value`` is stored in each dtype: the stored number, its errors, and what happened."""
    report = []
    for dtype in dtypes:
        stored = round_to(value, dtype)
        error = abs(stored - value) if math.isfinite(stored) else math.inf
        relative = error / abs(value) if value != 0 else 0.0
        report.append(Rounding(dtype_name(dtype), stored, error, relative, classify_rounding(value, stored, dtype)))
    return report


def rounding_table(values: Iterable[float], dtypes: Iterable[torch.dtype] = FLOAT_DTYPES) -> str:
    """A plain-text table: each value as stored in each dtype, with the relative error."""
    dtypes = list(dtypes)
    header = ["value"] + [f"{dtype_name(d)} (rel. error)" for d in dtypes]
    rows = []
    for value in values:
        cells = [f"{value:.10g}"]
        for r in rounding_report(value, dtypes):
            note = r.status if r.status in ("overflow", "underflow", "exact") else f"{r.rel_error:.1e}"
            cells.append(f"{r.stored:.10g} ({note})")
        rows.append(cells)
    return _format_rows(header, rows)


def bit_fields(value: float, dtype: torch.dtype) -> str:
    """``value`` stored in ``dtype`` as ``"sign exponent mantissa"`` bit strings, e.g. ``"0 01111 0000000000"``."""
    if dtype not in _INT_VIEW:
        raise ValueError(f"bit_fields supports {', '.join(dtype_name(d) for d in _INT_VIEW)}; got {dtype}")
    info = describe_dtype(dtype)
    raw = torch.tensor([value], dtype=torch.float64).to(dtype).view(_INT_VIEW[dtype]).item()
    bits = format(raw & ((1 << info.bits) - 1), f"0{info.bits}b")
    return f"{bits[0]} {bits[1:1 + info.exponent_bits]} {bits[1 + info.exponent_bits:]}"


def spacing(value: float, dtype: torch.dtype) -> float:
    """The gap between ``value`` (after rounding to ``dtype``) and the next larger number in ``dtype``."""
    here = torch.tensor(value, dtype=torch.float64).to(dtype)
    above = torch.nextafter(here, torch.tensor(math.inf, dtype=dtype))
    return (above.double() - here.double()).item()


def autocast_output_dtypes(ops: Mapping[str, Callable[[], torch.Tensor]], device_type: str,
                           dtype: torch.dtype) -> dict[str, torch.dtype]:
    """Run each zero-argument op inside ``torch.autocast(device_type, dtype)``; return its output dtype."""
    result = {}
    with torch.autocast(device_type, dtype=dtype):
        for name, op in ops.items():
            result[name] = op().dtype
    return result


def amp_dtype_for(device: torch.device | str) -> torch.dtype:
    """The usual autocast dtype: ``float16`` on CUDA (tensor cores, with a GradScaler), ``bfloat16`` elsewhere."""
    return torch.float16 if torch.device(device).type == "cuda" else torch.bfloat16
