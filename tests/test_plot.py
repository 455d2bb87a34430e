"""Plot helpers draw what they claim: checked on the artists they create (Agg backend, no display)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from course_lib.plot import plot_curves, plot_memory_layout, show_images, show_matrix  # noqa: E402


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_memory_layout_labels_each_position_with_its_storage_offset():
    base = torch.arange(12.0).reshape(3, 4)
    ax = plot_memory_layout(base.t())
    # the transpose reads storage column by column: first row 0, 4, 8
    assert texts(ax)[:3] == ["0", "4", "8"]
    ax = plot_memory_layout(base[1:, 2:])
    assert texts(ax) == ["6", "7", "10", "11"]
    assert "contiguous=False" in ax.get_title()
    plt.close("all")


def test_memory_layout_refuses_other_ranks():
    with pytest.raises(ValueError, match="2-D"):
        plot_memory_layout(torch.zeros(2, 2, 2))


def test_curves_are_drawn_with_labels_and_a_legend():
    ax = plot_curves({"train": [3, 2, 1], "val": [3, 2.5, 2]}, ylabel="loss")
    assert [line.get_label() for line in ax.get_lines()] == ["train", "val"]
    assert list(ax.get_lines()[1].get_ydata()) == [3, 2.5, 2]
    assert ax.get_legend() is not None and ax.get_ylabel() == "loss"
    plt.close("all")


def test_show_images_makes_one_panel_per_image_with_titles():
    fig = show_images(torch.rand(5, 1, 8, 8), labels=[0, 1, 2, 3, 4], ncols=4)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 5 and shown[4].get_title() == "4"
    plt.close("all")


def test_show_matrix_writes_every_value():
    ax = show_matrix(torch.tensor([[1.0, 2.5], [3.0, 4.0]]))
    assert texts(ax) == ["1", "2.5", "3", "4"]
    plt.close("all")
