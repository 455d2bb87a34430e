"""Splicing: only the learner's answer cells reach the graded notebook."""

import copy

from conftest import answer_cell, check_cell, exercise_cells, make_notebook

from course_lib.grading.splice import splice_answers


def submission_from(trusted, **answers):
    nb = copy.deepcopy(trusted)
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    return nb


def test_answers_are_taken_by_cell_id(tiny_solution):
    submission = submission_from(tiny_solution, **{"ex9-1-answer": "def double(x): return x + x"})
    result = splice_answers(tiny_solution, submission)
    assert result.notebook.cells[2].source == "def double(x): return x + x"
    assert result.notes == ()


def test_edited_check_cells_are_ignored(tiny_solution):
    submission = submission_from(tiny_solution, **{"ex9-1-check": "pass  # no checks here"})
    result = splice_answers(tiny_solution, submission)
    assert result.notebook.cells[3].source == tiny_solution.cells[3].source


def test_answer_with_new_id_is_matched_by_position(tiny_solution):
    submission = submission_from(tiny_solution, **{"ex9-2-answer": "answer = 'mine'"})
    submission.cells[5].id = "renamed-by-jupyter"
    result = splice_answers(tiny_solution, submission)
    assert result.notebook.cells[5].source == "answer = 'mine'"
    assert result.notes == ("exercise 9.2: answer cell 'ex9-2-answer' matched by position",)


def test_deleted_answer_keeps_the_trusted_cell_and_is_noted(tiny_solution):
    submission = copy.deepcopy(tiny_solution)
    del submission.cells[5]
    result = splice_answers(tiny_solution, submission)
    assert result.notebook.cells[5].source == tiny_solution.cells[5].source
    assert "missing from the submission" in result.notes[0]


def test_cells_added_by_the_learner_are_not_executed(tiny_solution):
    submission = copy.deepcopy(tiny_solution)
    extra = check_cell("9.1", "import os; os.remove('grades.json')", cell_id="sneaky")
    submission.cells.insert(1, extra)
    result = splice_answers(tiny_solution, submission)
    assert "sneaky" not in [cell.id for cell in result.notebook.cells]


def test_several_answer_cells_of_one_exercise_keep_their_order():
    trusted = make_notebook(*exercise_cells("1.1", "a = 0", "pass"), answer_cell("1.1", "b = 0", cell_id="second"))
    submission = copy.deepcopy(trusted)
    submission.cells[1].id, submission.cells[3].id = "x1", "x2"
    submission.cells[1].source, submission.cells[3].source = "a = 1", "b = 2"
    result = splice_answers(trusted, submission)
    assert [result.notebook.cells[i].source for i in (1, 3)] == ["a = 1", "b = 2"]
