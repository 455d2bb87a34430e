"""Execute course notebooks with papermill: the course's main job and its tests.

Each notebook has a cell tagged ``parameters`` (device, seed, size knobs). Its
notebook metadata may list ``course.fast_parameters``: smaller sizes that keep the
same code paths, used by CI and ``--fast`` runs.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from tqdm.auto import tqdm

LEGACY_TAG = "legacy"  # cells that demonstrate a deprecated API on purpose

STRICT_WARNINGS = """\
import warnings
warnings.resetwarnings()
warnings.simplefilter("default")
# The course teaches today's API: a deprecation warning from our own code is a bug.
warnings.filterwarnings("error", category=DeprecationWarning)
warnings.filterwarnings("error", category=FutureWarning)
"""
RELAXED_WARNINGS = """\
import warnings
warnings.resetwarnings()
warnings.simplefilter("default")  # the next cell is a legacy demonstration
"""


class NotebookFailed(RuntimeError):
    """A notebook raised while executing; the message names the notebook and the cell."""


def _code_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell"]})
    cell.id = "course-" + uuid.uuid4().hex[:8]
    return cell


def with_strict_warnings(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` in which deprecation warnings are errors, except in legacy cells."""
    nb = copy.deepcopy(nb)
    cells = [_code_cell(STRICT_WARNINGS)]
    for cell in nb.cells:
        legacy = LEGACY_TAG in cell.get("metadata", {}).get("tags", [])
        if legacy:
            cells.append(_code_cell(RELAXED_WARNINGS))
        cells.append(cell)
        if legacy:
            cells.append(_code_cell(STRICT_WARNINGS))
    nb.cells = cells
    return nb


def parameters_of(nb: nbformat.NotebookNode, fast: bool) -> dict:
    """The papermill parameters for a run: the notebook's fast ones when ``fast``."""
    if not fast:
        return {}
    return dict(nb.get("metadata", {}).get("course", {}).get("fast_parameters", {}))


@dataclass(frozen=True)
class RunResult:
    source: Path
    output: Path
    seconds: float


def execute_notebook(source: Path, output: Path, *, fast: bool = False, strict: bool = False,
                     device: str | None = None, timeout: float = 600) -> RunResult:
    """Execute ``source`` into ``output`` (the source is never modified)."""
    import time

    nb = nbformat.read(source, as_version=4)
    parameters = parameters_of(nb, fast)
    if device is not None:
        parameters["device"] = device
    if strict:
        nb = with_strict_warnings(nb)
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            nb, str(output), parameters=parameters, cwd=str(source.parent),
            progress_bar=False, log_output=False, kernel_name="python3",
            execution_timeout=timeout,
        )
    except papermill.PapermillExecutionError as error:
        raise NotebookFailed(
            f"{source}: cell {error.cell_index} (execution count {error.exec_count}) raised "
            f"{error.ename}: {error.evalue}"
        ) from None
    return RunResult(source, output, time.perf_counter() - started)


def run_course(sources: list[Path], build_dir: Path, *, fast: bool = False,
               device: str | None = None) -> list[RunResult]:
    """Execute every notebook in ``sources`` into ``build_dir`` with one progress bar."""
    results = []
    with tqdm(sources, desc="executing notebooks", unit="notebook") as bar:
        for source in bar:
            bar.set_postfix_str(source.name)
            output = build_dir / source.parent.name / source.name
            results.append(execute_notebook(source, output, fast=fast, device=device))
    return results
