"""The exercise generator: solution regions become stubs, nothing else changes."""

import pytest
from conftest import answer_cell, code_cell, exercise_cells, make_notebook

from course_lib.authoring import AuthoringError, generate, make_exercise, strip_solution, to_text


def test_region_becomes_an_indented_stub():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n# after"
    stripped = strip_solution(source, "2.3", "identity")
    assert stripped.splitlines() == [
        "def f(x):",
        "    # YOUR CODE HERE",
        '    raise NotImplementedError("Exercise 2.3: identity - replace this line with your code")',
        "# after",
    ]


def test_unclosed_region_is_an_error():
    with pytest.raises(AuthoringError, match="never closed"):
        strip_solution("### BEGIN SOLUTION\nx = 1", "1.1", "t")


def test_end_without_begin_is_an_error():
    with pytest.raises(AuthoringError, match="without a"):
        strip_solution("x = 1\n### END SOLUTION", "1.1", "t")


def test_answer_cell_without_markers_is_an_error():
    nb = make_notebook(*exercise_cells("1.1", "x = 1", "pass"))
    with pytest.raises(AuthoringError, match="has no ### BEGIN SOLUTION"):
        make_exercise(nb)


def test_markers_outside_answer_cells_are_an_error():
    nb = make_notebook(code_cell("### BEGIN SOLUTION\nx\n### END SOLUTION", "setup"))
    with pytest.raises(AuthoringError, match="not an answer cell"):
        make_exercise(nb)


def test_exercise_keeps_ids_and_clears_outputs(tiny_solution):
    tiny_solution.cells[0].outputs = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    tiny_solution.cells[0].execution_count = 3
    exercise = make_exercise(tiny_solution)
    assert [c.id for c in exercise.cells] == [c.id for c in tiny_solution.cells]
    assert exercise.cells[0].outputs == [] and exercise.cells[0].execution_count is None
    assert "NotImplementedError" in exercise.cells[2].source and "return 2 * x" not in exercise.cells[2].source
    assert tiny_solution.cells[0].outputs, "the solution notebook itself must not be modified"


def test_generate_writes_then_reports_up_to_date(tmp_path, tiny_solution):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    (solutions / "99_test.ipynb").write_text(to_text(tiny_solution))
    assert [p.name for p in generate(solutions, exercises, check_only=True).written] == ["99_test.ipynb"]
    assert not exercises.exists(), "check_only must not write"
    generate(solutions, exercises)
    again = generate(solutions, exercises, check_only=True)
    assert again.written == [] and [p.name for p in again.unchanged] == ["99_test.ipynb"]


def test_generate_flags_exercises_without_solution(tmp_path, tiny_solution):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "orphan.ipynb").write_text(to_text(make_notebook(answer_cell("1.1", "x"))))
    result = generate(tmp_path / "solutions", tmp_path / "exercises")
    assert [p.name for p in result.stale] == ["orphan.ipynb"]


def test_wrong_answers_stay_out_of_the_student_copy(tiny_solution):
    tiny_solution.cells[2].metadata["course"]["wrong_answers"] = ["def double(x):\n    return x"]
    exercise = make_exercise(tiny_solution)
    assert "wrong_answers" not in exercise.cells[2].metadata["course"]
    assert "wrong_answers" in tiny_solution.cells[2].metadata["course"]
