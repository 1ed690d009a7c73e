"""Cost of ``app.members.import_members()`` on a 50,000-row sheet, dry run included, against a
raw insert of the same rows.

Each run opens two fresh SQLite files with ``rsgm_core.open`` (the current schema) and imports the
bundled census sample (Deux-Sèvres) into both; opening and the census are not timed.

* seam: the animator's two commands on one CSV (UTF-8, ``;``, French headers: first and last
  name, e-mail, INSEE code, function, status, work time): ``import_members(path, dry_run=True)``
  then ``import_members(path)`` (which checks every row again before writing). Both timed.
* raw: the ``members`` and ``positions`` rows the seam wrote (read back before the clock starts),
  inserted with ``executemany`` in one ``BEGIN IMMEDIATE … COMMIT`` on one ``sqlite3``
  connection with rsgm_core's pragmas: the floor for writing those rows.

Runs alternate seam and raw, which goes first changing run by run (a raw run going first writes
the rows the previous seam run wrote, from the same sheet: ids aside, the same rows); the figure is the median over ``--repeat`` runs of each side, in
wall-clock and in CPU time of the process (on a machine whose cores are shared, the CPU time is
the fairer figure: waiting for a core is not the import's cost), and of the ratios of the same run: the import alone (which checks every row before writing: its own dry
run) over raw, and the animator's dry run plus import over raw. After each run the tables are
compared row by row. Target: ≤ 3× (issue 20).

The sheet is over the 20,000-row limit of a member import (docs/limits.md): the benchmark raises
that limit for itself, as the issue measures 50,000 rows.

Prints plain tables and exits 0 whatever the figures: this is a measurement, not a test.

    python benchmarks/members_import.py [--rows 50000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import _common  # noqa: F401 - first: this working tree's src/ on the path, built-in plugins only
import rsgm_core
import rsgm_core.services.spreadsheet as spreadsheet
from _common import SRC, Paired, render, result

TARGET = 3.0  # (dry run + import) / raw insert
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL")
SAMPLE = SRC / "rsgm_core" / "data" / "sample" / "79"
FUNCTIONS = (
    "Secrétaire générale de mairie",
    "SGM",
    "secrétaire de mairie",
    "Adjoint administratif",
)
STATUSES = ("Titulaire", "titulaire", "Contractuelle", "CDD", "stagiaire")
WORK_TIMES = ("1", "0,5", "80 %", "17,5/35", "0,8")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def fresh(db: Path) -> list[str]:
    """A new database at ``db`` with the census sample; the INSEE codes of its open communes."""
    with rsgm_core.open(f"sqlite:///{db}", clock=lambda: NOW) as app:
        app.census.import_(SAMPLE, ["79"])
        return [c.code for c in app.census.communes() if c.successor is None]


def write_sheet(path: Path, rows: int, codes: list[str]) -> None:
    lines = ["Prénom;NOM;Courriel;Code INSEE;Fonction;Statut;Quotité"]
    for i in range(rows):
        lines.append(
            f"Camille;Martin-{i};camille.martin.{i}@mairie-exemple.fr;{codes[i % len(codes)]};"
            f"{FUNCTIONS[i % 4]};{STATUSES[i % 5]};{WORK_TIMES[i % 5]}"
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def clocks() -> tuple[float, float]:
    """Wall-clock and this process's CPU seconds (the CPU time is what a loaded machine's
    waiting for a core leaves out)."""
    return time.perf_counter(), time.process_time()


def seam_run(db: Path, sheet: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """(wall, CPU) seconds for the dry run and for the import of ``sheet``."""
    with rsgm_core.open(f"sqlite:///{db}", clock=lambda: NOW) as app:
        # A file at the current schema opens for reading on the sqlite3 driver alone
        # (plugins/sql/lite.py) and builds its SQLAlchemy storage at the first write: built here,
        # before the clock, as opening did before, so that the dry run and the import alone are
        # timed.
        getattr(app.deps.storage, "full", None)
        start = clocks()
        checked = app.members.import_members(sheet, dry_run=True)
        middle = clocks()
        report = app.members.import_members(sheet)
        end = clocks()
    assert checked.ok and report.ok and report.written, report.problems[:3]
    return (
        (middle[0] - start[0], middle[1] - start[1]),
        (end[0] - middle[0], end[1] - middle[1]),
    )


def table_rows(db: Path, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY id")
        return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        conn.close()


def raw_run(
    db: Path, tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
) -> tuple[float, float]:
    """(wall, CPU) seconds for one transaction inserting every row of ``tables``."""
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        start = clocks()
        conn.execute("BEGIN IMMEDIATE")
        for table, (columns, rows) in tables.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            conn.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
        conn.execute("COMMIT")
        end = clocks()
        return end[0] - start[0], end[1] - start[1]
    finally:
        conn.close()


def bench(rows: int, repeat: int) -> None:
    assert Path(rsgm_core.__file__).is_relative_to(SRC), f"measuring {rsgm_core.__file__}"
    spreadsheet.MAX_IMPORT_ROWS = max(spreadsheet.MAX_IMPORT_ROWS, rows)  # see the docstring
    runs: list[tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = []
    with tempfile.TemporaryDirectory(prefix="rsgm-bench-") as tmp:
        folder = Path(tmp)
        codes = fresh(folder / "warm-up.db")
        sheet = folder / "agents.csv"
        write_sheet(sheet, rows, codes)
        seam_run(folder / "warm-up.db", sheet)  # warm-up: imports, caches
        previous = folder / "warm-up.db"  # the rows a raw run going first writes (same sheet)
        for run in range(repeat):
            seam_db, raw_db = folder / f"seam-{run}.db", folder / f"raw-{run}.db"
            fresh(seam_db)
            fresh(raw_db)
            if run % 2:  # which side goes first changes run by run; raw writes the seam's rows
                tables = {t: table_rows(previous, t) for t in ("members", "positions")}
                raw = raw_run(raw_db, tables)
                dry, imported = seam_run(seam_db, sheet)
            else:
                dry, imported = seam_run(seam_db, sheet)
                tables = {t: table_rows(seam_db, t) for t in ("members", "positions")}
                raw = raw_run(raw_db, tables)
            for table, content in tables.items():
                assert table_rows(raw_db, table) == content, f"the {table} tables differ"
            assert len(tables["members"][1]) == rows and len(tables["positions"][1]) == rows
            runs.append((dry, imported, raw))
            if previous != folder / "warm-up.db":
                previous.unlink()
            previous = seam_db
            raw_db.unlink()
    print(
        f"Member import of a {rows:,}-row CSV sheet (dry run, then import) against a raw insert "
        f"of the same rows; median of {repeat} alternated runs, SQLite {sqlite3.sqlite_version}"
    )
    steps = []
    for index, name in ((0, "dry run"), (1, "import (checks again, then writes)"),
                        (2, "raw executemany, one transaction")):  # fmt: skip
        wall = statistics.median(r[index][0] for r in runs) * 1000
        cpu = statistics.median(r[index][1] for r in runs) * 1000
        steps.append((name, f"{wall:.0f}", f"{cpu:.0f}", f"{cpu / rows * 1000:.1f}"))
    print(render(("step", "wall ms", "CPU ms", "CPU µs per row"), steps))
    ratios = []
    for clock, label in ((0, "wall"), (1, "CPU")):
        alone = [r[1][clock] / r[2][clock] for r in runs]
        both = [(r[0][clock] + r[1][clock]) / r[2][clock] for r in runs]
        for name, found in ((f"import (its own check included) / raw, {label}", alone),
                            (f"dry run + import / raw, {label}", both)):  # fmt: skip
            middle = statistics.median(found)
            ratios.append((name, f"{middle:.2f}× ({min(found):.2f}–{max(found):.2f})",
                           f"≤ {TARGET:.0f}×", verdict(middle <= TARGET)))  # fmt: skip
            if label == "CPU":  # the process's CPU time: the fair figure on a shared machine
                ours = statistics.median((r[0][1] if "dry" in name else 0) + r[1][1] for r in runs)
                result(
                    "members_import.with_dry_run" if "dry" in name else "members_import.import",
                    Paired(ours * 1000, statistics.median(r[2][1] for r in runs) * 1000,
                           middle, min(found), max(found)),
                    f"ratio<={TARGET}", f"member import of {rows:,} rows, {name}",
                )  # fmt: skip
    print(render(("ratio", "median (min–max)", "target", "verdict"), ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the sheet (50,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side (default 5)")
    args = parser.parse_args()
    bench(args.rows, args.repeat)


if __name__ == "__main__":
    main()
