"""Strict execution: deprecated torch APIs fail a notebook, except in cells tagged legacy."""

import nbformat
from conftest import code_cell, make_notebook

from course_lib.run import LEGACY_TAG
from course_lib.verify import execute_strict


def test_deprecated_api_is_an_error_outside_legacy_cells(tmp_path):
    legacy = code_cell("import warnings, torch\nscaler = torch.cuda.amp.GradScaler(enabled=False)", "legacy-demo")
    legacy.metadata["tags"] = [LEGACY_TAG]
    nb = make_notebook(
        code_cell("import torch\nx = torch.ones(2)", "fine"),
        legacy,
        code_cell("scaler = torch.cuda.amp.GradScaler(enabled=False)", "modern-mistake"),
        code_cell("y = x * 2", "after"),
    )
    path = tmp_path / "99_test.ipynb"
    nbformat.write(nb, path)
    errors = execute_strict(path, fast=False)
    assert [(e["id"], e["ename"]) for e in errors] == [("modern-mistake", "FutureWarning")]
    assert "torch.amp.GradScaler" in errors[0]["evalue"]
