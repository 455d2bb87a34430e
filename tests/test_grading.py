"""`course grade` end to end, through nbval, as a learner and a TA use it."""

from __future__ import annotations

import hashlib
import json
import subprocess

import nbformat
import pytest
from conftest import ROOT, SOLUTIONS, course_command, notebook_id

from course_lib.authoring import make_exercise, to_text
from course_lib.exercises import list_exercises


def grade(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(course_command("grade", *args), cwd=cwd, capture_output=True, text=True, timeout=600)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny_course(tmp_path, tiny_solution):
    """A folder with solutions/ and generated exercises/ for the two-exercise notebook."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    (tmp_path / "solutions" / "99_test.ipynb").write_text(to_text(tiny_solution))
    (tmp_path / "exercises" / "99_test.ipynb").write_text(to_text(make_exercise(tiny_solution)))
    return tmp_path


def test_solution_full_marks_stub_zero_and_files_untouched(tiny_course):
    solution, exercise = tiny_course / "solutions/99_test.ipynb", tiny_course / "exercises/99_test.ipynb"
    before = sha256(solution), sha256(exercise)
    run = grade(str(solution), str(exercise), "--report", "grades.json", cwd=tiny_course)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((tiny_course / "grades.json").read_text())
    solution_report, exercise_report = report["submissions"]
    assert (solution_report["score"], solution_report["max_score"]) == (3, 3)
    assert exercise_report["score"] == 0
    assert "NotImplementedError: Exercise 9.1: double" in run.stdout
    assert (sha256(solution), sha256(exercise)) == before


def test_wrong_answer_reports_the_check_message(tiny_course):
    nb = nbformat.read(tiny_course / "solutions/99_test.ipynb", as_version=4)
    nb.cells[2].source = "def double(x):\n    return x + 1"
    nbformat.write(nb, tiny_course / "alice_99_test.ipynb")
    run = grade("alice_99_test.ipynb", cwd=tiny_course)
    assert "Exercise 9.1 (double): double(21) is not what was expected" in run.stdout
    assert "total: 1/3" in run.stdout


def test_malformed_submission_is_one_clear_line(tiny_course):
    (tiny_course / "broken_99_test.ipynb").write_text("{ not json")
    run = grade("broken_99_test.ipynb", cwd=tiny_course)
    assert run.returncode == 1
    assert "not a notebook (invalid JSON" in run.stdout and "Traceback" not in run.stdout + run.stderr


def test_unknown_notebook_is_reported(tiny_course, tiny_solution):
    tiny_solution.metadata["course"]["name"] = "42_unknown"
    (tiny_course / "mystery.ipynb").write_text(to_text(tiny_solution))
    run = grade("mystery.ipynb", cwd=tiny_course)
    assert "cannot tell which exercise notebook this is" in run.stdout


@pytest.mark.notebooks
@pytest.mark.parametrize("solution", SOLUTIONS, ids=notebook_id)
def test_solution_scores_full_marks_and_stub_fails_every_check(solution, tmp_path):
    """The course's central invariant, through the real `course grade` path."""
    exercise = ROOT / "exercises" / solution.name
    run = grade(str(solution), str(exercise), "--report", str(tmp_path / "grades.json"))
    assert run.returncode == 0, run.stdout + run.stderr
    graded_solution, graded_stub = json.loads((tmp_path / "grades.json").read_text())["submissions"]
    assert graded_solution["score"] == graded_solution["max_score"] > 0, run.stdout
    assert graded_stub["score"] == 0, run.stdout
    expected_ids = [e.id for e in list_exercises(nbformat.read(solution, as_version=4))]
    assert [e["id"] for e in graded_stub["exercises"]] == expected_ids
    for result in graded_stub["exercises"]:
        assert f"Exercise {result['id']}" in result["message"], (
            f"exercise {result['id']} fails on its stub without naming itself: {result['message']!r}")
        checks = [outcome for cell_id, outcome in result["cells"] if cell_id in _check_ids(solution, result["id"])]
        assert checks and all(outcome == "failed" for outcome in checks), (
            f"a check of exercise {result['id']} passes on the stub: {result['cells']}")


def _check_ids(solution, exercise_id):
    exercises = list_exercises(nbformat.read(solution, as_version=4))
    return next(e.check_cells for e in exercises if e.id == exercise_id)


def _wrong_answer_rounds(solution) -> list[dict[str, str]]:
    """Submissions' answers, round k using each exercise's k-th known wrong answer."""
    from course_lib.authoring import WRONG_ANSWERS
    from course_lib.exercises import cell_course_meta

    wrong = {cell.id: cell_course_meta(cell).get(WRONG_ANSWERS, [])
             for cell in nbformat.read(solution, as_version=4).cells}
    rounds = max((len(w) for w in wrong.values()), default=0)
    return [{cell_id: answers[k] for cell_id, answers in wrong.items() if k < len(answers)} for k in range(rounds)]


WRONG_ANSWER_CASES = [(s, k) for s in SOLUTIONS for k in range(len(_wrong_answer_rounds(s)))]


@pytest.mark.notebooks
@pytest.mark.parametrize("solution, round_", WRONG_ANSWER_CASES,
                         ids=[f"{notebook_id(s)}-{k}" for s, k in WRONG_ANSWER_CASES])
def test_checks_reject_typical_wrong_answers(solution, round_, tmp_path):
    """Beyond stubs: each wrong answer recorded in a solution's answer-cell metadata must fail."""
    answers = _wrong_answer_rounds(solution)[round_]
    nb = nbformat.read(solution, as_version=4)
    for cell in nb.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    submission = tmp_path / solution.name
    nbformat.write(nb, submission)
    run = grade(str(submission), "--report", str(tmp_path / "grades.json"))
    graded = json.loads((tmp_path / "grades.json").read_text())["submissions"][0]
    for result in graded["exercises"]:
        wrong = any(cell_id in answers for cell_id, _ in result["cells"])
        assert result["passed"] != wrong, (
            f"exercise {result['id']}: {'a wrong answer passed' if wrong else 'the solution failed'}\n{run.stdout}")
