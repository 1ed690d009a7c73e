"""What every benchmark script shares: this working tree's code, a timer and a plain table.

Importing this module puts this checkout's ``src`` first on the path (so the measures are of this
working tree's code, installed or not) and keeps third-party plugins out. It imports nothing but
the standard library: the census baseline process must load neither rsgm_core nor SQLAlchemy.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
os.environ.setdefault("RSGM_DISABLE_PLUGIN_AUTOLOAD", "1")  # built-in plugins only


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
