"""Each check passes on a right answer and fails on a wrong one with a message a learner can act on."""

import pytest
import torch

from course_lib.checks import Checker, CheckFailure

check = Checker("7.3", "normalize")


def failure_of(call) -> str:
    with pytest.raises(CheckFailure) as info:
        call()
    return str(info.value)


def test_close_passes_within_tolerance():
    check.close(torch.tensor([1.0, 2.0]) + 1e-7, torch.tensor([1.0, 2.0]))


def test_message_names_the_exercise_and_what_was_checked():
    message = failure_of(lambda: check.close(torch.zeros(2), torch.ones(2), what="normalize(x)"))
    assert message.startswith("Exercise 7.3 (normalize): normalize(x) has wrong values")


def test_wrong_shape_reports_both_shapes():
    message = failure_of(lambda: check.close(torch.zeros(4, 3), torch.zeros(3, 4)))
    assert "wrong shape" in message and "(3, 4)" in message and "(4, 3)" in message


def test_wrong_dtype_suggests_a_conversion():
    message = failure_of(lambda: check.close(torch.zeros(2, dtype=torch.float64), torch.zeros(2)))
    assert "torch.float64" in message and ".to(torch.float32)" in message


def test_wrong_device_is_reported_before_values(monkeypatch):
    fake = torch.zeros(2)
    monkeypatch.setattr(Checker, "_values_close", lambda *a: pytest.fail("values compared"))
    expected = torch.zeros(2, device="meta")
    message = failure_of(lambda: check.close(fake, expected))
    assert "wrong device" in message and "meta" in message and ".to(device)" in message


def test_first_differing_value_is_located():
    actual = torch.tensor([[1.0, 2.0], [3.0, 9.0]])
    message = failure_of(lambda: check.close(actual, torch.tensor([[1.0, 2.0], [3.0, 4.0]])))
    assert "1 of 4 elements differ" in message and "first at [1, 1]" in message
    assert "expected: 4.0" in message and "got:      9.0" in message


def test_none_and_non_tensor_answers_get_hints():
    assert "forget to `return`" in failure_of(lambda: check.close(None, torch.zeros(1)))
    assert "not a tensor" in failure_of(lambda: check.close([0.0], torch.zeros(1)))


def test_integer_tensors_compare_exactly():
    check.close(torch.tensor([1, 2]), torch.tensor([1, 2]))
    assert "wrong values" in failure_of(lambda: check.close(torch.tensor([1, 3]), torch.tensor([1, 2])))


def test_equal_checks_type_and_value():
    check.equal(3, 3)
    check.equal(torch.Size([2, 3]), (2, 3))
    assert "wrong type" in failure_of(lambda: check.equal("3", 3))
    assert "not what was expected" in failure_of(lambda: check.equal(4, 3))


def test_shape_true_and_hint():
    check.shape(torch.zeros(2, 3), (2, 3))
    assert "wrong shape" in failure_of(lambda: check.shape(torch.zeros(3), (2, 3)))
    message = failure_of(lambda: check.true(False, "x.grad is None.", hint="call backward()"))
    assert "x.grad is None." in message and "hint: call backward()" in message


def test_raises_checks_the_exception_type():
    def boom():
        raise ValueError("bad")

    assert isinstance(check.raises(ValueError, boom), ValueError)
    assert "did not raise" in failure_of(lambda: check.raises(ValueError, lambda: None))
    assert "wrong exception" in failure_of(lambda: check.raises(KeyError, boom))


def test_done_prints_a_pass_line(capsys):
    check.done()
    assert "Exercise 7.3 (normalize): all checks passed" in capsys.readouterr().out
