"""What every benchmark script shares: this working tree's code, a timer and a plain table.

Importing this module puts this checkout's ``src`` first on the path (so the measures are of this
working tree's code, installed or not) and keeps third-party plugins out. It imports nothing but
the standard library: the census baseline process must load neither rsgm_core nor SQLAlchemy.

**The result lines.** Besides its human tables, every script prints one line per measure for
``benchmarks/run_all.py`` (which regenerates ``docs/performance.md``), written by :func:`result`:

    RESULT <name> <project_ms> <baseline_ms> <ratio> <min> <max> <goal> <label…>

* ``name``: a slug without spaces, unique across the scripts (``directory.search_page_1500``);
* ``project_ms`` / ``baseline_ms``: medians in milliseconds (``-`` when a measure has no
  baseline); ``ratio``, ``min``, ``max``: the median, least and greatest of the runs' ratios
  project / baseline (``-`` without a baseline);
* ``goal``: ``ratio<=1.5``, ``ratio>=0.8``, ``ms<=100`` (on the project's median), or ``-``;
  a memory measure puts megabytes in ``project_ms`` and says so with ``mb<=150``;
* ``label``: the rest of the line, a short English description for the table.

Numbers use a dot and no thousands separator. ``run_all.py`` reads nothing else from the output.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
os.environ.setdefault("RSGM_DISABLE_PLUGIN_AUTOLOAD", "1")  # built-in plugins only
#: The shared data (census vintages): ``$RSGM_BENCH_DATA``, else ``../shared/data`` beside the
#: checkout (``benchmarks/run_all.py --data`` sets the variable for every script).
DATA = Path(os.environ.get("RSGM_BENCH_DATA") or ROOT.parent / "shared" / "data")


def median_ms(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median of ``repeat`` runs in milliseconds, after one warm-up run (caches, prepared
    statements), and the last result."""
    result = action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


@dataclass(frozen=True)
class Paired:
    """Two sides of one measure run alternately: medians in ms, and the run-by-run ratios."""

    project_ms: float
    baseline_ms: float
    ratio: float  # median of the runs' ratios (project / baseline)
    ratio_min: float
    ratio_max: float

    def cells(self) -> list[str]:
        """Project ms, baseline ms and "ratio (min–max)", for a table row."""
        return [
            f"{self.project_ms:.2f}",
            f"{self.baseline_ms:.2f}",
            f"{self.ratio:.2f}× ({self.ratio_min:.2f}–{self.ratio_max:.2f})",
        ]


def paired(
    project: Callable[[], object],
    baseline: Callable[[], object],
    repeat: int,
    *,
    same: Callable[[object, object], bool] | None = None,
) -> tuple[Paired, object]:
    """Run ``project`` and ``baseline`` ``repeat`` times each, alternating which goes first run by
    run, after one warm-up of each whose results must be equal (``same``, by default ``==``):
    a baseline that does less work than the project is a wrong measure, not a fast one. Returns
    the figures and the project's last result."""
    first, base = project(), baseline()
    if not (same(first, base) if same else first == base):
        raise AssertionError(
            f"the baseline's output differs from the project's: {base!r} vs {first!r}"
        )
    ours: list[float] = []
    theirs: list[float] = []
    result = first
    for run in range(repeat):
        for side in ("p", "b") if run % 2 == 0 else ("b", "p"):
            start = time.perf_counter()
            if side == "p":
                result = project()
                ours.append((time.perf_counter() - start) * 1000)
            else:
                baseline()
                theirs.append((time.perf_counter() - start) * 1000)
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return Paired(
        statistics.median(ours),
        statistics.median(theirs),
        statistics.median(ratios),
        min(ratios),
        max(ratios),
    ), result


def result(
    name: str,
    measure: Paired | float,
    goal: str,
    label: str,
) -> str:
    """Print (and return) the ``RESULT`` line of one measure (the format is in the module's
    docstring): a :class:`Paired`, or a project's median alone in ms (no baseline)."""
    if " " in name or not name:
        raise ValueError(f"a RESULT name is one word: {name!r}")
    if not (goal == "-" or goal.startswith(("ratio<=", "ratio>=", "ms<=", "mb<="))):
        raise ValueError(f"unknown goal {goal!r}: ratio<=X, ratio>=X, ms<=X, mb<=X or -")
    if isinstance(measure, Paired):
        cells = [
            f"{measure.project_ms:.3f}",
            f"{measure.baseline_ms:.3f}",
            f"{measure.ratio:.3f}",
            f"{measure.ratio_min:.3f}",
            f"{measure.ratio_max:.3f}",
        ]
    else:
        cells = [f"{measure:.3f}", "-", "-", "-", "-"]
    line = " ".join(["RESULT", name, *cells, goal, label])
    print(line, flush=True)
    return line


def render(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
