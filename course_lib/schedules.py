"""Learning-rate schedules, made visible (chapter 08).

* :func:`lr_curve` - the learning rate a scheduler gives at every step, recorded the
  right way round (``optimizer.step()`` before ``scheduler.step()``), on a throw-away
  optimizer, so a schedule can be drawn before it is used;
* :func:`explorer_curve` / :data:`EXPLORER_SCHEDULES` / :func:`schedule_explorer` - the
  schedule explorer: pure functions that build a named schedule from a few knobs, and a
  thin ipywidgets front end over them;
* :func:`lr_range_test` - Leslie Smith's LR range test: train for a few hundred steps
  while the LR grows exponentially, record the loss, then restore the model.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import torch
from torch import nn
from torch.optim import lr_scheduler

SchedulerFactory = Callable[[torch.optim.Optimizer], object]


def dummy_optimizer(lr: float = 0.1, momentum: float = 0.9) -> torch.optim.SGD:
    """An SGD optimizer over one unused parameter: enough to drive any scheduler.

    ``momentum`` is non-zero because :class:`~torch.optim.lr_scheduler.OneCycleLR`
    cycles momentum and refuses an optimizer without it.
    """
    return torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=lr, momentum=momentum)


def lr_curve(make_scheduler: SchedulerFactory, steps: int, *, lr: float = 0.1,
             metrics: Sequence[float] | None = None) -> list[float]:
    """The learning rate used at each of ``steps`` steps of the scheduler ``make_scheduler`` builds.

    ``make_scheduler(optimizer)`` receives a fresh optimizer whose base LR is ``lr``.
    Element ``i`` is the LR the optimizer would use for step ``i`` (read before stepping).
    :class:`~torch.optim.lr_scheduler.ReduceLROnPlateau` needs one metric per step:
    pass them as ``metrics``.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    optimizer = dummy_optimizer(lr)
    scheduler = make_scheduler(optimizer)
    plateau = isinstance(scheduler, lr_scheduler.ReduceLROnPlateau)
    if plateau and (metrics is None or len(metrics) < steps):
        raise ValueError("ReduceLROnPlateau is driven by a metric: pass one value per step as `metrics`")
    curve = []
    for step in range(steps):
        curve.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # first the optimizer, then the scheduler: the order PyTorch expects
        if plateau:
            scheduler.step(metrics[step])
        else:
            scheduler.step()
    return curve


# -- the schedule explorer ------------------------------------------------------------


def _warmup_then(optimizer, total_steps: int, warmup_steps: int, main):
    if warmup_steps <= 0:
        return main
    warmup = lr_scheduler.LinearLR(optimizer, start_factor=1e-3, end_factor=1.0, total_iters=warmup_steps)
    return lr_scheduler.SequentialLR(optimizer, [warmup, main], milestones=[warmup_steps])


def _constant(optimizer, total_steps, warmup_steps, gamma):
    main = lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)
    return _warmup_then(optimizer, total_steps, warmup_steps, main)


def _step(optimizer, total_steps, warmup_steps, gamma):
    step_size = max(1, (total_steps - warmup_steps) // 3)
    main = lr_scheduler.StepLR(optimizer, step_size=step_size, gamma=gamma)
    return _warmup_then(optimizer, total_steps, warmup_steps, main)


def _exponential(optimizer, total_steps, warmup_steps, gamma):
    # gamma is the factor over the whole run; per step that is gamma ** (1 / steps)
    per_step = gamma ** (1.0 / max(1, total_steps - warmup_steps))
    main = lr_scheduler.ExponentialLR(optimizer, gamma=per_step)
    return _warmup_then(optimizer, total_steps, warmup_steps, main)


def _cosine(optimizer, total_steps, warmup_steps, gamma):
    main = lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, total_steps - warmup_steps),
                                          eta_min=optimizer.param_groups[0]["lr"] * gamma)
    return _warmup_then(optimizer, total_steps, warmup_steps, main)


def _onecycle(optimizer, total_steps, warmup_steps, gamma):
    # OneCycle has its own warm-up: warmup_steps sets the rising fraction
    pct_start = min(0.95, max(0.05, warmup_steps / max(1, total_steps)))
    return lr_scheduler.OneCycleLR(optimizer, max_lr=optimizer.param_groups[0]["lr"],
                                   total_steps=total_steps, pct_start=pct_start)


EXPLORER_SCHEDULES: dict[str, Callable] = {
    "constant": _constant,
    "step": _step,
    "exponential": _exponential,
    "cosine": _cosine,
    "onecycle": _onecycle,
}
"""Schedule builders ``(optimizer, total_steps, warmup_steps, gamma) -> scheduler``.

``gamma`` means: for ``step``, the factor at each of the 3 drops; for ``exponential``,
the factor over the whole run; for ``cosine``, the final LR as a fraction of the peak.
"""


