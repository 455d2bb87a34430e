"""Faults, bad input and tampering never change a verdict (issue: grader hardening).

Each test grades a small course in a temporary folder through the real `course grade`
path, with a *wrong* answer wherever tampering is tried: tampering must not turn it
into points.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import subprocess
import xml.etree.ElementTree as ElementTree

import nbformat
import pytest
from conftest import code_cell, course_command, exercise_cells, make_notebook

from course_lib.authoring import make_exercise, to_text
from course_lib.grading.execute import run_with_nbval
from course_lib.grading.prepare import add_guard

SETUP = "import torch\nfrom course_lib.checks import Checker"
DOUBLE_CHECK = "check = Checker('9.1', 'double')\ncheck.equal(double(21), 42, what='double(21)')\ncheck.done()"
TRIPLE_CHECK = ("check = Checker('9.2', 'triple')\nt = torch.arange(4.0)\n"
                "check.close(triple(t), torch.tensor([0.0, 3.0, 6.0, 9.0]), what='triple(t)')\ncheck.done()")
WORDS_CHECK = "check = Checker('9.3', 'words')\ncheck.equal(answer, 'forty-two', what='answer')\ncheck.done()"
SOLUTIONS = {
    "ex9-1-answer": "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
    "ex9-2-answer": "def triple(t):\n    ### BEGIN SOLUTION\n    return 3 * t\n    ### END SOLUTION",
    "ex9-3-answer": "### BEGIN SOLUTION\nanswer = 'forty-two'\n### END SOLUTION",
}


def solution_notebook(checks: dict[str, str] | None = None) -> nbformat.NotebookNode:
    checks = {"9.1": DOUBLE_CHECK, "9.2": TRIPLE_CHECK, "9.3": WORDS_CHECK, **(checks or {})}
    return make_notebook(
        code_cell(SETUP, "setup"),
        *exercise_cells("9.1", SOLUTIONS["ex9-1-answer"], checks["9.1"], title="double", points=1),
        *exercise_cells("9.2", SOLUTIONS["ex9-2-answer"], checks["9.2"], title="triple", points=2),
        *exercise_cells("9.3", SOLUTIONS["ex9-3-answer"], checks["9.3"], title="words", points=1),
    )


class Course:
    """A temporary course folder: exercises/99_test.ipynb plus submissions written on demand."""

    def __init__(self, root, solution):
        self.root = root
        self.solution = solution
        (root / "exercises").mkdir()
        (root / "exercises" / "99_test.ipynb").write_text(to_text(make_exercise(solution)))

    def submission(self, name: str = "sub_99_test.ipynb", nb=None, **answers) -> str:
        nb = copy.deepcopy(nb if nb is not None else self.solution)
        for cell in nb.cells:
            if cell.id in answers:
                cell.source = answers[cell.id]
        # json, not nbformat: nbformat would "repair" the duplicate ids some tests need
        (self.root / name).write_text(json.dumps(nb))
        return name

    def grade(self, *args: str) -> tuple[subprocess.CompletedProcess, dict | None]:
        report = self.root / "report.json"
        report.unlink(missing_ok=True)
        run = subprocess.run(course_command("grade", *args, "--report", str(report)), cwd=self.root,
                             capture_output=True, text=True, timeout=300)
        assert "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
        return run, json.loads(report.read_text()) if report.exists() else None

    def exercises(self, *args: str) -> dict[str, dict]:
        run, report = self.grade(*args)
        submission = report["submissions"][0]
        assert submission["error"] is None, submission["error"]
        return {e["id"]: e for e in submission["exercises"]}


@pytest.fixture
def course(tmp_path):
    return Course(tmp_path, solution_notebook())


# -- faults ------------------------------------------------------------------------------------
def test_infinite_loop_times_out_and_the_rest_is_graded(course):
    name = course.submission(**{"ex9-1-answer": "def double(x):\n    while True:\n        pass"})
    results = course.exercises(name, "--timeout", "8")  # generous: set-up cells must not time out
    assert results["9.1"]["score"] == 0 and "timed out after 8 s" in results["9.1"]["message"]
    assert results["9.2"]["passed"] and results["9.3"]["passed"]


def test_kernel_crashes_are_noticed_at_once_and_grading_goes_on(tmp_path):
    crashing = solution_notebook({
        "9.1": "import os\nos._exit(3)",
        "9.2": "import ctypes\nctypes.string_at(0)",  # a segmentation fault
    })
    course = Course(tmp_path, crashing)
    run, report = course.grade(course.submission(), "--timeout", "120")
    results = {e["id"]: e for e in report["submissions"][0]["exercises"]}
    assert "the kernel exited with code 3" in results["9.1"]["message"]
    assert "SIGSEGV" in results["9.2"]["message"]
    assert results["9.3"]["passed"]
    assert report["submissions"][0]["seconds"] < 60, "a crash must not wait for the cell timeout"


def test_input_exit_megabytes_and_stderr_are_graded_on_their_merits(course):
    name = course.submission(**{
        "ex9-1-answer": "def double(x):\n    return int(input('number? ')) * 0 + 2 * x",
        "ex9-2-answer": "import warnings\nprint('x' * 5_000_000)\nwarnings.warn('careful, stderr')\n"
                        "def triple(t):\n    return 3 * t",
        "ex9-3-answer": "exit()\nanswer = 'forty-two'",
    })
    results = course.exercises(name)
    assert "input() cannot be answered while grading" in results["9.1"]["message"]
    assert results["9.2"]["passed"], results["9.2"]["message"]
    assert "exit() was called" in results["9.3"]["message"]


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a notebook (the file is not UTF-8 text)"),
    (b"{ not json", "not a notebook (invalid JSON"),
    (b"[1, 2, 3]", "not a notebook (no list of cells)"),
    (b"", "not a notebook (invalid JSON"),
])
def test_files_that_are_not_notebooks_get_one_clear_line(course, content, message):
    (course.root / "bad_99_test.ipynb").write_bytes(content)
    run, report = course.grade("bad_99_test.ipynb")
    assert run.returncode == 1 and message in report["submissions"][0]["error"]
    assert f"ERROR: bad_99_test.ipynb: {message}" in run.stdout


def test_notebook_of_another_chapter_is_named(course):
    name = course.submission()
    run, report = course.grade(name, "--notebook", "03_autograd")
    assert "this is notebook 99_test, not 03_autograd" in report["submissions"][0]["error"]


def test_empty_notebook_gets_zero_with_notes(course):
    empty = make_notebook(name="99_test")
    results = course.exercises(course.submission(nb=empty))
    assert all(r["score"] == 0 for r in results.values())


def test_reordered_and_duplicated_answers_are_matched_by_id(course):
    nb = copy.deepcopy(course.solution)
    nb.cells = [nb.cells[0], *nb.cells[7:10], *nb.cells[4:7], *nb.cells[1:4]]  # 9.3, 9.2, 9.1
    wrong_twin = copy.deepcopy(nb.cells[-2])
    wrong_twin.source = "def double(x):\n    return 0"
    nb.cells.append(wrong_twin)  # same id as the real answer: the first one counts
    run, report = course.grade(course.submission(nb=nb))
    submission = report["submissions"][0]
    assert submission["score"] == submission["max_score"] == 4


def test_deleted_answer_loses_only_its_exercise(course):
    nb = copy.deepcopy(course.solution)
    del nb.cells[5]  # the answer of 9.2
    results = course.exercises(course.submission(nb=nb))
    assert results["9.1"]["passed"] and results["9.3"]["passed"] and not results["9.2"]["passed"]


def test_file_is_never_modified_and_grading_is_repeatable(course):
    name = course.submission(**{"ex9-2-answer": "def triple(t):\n    return t * 2"})
    digest = hashlib.sha256((course.root / name).read_bytes()).hexdigest()
    _, first = course.grade(name)
    _, second = course.grade(name)
    strip = lambda report: [{**s, "seconds": 0} for s in report["submissions"]]  # noqa: E731
    assert strip(first) == strip(second)
    assert hashlib.sha256((course.root / name).read_bytes()).hexdigest() == digest


# -- tampering ---------------------------------------------------------------------------------
def test_deleting_or_editing_check_cells_changes_nothing(course):
    nb = copy.deepcopy(course.solution)
    nb.cells[2].source = "def double(x):\n    return 0"    # wrong answer ...
    nb.cells[3].source = "print('all good')"               # ... and its check edited
    nb.cells[5].source = "def triple(t):\n    return t"    # wrong answer ...
    del nb.cells[6]                                         # ... and its check deleted
    results = course.exercises(course.submission(nb=nb))
    assert results["9.1"]["score"] == 0 and results["9.2"]["score"] == 0 and results["9.3"]["passed"]


def test_patching_the_grading_api_torch_or_builtins_is_rejected(course):
    name = course.submission(**{
        "ex9-1-answer": "def double(x):\n    return 0\n\nclass Checker:\n    def __init__(self, *a):\n        pass\n"
                        "    def equal(self, *a, **k):\n        pass\n    def done(self):\n        pass",
        "ex9-2-answer": "def triple(t):\n    return t\ntorch.testing.assert_close = lambda *a, **k: None",
        "ex9-3-answer": "import builtins\nbuiltins.type = lambda x: str\nanswer = 42",
    })
    results = course.exercises(name)
    for exercise in ("9.1", "9.2", "9.3"):
        assert results[exercise]["score"] == 0
        assert "answer not run" in results[exercise]["message"]


def test_patching_through_a_function_argument_is_caught_by_the_guard(course):
    # Nothing here names torch.testing at the top level, so the policy lets it run;
    # the guard notices that assert_close is no longer torch's.
    name = course.submission(**{
        "ex9-2-answer": "def silence(module):\n    module.testing.assert_close = lambda *a, **k: None\n"
                        "    module.isclose = lambda a, b, **k: a == a\n\n"
                        "def triple(t):\n    silence(torch)\n    return t * 2",
    })
    results = course.exercises(name)
    assert results["9.1"]["passed"], "graded before the tampering happened"
    assert results["9.2"]["score"] == 0 and "GuardError" in results["9.2"]["message"]
    # torch stays patched, so no later check can be trusted either
    assert results["9.3"]["score"] == 0 and "GuardError" in results["9.3"]["message"]


def test_a_check_that_fails_silently_does_not_pass(tmp_path):
    """Why check cells print a token: with error display switched off, nbval alone sees a pass."""
    nb = make_notebook(
        code_cell("get_ipython().showtraceback = lambda *a, **k: None", "silencer"),
        *exercise_cells("9.1", "x = 1", "raise AssertionError('wrong')"),
    )
    assert run_with_nbval(nb)["ex9-1-check"].outcome == "passed"  # the attack, without tokens
    guarded, tokens = add_guard(nb)
    outcome = run_with_nbval(guarded, tokens=tokens)["ex9-1-check"]
    assert outcome.outcome == "failed" and outcome.kind == "incomplete"


def test_editing_course_files_voids_the_grade(course):
    target = course.root / "exercises" / "99_test.ipynb"
    name = course.submission(**{
        "ex9-3-answer": f"import pathlib\npathlib.Path({str(target)!r}).write_text('{{}}')\nanswer = 'forty-two'"})
    run, report = course.grade(name)
    assert "course's own files changed while this submission ran" in report["submissions"][0]["error"]


# -- reports and scale -------------------------------------------------------------------------
def test_batch_reports_gradescope_junit_and_csv(course):
    good = course.submission("alice_99_test.ipynb")
    partial = course.submission("bob_99_test.ipynb", **{"ex9-2-answer": "def triple(t):\n    return t"})
    (course.root / "carol_99_test.ipynb").write_text("not json")
    run = subprocess.run(course_command(
        "grade", good, partial, "carol_99_test.ipynb", "--jobs", "2",
        "--gradescope", "gradescope", "--junit", "grades.xml", "--csv", "grades.csv"),
        cwd=course.root, capture_output=True, text=True, timeout=300)
    assert "3 submissions (1 not gradable)" in run.stdout
    bob = json.loads((course.root / "gradescope" / "bob_99_test.json").read_text())
    assert (bob["score"], bob["max_score"]) == (2, 4)
    assert [t["status"] for t in bob["tests"]] == ["passed", "failed", "passed"]
    assert "\x1b[" not in json.dumps(bob)
    suites = ElementTree.parse(course.root / "grades.xml").getroot()
    assert [s.get("failures") for s in suites] == ["0", "1", "1"]
    rows = list(csv.DictReader((course.root / "grades.csv").open()))
    assert [(r["submission"], r["total"]) for r in rows] == [
        ("alice_99_test.ipynb", "4"), ("bob_99_test.ipynb", "2"), ("carol_99_test.ipynb", "0")]
    assert rows[1]["9.2"] == "0" and rows[2]["error"].startswith("carol_99_test.ipynb: not a notebook")


def test_instructor_extra_checks_run_and_count(course):
    extra = course.root / "hidden"
    extra.mkdir()
    hidden = make_notebook(*exercise_cells(
        "9.1", "", "check = Checker('9.1', 'double')\ncheck.equal(double(5), 10, what='double(5)')"))
    (extra / "99_test.ipynb").write_text(to_text(hidden))
    hardcoded = course.submission(**{"ex9-1-answer": "def double(x):\n    return 42"})
    assert course.exercises(hardcoded)["9.1"]["passed"]  # fools the visible check ...
    result = course.exercises(hardcoded, "--extra-checks", "hidden")["9.1"]
    assert not result["passed"] and "double(5)" in result["message"]  # ... not the hidden one
