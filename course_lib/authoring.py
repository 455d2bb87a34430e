"""Generate the student notebooks in ``exercises/`` from ``solutions/``.

A solution notebook is the single source of an exercise. Inside answer cells the
answer sits between markers::

    def normalize(x):
        ### BEGIN SOLUTION
        return (x - x.mean()) / x.std()
        ### END SOLUTION

The generator replaces each marked region with a stub that fails loudly and names
the exercise, clears every output, and keeps everything else (cell ids included,
so a submission's answers can be matched back by id). Each step is a small
function over an in-memory notebook; only :func:`generate` touches the disk.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_lib.exercises import cell_exercise, cell_role, find_problems, list_exercises

# Answer-cell metadata key: typical wrong answers the tests prove the checks reject.
WRONG_ANSWERS = "wrong_answers"
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)### (?P<kind>BEGIN|END) SOLUTION[ \t]*$")


class AuthoringError(ValueError):
    """A solution notebook cannot be turned into an exercise notebook."""


def stub_line(exercise: str, title: str) -> str:
    return f'raise NotImplementedError("Exercise {exercise}: {title} - replace this line with your code")'


def strip_solution(source: str, exercise: str, title: str) -> str:
    """Replace every BEGIN/END SOLUTION region of ``source`` with a failing stub."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = _MARKER.match(line)
        if marker and marker["kind"] == "BEGIN":
            if inside:
                raise AuthoringError(f"line {number}: {BEGIN} inside another solution region")
            inside = True
            indent = marker["indent"]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(indent + stub_line(exercise, title))
        elif marker:
            if not inside:
                raise AuthoringError(f"line {number}: {END} without a {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise AuthoringError(f"{BEGIN} is never closed by {END}")
    return "\n".join(out)


def clear_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` without outputs or execution counts."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
    return nb


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with every answer cell's solution replaced by a stub."""
    titles = {exercise.id: exercise.title for exercise in list_exercises(nb)}
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        has_marker = BEGIN in cell.source or END in cell.source
        if cell_role(cell) != "answer":
            if has_marker:
                raise AuthoringError(f"cell {index} (id {cell.id!r}) has solution markers but is not an answer cell")
            continue
        exercise = cell_exercise(cell)
        cell.metadata["course"].pop(WRONG_ANSWERS, None)  # for the course's tests, not for learners
        if not has_marker:
            raise AuthoringError(f"answer cell {index} (id {cell.id!r}) of exercise {exercise} has no {BEGIN} marker")
        try:
            cell.source = strip_solution(cell.source, exercise, titles[exercise])
        except AuthoringError as error:
            raise AuthoringError(f"answer cell {index} (id {cell.id!r}): {error}") from None
    return nb


def make_exercise(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student notebook for a solution notebook: solutions stubbed, outputs cleared."""
    problems = find_problems(solution)
    if problems:
        raise AuthoringError("invalid exercise metadata:\n  " + "\n  ".join(problems))
    return clear_outputs(strip_solutions(solution))


def to_text(nb: nbformat.NotebookNode) -> str:
    """Serialise a notebook the way the course commits it (stable, diff-friendly)."""
    return nbformat.writes(nb) + "\n"


@dataclass(frozen=True)
class GenerateResult:
    written: list[Path]
    unchanged: list[Path]
    stale: list[Path]  # exercises whose solution is gone


def generate(solutions_dir: Path, exercises_dir: Path, check_only: bool = False) -> GenerateResult:
    """Write ``exercises_dir/NAME.ipynb`` for each ``solutions_dir/NAME.ipynb``.

    With ``check_only`` nothing is written; ``written`` then lists the files that
    are missing or out of date.
    """
    written, unchanged = [], []
    sources = sorted(solutions_dir.glob("*.ipynb"))
    for source in sources:
        target = exercises_dir / source.name
        try:
            text = to_text(make_exercise(nbformat.read(source, as_version=4)))
        except AuthoringError as error:
            raise AuthoringError(f"{source}: {error}") from None
        if target.exists() and target.read_text(encoding="utf-8") == text:
            unchanged.append(target)
            continue
        written.append(target)
        if not check_only:
            exercises_dir.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    names = {source.name for source in sources}
    stale = sorted(p for p in exercises_dir.glob("*.ipynb") if p.name not in names)
    return GenerateResult(written, unchanged, stale)