def explorer_curve(name: str, total_steps: int = 100, lr: float = 0.1, warmup_fraction: float = 0.0,
                   gamma: float = 0.1) -> list[float]:
    """The LR curve of the named explorer schedule (see :data:`EXPLORER_SCHEDULES`)."""
    if name not in EXPLORER_SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}: choose one of {', '.join(EXPLORER_SCHEDULES)}")
    if total_steps < 2:
        raise ValueError(f"total_steps must be at least 2, got {total_steps}")
    if not 0.0 <= warmup_fraction < 1.0:
        raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction}")
    warmup_steps = int(round(warmup_fraction * total_steps))
    build = EXPLORER_SCHEDULES[name]
    return lr_curve(lambda opt: build(opt, total_steps, warmup_steps, gamma), total_steps, lr=lr)


def plot_schedules(curves: dict[str, Sequence[float]], *, ax=None, title: str = "", logy: bool = False):
    """Draw named LR curves against the step number."""
    from course_lib.plot import plot_curves

    return plot_curves(curves, xlabel="step", ylabel="learning rate", title=title, ax=ax, logy=logy)


def schedule_explorer(total_steps: int = 100):
    """An ipywidgets explorer: pick a schedule, move the sliders, watch the curve.

    Returns the widget; the drawing is :func:`explorer_curve` + :func:`plot_schedules`,
    so the same picture can be made without a kernel.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def draw(name, lr, warmup_fraction, gamma):
        fig, ax = plt.subplots(figsize=(6, 3))
        curve = explorer_curve(name, total_steps, lr, warmup_fraction, gamma)
        plot_schedules({name: curve}, ax=ax, title=f"{name}: peak {max(curve):.3g}, last {curve[-1]:.3g}")
        ax.set_ylim(0, lr * 1.05)
        plt.show()

    return widgets.interactive(
        draw,
        name=widgets.Dropdown(options=list(EXPLORER_SCHEDULES), value="cosine", description="schedule"),
        lr=widgets.FloatLogSlider(value=0.1, base=10, min=-4, max=0, step=0.1, description="peak lr"),
        warmup_fraction=widgets.FloatSlider(value=0.1, min=0.0, max=0.9, step=0.05, description="warm-up"),
        gamma=widgets.FloatSlider(value=0.1, min=0.0, max=1.0, step=0.05, description="gamma"),
    )


# -- LR range test ---------------------------------------------------------------------


@dataclass(frozen=True)
class RangeTestResult:
    """Learning rates tried, the (smoothed) loss at each, and a suggested LR."""

    lrs: list[float]
    losses: list[float]
    suggestion: float


def suggest_lr(lrs: Sequence[float], losses: Sequence[float]) -> float:
    """A rule of thumb for the range test: one tenth of the LR at which the loss was lowest.

    At the minimum the LR is already near the edge of stability; a tenth of it is
    usually still fast and safely stable.
    """
    if not lrs or len(lrs) != len(losses):
        raise ValueError("need as many losses as learning rates (and at least one)")
    best = min(range(len(losses)), key=lambda i: losses[i])
    return lrs[best] / 10


def lr_range_test(model: nn.Module, loader: Iterable, loss_fn: Callable,
                  make_optimizer: Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer], *,
                  start_lr: float = 1e-5, end_lr: float = 10.0, num_steps: int = 100,
                  device: torch.device | str = "cpu", smoothing: float = 0.05,
                  diverge_factor: float = 4.0) -> RangeTestResult:
    """Train ``num_steps`` batches with the LR growing exponentially from ``start_lr`` to ``end_lr``.

    ``make_optimizer(params, lr)`` builds the optimizer. The loss is smoothed with an
    exponential moving average (``smoothing`` is the weight of the new value, bias
    corrected) and the test stops early once it exceeds ``diverge_factor`` times its
    best value. The model's weights are restored afterwards, so the test does not
    disturb a later training run.
    """
    if not 0 < start_lr < end_lr:
        raise ValueError(f"need 0 < start_lr < end_lr, got {start_lr} and {end_lr}")
    saved = copy.deepcopy(model.state_dict())
    model.to(device).train()
    optimizer = make_optimizer(model.parameters(), start_lr)
    growth = (end_lr / start_lr) ** (1.0 / max(1, num_steps - 1))
    lrs, losses = [], []
    average, best = 0.0, math.inf

    def batches():
        while True:  # cycle the loader: a range test may need more steps than one epoch has
            yield from loader

    for step, (X, y) in zip(range(num_steps), batches()):
        lr = start_lr * growth**step
        for group in optimizer.param_groups:
            group["lr"] = lr
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        average = (1 - smoothing) * average + smoothing * loss.item()
        smoothed = average / (1 - (1 - smoothing) ** (step + 1))
        if not math.isfinite(smoothed):
            break
        lrs.append(lr)
        losses.append(smoothed)
        best = min(best, smoothed)
        if smoothed > diverge_factor * best:
            break
    model.load_state_dict(saved)
    return RangeTestResult(lrs, losses, suggest_lr(lrs, losses))
