"""The weight of the issue a reader downloads: each page, the whole issue's HTML, its downloads.

Prints, for the 2017-Q2 issue rendered into a temporary folder (or for ``--issue DIR``, an issue
already rendered): every page's size beside the goal (no page above 600 KB), the sum of the
issue's HTML (goal: under 3 MB), what ``downloads/`` holds (the charts' PNG and SVG files and the
CSV data, out of the pages' weight) and the PDF when there is one. Sizes, not times: the same on
every run for the same data. Run it with ``make bench`` or ``python bench/bench_weights.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
PAGE_GOAL = 600_000
ISSUE_GOAL = 3_000_000


def _kb(size: int) -> str:
    return f"{size / 1000:,.0f} KB"


def _render(quarter: str, folder: Path) -> Path:
    out = folder / "issue"
    subprocess.run([str(BIN / "bulletin"), "render", "--quarter", quarter, "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def report(issue: Path) -> bool:
    """Print the issue's weights; whether every goal is met."""
    pages = [issue / "index.html", *sorted(issue.glob("[0-9][0-9]_*.html"))]
    sizes = {page.name: page.stat().st_size for page in pages if page.exists()}
    print(f"page weights of {issue} (goal: each <= {_kb(PAGE_GOAL)})")
    for name, size in sizes.items():
        print(f"  {name:<34} {_kb(size):>9}  {'met' if size <= PAGE_GOAL else 'NOT MET'}")
    total = sum(sizes.values())
    print(f"  {'the issue HTML, all pages':<34} {_kb(total):>9}  goal < {_kb(ISSUE_GOAL)}: "
          f"{'met' if total < ISSUE_GOAL else 'NOT MET'}")
    downloads = [p for p in (issue / "downloads").rglob("*") if p.is_file()]
    by_kind: dict[str, tuple[int, int]] = {}
    for path in downloads:
        count, size = by_kind.get(path.suffix, (0, 0))
        by_kind[path.suffix] = (count + 1, size + path.stat().st_size)
    words = ", ".join(f"{count} {kind[1:]} {_kb(size)}" for kind, (count, size) in sorted(by_kind.items()))
    print(f"  downloads/ (beside the pages, not in them): {words or 'none'}")
    for pdf in sorted(issue.glob("*.pdf")):
        print(f"  {pdf.name}: {_kb(pdf.stat().st_size)}")
    return total < ISSUE_GOAL and all(size <= PAGE_GOAL for size in sizes.values())


def main() -> int:
    """Render (or take) an issue and print its weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarter", default="2017Q2")
    parser.add_argument("--issue", type=Path, help="an issue folder already rendered")
    args = parser.parse_args()
    if args.issue:
        return 0 if report(args.issue) else 1
    with tempfile.TemporaryDirectory(prefix="bench-weights-") as folder:
        return 0 if report(_render(args.quarter, Path(folder))) else 1


if __name__ == "__main__":
    sys.exit(main())
