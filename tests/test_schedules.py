"""Tests of course_lib.schedules: LR curves, the explorer's pure functions, the range test."""

import math
import warnings

import pytest
import torch
from torch import nn
from torch.optim import lr_scheduler

from course_lib.schedules import (EXPLORER_SCHEDULES, dummy_optimizer, explorer_curve, lr_curve,
                                  lr_range_test, suggest_lr)


def test_lr_curve_steplr_matches_closed_form():
    curve = lr_curve(lambda opt: lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 9, lr=0.8)
    assert curve == pytest.approx([0.8 * 0.5 ** (i // 3) for i in range(9)])


def test_lr_curve_first_value_is_the_initial_lr_not_after_one_step():
    curve = lr_curve(lambda opt: lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=4), 6, lr=1.0)
    assert curve[0] == pytest.approx(0.1)
    assert curve[4:] == pytest.approx([1.0, 1.0])


def test_lr_curve_triggers_no_ordering_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lr_curve(lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=10), 10)


def test_lr_curve_onecycle_runs_its_full_length():
    curve = lr_curve(lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=50), 50)
    assert len(curve) == 50
    assert max(curve) == pytest.approx(1.0, rel=1e-3)
    assert curve[0] == pytest.approx(1.0 / 25)


def test_lr_curve_plateau_needs_and_uses_metrics():
    make = lambda opt: lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)  # noqa: E731
    with pytest.raises(ValueError, match="metric"):
        lr_curve(make, 3)
    curve = lr_curve(make, 5, lr=1.0, metrics=[1.0, 1.0, 1.0, 1.0, 1.0])
    assert curve == pytest.approx([1.0, 1.0, 1.0, 0.5, 0.5])


def test_dummy_optimizer_has_momentum_for_onecycle():
    assert dummy_optimizer().param_groups[0]["momentum"] > 0


@pytest.mark.parametrize("name", list(EXPLORER_SCHEDULES))
def test_explorer_curves_have_the_requested_length_and_peak(name):
    curve = explorer_curve(name, total_steps=40, lr=0.2, warmup_fraction=0.25, gamma=0.1)
    assert len(curve) == 40
    assert max(curve) == pytest.approx(0.2, rel=1e-3)
    assert all(value > 0 for value in curve)


def test_explorer_warmup_rises_then_cosine_falls_to_gamma_fraction():
    curve = explorer_curve("cosine", total_steps=40, lr=1.0, warmup_fraction=0.25, gamma=0.1)
    assert curve[0] < 0.01 and curve[10] == pytest.approx(1.0)
    assert all(a <= b for a, b in zip(curve[:10], curve[1:11]))
    assert min(curve[10:]) >= 0.1 - 1e-9


def test_explorer_rejects_unknown_names_and_bad_fractions():
    with pytest.raises(ValueError, match="unknown schedule"):
        explorer_curve("triangle")
    with pytest.raises(ValueError, match="warmup_fraction"):
        explorer_curve("cosine", warmup_fraction=1.0)


def test_suggest_lr_is_a_tenth_of_the_lr_at_minimum_loss():
    assert suggest_lr([1e-3, 1e-2, 1e-1, 1.0], [2.0, 1.5, 0.5, 9.0]) == pytest.approx(1e-2)
    with pytest.raises(ValueError):
        suggest_lr([], [])


def _toy_problem():
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(256, 4, generator=generator)
    y = (X[:, 0] > 0).long()
    batches = [(X[i:i + 32], y[i:i + 32]) for i in range(0, 256, 32)]
    return nn.Linear(4, 2), batches


def test_lr_range_test_grows_lr_exponentially_and_restores_weights():
    torch.manual_seed(0)
    model, batches = _toy_problem()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = lr_range_test(model, batches, nn.CrossEntropyLoss(),
                           lambda params, lr: torch.optim.SGD(params, lr=lr),
                           start_lr=1e-4, end_lr=1e2, num_steps=60, diverge_factor=1e9)
    assert len(result.lrs) == len(result.losses) == 60  # cycles the 8 batches
    ratios = [b / a for a, b in zip(result.lrs, result.lrs[1:])]
    assert ratios == pytest.approx([ratios[0]] * len(ratios))
    assert result.lrs[-1] == pytest.approx(1e2)
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, before[name])
    assert result.suggestion == pytest.approx(result.lrs[min(range(60), key=result.losses.__getitem__)] / 10)


def test_lr_range_test_stops_when_the_loss_diverges():
    torch.manual_seed(0)
    model, batches = _toy_problem()
    result = lr_range_test(model, batches, nn.CrossEntropyLoss(),
                           lambda params, lr: torch.optim.SGD(params, lr=lr),
                           start_lr=1e-3, end_lr=1e6, num_steps=200)
    assert len(result.lrs) < 200
    assert all(math.isfinite(v) for v in result.losses)
