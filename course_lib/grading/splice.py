"""Build the notebook that gets executed: trusted cells plus the learner's answers."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import nbformat

from course_lib.authoring import clear_outputs
from course_lib.exercises import cell_exercise, cell_role


@dataclass(frozen=True)
class SpliceResult:
    notebook: nbformat.NotebookNode
    notes: tuple[str, ...]  # how unusual matches were resolved, for the report


def _answers_by_exercise(nb: nbformat.NotebookNode) -> dict[str, list[nbformat.NotebookNode]]:
    found: dict[str, list] = {}
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and cell_role(cell) == "answer":
            found.setdefault(cell_exercise(cell), []).append(cell)
    return found


def splice_answers(trusted: nbformat.NotebookNode, submission: nbformat.NotebookNode) -> SpliceResult:
    """Return a copy of ``trusted`` whose answer cells hold the submission's answers.

    Each trusted answer cell takes the source of the submission's code cell with
    the same id; failing that, the answer cell at the same position among that
    exercise's answer cells. Nothing else of the submission is used, so edited or
    deleted check cells cannot change a verdict. An answer that cannot be found
    keeps the failing stub.
    """
    notebook = clear_outputs(copy.deepcopy(trusted))
    by_id: dict[str, nbformat.NotebookNode] = {}
    notes: list[str] = []
    for cell in submission.cells:
        if cell.get("cell_type") != "code":
            continue
        if cell.get("id") in by_id:
            notes.append(f"cell id {cell.get('id')!r} appears twice in the submission: the first one is used")
            continue
        by_id[cell.get("id")] = cell
    by_exercise = _answers_by_exercise(submission)
    position: dict[str, int] = {}
    for cell in notebook.cells:
        if cell_role(cell) != "answer":
            continue
        exercise = cell_exercise(cell)
        index = position.get(exercise, 0)
        position[exercise] = index + 1
        match = by_id.get(cell.id)
        if match is None:
            candidates = by_exercise.get(exercise, [])
            if index < len(candidates):
                match = candidates[index]
                notes.append(f"exercise {exercise}: answer cell {cell.id!r} matched by position")
            else:
                notes.append(f"exercise {exercise}: answer cell {cell.id!r} is missing from the submission")
                continue
        cell.source = match.source
    return SpliceResult(notebook, tuple(notes))
