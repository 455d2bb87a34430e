"""Unit tests of course_lib.export."""

import warnings

import pytest
import torch

from course_lib.export import quiet_export, run_onnx

LEAFSPEC_MESSAGE = ("`isinstance(treespec, LeafSpec)` is deprecated, use `isinstance(treespec, TreeSpec) "
                    "and treespec.is_leaf()` instead.")


def test_quiet_export_hides_torch_internal_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet_export():
            warnings.warn(LEAFSPEC_MESSAGE, FutureWarning)  # must not raise


def test_quiet_export_keeps_other_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet_export(), pytest.raises(FutureWarning, match="something else"):
            warnings.warn("something else is deprecated", FutureWarning)


def test_quiet_export_restores_filters():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with quiet_export():
            pass
        with pytest.raises(FutureWarning):
            warnings.warn(LEAFSPEC_MESSAGE, FutureWarning)


@pytest.fixture(scope="module")
def linear_onnx(tmp_path_factory):
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 3).eval()
    path = tmp_path_factory.mktemp("onnx") / "linear.onnx"
    batch = torch.export.Dim("batch", min=1, max=64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        warnings.simplefilter("error", DeprecationWarning)
        with quiet_export():
            torch.onnx.export(model, (torch.randn(2, 4),), str(path), dynamo=True, verbose=False,
                              input_names=["x"], output_names=["y"], dynamic_shapes={"input": {0: batch}})
    return model, path


@pytest.mark.parametrize("batch", [1, 5])
def test_run_onnx_matches_pytorch(linear_onnx, batch):
    model, path = linear_onnx
    x = torch.randn(batch, 4)
    (y,) = run_onnx(path, x)
    assert y.shape == (batch, 3)
    torch.testing.assert_close(y, model(x).detach(), rtol=1e-5, atol=1e-6)


def test_run_onnx_rejects_wrong_number_of_inputs(linear_onnx):
    _, path = linear_onnx
    with pytest.raises(ValueError, match="expects 1 inputs"):
        run_onnx(path, torch.randn(1, 4), torch.randn(1, 4))
