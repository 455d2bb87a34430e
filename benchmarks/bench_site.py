"""Time the website build: cold (empty build folder) and cached rebuild (nothing changed).

    python benchmarks/bench_site.py [--fast] [--keep DIR]

Builds into a temporary folder (not build/site), so the measured cold build executes every
notebook. Targets (issue 7): cold <= 6 min, cached <= 30 s on 2 CPU cores. Timings on a machine
shared with other work are inflated.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.site import build_site  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fast", action="store_true", help="the notebooks' fast (CI) parameters")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="course-site-") as scratch:
        site_dir = args.keep or Path(scratch)
        rows = []
        for label in ("cold build", "cached rebuild"):
            started = time.perf_counter()
            build = build_site(ROOT, site_dir=site_dir, fast=args.fast)
            rows.append((label, time.perf_counter() - started, build.executed, build.cached))
        pages = sum(1 for _ in (site_dir / "html").rglob("*.html"))
    print(f"\nsite build ({'fast' if args.fast else 'default'} parameters, {pages} pages)")
    for label, seconds, executed, cached in rows:
        print(f"  {label:15s} {seconds:7.1f} s   {executed:3d} notebooks executed, {cached:3d} from cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
