"""Unit tests of course_lib.modules, with torch itself as the reference."""

import pytest
import torch
from torch import nn

from course_lib.modules import (
    DigitsMLP,
    count_parameters,
    format_layer_shapes,
    freeze,
    layer_shapes,
    print_layer_shapes,
    unfreeze,
)


class Residual(nn.Module):
    """A forward that is not a chain of its children: named_children() cannot replay it."""

    def __init__(self):
        super().__init__()
        self.inner = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        return self.out(x + self.inner(torch.flatten(x, 1)))


def test_count_parameters_matches_the_linear_formula():
    model = DigitsMLP(hidden=(128, 64))
    assert count_parameters(model) == (64 * 128 + 128) + (128 * 64 + 64) + (64 * 10 + 10)


def test_count_parameters_counts_tied_weights_once():
    model = nn.Sequential(nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False))
    model[1].weight = model[0].weight
    assert count_parameters(model) == 9


def test_count_parameters_trainable_only_skips_frozen():
    model = DigitsMLP(hidden=(8,))
    model.body.requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == 8 * 10 + 10
    assert count_parameters(model) == 64 * 8 + 8 + 8 * 10 + 10


def test_layer_shapes_records_every_call_in_order_with_nested_modules():
    model = Residual()
    rows = layer_shapes(model, torch.randn(5, 4))
    assert [(r.name, r.output_shape) for r in rows] == [
        ("inner.0", (5, 4)), ("inner.1", (5, 4)), ("inner", (5, 4)), ("out", (5, 2))]
    assert [r.depth for r in rows] == [2, 2, 1, 1]
    assert rows[0].num_parameters == 20 and rows[2].num_parameters == 0


def test_layer_shapes_matches_real_outputs_of_digits_mlp():
    model = DigitsMLP(hidden=(16,)).eval()
    x = torch.rand(3, 1, 8, 8)
    rows = {r.name: r.output_shape for r in layer_shapes(model, x)}
    assert rows["flatten"] == tuple(torch.flatten(x, 1).shape)
    assert rows["head"] == tuple(model(x).shape) == (3, 10)


def test_layer_shapes_handles_tuple_outputs_and_removes_hooks():
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(2, 5, 8)
    rows = layer_shapes(mha, x, x, x)  # no submodule runs: out_proj is used via F.linear
    assert rows == []
    wrapper = nn.ModuleDict({"attn": mha})
    rows = layer_shapes(_Call(wrapper), x)
    assert rows[-1].output_shape == ((2, 5, 8), (2, 5, 5))
    assert all(not m._forward_hooks for m in wrapper.modules())


class _Call(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner["attn"](x, x, x)


def test_layer_shapes_removes_hooks_when_forward_fails():
    model = DigitsMLP(hidden=(8,))
    with pytest.raises(RuntimeError):
        layer_shapes(model, torch.randn(2, 63))
    assert all(not m._forward_hooks for m in model.modules())


def test_layer_shapes_does_not_record_gradients():
    model = DigitsMLP(hidden=(8,))
    layer_shapes(model, torch.randn(2, 64))
    assert all(p.grad is None for p in model.parameters())


def test_format_and_print_layer_shapes(capsys):
    model = Residual()
    text = format_layer_shapes(layer_shapes(model, torch.randn(1, 4)), (1, 4))
    assert "  inner.0 (Linear)" in text and "(input)" in text
    print_layer_shapes(model, torch.randn(1, 4))
    assert "out (Linear)" in capsys.readouterr().out


def test_freeze_matches_whole_name_components_only():
    model = nn.ModuleDict({"head": nn.Linear(2, 2), "prehead": nn.Linear(2, 2), "heads": nn.Linear(2, 2)})
    assert freeze(model, "head") == ["head.weight", "head.bias"]
    assert [n for n, p in model.named_parameters() if not p.requires_grad] == ["head.weight", "head.bias"]


def test_freeze_without_prefix_freezes_everything_and_unfreeze_restores():
    model = DigitsMLP(hidden=(8,))
    freeze(model)
    assert count_parameters(model, trainable_only=True) == 0
    unfreeze(model, "head")
    assert count_parameters(model, trainable_only=True) == 8 * 10 + 10
    unfreeze(model)
    assert count_parameters(model, trainable_only=True) == count_parameters(model)


def test_freeze_unknown_prefix_raises_and_changes_nothing():
    model = DigitsMLP(hidden=(8,))
    with pytest.raises(ValueError, match="layer3"):
        freeze(model, "body", "layer3")  # the original tutorial's silent no-op
    assert all(p.requires_grad for p in model.parameters())


def test_frozen_parameters_get_no_gradient():
    model = DigitsMLP(hidden=(8,), dropout=0.0)
    freeze(model, "body")
    model(torch.randn(4, 64)).sum().backward()
    assert model.body[0].weight.grad is None and model.head.weight.grad is not None


def test_digits_mlp_layout_and_shapes():
    model = DigitsMLP(hidden=(32, 16), dropout=0.1)
    assert [n for n, _ in model.named_parameters()] == [
        "body.0.weight", "body.0.bias", "body.3.weight", "body.3.bias", "head.weight", "head.bias"]
    assert model(torch.rand(7, 1, 8, 8)).shape == (7, 10)
    assert model(torch.rand(7, 64)).shape == (7, 10)
    model.eval()
    x = torch.rand(3, 64)
    torch.testing.assert_close(model(x), model(x))  # dropout is off in eval mode
