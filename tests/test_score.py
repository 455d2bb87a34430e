"""Scoring: an exercise earns its points only when all of its cells passed."""

from course_lib.grading.execute import CellOutcome
from course_lib.grading.score import NOT_RUN, score_exercises, setup_failures


def outcome(cell_id, result="passed", message=""):
    return CellOutcome(id=cell_id, outcome=result, message=message, duration=0.0)


def outcomes(*items):
    return {item.id: item for item in items}


def test_all_cells_passed_gives_full_points(tiny_solution):
    results = score_exercises(tiny_solution, outcomes(
        *(outcome(c.id) for c in tiny_solution.cells)))
    assert [(r.id, r.score, r.passed) for r in results] == [("9.1", 2, True), ("9.2", 1, True)]


def test_failed_check_gives_zero_and_its_message(tiny_solution):
    cells = {c.id: outcome(c.id) for c in tiny_solution.cells}
    cells["ex9-1-check"] = outcome("ex9-1-check", "failed", "CheckFailure: Exercise 9.1 (double): wrong")
    results = score_exercises(tiny_solution, cells)
    assert results[0].score == 0 and results[0].message.startswith("CheckFailure: Exercise 9.1")
    assert results[1].passed


def test_answer_failure_is_reported_before_check_failure(tiny_solution):
    cells = {c.id: outcome(c.id) for c in tiny_solution.cells}
    cells["ex9-2-answer"] = outcome("ex9-2-answer", "failed", "NameError: name 'x' is not defined")
    cells["ex9-2-check"] = outcome("ex9-2-check", "failed", "NameError: name 'answer' is not defined")
    assert score_exercises(tiny_solution, cells)[1].message == "NameError: name 'x' is not defined"


def test_cell_that_never_ran_fails_the_exercise(tiny_solution):
    cells = {c.id: outcome(c.id) for c in tiny_solution.cells if c.id != "ex9-1-check"}
    result = score_exercises(tiny_solution, cells)[0]
    assert not result.passed and result.message == NOT_RUN


def test_setup_failures_are_noted(tiny_solution):
    cells = {c.id: outcome(c.id) for c in tiny_solution.cells}
    cells["setup"] = outcome("setup", "failed", "ModuleNotFoundError: No module named 'course_lib'")
    assert setup_failures(tiny_solution, cells) == [
        "set-up cell 'setup' failed: ModuleNotFoundError: No module named 'course_lib'"]
