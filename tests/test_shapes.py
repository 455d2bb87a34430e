"""Tests of course_lib.shapes: broadcasting explained dimension by dimension."""

import pytest
import torch

from course_lib.shapes import (
    A_IS_ONE, A_MISSING, B_IS_ONE, EQUAL, MISMATCH, broadcast_shape, explain_broadcast, parse_shape,
    torch_broadcast_error,
)


@pytest.mark.parametrize("text, expected", [
    ("(3, 1)", (3, 1)), ("3,1", (3, 1)), ("3 x 1", (3, 1)), ("[2, 3, 4]", (2, 3, 4)),
    ("()", ()), ("", ()), ("(5,)", (5,)), ("torch.Size([2, 3])", (2, 3)), ((4, 1), (4, 1)),
])
def test_parse_shape_reads_what_people_type(text, expected):
    assert parse_shape(text) == expected


@pytest.mark.parametrize("bad", ["(3, a)", "three", "(2, -1)"])
def test_parse_shape_rejects_non_shapes(bad):
    with pytest.raises(ValueError):
        parse_shape(bad)


@pytest.mark.parametrize("a, b", [
    ((3, 1), (1, 4)), ((5,), (5, 1)), ((), (2, 3)), ((2, 1, 4), (3, 1)), ((8, 1, 6, 1), (7, 1, 5)),
    ((0,), (1,)), ((1,), (1,)),
])
def test_result_matches_torch(a, b):
    explanation = explain_broadcast(a, b)
    assert explanation.ok
    assert explanation.result == tuple(torch.broadcast_shapes(a, b))
    assert broadcast_shape(a, b) == explanation.result
    assert explanation.error is None


def test_steps_are_right_aligned_with_the_rule_of_each_dimension():
    steps = explain_broadcast((5,), (3, 1)).steps
    assert [(s.dim, s.a, s.b, s.result, s.rule) for s in steps] == [
        (-2, None, 3, 3, A_MISSING),
        (-1, 5, 1, 5, B_IS_ONE),
    ]
    steps = explain_broadcast((1, 4), (3, 4)).steps
    assert [s.rule for s in steps] == [A_IS_ONE, EQUAL]


def test_the_silent_n_by_n_bug_is_explained():
    explanation = explain_broadcast((4,), (4, 1))
    assert explanation.result == (4, 4)
    text = str(explanation)
    assert "result shape: (4, 4)" in text
    assert "treated as 1" in text


@pytest.mark.parametrize("a, b", [((3,), (4,)), ((2, 3), (4, 1)), ((2, 3, 4), (3, 5))])
def test_mismatch_carries_torchs_exact_error(a, b):
    explanation = explain_broadcast(a, b)
    assert not explanation.ok and explanation.result is None
    assert any(s.rule == MISMATCH and s.result is None for s in explanation.steps)
    with pytest.raises(RuntimeError) as real:
        torch.zeros(a) + torch.zeros(b)
    assert explanation.error == str(real.value)
    assert torch_broadcast_error(a, b) == str(real.value)
    assert "error" in str(explanation)


def test_torch_error_is_none_when_shapes_broadcast():
    assert torch_broadcast_error((3, 1), (1, 4)) is None


def test_huge_shapes_need_no_memory():
    explanation = explain_broadcast((10**6, 10**6, 3), (10**6, 10**6, 4))
    assert not explanation.ok and "must match" in explanation.error


def test_broadcast_shape_names_the_clashing_dimension():
    with pytest.raises(ValueError, match=r"dim -2.*2 and 4"):
        broadcast_shape((2, 3), (4, 1))


def test_aligned_rows_mark_missing_dimensions_and_clashes():
    rows = dict(explain_broadcast((3,), (2, 4)).aligned_rows())
    assert rows["a"] == ["", "3"]
    assert rows["b"] == ["2", "4"]
    assert rows["result"] == ["2", "✗"]
