"""Tests of course_lib.widgets: the pure functions behind each widget, and that each
widget is built already showing its first result (the website has no kernel)."""

import math

import pytest
import torch

from course_lib.widgets import (
    BOWL_MINIMUM, bowl, classify_path, gradient_descent_explorer, gradient_descent_path,
    gradient_descent_png, plot_gradient_descent, shape_explorer, shape_explorer_html,
)

PNG_MAGIC = b"\x89PNG"


# -- shape explorer -------------------------------------------------------------

def test_shape_explorer_html_shows_result_shape():
    text = shape_explorer_html("(3, 1)", "(1, 4)")
    assert "(3, 4)" in text
    assert "do not broadcast" not in text


def test_shape_explorer_html_shows_torchs_error():
    text = shape_explorer_html("(3,)", "(4,)")
    assert "do not broadcast" in text
    assert "must match the size of tensor b (4)" in text


def test_shape_explorer_html_explains_unreadable_input():
    text = shape_explorer_html("(3, x)", "(4,)")
    assert "do not broadcast" not in text
    assert "Cannot read" in text


def test_shape_explorer_html_escapes_input():
    assert "<script>" not in shape_explorer_html("<script>", "(1,)")


def test_shape_explorer_starts_with_output_and_updates():
    box = shape_explorer("(5,)", "(5, 1)")
    (a, b), display = box.children[0].children, box.children[1]
    assert "(5, 5)" in display.value
    b.value = "(6,)"
    assert "do not broadcast" in display.value


# -- gradient descent -------------------------------------------------------------

def test_path_follows_the_update_rule():
    # On (w - 2)^2 one step multiplies the distance to 2 by (1 - 2 lr).
    path = gradient_descent_path(bowl, start=-2.0, lr=0.1, steps=3)
    expected = [2 - 4 * 0.8 ** k for k in range(4)]
    assert path == pytest.approx(expected)


def test_path_uses_autograd_for_any_loss():
    path = gradient_descent_path(lambda w: torch.cos(w), start=1.0, lr=0.5, steps=1)
    assert path[1] == pytest.approx(1.0 + 0.5 * math.sin(1.0))


def test_path_stops_when_it_blows_up():
    path = gradient_descent_path(bowl, start=-2.0, lr=5.0, steps=1000)
    assert len(path) < 1000


@pytest.mark.parametrize("lr, verdict", [
    (0.01, "crawls"), (0.1, "converges"), (0.5, "converges"), (0.8, "overshooting"),
    (0.99, "overshoots and converges slowly"), (1.0, "forever"), (1.2, "diverges"),
])
def test_classify_path_names_each_regime(lr, verdict):
    path = gradient_descent_path(bowl, start=-2.0, lr=lr, steps=20)
    assert verdict in classify_path(path, BOWL_MINIMUM)


def test_classify_monotone_convergence_has_no_overshoot():
    path = gradient_descent_path(bowl, start=-2.0, lr=0.3, steps=20)
    assert classify_path(path, BOWL_MINIMUM) == "converges"


def test_plot_draws_both_panels():
    path = gradient_descent_path(bowl, start=-2.0, lr=0.8, steps=10)
    left, right = plot_gradient_descent(path, lr=0.8)
    assert "overshooting" in left.get_title()
    assert len(right.lines[0].get_xdata()) == len(path)


def test_png_is_an_image():
    assert gradient_descent_png(0.3, steps=5).startswith(PNG_MAGIC)


def test_gradient_descent_explorer_starts_with_picture_and_updates():
    box = gradient_descent_explorer(lr=0.1, steps=5)
    slider, image = box.children
    first = bytes(image.value)
    assert first.startswith(PNG_MAGIC)
    slider.value = 1.2
    assert bytes(image.value) != first
