"""Interactive explorers for the chapters, built with ipywidgets.

Each widget is a thin shell around pure functions that do the work (and are unit
tested): the widget only reads its controls, calls them and shows the result.
Every widget is created already showing its first result, so a page rendered
without a kernel (the course website) still shows something meaningful; the
chapters also place a static matplotlib figure beside each widget.

* :func:`shape_explorer` - type two shapes, see them aligned on the right, the
  rule for each dimension and the result shape or PyTorch's exact error.
* :func:`gradient_descent_explorer` - move a learning-rate slider and watch
  gradient descent on a one-dimensional loss crawl, converge, bounce or diverge.
"""

from __future__ import annotations

import html
import io
import math
from typing import Callable, Sequence

import torch
from matplotlib.figure import Figure

from course_lib.shapes import explain_broadcast

# --------------------------------------------------------------------------- shapes


def shape_explorer_html(a_text: str, b_text: str) -> str:
    """The explorer's display for two shapes typed as text: an aligned table and a verdict."""
    try:
        explanation = explain_broadcast(a_text, b_text)
    except ValueError as error:
        return f'<p style="color:#b00020"><b>Cannot read the shapes:</b> {html.escape(str(error))}</p>'
    cell = 'style="padding:2px 10px;text-align:right;font-family:monospace"'
    rows = []
    for label, values in explanation.aligned_rows():
        tds = "".join(f"<td {cell}>{html.escape(v) or '&middot;'}</td>" for v in values)
        rows.append(f"<tr><th style=\"text-align:left;padding-right:10px\">{label}</th>{tds}</tr>")
    dims = "".join(f"<td {cell}><small>{s.dim}</small></td>" for s in explanation.steps)
    table = f'<table><tr><th></th>{dims}</tr>{"".join(rows)}</table>'
    steps = "".join(f"<li><code>{html.escape(s.describe())}</code></li>" for s in explanation.steps)
    if explanation.ok:
        verdict = (f'<p style="color:#1b5e20"><b>a + b has shape {explanation.result}</b></p>')
    else:
        verdict = ('<p style="color:#b00020"><b>These shapes do not broadcast.</b> PyTorch raises:<br>'
                   f"<code>RuntimeError: {html.escape(explanation.error)}</code></p>")
    return f"{table}<ul>{steps}</ul>{verdict}"


def shape_explorer(a: str = "(3, 1)", b: str = "(1, 4)"):
    """Two text boxes for shapes and a live explanation of how they broadcast."""
    import ipywidgets as widgets

    box_a = widgets.Text(value=a, description="shape a", continuous_update=True)
    box_b = widgets.Text(value=b, description="shape b", continuous_update=True)
    display = widgets.HTML(value=shape_explorer_html(a, b))

    def update(_change=None):
        display.value = shape_explorer_html(box_a.value, box_b.value)

    box_a.observe(update, names="value")
    box_b.observe(update, names="value")
    return widgets.VBox([widgets.HBox([box_a, box_b]), display])


# ------------------------------------------------------------------ gradient descent


def bowl(w: torch.Tensor) -> torch.Tensor:
    """The explorer's default loss, ``(w - 2)**2``: minimum 0 at ``w = 2``, gradient ``2 (w - 2)``.

    One step multiplies the distance to the minimum by ``1 - 2 * lr``: it crawls for a
    small ``lr``, lands in one step at ``lr = 0.5``, overshoots and bounces back between
    ``0.5`` and ``1``, and diverges above ``1``.
    """
    return (w - 2.0) ** 2


BOWL_MINIMUM = 2.0


def gradient_descent_path(loss_fn: Callable[[torch.Tensor], torch.Tensor], start: float, lr: float,
                          steps: int) -> list[float]:
    """Run ``steps`` steps of ``w <- w - lr * dloss/dw`` from ``start``; return every ``w`` visited.

    The gradient comes from autograd (``torch.autograd.grad``), so ``loss_fn`` can be
    any differentiable function of a scalar tensor. The run stops early once ``w``
    stops being finite.
    """
    w = torch.tensor(float(start), dtype=torch.float64)
    path = [w.item()]
    for _ in range(steps):
        w.requires_grad_(True)
        (grad,) = torch.autograd.grad(loss_fn(w), w)
        w = (w - lr * grad).detach()
        path.append(w.item())
        if not math.isfinite(path[-1]) or abs(path[-1]) > 1e12:
            break
    return path


