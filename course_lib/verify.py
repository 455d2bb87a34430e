"""Execute one notebook the way the course's tests do, and print what went wrong as JSON.

    python -m course_lib.verify NOTEBOOK [--fast]

* deprecation warnings are errors, except in cells tagged ``legacy``;
* the notebook's fast parameters are injected (papermill) when ``--fast``;
* every cell runs even after an error, so an exercise notebook's failing stubs
  are reported cell by cell instead of stopping the run.

The test suite runs this inside a network namespace that has only loopback, which
proves that no notebook reaches the internet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbclient
import nbformat
from papermill.parameterize import parameterize_notebook

from course_lib.exercises import cell_exercise, cell_role
from course_lib.run import parameters_of, with_strict_warnings


def execute_strict(path: Path, fast: bool = True, timeout: float = 300) -> list[dict]:
    """Execute ``path`` (never written) and return one record per cell that raised."""
    nb = nbformat.read(path, as_version=4)
    parameters = parameters_of(nb, fast)
    if parameters:
        for cell in nb.cells:  # papermill expects every cell to have a tags list
            cell.metadata.setdefault("tags", [])
        nb.metadata.setdefault("papermill", {})
        nb = parameterize_notebook(nb, parameters, report_mode=False)
    nb = with_strict_warnings(nb)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append({"id": cell.id, "role": cell_role(cell), "exercise": cell_exercise(cell),
                               "ename": output["ename"], "evalue": output["evalue"][:300]})
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(execute_strict(args.notebook, fast=args.fast)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
