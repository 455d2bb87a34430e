"""Execute a prepared notebook with nbval in a fresh kernel and collect cell outcomes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

DEFAULT_CELL_TIMEOUT = 60  # seconds; one cell of a correct answer takes far less
KERNEL_LOST = ("crash", "dead")  # outcome kinds after which later cells did not really run


@dataclass(frozen=True)
class CellOutcome:
    id: str
    outcome: str  # "passed", "failed" or "skipped"
    message: str
    duration: float
    kind: str = "ok"  # ok, error, timeout, crash, dead, incomplete, skipped


class ExecutionError(RuntimeError):
    """nbval could not run the notebook at all (not a failing cell)."""


def run_with_nbval(nb: nbformat.NotebookNode, device: str = "auto", cell_timeout: float = DEFAULT_CELL_TIMEOUT,
                   tokens: dict[str, str] | None = None, threads: int | None = None) -> dict[str, CellOutcome]:
    """Run ``nb`` with ``pytest --nbval-lax`` in a scratch folder; return outcomes by cell id.

    The kernel runs in this Python environment (``--nbval-current-env``), so a
    missing or different kernelspec cannot change the result; the device reaches it
    through ``COURSE_DEVICE``. ``tokens`` maps check cells to the line each must print.
    ``threads`` caps the kernel's CPU threads (parallel graders must not oversubscribe cores).
    """
    with tempfile.TemporaryDirectory(prefix="course-grade-") as scratch:
        folder = Path(scratch)
        notebook_path = folder / "submission.ipynb"
        results_path = folder / "results.json"
        tokens_path = folder / "tokens.json"
        nbformat.write(nb, notebook_path)
        tokens_path.write_text(json.dumps(tokens or {}), encoding="utf-8")
        (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # ignore the course's own config
        command = [
            sys.executable, "-m", "pytest", str(notebook_path),
            "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={cell_timeout}",
            "-p", "course_lib.grading.nbval_results",
            f"--course-results={results_path}", f"--course-tokens={tokens_path}",
            "-p", "no:cacheprovider", "-q", "--no-header", "-rN",
            "--rootdir", str(folder), "-c", str(folder / "pytest.ini"),
        ]
        env = {**os.environ, "COURSE_DEVICE": device, "PYTHONDONTWRITEBYTECODE": "1",
               "MPLBACKEND": "agg"}
        if threads:
            env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
        completed = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL)
        if not results_path.exists():
            tail = (completed.stdout + completed.stderr).strip().splitlines()[-15:]
            raise ExecutionError("nbval did not run the notebook:\n" + "\n".join(tail))
        rows = json.loads(results_path.read_text(encoding="utf-8"))
    return {row["id"]: CellOutcome(**row) for row in rows}
