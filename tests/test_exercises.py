"""Exercise metadata: what makes a notebook gradable."""

from conftest import answer_cell, check_cell, code_cell, exercise_cells, make_notebook, task_cell

from course_lib.exercises import find_problems, list_exercises


def test_a_well_formed_notebook_lists_its_exercises(tiny_solution):
    exercises = list_exercises(tiny_solution)
    assert [(e.id, e.title, e.points) for e in exercises] == [("9.1", "double", 2), ("9.2", "words", 1)]
    assert exercises[0].answer_cells == ("ex9-1-answer",) and exercises[0].check_cells == ("ex9-1-check",)


def test_missing_check_cell_is_reported():
    nb = make_notebook(task_cell("1.1"), answer_cell("1.1", "x = 1"))
    assert "exercise 1.1 has no check cell" in find_problems(nb)


def test_points_must_be_positive():
    nb = make_notebook(task_cell("1.1", points=0), answer_cell("1.1", "x"), check_cell("1.1", "x"))
    assert any("positive 'points'" in p for p in find_problems(nb))


def test_unknown_role_and_duplicate_ids_are_reported():
    bad = code_cell("x", "same")
    bad.metadata["course"] = {"exercise": "1.1", "role": "grader"}
    nb = make_notebook(*exercise_cells("1.1", "x", "y"), bad, code_cell("z", "other"))
    nb.cells[-1].id = "same"  # after construction: nbformat would silently rename it
    problems = find_problems(nb)
    assert any("role 'grader'" in p for p in problems)
    assert any("duplicate cell ids" in p for p in problems)


def test_check_before_task_is_reported():
    nb = make_notebook(check_cell("1.1", "x"), task_cell("1.1"), answer_cell("1.1", "x"))
    assert any("comes before its task cell" in p for p in find_problems(nb))
