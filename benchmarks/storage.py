"""Cost of the storage seam against raw ``sqlite3``, and cost of ``import rsgm_core``.

Writes N ``Member`` records (50,000 by default) through ``uow.members.add_all`` in one unit of work,
into a fresh SQLite file, and reads them back with ``uow.members.list()`` in a read-only one (the
file reopened at the current schema: the read path on the ``sqlite3`` driver alone); then the same
rows (every column, as stored) with ``sqlite3.executemany`` into the same table (a second file made
by ``rsgm_core.open``: the current schema) and ``fetchall``, with the same pragmas (WAL,
``synchronous=NORMAL``, foreign keys on) and the same explicit transactions; the two tables are
compared after the warm-up run. Writes alternate seam and raw (which goes first changing run by
run), each run on fresh files; reads alternate on the same file (``_common.paired``: the seam's
records and the raw rows checked to be the members written). Each figure is the median of
``--repeat`` runs, the ratio the median of the runs' ratios with its min and max.

Then ``python -X importtime`` in fresh subprocesses: the cumulative import time of ``rsgm_core``
against that of ``attrs``, ``cattrs`` and ``pluggy`` (its three light dependencies), best of five;
and which heavy modules ``import rsgm_core`` leaves in ``sys.modules``.

Prints plain tables and exits 0 whatever the figures: this is a measurement, not a test.

    PYTHONPATH=src python benchmarks/storage.py [--rows 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common  # noqa: F401 - first: this working tree's src/ on the path, built-in plugins only
import rsgm_core
from _common import SRC, Paired, paired, render, result
from rsgm_core.domain.members import Member
from rsgm_core.serialization import unstructure

WRITE_TARGET = 3.0  # seam seconds / raw seconds
READ_TARGET = 1.5  # issue 24
IMPORT_TARGET = 2.0  # rsgm_core cumulative import time / attrs + cattrs + pluggy

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# --- storage seam ------------------------------------------------------------------------------


def make_members(count: int) -> list[Member]:
    return [
        Member(f"m-{i:07d}", "Camille", f"Martin-{i}", f"camille.martin{i}@mairie-exemple.fr")
        for i in range(count)
    ]


def seam_write(db: Path, members: list[Member]) -> float:
    """Seconds to write ``members`` through the seam into the fresh file ``db`` (opening it, and
    creating its schema, not timed)."""
    with rsgm_core.open(f"sqlite:///{db}") as app:
        start = time.perf_counter()
        with app.storage.unit_of_work() as uow:
            uow.members.add_all(members)
            uow.commit()
        return time.perf_counter() - start


def raw_connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)  # explicit BEGIN, as the seam
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


def table_rows(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM members ORDER BY id").fetchall()
    finally:
        conn.close()


def raw_write(db: Path, columns: list[str], rows: list[tuple[Any, ...]]) -> float:
    """Seconds to write the same rows with ``executemany`` into the same table of a file made by
    ``rsgm_core.open`` (the current schema: 15 columns, the same indexes)."""
    rsgm_core.open(f"sqlite:///{db}").close()
    conn = raw_connect(db)
    try:
        names = ", ".join(f'"{c}"' for c in columns)
        insert = f"INSERT INTO members ({names}) VALUES ({', '.join('?' * len(columns))})"
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def _paired(ours: list[float], theirs: list[float]) -> Paired:
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return Paired(
        statistics.median(ours) * 1000, statistics.median(theirs) * 1000,
        statistics.median(ratios), min(ratios), max(ratios),
    )  # fmt: skip


def bench_storage(count: int, repeat: int) -> None:
    members = make_members(count)
    stored = [unstructure(m) for m in members]  # the values as stored, before the clock
    ours: list[float] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory(prefix="rsgm-bench-") as tmp:
        columns = [c.name for c in rsgm_core_tables().c]
        rows = [tuple(values[c] for c in columns) for values in stored]
        for run in range(repeat + 1):  # run 0: the warm-up, whose tables are compared
            seam_db, raw_db = Path(tmp) / f"seam-{run}.db", Path(tmp) / f"raw-{run}.db"
            if run % 2:
                theirs.append(raw_write(raw_db, columns, rows))
                ours.append(seam_write(seam_db, members))
            else:
                ours.append(seam_write(seam_db, members))
                theirs.append(raw_write(raw_db, columns, rows))
            if run == 0:
                assert table_rows(seam_db) == table_rows(raw_db), "the two tables differ"
                ours.clear()
                theirs.clear()
        write = _paired(ours, theirs)
        # Reading: the same file, the same table, the same rows, for both sides.
        db = Path(tmp) / "seam-0.db"
        with rsgm_core.open(f"sqlite:///{db}") as app:

            def seam_read() -> list[Member]:
                with app.storage.unit_of_work(read_only=True) as uow:
                    return uow.members.list()

            conn = raw_connect(db)
            names = ", ".join(f'"{c}"' for c in columns)

            def raw_read() -> list[tuple[Any, ...]]:
                conn.execute("BEGIN")
                found = conn.execute(f"SELECT {names} FROM members ORDER BY id").fetchall()
                conn.execute("COMMIT")
                return found

            def same(records: object, found: object) -> bool:
                assert isinstance(records, list) and isinstance(found, list)
                return records == members and found == rows

            try:
                read, _ = paired(seam_read, raw_read, repeat, same=same)
            finally:
                conn.close()
    table = []
    for name, measure, target in (
        (f"write {count:,} members (add_all, one unit of work)", write, WRITE_TARGET),
        (f"read {count:,} members (list, one unit of work)", read, READ_TARGET),
    ):
        table.append((name, *measure.cells(), f"≤ {target}×", verdict(measure.ratio <= target)))
        key = "storage.write" if name.startswith("write") else "storage.read"
        result(key, measure, f"ratio<={target}", f"{name}, same 15-column table as raw sqlite3")
    print(
        f"Storage seam against raw sqlite3 on the same 15-column table (median of {repeat} "
        f"alternated runs; SQLite {sqlite3.sqlite_version})"
    )
    print(render(("operation", "seam ms", "raw ms", "ratio (min–max)", "target", "verdict"), table))
    print(
        f"  per record: write {write.project_ms / count * 1000:.1f} µs seam, "
        f"{write.baseline_ms / count * 1000:.1f} µs raw; read {read.project_ms / count * 1000:.1f} "
        f"µs seam, {read.baseline_ms / count * 1000:.1f} µs raw"
    )


def rsgm_core_tables() -> Any:
    from rsgm_core.plugins.sql import tables

    return tables.metadata.tables["members"]


# --- import time -------------------------------------------------------------------------------

_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)\s*$")


def child_env(pycache: str | None = None) -> dict[str, str]:
    """This process's environment, the working tree first on the path; with ``pycache``, byte-code
    is cached in that folder (and only there), as it would be for an installed package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    if pycache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def cumulative_import_us(statement: str, modules: Sequence[str], pycache: str) -> int:
    """Sum of the cumulative import times (µs) of the top-level ``modules`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        env=child_env(pycache),
        check=True,
    )
    found: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match and not match.group(3) and match.group(4) in modules:
            found[match.group(4)] = int(match.group(2))
    missing = set(modules) - set(found)
    if missing:
        raise RuntimeError(f"no importtime line for {sorted(missing)}: {done.stderr[-500:]}")
    return sum(found.values())


HEAVY_PROBE = """
import json, sys
import rsgm_core
names = set(sys.modules)
localedata = sys.modules.get("babel.localedata")
print(json.dumps({
    "sqlalchemy": sorted(n for n in names if n.split(".")[0] == "sqlalchemy")[:3],
    "babel": sorted(n for n in names if n.split(".")[0] == "babel")[:3],
    "babel locale data": sorted(getattr(localedata, "_cache", {}) or {})[:3],
    "jinja2": sorted(n for n in names if n.split(".")[0] == "jinja2")[:3],
    "modules": len(names),
}))
"""


def bench_import(repeat: int) -> None:
    ours: list[int] = []
    light: list[int] = []
    ours_statement, ours_modules = "import rsgm_core", ["rsgm_core"]
    light_statement, light_modules = "import attrs, cattrs, pluggy", ["attrs", "cattrs", "pluggy"]
    with tempfile.TemporaryDirectory(prefix="rsgm-pycache-") as pycache:
        # One untimed run each first, so that every module's byte-code is cached before measuring.
        cumulative_import_us(ours_statement, ours_modules, pycache)
        cumulative_import_us(light_statement, light_modules, pycache)
        for _ in range(repeat):
            ours.append(cumulative_import_us(ours_statement, ours_modules, pycache))
            light.append(cumulative_import_us(light_statement, light_modules, pycache))
    best, reference = min(ours), min(light)
    ratio = best / reference
    print()
    print(f"Import time, python -X importtime in a fresh process (cumulative, best of {repeat})")
    print(
        render(
            ("import", "ms", "ratio", "target", "verdict"),
            [
                ("import rsgm_core", f"{best / 1000:.1f}", f"{ratio:.2f}×",
                 f"≤ {IMPORT_TARGET:.0f}×", verdict(ratio <= IMPORT_TARGET)),
                ("import attrs, cattrs, pluggy", f"{reference / 1000:.1f}", "1.00×", "", ""),
            ],
        )
    )  # fmt: skip
    print(f"  all runs, ms: rsgm_core {[round(v / 1000, 1) for v in ours]}, "
          f"attrs+cattrs+pluggy {[round(v / 1000, 1) for v in light]}")  # fmt: skip

    done = subprocess.run(
        [sys.executable, "-c", HEAVY_PROBE],
        capture_output=True,
        text=True,
        env=child_env(),
        check=True,
    )
    probe = json.loads(done.stdout)
    print()
    print(f"Heavy modules after `import rsgm_core` ({probe['modules']} modules in sys.modules)")
    rows = []
    for name in ("sqlalchemy", "babel", "babel locale data", "jinja2"):
        seen = probe[name]
        rows.append((name, "yes: " + ", ".join(seen) if seen else "no", "no", verdict(not seen)))
    print(render(("module", "imported", "expected", "verdict"), rows))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="members written and read back")
    parser.add_argument(
        "--repeat", type=int, default=5, help="alternated runs per storage measure (median kept)"
    )
    parser.add_argument(
        "--import-repeat", type=int, default=5, help="subprocesses per import measure"
    )
    args = parser.parse_args(argv)
    print(
        f"rsgm_core storage benchmark: Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}"
    )
    print()
    bench_storage(args.rows, args.repeat)
    bench_import(args.import_repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
