"""Course-wide invariants every chapter, solution and exercise notebook must keep."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ALL_NOTEBOOKS, CHAPTERS, EXERCISES, ROOT, SOLUTIONS, course_command, notebook_id

from course_lib.exercises import find_problems, list_exercises

NAME = re.compile(r"^\d\d_[a-z0-9_]+$")


def read(path):
    return nbformat.read(path, as_version=4)


def test_every_chapter_has_a_solution_and_an_exercise():
    names = lambda paths: sorted(p.name for p in paths)  # noqa: E731
    assert names(CHAPTERS) == names(SOLUTIONS) == names(EXERCISES)
    assert CHAPTERS, "no chapters found"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_committed_without_outputs(path):
    dirty = [cell.id for cell in read(path).cells
             if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, f"{path.name}: clear the outputs of cells {dirty}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=notebook_id)
def test_metadata_names_the_notebook_and_parameters_are_tagged(path):
    nb = read(path)
    assert NAME.match(path.stem), f"{path.name}: name notebooks NN_topic.ipynb"
    assert nb.metadata.get("course", {}).get("name") == path.stem
    tagged = [cell for cell in nb.cells if "parameters" in cell.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    source = tagged[0].source
    for knob in ["device", "seed", *nb.metadata["course"].get("fast_parameters", {})]:
        assert re.search(rf"^{knob}\s*=", source, re.M), f"{path.name}: parameter {knob!r} is not in the parameters cell"


@pytest.mark.parametrize("path", SOLUTIONS, ids=notebook_id)
def test_solutions_have_valid_exercises(path):
    nb = read(path)
    assert find_problems(nb) == []
    exercises = list_exercises(nb)
    assert len(exercises) >= 5, f"{path.name}: only {len(exercises)} exercises"
    chapter = str(int(path.stem[:2]))
    assert all(e.id.split(".")[0] == chapter for e in exercises), "exercise ids start with the chapter number"


def test_exercises_are_generated_from_solutions():
    run = subprocess.run(course_command("exercises", "--check"), cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, f"exercises/ is out of date: run `course exercises`\n{run.stdout}{run.stderr}"


# -- execution: strict warnings, no network ------------------------------------------------
def _sandbox_prefix() -> list[str]:
    """A command prefix that runs in a fresh network namespace with only loopback up."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run(["unshare", "--net", "--map-root-user", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot create a network namespace here: {probe.stderr.decode().strip()}")
    return ["unshare", "--net", "--map-root-user", "sh", "-c", 'ip link set lo up && exec "$@"', "sandbox"]


def test_sandbox_has_no_network_but_loopback():
    code = ("import socket\n"
            "server = socket.create_server(('127.0.0.1', 0)); port = server.getsockname()[1]\n"
            "socket.create_connection(('127.0.0.1', port), timeout=2).close()\n"
            "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=3)\nexcept OSError:\n    print('offline')\n")
    run = subprocess.run([*_sandbox_prefix(), sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "offline", run.stdout + run.stderr


@pytest.mark.notebooks
@pytest.mark.parametrize("path", CHAPTERS + SOLUTIONS + EXERCISES, ids=notebook_id)
def test_executes_offline_without_deprecation_warnings(path):
    env = {**os.environ, "COURSE_DEVICE": "cpu"}
    run = subprocess.run([*_sandbox_prefix(), sys.executable, "-m", "course_lib.verify", str(path), "--fast"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    errors = json.loads(run.stdout.strip().splitlines()[-1])
    warnings_raised = [e for e in errors if e["ename"] in ("DeprecationWarning", "FutureWarning")]
    assert not warnings_raised, f"deprecated API used outside a `legacy` cell: {warnings_raised}"
    if path.parent.name == "exercises":
        # Stubs make answer and check cells fail; every other cell must run.
        errors = [e for e in errors if e["role"] not in ("answer", "check")]
    assert not errors, f"{path.name} raised: {errors}"
