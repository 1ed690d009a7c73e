"""Census import through ``app.census`` against a raw ``sqlite3`` baseline, on the real files.

Scenarios, each measured in a fresh subprocess (so that its peak memory is its own), ``--repeat``
times, rsgm_core and the baseline alternating (which goes first changes from run to run); the
figure kept is the median, and the ratio is the median of the runs' ratios (each rsgm_core run
over the baseline run beside it):

* France: ``app.census.import_(6.0.0)`` into a fresh SQLite file (all departments); target ≤ 1.5×;
* one department: ``app.census.import_(6.0.0, departements=["79"])`` into a fresh file; ≤ 2×;
* re-import: ``app.census.import_(6.0.0)`` over a copy of the France 4.1.0 database (read, diff
  against what is stored, move what hangs on merged communes, apply); against a raw upsert, ≤ 2×;
* diff alone: ``app.census.diff(6.0.0)`` over a copy of the France 4.1.0 database (writes nothing).

Peak memory (max RSS of the subprocess, interpreter and SQLAlchemy included): ≤ 150 MB.

Only the call is timed; opening the file (and creating its schema) is reported apart. Peak memory is
the subprocess's ``ru_maxrss``: interpreter, imported libraries and SQLite's own memory included.

The baseline is what the same job costs with no library at all. In one subprocess, with the schema
created beforehand (same tables, keys and indexes as schema migration 2) and the same pragmas (WAL,
``synchronous=NORMAL``, foreign keys on), the timed part:

1. reads ``departements``, ``communes``, ``epci`` and ``arrondissements`` (``.json.gz``) with
   ``gzip`` + ``json.loads``;
2. builds plain tuples with the reader's rules and nothing else: departments whose code is in scope
   (01-95 but 20, 2A, 2B, 971-978); current communes of the wanted departments with their EPCI (from
   the EPCI members), the population municipale of the vintage from ``communes.json`` and, when the
   EPCI file gives it, the previous vintage's municipale and totale; delegated and associated
   communes not sharing their chef-lieu's code, copied from their chef-lieu (no SIREN, no EPCI,
   successor = chef-lieu); the EPCI used by those communes; the arrondissements of the wanted
   departments; one census-import row and the territory row. No validation of INSEE codes or SIREN
   check digits, no records, no diff;
3. fresh file: ``BEGIN IMMEDIATE``, one ``executemany`` ``INSERT`` per table, ``COMMIT``;
   re-import: ``BEGIN IMMEDIATE``, ``SELECT`` every stored commune (``fetchall``), marks the current
   communes that are gone ``disparue`` (successor: the commune now carrying their SIREN under
   another code, else none), one ``executemany`` ``INSERT ... ON CONFLICT DO UPDATE`` per table
   (a population's totale is kept when the new figure lacks it and the municipale is unchanged, as
   rsgm_core does), ``COMMIT``. It does not compute the change report.

After the first run of each scenario the two databases are compared table by table (departments,
arrondissements, EPCI, communes, populations: every column), so the baseline is known to write the
same rows.

    PYTHONPATH=src python benchmarks/census.py [--quick] [--repeat 5] [--data DIR] [--profile]

Prints plain tables and exits 0 whatever the figures: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import json
import os
import platform
import pstats
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import DATA, SRC, Paired, render, result  # this working tree's code, built-in plugins

DEFAULT_DATA = DATA / "decoupage-administratif"
OLD, NEW = "4.1.0", "6.0.0"
#: Vintages of the two packages, as ``plugins/decoupage_releases.py`` has them (copied: the baseline
#: process does not load rsgm_core): (COG year, communes.json's municipale, epci.json's figures).
VINTAGES = {OLD: (2024, 2022, 2021), NEW: (2025, 2023, 2022)}
DEPARTEMENT = "79"

#: Targets, as ratios to the baseline of the same run (scenario name prefix -> ratio).
TARGET_RATIOS = {"France": 1.5, "département": 2.0, "re-import": 2.0}
TARGET_PEAK_MB = 150.0
SLUGS = {"France": "france", "département": "departement", "re-import": "reimport", "app.census.diff": "diff"}  # fmt: skip

COMPARED = {
    "departements": "code",
    "arrondissements": "code",
    "epcis": "siren",
    "communes": "code",
    "populations": "commune, vintage",
}

# The tables the census writes, exactly as schema migration 2 creates them. Copied rather than
# imported: the baseline process loads neither rsgm_core nor SQLAlchemy, since its peak memory counts.
RAW_DDL = """
CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE census_imports (
    vintage TEXT NOT NULL PRIMARY KEY, cog_year INTEGER NOT NULL,
    population_vintage INTEGER NOT NULL, departements JSON NOT NULL,
    imported_at TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE departements (
    code TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);
CREATE TABLE arrondissements (
    code TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, departement TEXT NOT NULL);
CREATE TABLE epcis (
    siren TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
    financing TEXT NOT NULL);
CREATE TABLE communes (
    code TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, departement TEXT NOT NULL,
    region TEXT NOT NULL, siren TEXT, arrondissement TEXT, postcodes JSON NOT NULL,
    epci TEXT, status TEXT NOT NULL, successor TEXT);
CREATE INDEX ix_communes_departement ON communes (departement);
CREATE INDEX ix_communes_epci ON communes (epci);
CREATE TABLE populations (
    commune TEXT NOT NULL, vintage INTEGER NOT NULL, municipale INTEGER NOT NULL,
    totale INTEGER, PRIMARY KEY (commune, vintage));
"""
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL")
COLUMNS = {
    "meta": ("key", "value"),
    "census_imports": (
        "vintage", "cog_year", "population_vintage", "departements", "imported_at", "source",
    ),
    "departements": ("code", "name", "region"),
    "arrondissements": ("code", "name", "departement"),
    "epcis": ("siren", "name", "kind", "financing"),
    "communes": (
        "code", "name", "departement", "region", "siren", "arrondissement", "postcodes", "epci",
        "status", "successor",
    ),
    "populations": ("commune", "vintage", "municipale", "totale"),
}  # fmt: skip
KEYS = {
    "meta": ("key",),
    "census_imports": ("vintage",),
    "departements": ("code",),
    "arrondissements": ("code",),
    "epcis": ("siren",),
    "communes": ("code",),
    "populations": ("commune", "vintage"),
}
_DEPARTEMENT_CODE = re.compile(r"97[1-8]|\d{2}|2[AB]")

Row = tuple[Any, ...]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- the raw baseline --------------------------------------------------------------------------


def raw_load(folder: Path, stem: str) -> list[Any]:
    for candidate in (folder / f"{stem}.json", folder / f"{stem}.json.gz"):
        if candidate.is_file():
            if candidate.suffix == ".gz":
                with gzip.open(candidate, "rb") as handle:
                    return json.loads(handle.read())  # type: ignore[no-any-return]
            return json.loads(candidate.read_bytes())  # type: ignore[no-any-return]
    return []


def in_scope(code: str) -> bool:
    if not _DEPARTEMENT_CODE.fullmatch(code) or code in ("00", "20"):
        return False
    return not (code.isdigit() and len(code) == 2 and int(code) > 95)


def raw_rows(
    folder: Path, wanted: frozenset[str] | None, stored: dict[str, Row] | None = None
) -> dict[str, list[Row]]:
    """The rows a census import writes, built straight from the JSON files (see module doc)."""
    label = folder.name
    cog_year, population_vintage, epci_vintage = VINTAGES[label]
    departements = {d["code"]: d for d in raw_load(folder, "departements") if in_scope(d["code"])}
    wanted = frozenset(departements) if wanted is None else wanted
    communes = raw_load(folder, "communes")
    epcis = raw_load(folder, "epci")

    epci_of: dict[str, str] = {}
    previous: dict[str, Row] = {}
    for epci in epcis:
        for member in epci["membres"]:
            epci_of[member["code"]] = epci["code"]
            if "populationTotale" in member:
                previous[member["code"]] = (
                    member["code"],
                    epci_vintage,
                    member["populationMunicipale"],
                    member["populationTotale"],
                )
    actual: dict[str, Row] = {}
    populations: list[Row] = []
    delegated: list[dict[str, Any]] = []
    for raw in communes:
        if raw.get("departement") not in wanted:
            continue
        kind = raw.get("type")
        if kind == "commune-actuelle":
            code = raw["code"]
            actual[code] = (
                code, raw["nom"], raw["departement"], raw["region"], raw.get("siren"),
                raw.get("arrondissement"), json.dumps(raw.get("codesPostaux", [])),
                epci_of.get(code), "commune-actuelle", None,
            )  # fmt: skip
            if "population" in raw:
                populations.append((code, population_vintage, raw["population"], None))
            if code in previous:
                populations.append(previous[code])
        elif kind in ("commune-deleguee", "commune-associee"):
            delegated.append(raw)
    rows = list(actual.values())
    for raw in delegated:
        head = actual.get(raw["chefLieu"])
        if raw["code"] in actual or head is None:
            continue
        before = (stored or {}).get(raw["code"])
        base = before or head
        rows.append(
            (
                raw["code"], raw["nom"], base[2], base[3], before[4] if before else None, base[5],
                before[6] if before else head[6], None, raw["type"], head[0],
            )
        )  # fmt: skip
    if stored:
        written = {row[0] for row in rows}
        by_siren = {row[4]: row[0] for row in actual.values() if row[4]}
        for code, old in stored.items():
            if old[8] == "commune-actuelle" and code not in written:
                heir = by_siren.get(old[4]) if old[4] else None
                rows.append((*old[:8], "disparue", heir if heir != code else None))
    used = {row[7] for row in actual.values() if row[7]}
    codes = sorted(wanted)
    now, source = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()), str(folder)
    return {
        "departements": [(c, departements[c]["nom"], departements[c]["region"]) for c in codes],
        "arrondissements": [
            (a["code"], a["nom"], a["departement"])
            for a in raw_load(folder, "arrondissements")
            if a.get("departement") in wanted
        ],
        "epcis": [
            (e["code"], e["nom"], e["type"], e["modeFinancement"])
            for e in epcis
            if e["code"] in used
        ],
        "communes": rows,
        "populations": populations,
        "census_imports": [(label, cog_year, population_vintage, json.dumps(codes), now, source)],
        "meta": [("territory", json.dumps(codes))],
    }


def raw_connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)  # explicit BEGIN, as rsgm_core
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


def insert_sql(table: str) -> str:
    names = COLUMNS[table]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def upsert_sql(table: str) -> str:
    keys = KEYS[table]
    sets = [f"{n} = excluded.{n}" for n in COLUMNS[table] if n not in keys]
    if table == "populations":
        sets = [
            "municipale = excluded.municipale",
            "totale = CASE WHEN excluded.totale IS NULL AND populations.municipale = "
            "excluded.municipale THEN populations.totale ELSE excluded.totale END",
        ]
    if table == "census_imports":  # departments covered accumulate, as rsgm_core merges them
        sets = [s for s in sets if not s.startswith("departements")]
    return f"{insert_sql(table)} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(sets)}"


def raw_import(
    folder: Path, db: Path, wanted: frozenset[str] | None, *, fresh: bool
) -> dict[str, float]:
    """The baseline's timed part; returns its phases in seconds."""
    conn = raw_connect(db)
    try:
        if fresh:
            conn.executescript(RAW_DDL)
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        stored = None
        if not fresh:
            select = f"SELECT {', '.join(COLUMNS['communes'])} FROM communes"
            stored = {row[0]: row for row in conn.execute(select).fetchall()}
        rows = raw_rows(folder, wanted, stored)
        built = time.perf_counter()
        for table, values in rows.items():
            conn.executemany(insert_sql(table) if fresh else upsert_sql(table), values)
        conn.execute("COMMIT")
        end = time.perf_counter()
    finally:
        conn.close()
    return {"read files, build rows": built - start, "write": end - built, "total": end - start}


# --- rsgm_core, in a child process ---------------------------------------------------------------


def seam_import(
    folder: Path, db: Path, wanted: list[str] | None, *, diff_only: bool
) -> tuple[dict[str, float], float, float]:
    """Phases of ``app.census.import_`` (or ``diff``) in seconds, time to open, peak before."""
    import rsgm_core

    start = time.perf_counter()
    with rsgm_core.open(f"sqlite:///{db}") as app:
        opened = time.perf_counter() - start
        app.census  # noqa: B018 - build the service before the clock starts
        # A file at the current schema opens for reading on the sqlite3 driver alone
        # (plugins/sql/lite.py) and builds its SQLAlchemy storage at the first write: built here,
        # before the clock, as opening did before, so that the import alone is timed.
        getattr(app.deps.storage, "full", None)
        opened = time.perf_counter() - start
        before = peak_mb()
        marks: dict[str, float] = {}

        def progress(step: str, done: int, total: int) -> None:
            if done == total:
                marks[step] = time.perf_counter()

        start = time.perf_counter()
        if diff_only:
            changes = app.census.diff(folder)
            end = time.perf_counter()
            phases = {"total": end - start, "changes": float(len(changes.changes))}
        else:
            result = app.census.import_(folder, wanted, progress=progress)
            end = time.perf_counter()
            read, communes = marks["lecture"], marks["communes"]
            populations = marks["populations"]
            phases = {
                "read files (source.read)": read - start,
                "diff, departments, EPCI, communes": communes - read,
                "populations": populations - communes,
                "census record, commit, observers": end - populations,
                "total": end - start,
                "changes": float(len(result.changes.changes)),
            }
    return phases, opened, before


def child(kind: str, folder: Path, db: Path, wanted: list[str] | None) -> None:
    before = peak_mb()
    opened = 0.0
    if kind == "raw-import":
        phases = raw_import(folder, db, frozenset(wanted) if wanted else None, fresh=True)
    elif kind == "raw-reimport":
        phases = raw_import(folder, db, frozenset(wanted) if wanted else None, fresh=False)
    elif kind in ("seam-import", "seam-diff"):
        phases, opened, before = seam_import(folder, db, wanted, diff_only=kind == "seam-diff")
    else:
        raise SystemExit(f"unknown child kind {kind!r}")
    print(json.dumps({"phases": phases, "open": opened, "before_mb": before, "peak_mb": peak_mb()}))


def run_child(kind: str, folder: Path, db: Path, wanted: list[str] | None) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    command = [sys.executable, __file__, "--child", kind, str(folder), str(db)]
    if wanted:
        command += ["--departements", *wanted]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- comparing databases -----------------------------------------------------------------------


def fingerprints(db: Path) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per compared table."""
    conn = sqlite3.connect(db)
    try:
        found = {}
        for table, order in COMPARED.items():
            rows = conn.execute(
                f"SELECT {', '.join(COLUMNS[table])} FROM {table} ORDER BY {order}"
            ).fetchall()
            found[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:12])
        return found
    finally:
        conn.close()


def compare(seam_db: Path, raw_db: Path) -> str:
    ours, theirs = fingerprints(seam_db), fingerprints(raw_db)
    parts = []
    for table, (count, digest) in ours.items():
        same = theirs[table][1] == digest
        parts.append(
            f"{table} {count:,}" + ("" if same else f" DIFFER (baseline {theirs[table][0]:,})")
        )
    verdict = "same rows" if all(theirs[t][1] == ours[t][1] for t in ours) else "ROWS DIFFER"
    return f"{verdict}: " + ", ".join(parts)


def copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


# --- the scenarios -----------------------------------------------------------------------------


class Scenario:
    def __init__(self, name: str) -> None:
        self.name = name
        self.seam: list[dict[str, Any]] = []
        self.raw: list[dict[str, Any]] = []
        self.check = ""

    @staticmethod
    def median_run(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
        if not runs:
            return None
        ordered = sorted(runs, key=lambda r: r["phases"]["total"])
        return ordered[(len(ordered) - 1) // 2]

    @property
    def seam_median(self) -> dict[str, Any]:
        found = self.median_run(self.seam)
        assert found is not None
        return found

    @property
    def raw_median(self) -> dict[str, Any] | None:
        return self.median_run(self.raw)

    @property
    def seconds(self) -> float:
        return statistics.median(r["phases"]["total"] for r in self.seam)

    @property
    def raw_seconds(self) -> float | None:
        return statistics.median(r["phases"]["total"] for r in self.raw) if self.raw else None

    @property
    def ratio(self) -> float | None:
        """The median of the runs' ratios: each rsgm_core run over the baseline run beside it."""
        if not self.raw:
            return None
        return statistics.median(
            s["phases"]["total"] / r["phases"]["total"]
            for s, r in zip(self.seam, self.raw, strict=True)
        )

    @property
    def peak(self) -> float:
        return max(r["peak_mb"] for r in self.seam)


def run_scenarios(data: Path, repeat: int, quick: bool, tmp: Path) -> list[Scenario]:
    old, new = data / OLD, data / NEW
    scenarios = []
    plans: list[tuple[Scenario, Callable[[int], None]]] = []

    def fresh(scenario: Scenario, wanted: list[str] | None, tag: str) -> Callable[[int], None]:
        def one(run: int) -> None:
            seam_db, raw_db = tmp / f"{tag}-seam-{run}.db", tmp / f"{tag}-raw-{run}.db"
            pair = [
                lambda: scenario.seam.append(run_child("seam-import", new, seam_db, wanted)),
                lambda: scenario.raw.append(run_child("raw-import", new, raw_db, wanted)),
            ]
            for measure in pair if run % 2 == 0 else pair[::-1]:  # runs alternated
                measure()
            if run == 0:
                scenario.check = compare(seam_db, raw_db)

        return one

    if not quick:
        france = Scenario(f"France {NEW}, fresh file")
        plans.append((france, fresh(france, None, "france")))
    one_dep = Scenario(f"département {DEPARTEMENT} ({NEW}), fresh file")
    plans.append((one_dep, fresh(one_dep, [DEPARTEMENT], "dep")))
    if not quick:
        reimport = Scenario(f"re-import {NEW} over France {OLD}")
        base_seam, base_raw = tmp / "base-seam.db", tmp / "base-raw.db"

        def again(run: int) -> None:
            if run == 0:  # the France database of the older vintage, not timed
                run_child("seam-import", old, base_seam, None)
                run_child("raw-import", old, base_raw, None)
            seam_db, raw_db = tmp / f"re-seam-{run}.db", tmp / f"re-raw-{run}.db"
            copy_db(base_seam, seam_db)
            copy_db(base_raw, raw_db)
            pair = [
                lambda: reimport.seam.append(run_child("seam-import", new, seam_db, None)),
                lambda: reimport.raw.append(run_child("raw-reimport", new, raw_db, None)),
            ]
            for measure in pair if run % 2 == 0 else pair[::-1]:  # runs alternated
                measure()
            if run == 0:
                reimport.check = compare(seam_db, raw_db)

        plans.append((reimport, again))
        diff_only = Scenario(f"app.census.diff({NEW}) over France {OLD}")

        def preview(run: int) -> None:
            seam_db = tmp / f"diff-seam-{run}.db"
            copy_db(base_seam, seam_db)
            diff_only.seam.append(run_child("seam-diff", new, seam_db, None))

        plans.append((diff_only, preview))
    for scenario, plan in plans:
        print(f"  measuring: {scenario.name} ({repeat} runs)", file=sys.stderr, flush=True)
        for run in range(repeat):
            plan(run)
        scenarios.append(scenario)
    return scenarios


def mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(scenarios: list[Scenario], repeat: int) -> None:
    rows = []
    for s in scenarios:
        rows.append(
            (
                s.name,
                f"{s.seconds:.2f}",
                f"{s.raw_seconds:.2f}" if s.raw_seconds else "—",
                f"{s.ratio:.2f}×" if s.ratio else "—",
                f"{s.peak:.0f}",
                f"{max(r['peak_mb'] for r in s.raw):.0f}" if s.raw else "—",
                f"{statistics.median(r['open'] for r in s.seam):.2f}",
            )
        )
    print(
        f"Census import, median of {repeat} alternated runs (seconds; ratio = median of the runs' "
        "ratios; peak = max RSS of the subprocess, MB)"
    )
    print(
        render(
            ("scenario", "rsgm_core s", "baseline s", "ratio", "peak MB", "baseline peak MB",
             "open s"),
            rows,
        )
    )  # fmt: skip
    print()
    print("Same rows written (first run of each scenario, rsgm_core against the baseline)")
    for s in scenarios:
        if s.check:
            print(f"  {s.name}: {s.check}")
    for s in scenarios:
        if len(s.seam_median["phases"]) > 2:
            print()
            print(f"Where the time goes: {s.name} (median run)")
            phases = {k: v for k, v in s.seam_median["phases"].items() if k != "changes"}
            rows = [(k, f"{v:.2f}", f"{v / phases['total']:.0%}") for k, v in phases.items()]
            raw = s.raw_median
            if raw:
                rows += [(f"baseline: {k}", f"{v:.2f}", "") for k, v in raw["phases"].items()]
            print(render(("phase", "s", "share"), rows))
    for s in scenarios:
        if s.seam_median["phases"].get("changes"):
            print(f"  {s.name}: {int(s.seam_median['phases']['changes'])} changes reported")

    targets = []
    for s in scenarios:
        target = next((t for prefix, t in TARGET_RATIOS.items() if s.name.startswith(prefix)), None)
        if target is not None and s.ratio is not None:
            targets.append(
                (f"{s.name} ≤ {target}× baseline", f"{s.ratio:.2f}×", mark(s.ratio <= target))
            )
    worst = max(scenarios, key=lambda s: s.peak)
    targets.append(
        (
            f"peak memory ≤ {TARGET_PEAK_MB:.0f} MB (worst: {worst.name})",
            f"{worst.peak:.0f} MB",
            mark(worst.peak <= TARGET_PEAK_MB),
        )
    )
    print()
    print("Targets")
    print(render(("target", "measured", "verdict"), targets))
    for s in scenarios:
        slug = next((n for prefix, n in SLUGS.items() if s.name.startswith(prefix)), "other")
        target = next((t for prefix, t in TARGET_RATIOS.items() if s.name.startswith(prefix)), None)
        if s.raw:
            ratios = [
                a["phases"]["total"] / b["phases"]["total"]
                for a, b in zip(s.seam, s.raw, strict=True)
            ]
            measure: Paired | float = Paired(
                s.seconds * 1000,
                (s.raw_seconds or 0) * 1000,
                s.ratio or 0,
                min(ratios),
                max(ratios),
            )
        else:
            measure = s.seconds * 1000
        goal = f"ratio<={target}" if target is not None and s.raw else "-"
        result(f"census.{slug}", measure, goal, f"{s.name} (peak {s.peak:.0f} MB)")
    result(
        "census.peak_mb",
        worst.peak,
        f"mb<={TARGET_PEAK_MB:.0f}",
        f"peak memory, MB (worst: {worst.name})",
    )


# --- profile -----------------------------------------------------------------------------------


@contextmanager
def profiled(title: str, top: int) -> Iterator[None]:
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        print(f"\n=== {title}: {time.perf_counter() - start:.2f} s under cProfile ===")
        stats = pstats.Stats(profile, stream=sys.stdout)
        stats.strip_dirs().sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)


