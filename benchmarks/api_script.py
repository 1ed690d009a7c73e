"""Wall time of the CDG developer's example script (docs/examples/cdg_script.py), end to end.

The script goes through every area a CDG's application touches in a year (census import,
members, an event with its sign-in sheet and rates, a membership and its invoice, the charter
and a platform grant, the annual report) using only ``rsgm_core``'s public names. Each run gets a
fresh database, in memory and as a SQLite file in a temporary folder; its output is discarded.
The figure is the median over ``--repeat`` runs, after one warm-up run (imports, caches).

Prints a plain table (and ``RESULT`` lines: no baseline, the script has no hand-written twin) and
exits 0 whatever the figures: this is a measurement, not a test.

    python benchmarks/api_script.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import runpy
import tempfile
from collections.abc import Callable
from pathlib import Path

import _common  # noqa: F401 - first: this working tree's src/ on the path, built-in plugins only
from _common import ROOT, median_ms, render, result

SCRIPT = ROOT / "docs" / "examples" / "cdg_script.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    script: Callable[[list[str]], None] = runpy.run_path(str(SCRIPT))["main"]
    rows = []
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        files = (str(Path(folder) / f"cdg-{n}.db") for n in itertools.count())

        def quiet(argv: list[str]) -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                script(argv)

        for label, argv in (("memory://", lambda: []), ("SQLite file", lambda: [next(files)])):
            ms, _ = median_ms(lambda argv=argv: quiet(argv()), args.repeat)
            rows.append((label, f"{ms:.0f}"))
            results.append((label, ms))
    print(f"docs/examples/cdg_script.py, median of {args.repeat} runs\n")
    print(render(("storage", "ms per run"), rows))
    for label, ms in results:
        name = "api_script.memory" if label == "memory://" else "api_script.sqlite"
        result(name, ms, "-", f"docs/examples/cdg_script.py end to end, {label} (no baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
