"""The annual activity report of a 3-department CDG with five years of history, and the merge of
101 CDG exports, against plain SQL.

Builds the same SQLite file as ``benchmarks/events.py`` (census of departments 17, 79 and 86 when
the shared data is there, else the bundled Deux-Sèvres sample; 1,500 members, about 300 events and
30,000 registrations over five years), then gives every member a position in a commune, an arrival
date and, for one in ten, a departure. On that file:

* library: ``app.indicators.annual_report(year=year)`` (every IND-1 indicator, the events with their
  rates, coverage per EPCI, arrivals and departures per month, the sections); ``render_html`` of
  that report (three SVG charts) is timed apart;
* baseline: hand-written SQL through ``sqlite3`` for every figure the report holds
  (``report_baseline.py`` says which, and reads each empty subject's table for the year),
  neither side rendering (the HTML page is timed apart);
* merge: ``app.indicators.national_merge`` of 101 export files (the real one and 100 copies
  under other CDG names), reading and checking each file.

Runs alternate library and baseline (``_common.paired``; every figure checked equal).
Targets: ≤ 1.5× the baseline for the report (issue 24), ≤ 1 s for the merge. Prints plain tables
and exits 0.

    python benchmarks/report.py [--repeat 5] [--year 2025]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: F401 - first: this working tree's src/ on the path, built-in plugins only
import events as bench
import rsgm_core
from _common import median_ms, paired, render, result
from report_baseline import baseline
from report_baseline import figures as report_figures
from rsgm_core.domain.members import Function, Lifecycle, Position, Status
from rsgm_core.render.report import render_html

REPORT_TARGET = 1.5  # library / baseline (issue 24)
MERGE_MS = 1000.0


def add_careers(path: Path, seed: int) -> None:
    import attrs

    rng = random.Random(seed)
    with rsgm_core.open(f"sqlite:///{path}") as app:
        with app.storage.unit_of_work(read_only=True) as uow:
            communes = [c.code for c in uow.communes.list() if c.active]
            members = uow.members.list()
        updated, positions = [], []
        for n, member in enumerate(members):
            arrival = bench.START + dt.timedelta(days=rng.randrange(5 * 365))
            departed = arrival + dt.timedelta(days=rng.randrange(30, 900)) if n % 10 == 0 else None
            updated.append(attrs.evolve(
                member, arrival=arrival, departed_on=departed,
                lifecycle=Lifecycle.DEPARTED if departed else Lifecycle.ACTIVE,
            ))  # fmt: skip
            positions.append(Position(
                f"pos-{n}", member.id, rng.choice(communes), Function.SECRETAIRE_DE_MAIRIE,
                Decimal(1), Status.TITULAIRE, start=arrival, end=departed,
            ))  # fmt: skip
        with app.transaction() as uow:
            uow.members.update_all(updated)
            uow.positions.add_all(positions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=79)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.db"
        start = time.perf_counter()
        sizes = bench.build(path, 300, 30_000, 1_500, args.seed)
        add_careers(path, args.seed)
        print(f"built in {time.perf_counter() - start:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))  # fmt: skip
        conn = sqlite3.connect(path)
        with rsgm_core.open(f"sqlite:///{path}") as app:
            figures, _ = paired(
                lambda: app.indicators.annual_report(year=args.year),
                lambda: baseline(conn, args.year),
                args.repeat,
                same=lambda a, b: report_figures(a) == b,
            )
            report = app.indicators.annual_report(year=args.year)
            html_ms, _ = median_ms(lambda: render_html(report), args.repeat)
            export = app.indicators.national_export(year=args.year, cdg="CDG-BENCH").to_data()
            files = []
            for n in range(101):
                files.append(Path(folder) / f"CDG{n:03d}.json")
                files[-1].write_text(json.dumps({**export, "cdg": f"CDG{n:03d}"}), "utf-8")
            merge_ms, table = median_ms(lambda: app.indicators.national_merge(files), args.repeat)
            assert len(table.cdgs) == 101
        conn.close()
    print()
    print(f"Median of {args.repeat} alternated runs, every figure of the report checked equal; "
          "ratio: median (min–max). Neither side renders; the HTML page is timed apart.")  # fmt: skip
    result(
        "report.figures",
        figures,
        f"ratio<={REPORT_TARGET}",
        f"annual report {args.year}, every figure, vs plain SQL computing the same figures",
    )
    result("report.merge", merge_ms, "ms<=1000", "merge of 101 CDG national exports")
    rows = [
        [f"annual report {args.year}, figures", *figures.cells(), f"≤ {REPORT_TARGET}×",
         "met" if figures.ratio <= REPORT_TARGET else "MISSED"],
        [f"annual report {args.year}, HTML page of that report", f"{html_ms:.2f}", "", "", "", ""],
        ["merge of 101 CDG exports", f"{merge_ms:.2f}", "", "", "≤ 1,000 ms",
         "met" if merge_ms <= MERGE_MS else "MISSED"],
    ]  # fmt: skip
    print(render(("scenario", "rsgm_core ms", "plain SQL ms", "ratio", "target", "verdict"), rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