def profile_run(data: Path, top: int) -> None:
    """France import then re-import of the newer vintage, in this process, under cProfile."""
    import rsgm_core

    with (
        tempfile.TemporaryDirectory(prefix="rsgm-bench-") as tmp,
        rsgm_core.open(f"sqlite:///{Path(tmp) / 'profile.db'}") as app,
    ):
        with profiled(f"app.census.import_({OLD}), fresh file", top):
            app.census.import_(data / OLD)
        with profiled(f"app.census.import_({NEW}) over {OLD}", top):
            app.census.import_(data / NEW)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the vintages")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (median kept)")
    parser.add_argument("--quick", action="store_true", help="skip the France-wide runs")
    parser.add_argument("--profile", action="store_true", help="print cProfile tables instead")
    parser.add_argument("--top", type=int, default=25, help="functions listed with --profile")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "FOLDER", "DB"), help=argparse.SUPPRESS
    )
    parser.add_argument("--departements", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, folder, db = args.child
        child(kind, Path(folder), Path(db), args.departements)
        return 0
    if not (args.data / OLD).is_dir() or not (args.data / NEW).is_dir():
        print(f"census data not found: {args.data}/{{{OLD},{NEW}}} (use --data)")
        return 0
    print(
        f"rsgm_core census benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"SQLite {sqlite3.sqlite_version}, data {args.data}"
    )
    if args.profile:
        profile_run(args.data, args.top)
        return 0
    print()
    with tempfile.TemporaryDirectory(prefix="rsgm-bench-") as tmp:
        scenarios = run_scenarios(args.data, args.repeat, args.quick, Path(tmp))
    report(scenarios, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
