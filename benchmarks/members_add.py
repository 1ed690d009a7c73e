"""Cost of one ``app.members.add()`` through the public API, against a raw one-row sqlite3 insert.

Both sides write into the same table: each run opens two fresh SQLite files with
``rsgm_core.open`` (so both hold the current schema: the ``members`` table with its indexes), then
closes the second one and reopens it with plain ``sqlite3`` and the same pragmas as rsgm_core's
(WAL, ``synchronous=NORMAL``, foreign keys on). Opening is not timed.

* seam: ``app.members.add(first_name, last_name)``, N times, each call its own unit of work
  (connection from the pool, ``BEGIN IMMEDIATE``, insert, commit, the ``on_member_added`` hook);
  then the same with ``email=`` (checked, and looked up: one account per address, CHA-6).
* raw: the rows the seam wrote (read back before the clock starts), each with
  ``BEGIN IMMEDIATE``, one ``INSERT`` of every column, ``COMMIT`` on one ``sqlite3`` connection.

Runs alternate seam and raw, which goes first changing run by run (a raw run going first writes
the rows of the previous seam run: the same rows but for the ids and a run number in the names);
each run times N calls in a row, and the figure is the median over
``--repeat`` runs of the cost per call, and of the ratio seam / raw of the same run. After each run
the two tables are compared row by row: the figures are for identical rows. Target: ≤ 3×.

Prints plain tables and exits 0 whatever the figures: this is a measurement, not a test.

    python benchmarks/members_add.py [--calls 500] [--repeat 7]
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
from _common import SRC, Paired, render, result

TARGET = 3.0  # seam / raw, per call
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def seam_run(db: Path, calls: int, with_email: bool, run: int) -> float:
    """Seconds for ``calls`` calls of ``app.members.add``; opening the file is not timed."""
    with rsgm_core.open(f"sqlite:///{db}", clock=lambda: NOW) as app:
        add = app.members.add
        names = [f"Martin-{run}-{i}" for i in range(calls)]
        emails = [f"camille.martin.{run}.{i}@mairie-exemple.fr" for i in range(calls)]
        start = time.perf_counter()
        if with_email:
            for name, email in zip(names, emails, strict=True):
                add("Camille", name, email=email)
        else:
            for name in names:
                add("Camille", name)
        return time.perf_counter() - start


def table_rows(db: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        cursor = conn.execute("SELECT * FROM members ORDER BY id")
        return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        conn.close()


def raw_run(db: Path, columns: list[str], rows: list[tuple[Any, ...]]) -> float:
    """Seconds for one ``BEGIN IMMEDIATE; INSERT; COMMIT`` per row, into the same table."""
    rsgm_core.open(f"sqlite:///{db}").close()  # the current schema, as the seam's file
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)  # explicit BEGIN, as the seam
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        quoted = ", ".join(f'"{c}"' for c in columns)
        insert = f"INSERT INTO members ({quoted}) VALUES ({', '.join('?' * len(columns))})"
        execute = conn.execute
        start = time.perf_counter()
        for row in rows:
            execute("BEGIN IMMEDIATE")
            execute(insert, row)
            execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def bench(calls: int, repeat: int) -> None:
    assert Path(rsgm_core.__file__).is_relative_to(SRC), f"measuring {rsgm_core.__file__}"
    table = []
    results: list[tuple[str, Paired, str]] = []
    for with_email in (False, True):
        seam_us, raw_us, ratios = [], [], []
        with tempfile.TemporaryDirectory(prefix="rsgm-bench-") as tmp:
            previous = Path(tmp) / "warm-up.db"
            seam_run(previous, calls, with_email, -1)
            for run in range(repeat):
                seam_db, raw_db = Path(tmp) / f"seam-{run}.db", Path(tmp) / f"raw-{run}.db"
                if run % 2:  # which side goes first changes run by run
                    columns, rows = table_rows(previous)  # the previous seam run's rows
                    raw = raw_run(raw_db, columns, rows)
                    seam = seam_run(seam_db, calls, with_email, run)
                else:
                    seam = seam_run(seam_db, calls, with_email, run)
                    columns, rows = table_rows(seam_db)
                    raw = raw_run(raw_db, columns, rows)
                assert table_rows(raw_db) == (columns, rows), "the two tables differ"
                assert len(rows) == calls == len(table_rows(seam_db)[1]), (len(rows), calls)
                previous = seam_db
                seam_us.append(seam / calls * 1e6)
                raw_us.append(raw / calls * 1e6)
                ratios.append(seam / raw)
        ratio = statistics.median(ratios)
        what = "app.members.add(first, last" + (", email=…)" if with_email else ")")
        name = "members_add.with_email" if with_email else "members_add.plain"
        results.append(
            (
                name,
                Paired(
                    statistics.median(seam_us) / 1000 * calls,
                    statistics.median(raw_us) / 1000 * calls,
                    ratio,
                    min(ratios),
                    max(ratios),
                ),
                f"{what}, {calls} calls, one unit of work each, vs a raw one-row insert and commit",
            )
        )
        table.append(
            (what, f"{statistics.median(seam_us):.0f}", f"{statistics.median(raw_us):.0f}",
             f"{ratio:.1f}×", f"≤ {TARGET:.0f}×", verdict(ratio <= TARGET))
        )  # fmt: skip
    print(
        f"One member added per unit of work against a raw one-row insert and commit "
        f"({calls} calls per run, median of {repeat} runs; SQLite {sqlite3.sqlite_version})"
    )
    print(render(("call", "seam µs", "raw µs", "ratio", "target", "verdict"), table))
    for name, measure, label in results:
        result(name, measure, f"ratio<={TARGET:.0f}", label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per run (default 500)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each side (default 7)")
    args = parser.parse_args()
    bench(args.calls, args.repeat)


if __name__ == "__main__":
    main()
