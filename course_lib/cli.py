"""The ``course`` command: generate exercises, grade submissions, run the course.

    course exercises [--check]
    course grade PATH... [--device cpu|cuda|auto] [--report FILE] [--timeout S]
    course run [--fast] [--device D] [NOTEBOOK...]
    course site [--fast] [--device D] [--clean]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_lib.device import CHOICES



def _exercises(args: argparse.Namespace) -> int:
    from course_lib.authoring import AuthoringError, generate

    try:
        result = generate(args.solutions, args.exercises, check_only=args.check)
    except AuthoringError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in result.stale:
        print(f"warning: {path} has no solution notebook; delete it or restore its source", file=sys.stderr)
    if args.check:
        for path in result.written:
            print(f"out of date: {path} (run `course exercises`)")
        return 1 if result.written or result.stale else 0
    for path in result.written:
        print(f"wrote {path}")
    print(f"{len(result.written)} written, {len(result.unchanged)} unchanged")
    return 0


def default_source_dir() -> Path:
    """``./exercises`` when it exists, else the exercises next to this installed course."""
    here = Path("exercises")
    return here if here.is_dir() else Path(__file__).resolve().parents[1] / "exercises"


def _grade(args: argparse.Namespace) -> int:
    from course_lib.grading.batch import grade_many
    from course_lib.grading.report import format_table, write_csv, write_gradescope, write_json, write_junit

    source = args.source or default_source_dir()
    if not source.is_dir():
        print(f"error: no exercise notebooks at {source}: pass --source DIR", file=sys.stderr)
        return 2
    reports = grade_many(args.paths, source, device=args.device, cell_timeout=args.timeout,
                         jobs=args.jobs, expect=args.notebook, extra_checks=args.extra_checks)
    for report in reports:
        print(format_table(report), flush=True)
    if len(reports) > 1:
        graded = [r for r in reports if not r.error]
        print(f"== {len(reports)} submissions ({len(reports) - len(graded)} not gradable): "
              f"{sum(r.score for r in reports):g}/{sum(r.max_score for r in graded):g} points")
    for option, writer in ((args.report, write_json), (args.gradescope, write_gradescope),
                           (args.junit, write_junit), (args.csv, write_csv)):
        if option:
            writer(reports, option)
            print(f"wrote {option}")
    return 1 if any(r.error for r in reports) else 0


def _run(args: argparse.Namespace) -> int:
    from course_lib.run import NotebookFailed, run_course

    sources = args.notebooks or sorted(Path("notebooks").glob("*.ipynb"))
    try:
        results = run_course(sources, args.build, fast=args.fast, device=args.device)
    except NotebookFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for result in results:
        print(f"{result.seconds:6.1f} s  {result.source} -> {result.output}")
    print(f"{sum(r.seconds for r in results):6.1f} s  total")
    return 0


def _site(args: argparse.Namespace) -> int:
    from course_lib import site

    return site.main([*(["--fast"] if args.fast else []), *(["--clean"] if args.clean else []),
                      *(["--device", args.device] if args.device else [])])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="The PyTorch course's tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    exercises = commands.add_parser("exercises", help="generate exercises/ from solutions/")
    exercises.add_argument("--solutions", type=Path, default=Path("solutions"))
    exercises.add_argument("--exercises", type=Path, default=Path("exercises"))
    exercises.add_argument("--check", action="store_true", help="only report out-of-date files (exit 1)")
    exercises.set_defaults(handler=_exercises)

    grade = commands.add_parser("grade", help="grade learner notebooks")
    grade.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    grade.add_argument("--device", choices=CHOICES, default="auto")
    grade.add_argument("--timeout", type=float, default=60, help="seconds allowed per cell (default 60)")
    grade.add_argument("--jobs", "-j", type=int, default=None,
                       help="submissions graded at once (default: the number of CPU cores)")
    grade.add_argument("--notebook", metavar="NAME", help="every submission must be this notebook (03_autograd)")
    grade.add_argument("--source", type=Path, default=None,
                       help="folder of the trusted exercise notebooks (default: ./exercises, else the course's own)")
    grade.add_argument("--extra-checks", type=Path, metavar="DIR",
                       help="folder of instructor-only check notebooks (DIR/NN_topic.ipynb)")
    reports = grade.add_argument_group("reports")
    reports.add_argument("--report", type=Path, metavar="FILE.json", help="everything, as JSON")
    reports.add_argument("--gradescope", type=Path, metavar="PATH",
                         help="Gradescope results.json (a folder of them for several submissions)")
    reports.add_argument("--junit", type=Path, metavar="FILE.xml", help="JUnit XML")
    reports.add_argument("--csv", type=Path, metavar="FILE.csv", help="a gradebook, one row per submission")
    grade.set_defaults(handler=_grade)

    run = commands.add_parser("run", help="execute chapter notebooks into a build folder")
    run.add_argument("notebooks", nargs="*", type=Path)
    run.add_argument("--build", type=Path, default=Path("build/executed"))
    run.add_argument("--fast", action="store_true", help="use each notebook's fast parameters")
    run.add_argument("--device", choices=CHOICES, default=None)
    run.set_defaults(handler=_run)

    site = commands.add_parser("site", help="execute the course (cached) and build the website in build/site/html")
    site.add_argument("--fast", action="store_true", help="use each notebook's fast parameters (CI)")
    site.add_argument("--device", choices=CHOICES, default=None)
    site.add_argument("--clean", action="store_true", help="re-render every page (executed notebooks stay cached)")
    site.set_defaults(handler=_site)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
