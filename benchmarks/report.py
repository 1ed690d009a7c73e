"""The annual activity report of a 3-department CDG with five years of history, and the merge of
101 CDG exports, against plain SQL.

Builds the same SQLite file as ``benchmarks/events.py`` (census of departments 17, 79 and 86 when
the shared data is there, else the bundled Deux-Sèvres sample; 1,500 members, about 300 events and
30,000 registrations over five years), then gives every member a position in a commune, an arrival
date and, for one in ten, a departure. On that file:

* library: ``app.indicators.annual_report(year=year)`` and ``render_html`` (every IND-1 indicator, the
  events with their rates, coverage per EPCI, arrivals and departures per month, three SVG charts);
* baseline: hand-written SQL through ``sqlite3`` for the same figures (participation, survey
  rates, coverage per EPCI, moves per month), with no rendering;
* merge: ``app.indicators.national_merge`` of 101 export files (the real one and 100 copies
  under other CDG names), reading and checking each file.

Runs alternate library and baseline (``_common.paired``; the participation rates checked equal).
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: F401 - first: this working tree's src/ on the path, built-in plugins only
import events as bench
import rsgm_core
from _common import median_ms, paired, render, result
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


BASELINE = {
    "participation": """
        SELECT sum(e.invited), sum(r.registered), sum(r.present) FROM events e JOIN (
            SELECT s.event_id, count(*) FILTER (WHERE g.status = 'inscrit') AS registered,
                   count(*) FILTER (WHERE g.status = 'inscrit' AND g.attended) AS present
            FROM sessions s LEFT JOIN registrations g ON g.session_id = s.id
            GROUP BY s.event_id HAVING max(s.date) >= :start AND min(s.date) <= :end
        ) r ON r.event_id = e.id""",
    "surveys": """
        SELECT count(a.id), sum(a.score >= 4), count(a.score),
               (SELECT sum(invited) FROM surveys WHERE opened_on BETWEEN :start AND :end)
        FROM surveys v JOIN survey_answers a ON a.survey_id = v.id
        WHERE v.opened_on BETWEEN :start AND :end""",
    "coverage": """
        WITH pop AS (SELECT commune, municipale FROM populations p WHERE vintage =
                       (SELECT max(vintage) FROM populations q WHERE q.commune = p.commune)),
             small AS (SELECT c.code, c.epci FROM communes c JOIN pop ON pop.commune = c.code
                       WHERE c.status = 'actuelle' AND pop.municipale < 3500)
        SELECT small.epci, count(*), count(*) FILTER (WHERE small.code IN (
            SELECT p.commune FROM positions p JOIN members m ON m.id = p.member_id
            WHERE (m.departed_on IS NULL OR m.departed_on > :end)
              AND (p."end" IS NULL OR p."end" >= :end)))
        FROM small GROUP BY small.epci""",
    "moves": """
        SELECT substr(arrival, 1, 7), count(*) FROM members WHERE arrival BETWEEN :start AND :end
        GROUP BY 1 UNION ALL
        SELECT 'd' || substr(departed_on, 1, 7), count(*) FROM members
        WHERE departed_on BETWEEN :start AND :end GROUP BY 1""",
}


def baseline(conn: sqlite3.Connection, year: int) -> dict[str, Any]:
    bounds = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    return {name: conn.execute(sql, bounds).fetchall() for name, sql in BASELINE.items()}


def participation(found: object) -> tuple[Any, Any]:
    """The two participation rates, from the report or from the baseline's figures."""
    if isinstance(found, dict):
        invited, registered, present = found["participation"][0]
        return Decimal(present) / invited, Decimal(present) / registered
    report: Any = found
    return (
        report.indicator("taux_participation").value,
        report.indicator("taux_participation_inscrits").value,
    )


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
                same=lambda a, b: participation(a) == participation(b),
            )
            with_html, _ = paired(
                lambda: render_html(app.indicators.annual_report(year=args.year)),
                lambda: baseline(conn, args.year),
                args.repeat,
                same=lambda a, b: isinstance(a, str),
            )
            export = app.indicators.national_export(year=args.year, cdg="CDG-BENCH").to_data()
            files = []
            for n in range(101):
                files.append(Path(folder) / f"CDG{n:03d}.json")
                files[-1].write_text(json.dumps({**export, "cdg": f"CDG{n:03d}"}), "utf-8")
            merge_ms, table = median_ms(lambda: app.indicators.national_merge(files), args.repeat)
            assert len(table.cdgs) == 101
        conn.close()
    print()
    print(f"Median of {args.repeat} alternated runs; ratio: median (min–max). The baseline computes "
          "participation, survey rates, coverage per EPCI and monthly moves (the library computes "
          "every indicator): a lower bound, not the same work.")  # fmt: skip
    result(
        "report.figures",
        figures,
        f"ratio<={REPORT_TARGET}",
        f"annual report {args.year}, figures (baseline: a lower bound, fewer figures)",
    )
    result("report.merge", merge_ms, "ms<=1000", "merge of 101 CDG national exports")
    rows = [
        [f"annual report {args.year}, figures", *figures.cells(), f"≤ {REPORT_TARGET}×",
         "met" if figures.ratio <= REPORT_TARGET else "MISSED"],
        [f"annual report {args.year}, figures + HTML", *with_html.cells(), "", ""],
        ["merge of 101 CDG exports", f"{merge_ms:.2f}", "", "", "≤ 1,000 ms",
         "met" if merge_ms <= MERGE_MS else "MISSED"],
    ]  # fmt: skip
    print(render(("scenario", "rsgm_core ms", "plain SQL ms", "ratio", "target", "verdict"), rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
