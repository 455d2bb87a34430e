"""Grade one submission end to end."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat

from course_lib.grading.execute import DEFAULT_CELL_TIMEOUT, ExecutionError, run_with_nbval
from course_lib.grading.score import GradeReport, score_exercises, setup_failures
from course_lib.grading.splice import splice_answers
from course_lib.grading.submission import SubmissionError, find_trusted_source, read_submission


def grade_submission(path: Path, source_dir: Path, device: str = "auto",
                     cell_timeout: float = DEFAULT_CELL_TIMEOUT) -> GradeReport:
    """Grade the notebook at ``path`` against the trusted notebooks in ``source_dir``.

    Never raises for a bad submission: the problem is returned in ``report.error``.
    The submission file is only read.
    """
    started = time.perf_counter()
    try:
        submission = read_submission(path)
        source = find_trusted_source(path, submission, source_dir)
    except SubmissionError as error:
        return GradeReport(submission=str(path), notebook="", device=device, error=str(error))
    trusted = nbformat.read(source, as_version=4)
    spliced = splice_answers(trusted, submission)
    try:
        outcomes = run_with_nbval(spliced.notebook, device=device, cell_timeout=cell_timeout)
    except ExecutionError as error:
        return GradeReport(submission=str(path), notebook=source.stem, device=device, error=str(error))
    return GradeReport(
        submission=str(path),
        notebook=source.stem,
        device=device,
        exercises=tuple(score_exercises(spliced.notebook, outcomes)),
        notes=spliced.notes + tuple(setup_failures(spliced.notebook, outcomes)),
        seconds=round(time.perf_counter() - started, 2),
    )
