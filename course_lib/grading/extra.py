"""Instructor-only checks, kept outside the learner's copy and run with the same machinery.

A folder given with ``course grade --extra-checks DIR`` holds notebooks named like the
exercise notebooks (``DIR/03_autograd.ipynb``). Their check cells (metadata role
``check`` and an existing exercise id) are inserted after that exercise's own
check cells, so an exercise passes only when the hidden checks pass too.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from course_lib.exercises import cell_exercise, cell_role


def add_extra_checks(trusted: nbformat.NotebookNode, extra_path: Path) -> nbformat.NotebookNode:
    """A copy of ``trusted`` with the check cells of ``extra_path`` (if it exists) spliced in."""
    nb = copy.deepcopy(trusted)
    if not extra_path.exists():
        return nb
    extra = nbformat.read(extra_path, as_version=4)
    known = {cell_exercise(c) for c in nb.cells if cell_role(c) == "check"}
    for number, cell in enumerate(c for c in extra.cells if cell_role(c) == "check"):
        exercise = cell_exercise(cell)
        if exercise not in known:
            raise ValueError(f"{extra_path}: extra check for unknown exercise {exercise!r}")
        hidden = copy.deepcopy(cell)
        hidden.id = f"extra-{number}-{exercise.replace('.', '-')}"
        hidden.outputs, hidden.execution_count = [], None
        last = max(i for i, c in enumerate(nb.cells) if cell_role(c) == "check" and cell_exercise(c) == exercise)
        nb.cells.insert(last + 1, hidden)
    return nb
