"""Time the course against its budgets (COURSE_GUIDE section 8) and print the numbers.

    python benchmarks/bench_course.py [--fast] [--device cpu] [NAME ...]

Budgets: each notebook executes in <= 60 s with default parameters; grading one
exercise notebook takes <= 8 s; chapters plus graded solutions <= 5 min in all.
The last line grades every solution and exercise notebook as one class, in parallel
(`course grade --jobs <cores>`), and prints submissions per minute.
NAME filters notebooks by substring (e.g. ``01_tensors``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.grading import grade_submission  # noqa: E402
from course_lib.grading.batch import grade_many  # noqa: E402
from course_lib.run import execute_notebook  # noqa: E402

NOTEBOOK_BUDGET, GRADE_BUDGET, COURSE_BUDGET = 60.0, 8.0, 300.0


def verdict(seconds: float, budget: float) -> str:
    return "ok" if seconds <= budget else f"OVER {budget:g} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--fast", action="store_true", help="use the notebooks' fast parameters")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    pick = lambda paths: [p for p in paths if not args.names or any(n in p.name for n in args.names)]  # noqa: E731
    chapters = pick(sorted((ROOT / "notebooks").glob("*.ipynb")))
    solutions = pick(sorted((ROOT / "solutions").glob("*.ipynb")))

    total = 0.0
    print(f"{'notebook':42} {'seconds':>8}  budget")
    with tempfile.TemporaryDirectory() as scratch:
        for path in chapters:
            result = execute_notebook(path, Path(scratch) / path.name, fast=args.fast, device=args.device)
            total += result.seconds
            print(f"run   {path.parent.name}/{path.name:32} {result.seconds:8.1f}  {verdict(result.seconds, NOTEBOOK_BUDGET)}",
                  flush=True)
    for kind in ("solutions", "exercises"):
        for path in pick(sorted((ROOT / kind).glob("*.ipynb"))):
            started = time.perf_counter()
            report = grade_submission(path, ROOT / "exercises", device=args.device)
            seconds = time.perf_counter() - started
            if kind == "solutions":
                total += seconds
            print(f"grade {kind}/{path.name:32} {seconds:8.1f}  {verdict(seconds, GRADE_BUDGET)}"
                  f"  ({report.score:g}/{report.max_score:g})", flush=True)
    print(f"{'chapters run + solutions graded':48} {total:8.1f}  {verdict(total, COURSE_BUDGET)}")
    if not solutions:
        print("(no solutions matched)")
        return 0
    batch = solutions + pick(sorted((ROOT / "exercises").glob("*.ipynb")))
    started = time.perf_counter()
    reports = grade_many(batch, ROOT / "exercises", device=args.device)
    seconds = time.perf_counter() - started
    failed = sum(bool(r.error) for r in reports)
    print(f"batch: {len(batch)} submissions in {seconds:.1f} s on {os.cpu_count()} cores = "
          f"{len(batch) / seconds * 60:.1f} submissions/minute ({failed} not gradable)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
