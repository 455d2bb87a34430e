"""Shared fixtures: the repository layout and small in-memory notebook factories."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
ALL_NOTEBOOKS = CHAPTERS + SOLUTIONS + EXERCISES


def notebook_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def course_command(*args: str) -> list[str]:
    """The `course` CLI, run with this interpreter (no reliance on PATH)."""
    return [sys.executable, "-m", "course_lib.cli", *args]


# -- factories: one line to build each kind of cell -------------------------------
def task_cell(exercise: str, title: str = "A task", points: float = 1, cell_id: str | None = None):
    cell = new_markdown_cell(f"### Exercise {exercise}")
    cell.id = cell_id or f"ex{exercise.replace('.', '-')}-task"
    cell.metadata["course"] = {"exercise": exercise, "role": "task", "title": title, "points": points}
    return cell


def answer_cell(exercise: str, source: str, cell_id: str | None = None):
    cell = new_code_cell(source)
    cell.id = cell_id or f"ex{exercise.replace('.', '-')}-answer"
    cell.metadata["course"] = {"exercise": exercise, "role": "answer"}
    return cell


def check_cell(exercise: str, source: str, cell_id: str | None = None):
    cell = new_code_cell(source)
    cell.id = cell_id or f"ex{exercise.replace('.', '-')}-check"
    cell.metadata["course"] = {"exercise": exercise, "role": "check"}
    return cell


def code_cell(source: str, cell_id: str):
    cell = new_code_cell(source)
    cell.id = cell_id
    return cell


def make_notebook(*cells, name: str = "99_test") -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["course"] = {"name": name}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def exercise_cells(exercise: str, answer: str, check: str, title: str = "A task", points: float = 1):
    return [task_cell(exercise, title, points), answer_cell(exercise, answer), check_cell(exercise, check)]


@pytest.fixture
def tiny_solution() -> nbformat.NotebookNode:
    """A two-exercise solution notebook that runs in a second."""
    return make_notebook(
        code_cell("from course_lib.checks import Checker", "setup"),
        *exercise_cells(
            "9.1",
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            "check = Checker('9.1', 'double')\ncheck.equal(double(21), 42, what='double(21)')\ncheck.done()",
            title="double", points=2,
        ),
        *exercise_cells(
            "9.2",
            "### BEGIN SOLUTION\nanswer = 'forty-two'\n### END SOLUTION",
            "check = Checker('9.2', 'words')\ncheck.equal(answer, 'forty-two', what='answer')\ncheck.done()",
            title="words", points=1,
        ),
    )
