"""Turn per-cell outcomes into a score per exercise."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import nbformat

from course_lib.exercises import cell_course_meta, list_exercises
from course_lib.grading.execute import CellOutcome

NOT_RUN = "the cell did not run"


@dataclass(frozen=True)
class ExerciseResult:
    id: str
    title: str
    points: float
    score: float
    passed: bool
    message: str  # why it failed; empty when passed
    cells: tuple[tuple[str, str], ...] = ()  # (cell id, outcome) of its answer and check cells


@dataclass(frozen=True)
class GradeReport:
    submission: str
    notebook: str
    device: str
    exercises: tuple[ExerciseResult, ...] = ()
    notes: tuple[str, ...] = ()
    error: str | None = None  # set when the submission could not be graded at all
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(exercise.score for exercise in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(exercise.points for exercise in self.exercises)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(score=self.score, max_score=self.max_score)
        return data


def score_exercises(notebook: nbformat.NotebookNode, outcomes: dict[str, CellOutcome]) -> list[ExerciseResult]:
    """An exercise earns its points when every one of its answer and check cells passed.

    The reported message is the first failure among its cells, in notebook order,
    so a stub's ``NotImplementedError`` or a check's ``CheckFailure`` is what the
    learner reads.
    """
    results = []
    for exercise in list_exercises(notebook):
        message = ""
        for cell_id in exercise.answer_cells + exercise.check_cells:
            outcome = outcomes.get(cell_id)
            if outcome is None or outcome.outcome != "passed":
                message = outcome.message if outcome and outcome.message else NOT_RUN
                break
        passed = not message
        cells = tuple((cell_id, outcomes[cell_id].outcome if cell_id in outcomes else "not run")
                      for cell_id in exercise.answer_cells + exercise.check_cells)
        results.append(ExerciseResult(
            id=exercise.id, title=exercise.title, points=exercise.points,
            score=exercise.points if passed else 0, passed=passed, message=message, cells=cells,
        ))
    return results


def setup_failures(notebook: nbformat.NotebookNode, outcomes: dict[str, CellOutcome]) -> list[str]:
    """Failures of cells outside any exercise (imports, data set-up): worth a note."""
    notes = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell_course_meta(cell):
            continue
        outcome = outcomes.get(cell.id)
        if outcome is not None and outcome.outcome == "failed":
            notes.append(f"set-up cell {cell.id!r} failed: {outcome.message.splitlines()[0] if outcome.message else ''}")
    return notes
