"""Grade one submission end to end."""

from __future__ import annotations

import copy
import hashlib
import time
from pathlib import Path

import nbformat

from course_lib.exercises import cell_exercise
from course_lib.grading.execute import DEFAULT_CELL_TIMEOUT, KERNEL_LOST, CellOutcome, ExecutionError, run_with_nbval
from course_lib.grading.extra import add_extra_checks
from course_lib.grading.prepare import prepare
from course_lib.grading.score import GradeReport, score_exercises, setup_failures
from course_lib.grading.splice import splice_answers
from course_lib.grading.submission import SubmissionError, find_trusted_source, read_submission

COURSE_LIB = Path(__file__).resolve().parents[1]


def course_digest(trusted_source: Path) -> str:
    """A hash of the code and data grading trusts: course_lib's files and the exercise notebook."""
    digest = hashlib.sha256()
    files = sorted(p for p in COURSE_LIB.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in [*files, trusted_source]:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _first_lost_cell(nb: nbformat.NotebookNode, outcomes: dict[str, CellOutcome]) -> nbformat.NotebookNode | None:
    """The cell whose crash or timeout took the kernel down, if any did."""
    for cell in nb.cells:
        outcome = outcomes.get(cell.id)
        if outcome is not None and outcome.kind in ("crash", "timeout"):
            later = [outcomes.get(c.id) for c in nb.cells[nb.cells.index(cell) + 1:]]
            if outcome.kind == "crash" or any(o is not None and o.kind == "dead" for o in later):
                return cell
    return None


def execute_resilient(nb: nbformat.NotebookNode, tokens: dict[str, str], device: str,
                      cell_timeout: float, threads: int | None = None) -> dict[str, CellOutcome]:
    """Run ``nb``; when an exercise kills the kernel, record that and run the rest again without it.

    Each rerun skips the cells of every exercise that already took the kernel
    down, so grading goes on for the others; at most one rerun per exercise.
    """
    final: dict[str, CellOutcome] = {}
    current = copy.deepcopy(nb)
    stopped: set[str] = set()
    while True:
        outcomes = run_with_nbval(current, device=device, cell_timeout=cell_timeout, tokens=tokens,
                                  threads=threads)
        culprit = _first_lost_cell(current, outcomes)
        exercise = None if culprit is None else cell_exercise(culprit)
        if exercise is None or exercise in stopped:
            final.update({k: v for k, v in outcomes.items() if k not in final})
            return final
        stopped.add(exercise)
        for cell in current.cells:
            if cell_exercise(cell) == exercise and cell.cell_type == "code":
                final.setdefault(cell.id, outcomes.get(cell.id) or CellOutcome(cell.id, "failed", "", 0.0, "dead"))
                cell.source = f"raise RuntimeError('Exercise {exercise}: not run again after it stopped the kernel')"
        # Keep the culprit's own message (crash or timeout) for the report.
        final[culprit.id] = outcomes[culprit.id]


def grade_submission(path: Path, source_dir: Path, device: str = "auto",
                     cell_timeout: float = DEFAULT_CELL_TIMEOUT, expect: str | None = None,
                     extra_checks: Path | None = None, threads: int | None = None) -> GradeReport:
    """Grade the notebook at ``path`` against the trusted notebooks in ``source_dir``.

    Never raises for a bad submission: the problem is returned in ``report.error``.
    The submission file is only read; ``expect`` names the notebook it must be
    (``03_autograd``); ``extra_checks`` is a folder of instructor-only check cells.
    """
    started = time.perf_counter()
    path = Path(path)

    def failed(message: str, notebook: str = "") -> GradeReport:
        return GradeReport(submission=str(path), notebook=notebook, device=device, error=message,
                           seconds=round(time.perf_counter() - started, 2))

    try:
        submission = read_submission(path)
        source = find_trusted_source(path, submission, source_dir)
    except SubmissionError as error:
        return failed(str(error))
    if expect and source.stem != expect:
        return failed(f"{path}: this is notebook {source.stem}, not {expect}", source.stem)
    before = course_digest(source)
    trusted = nbformat.read(source, as_version=4)
    if extra_checks is not None:
        try:
            trusted = add_extra_checks(trusted, extra_checks / source.name)
        except ValueError as error:
            return failed(str(error), source.stem)
    spliced = splice_answers(trusted, submission)
    prepared = prepare(spliced.notebook)
    try:
        outcomes = execute_resilient(prepared.notebook, prepared.tokens, device, cell_timeout, threads)
    except ExecutionError as error:
        return failed(str(error), source.stem)
    if course_digest(source) != before:
        return failed(f"{path}: the course's own files changed while this submission ran; "
                      "its grade is void (restore them with git and grade it again)", source.stem)
    exercises = score_exercises(spliced.notebook, outcomes)
    return GradeReport(
        submission=str(path),
        notebook=source.stem,
        device=device,
        exercises=tuple(exercises),
        notes=spliced.notes + tuple(setup_failures(spliced.notebook, outcomes)),
        seconds=round(time.perf_counter() - started, 2),
    )