def classify_path(path: Sequence[float], minimum: float, tol: float = 0.02) -> str:
    """Describe a run in words: converges, crawls, overshoots, bounces forever or diverges."""
    errors = [w - minimum for w in path]
    start, end = abs(errors[0]), abs(errors[-1])
    if start == 0:
        return "starts at the minimum"
    if not math.isfinite(end) or end > start * (1 + 1e-9):
        return "diverges"
    overshoots = any(e1 * e2 < 0 for e1, e2 in zip(errors, errors[1:]))
    if end >= start * (1 - 1e-9):
        return "bounces back and forth forever"
    if end <= tol * start:
        return "converges, overshooting each step" if overshoots else "converges"
    return "overshoots and converges slowly" if overshoots else "crawls: far from the minimum after all steps"


def plot_gradient_descent(path: Sequence[float], *, loss_fn: Callable[[torch.Tensor], torch.Tensor] = bowl,
                          minimum: float = BOWL_MINIMUM, lr: float | None = None, axes=None):
    """Draw a run: the loss curve with the steps on it (left) and the loss per step (right).

    ``axes`` is a pair of matplotlib axes; a new figure is made when it is ``None``.
    Returns the pair of axes.
    """
    if axes is None:
        axes = Figure(figsize=(9, 3.2), layout="constrained").subplots(1, 2)
    left, right = axes
    finite = [w for w in path if math.isfinite(w)]
    reach = max([abs(w - minimum) for w in finite] + [1.0])
    reach = min(reach, 12.0)
    grid = torch.linspace(minimum - 1.15 * reach, minimum + 1.15 * reach, 200, dtype=torch.float64)
    left.plot(grid.numpy(), loss_fn(grid).numpy(), color="0.6")
    shown = [w for w in finite if abs(w - minimum) <= 1.15 * reach]
    ws = torch.tensor(shown, dtype=torch.float64)
    losses = loss_fn(ws).numpy() if shown else []
    left.plot(ws.numpy(), losses, "o-", color="tab:red", markersize=4, linewidth=1)
    if shown:
        left.plot(ws[:1].numpy(), losses[:1], "s", color="black", label="start")
        left.legend(loc="upper center")
    verdict = classify_path(path, minimum)
    lr_text = "" if lr is None else f"lr = {lr:g}: "
    left.set(xlabel="w", ylabel="loss", title=f"{lr_text}{verdict}")
    left.title.set_fontsize(10)
    all_losses = loss_fn(torch.tensor(finite, dtype=torch.float64)).numpy()
    right.plot(range(len(all_losses)), all_losses, "o-", markersize=3)
    right.set_yscale("log")
    right.set(xlabel="step", ylabel="loss (log scale)", title="loss per step")
    right.title.set_fontsize(10)
    right.grid(alpha=0.3)
    return axes


def figure_png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure as PNG bytes (for an ``ipywidgets.Image``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def gradient_descent_png(lr: float, *, start: float = -2.0, steps: int = 20) -> bytes:
    """The explorer's picture for one learning rate, on :func:`bowl`."""
    fig = Figure(figsize=(9, 3.2), layout="constrained")
    axes = fig.subplots(1, 2)
    path = gradient_descent_path(bowl, start, lr, steps)
    plot_gradient_descent(path, lr=lr, axes=axes)
    return figure_png(fig)


def gradient_descent_explorer(lr: float = 0.1, *, start: float = -2.0, steps: int = 20):
    """A learning-rate slider (log scale, 0.01 to about 1.6) over gradient descent on :func:`bowl`."""
    import ipywidgets as widgets

    slider = widgets.FloatLogSlider(value=lr, base=10, min=-2, max=0.2, step=0.02,
                                    description="lr", continuous_update=False, readout_format=".3g")
    image = widgets.Image(value=gradient_descent_png(lr, start=start, steps=steps), format="png")

    def update(change):
        image.value = gradient_descent_png(change["new"], start=start, steps=steps)

    slider.observe(update, names="value")
    return widgets.VBox([slider, image])
