"""Tests of course_lib.precision: dtype facts, rounding, bit fields, autocast dtypes."""

import pytest
import torch

from course_lib.precision import (amp_dtype_for, autocast_output_dtypes, bit_fields, classify_rounding,
                                  describe_dtype, dtype_table, round_to, rounding_report, rounding_table,
                                  spacing)


@pytest.mark.parametrize("dtype, exponent, mantissa, eps", [
    (torch.float32, 8, 23, 2.0**-23),
    (torch.float16, 5, 10, 2.0**-10),
    (torch.bfloat16, 8, 7, 2.0**-7),
])
def test_describe_dtype_bit_layout_and_eps(dtype, exponent, mantissa, eps):
    info = describe_dtype(dtype)
    assert (info.exponent_bits, info.mantissa_bits, info.eps) == (exponent, mantissa, eps)
    assert info.bits == 1 + exponent + mantissa


def test_describe_dtype_range_of_float16():
    info = describe_dtype(torch.float16)
    assert info.max == 65504.0
    assert info.smallest_normal == 2.0**-14
    assert info.smallest_subnormal == 2.0**-24


def test_describe_dtype_rejects_integers():
    with pytest.raises(ValueError, match="floating-point"):
        describe_dtype(torch.int32)


def test_dtype_table_has_a_row_per_dtype():
    lines = dtype_table().splitlines()
    assert len(lines) == 2 + 3
    assert "bfloat16" in lines[-1] and "65504" in lines[3]


def test_round_to_rounds_to_nearest_even():
    assert round_to(1.0 + 2.0**-11, torch.float16) == 1.0  # halfway: ties to even
    assert round_to(1.0 + 3 * 2.0**-11, torch.float16) == 1.0 + 2.0**-9
    assert round_to(0.1, torch.float32) != 0.1


@pytest.mark.parametrize("value, dtype, status", [
    (70000.0, torch.float16, "overflow"),
    (70000.0, torch.bfloat16, "rounded"),
    (1e-8, torch.float16, "underflow"),
    (1e-6, torch.float16, "subnormal"),
    (1e-8, torch.bfloat16, "rounded"),
    (0.5, torch.bfloat16, "exact"),
])
def test_rounding_status(value, dtype, status):
    assert classify_rounding(value, round_to(value, dtype), dtype) == status


def test_rounding_report_errors():
    report = {r.dtype: r for r in rounding_report(1 / 3)}
    assert report["float32"].rel_error < 1e-7 < report["float16"].rel_error < report["bfloat16"].rel_error < 2**-8
    assert rounding_report(1e5, [torch.float16])[0].abs_error == float("inf")


def test_rounding_table_mentions_overflow():
    table = rounding_table([1e5])
    assert "overflow" in table and "inf" in table


@pytest.mark.parametrize("value, dtype, bits", [
    (1.0, torch.float16, "0 01111 0000000000"),
    (-2.0, torch.bfloat16, "1 10000000 0000000"),
    (1.0, torch.float32, "0 01111111 " + "0" * 23),
])
def test_bit_fields(value, dtype, bits):
    assert bit_fields(value, dtype) == bits


def test_spacing_grows_with_magnitude():
    assert spacing(1.0, torch.float16) == 2.0**-10
    assert spacing(1024.0, torch.float16) == 1.0
    assert spacing(256.0, torch.bfloat16) == 2.0


def test_autocast_output_dtypes_on_cpu():
    a, b = torch.randn(4, 4), torch.randn(4, 4)
    dtypes = autocast_output_dtypes({"matmul": lambda: a @ b, "add": lambda: a + b}, "cpu", torch.bfloat16)
    assert dtypes == {"matmul": torch.bfloat16, "add": torch.float32}


def test_amp_dtype_for():
    assert amp_dtype_for("cpu") == torch.bfloat16
    assert amp_dtype_for(torch.device("cuda")) == torch.float16
