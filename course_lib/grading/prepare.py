"""Turn a spliced notebook into the one the grader executes.

Two steps, both pure functions of an in-memory notebook:

* :func:`apply_policy` - an answer that breaks :mod:`~course_lib.grading.policy` is
  not run at all: its cell is replaced by one that raises with the reason;
* :func:`add_guard` - a first cell records the grading environment
  (:mod:`~course_lib.grading.guard`), and each check cell ends by verifying it and
  printing a one-time token. The pytest plugin counts a check cell as passed only
  when its token was printed, so an answer that silences errors (or kills the
  check cell any other way) cannot turn a failing check into a passing one.

Order: apply_policy before add_guard (the guard's own cells are trusted code).
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass

import nbformat

from course_lib.exercises import cell_exercise, cell_role
from course_lib.grading.policy import check_answer, trusted_names

GUARD_NAME = "__course_guard"
GUARD_CELL_ID = "course-grading-guard"
TOKEN_PREFIX = "course-check-complete:"


GUARD_SOURCE = f"""\
from course_lib.grading.guard import install as __course_install, refuse_exit as exit, refuse_exit as quit
{GUARD_NAME} = __course_install()
"""


@dataclass(frozen=True)
class Prepared:
    notebook: nbformat.NotebookNode
    tokens: dict[str, str]      # check cell id -> the line it prints when it completes
    rejected: dict[str, str]    # exercise id -> why its answer was not run


def apply_policy(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, dict[str, str]]:
    """Replace every answer that breaks the policy by a cell that raises the reason."""
    nb = copy.deepcopy(nb)
    trusted = trusted_names([c.source for c in nb.cells if c.cell_type == "code" and cell_role(c) != "answer"])
    rejected: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or cell_role(cell) != "answer":
            continue
        violations = check_answer(cell.source, trusted)
        if violations:
            exercise = cell_exercise(cell)
            reason = f"Exercise {exercise}: answer not run: " + "; ".join(map(str, violations[:3]))
            rejected.setdefault(exercise, reason)
            cell.source = f"raise PermissionError({reason!r})"
    return nb, rejected


def add_guard(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, dict[str, str]]:
    """Insert the guard cell and make each check cell print a fresh token when it completes."""
    nb = copy.deepcopy(nb)
    tokens: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell_role(cell) == "check":
            tokens[cell.id] = TOKEN_PREFIX + secrets.token_hex(16)
            cell.source = f"{cell.source}\n{GUARD_NAME}.verify()\nprint({tokens[cell.id]!r})"
    guard = nbformat.v4.new_code_cell(GUARD_SOURCE)
    guard.id = GUARD_CELL_ID
    nb.cells.insert(0, guard)
    return nb, tokens


def prepare(nb: nbformat.NotebookNode) -> Prepared:
    guarded, rejected = apply_policy(nb)
    guarded, tokens = add_guard(guarded)
    return Prepared(guarded, tokens, rejected)
