"""What an exercise notebook is made of, read from cell metadata.

Every exercise is a few cells sharing an id under the ``course`` metadata key:

* one markdown **task** cell: ``{"exercise": "1.2", "role": "task", "title": "...", "points": 2}``
  - the statement the learner reads; it carries the title and the points;
* one or more **answer** cells: ``{"exercise": "1.2", "role": "answer"}`` - the only
  cells a learner's submission contributes to grading;
* one or more **check** cells: ``{"exercise": "1.2", "role": "check"}`` - they call
  :mod:`course_lib.checks` and fail with a message when the answer is wrong.

Grading relies on these ids and roles, never on cell positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import nbformat

META_KEY = "course"
ROLES = ("task", "answer", "check")


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its id, title, points and the ids of its cells."""

    id: str
    title: str
    points: float
    answer_cells: tuple[str, ...]
    check_cells: tuple[str, ...]


def cell_course_meta(cell: nbformat.NotebookNode) -> dict:
    """The cell's ``course`` metadata, or ``{}``."""
    meta = cell.get("metadata", {}).get(META_KEY, {})
    return meta if isinstance(meta, dict) else {}


def cell_role(cell: nbformat.NotebookNode) -> str | None:
    return cell_course_meta(cell).get("role")


def cell_exercise(cell: nbformat.NotebookNode) -> str | None:
    exercise = cell_course_meta(cell).get("exercise")
    return None if exercise is None else str(exercise)


def notebook_name(nb: nbformat.NotebookNode) -> str | None:
    """The course name a notebook declares (``"01_tensors"``), used to match submissions."""
    meta = nb.get("metadata", {}).get(META_KEY, {})
    return meta.get("name") if isinstance(meta, dict) else None


def find_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Everything wrong with a notebook's exercise metadata, as readable sentences."""
    problems: list[str] = []
    tasks: dict[str, int] = {}
    seen_roles: dict[str, set[str]] = {}
    for index, cell in enumerate(nb.cells):
        meta = cell_course_meta(cell)
        if not meta:
            continue
        where = f"cell {index} (id {cell.get('id')!r})"
        role, exercise = meta.get("role"), meta.get("exercise")
        if role not in ROLES:
            problems.append(f"{where}: role {role!r} is not one of {ROLES}")
            continue
        if not exercise:
            problems.append(f"{where}: a {role} cell needs an 'exercise' id")
            continue
        exercise = str(exercise)
        seen_roles.setdefault(exercise, set()).add(role)
        if role == "task":
            if cell.cell_type != "markdown":
                problems.append(f"{where}: the task cell of exercise {exercise} must be markdown")
            if exercise in tasks:
                problems.append(f"{where}: exercise {exercise} has a second task cell")
            tasks[exercise] = index
            if not meta.get("title"):
                problems.append(f"{where}: exercise {exercise} needs a 'title'")
            points = meta.get("points")
            if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
                problems.append(f"{where}: exercise {exercise} needs positive 'points', got {points!r}")
        elif cell.cell_type != "code":
            problems.append(f"{where}: a {role} cell must be a code cell")
        elif role == "check" and cell_exercise(cell) not in tasks:
            problems.append(f"{where}: check of exercise {exercise} comes before its task cell")
    for exercise, roles in seen_roles.items():
        for needed in ROLES:
            if needed not in roles:
                problems.append(f"exercise {exercise} has no {needed} cell")
    ids = [cell.get("id") for cell in nb.cells]
    duplicates = sorted({i for i in ids if ids.count(i) > 1 and i is not None})
    if duplicates:
        problems.append(f"duplicate cell ids: {duplicates}")
    return problems


def list_exercises(nb: nbformat.NotebookNode) -> list[Exercise]:
    """The notebook's exercises in order of their task cells.

    Raises ``ValueError`` listing every problem when the metadata is inconsistent.
    """
    problems = find_problems(nb)
    if problems:
        raise ValueError("invalid exercise metadata:\n  " + "\n  ".join(problems))
    order: list[str] = []
    info: dict[str, dict] = {}
    cells: dict[str, dict[str, list[str]]] = {}
    for cell in nb.cells:
        role, exercise = cell_role(cell), cell_exercise(cell)
        if role is None or exercise is None:
            continue
        if role == "task":
            order.append(exercise)
            info[exercise] = cell_course_meta(cell)
        cells.setdefault(exercise, {"answer": [], "check": []})
        if role in ("answer", "check"):
            cells[exercise][role].append(cell.id)
    return [
        Exercise(
            id=exercise,
            title=str(info[exercise]["title"]),
            points=info[exercise]["points"],
            answer_cells=tuple(cells[exercise]["answer"]),
            check_cells=tuple(cells[exercise]["check"]),
        )
        for exercise in order
    ]
