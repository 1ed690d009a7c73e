"""Five years of a 3-department CDG's events: the tracking table and every rate, against plain SQL.

Builds a SQLite file holding the census of three departments (17, 79 and 86 from the Etalab vintage
6.0.0 when the shared data is there, else the bundled Deux-Sèvres sample), 1,500 members, then five
years of network life drawn with a fixed seed: about 300 events (60 a year, one in four in two
sessions), 30,000 registrations with their sign-in outcome, one satisfaction survey per event with
its answers. Then, on that file:

* library: ``app.events.list_event_reports()`` (the tracking row of every event and its three rates,
  EVT-5 and EVT-7) and, apart, ``app.surveys.list_surveys()`` (satisfaction and response rate of
  every survey, EVT-9);
* baseline: the same figures by hand-written SQL through ``sqlite3`` on the same file, on a
  connection opened once as the library's is: one query for the tracking table and the rates
  (dates and places of the sessions, the three rates, the cost per attendee, no participation
  before any sign-in), one for the survey rates; the outputs are compared, figure for figure.

Runs alternate library and baseline (``_common.paired``): median ms of each side and the median
of the runs' ratios with its min and max. Targets: tracking table + rates, and survey rates,
≤ 1.5× the baseline each (issue 24). Prints plain tables and exits 0: a measurement, not a test.

    python benchmarks/events.py [--events 300] [--registrations 30000] [--repeat 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import _common  # noqa: F401 - first: this working tree's src/ on the path, built-in plugins only
import rsgm_core
from _common import (  # this working tree's code, built-in plugins only
    ROOT,
    SRC,
    paired,
    render,
    result,
)
from rsgm_core.domain.animation import Survey, SurveyAnswer
from rsgm_core.domain.events import (
    Event,
    EventFormat,
    EventKind,
    Registration,
    RegistrationStatus,
    Session,
    SurveyKind,
)
from rsgm_core.domain.members import Member

# the shared data beside the repository, or beside the folder of its working trees
DATA = next(
    (
        folder / "shared" / "data" / "decoupage-administratif" / "6.0.0"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "data" / "decoupage-administratif" / "6.0.0").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "decoupage-administratif" / "6.0.0",
)
SAMPLE = SRC / "rsgm_core" / "data" / "sample" / "79"
DEPARTMENTS = ["17", "79", "86"]
TARGET = 1.5  # library / baseline (issue 24)
START = dt.date(2021, 1, 4)
KINDS = [EventKind.MATINALE, EventKind.WEBINAR, EventKind.WORKSHOP, EventKind.NETWORK_DAY]


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def build(path: Path, events: int, registrations: int, members: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    with rsgm_core.open(f"sqlite:///{path}") as app:
        if DATA.is_dir():
            app.census.import_(DATA, DEPARTMENTS)
        else:
            app.census.import_(SAMPLE, ["79"])
        with app.deps.read() as uow:
            communes = [c.code for c in uow.communes.list() if c.active]
        people = [
            Member(uid(rng), f"Prénom{i}", f"Nom{i:04d}", f"agent{i}@example.org")
            for i in range(members)
        ]
        per_event = registrations // events
        made_events, sessions, regs, surveys, answers = [], [], [], [], []
        for n in range(events):
            day = START + dt.timedelta(days=round(n * 5 * 365 / events))
            while day.weekday() not in (1, 3):
                day += dt.timedelta(days=1)
            kind = KINDS[n % len(KINDS)]
            fmt = EventFormat.REMOTE if kind is EventKind.WEBINAR else EventFormat.IN_PERSON
            event = Event(
                uid(rng), f"Événement {n:03d}", kind, fmt, topics=("état civil", "élections")[: 1 + n % 2],
                cost=Decimal(rng.choice((0, 120, 350, 640))), host_commune=rng.choice(communes),
                planned_on=day - dt.timedelta(days=60), invited=members, done=("invitation",),
            )  # fmt: skip
            made_events.append(event)
            count = 2 if n % 4 == 3 else 1
            mine = [
                Session(uid(rng), event.id, day + dt.timedelta(days=7 * i), f"Lieu {i}",
                        deadline=day - dt.timedelta(days=8), capacity=None)
                for i in range(count)
            ]  # fmt: skip
            sessions += mine
            attendees = []
            for rank, person in enumerate(rng.sample(people, per_event), start=1):
                session = mine[rank % count]
                cancelled = rng.random() < 0.05
                attended = None if cancelled else rng.random() < 0.8
                regs.append(
                    Registration(uid(rng), session.id, person.id, day - dt.timedelta(days=20), rank,
                                 RegistrationStatus.CANCELLED if cancelled else RegistrationStatus.CONFIRMED,
                                 attended)
                )  # fmt: skip
                if attended:
                    attendees.append(person)
            survey = Survey(uid(rng), SurveyKind.SATISFACTION, f"Satisfaction {n:03d}",
                            mine[-1].date + dt.timedelta(days=1), len(attendees), event_id=event.id)  # fmt: skip
            surveys.append(survey)
            for person in attendees:
                if rng.random() < 0.5:
                    answers.append(
                        SurveyAnswer(
                            uid(rng),
                            survey.id,
                            survey.opened_on,
                            rng.choice((2, 3, 4, 4, 5, 5)),
                            person.id,
                        )
                    )
        with app.transaction() as uow:
            uow.members.add_all(people)
            uow.events.add_all(made_events)
            uow.sessions.add_all(sessions)
            uow.registrations.add_all(regs)
            uow.surveys.add_all(surveys)
            uow.survey_answers.add_all(answers)
    return {"events": len(made_events), "sessions": len(sessions), "registrations": len(regs),
            "surveys": len(surveys), "answers": len(answers), "members": len(people)}  # fmt: skip


TRACKING_SQL = """
SELECT e.id, e.title, e.cost, e.invited,
       (SELECT group_concat(d.date || '|' || d.place, ';') FROM
            (SELECT date, place FROM sessions WHERE event_id = e.id ORDER BY date) d) AS dates,
       count(r.id) FILTER (WHERE r.status = 'inscrit') AS registered,
       count(r.id) FILTER (WHERE r.status = 'inscrit' AND r.attended) AS attendees,
       count(r.attended) AS signed,
       min(s.date) AS first
FROM events e JOIN sessions s ON s.event_id = e.id
LEFT JOIN registrations r ON r.session_id = s.id
GROUP BY e.id ORDER BY first, e.title
"""
SURVEYS_SQL = """
SELECT v.id, v.invited, count(a.survey_id) AS answers, sum(a.score >= 4) AS satisfied,
       count(a.score) AS scored
FROM surveys v LEFT JOIN survey_answers a ON a.survey_id = v.id
GROUP BY v.id ORDER BY v.opened_on, v.title
"""


def tracking_baseline(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Per event, by date: title, dates, places, the three rates (EVT-5), cost per attendee."""
    rows = []
    for _id, title, cost, invited, dates, registered, attendees, signed, _ in conn.execute(
        TRACKING_SQL
    ):
        invited = max(invited, registered)
        held = [part.split("|", 1) for part in dates.split(";")]
        cost_each = (Decimal(cost) / attendees).quantize(Decimal("0.01")) if attendees else None
        rows.append((
            title, tuple(dt.date.fromisoformat(d) for d, _ in held), tuple(p for _, p in held),
            Decimal(attendees) / invited if invited and signed else None,
            Decimal(attendees) / invited if invited else None,
            Decimal(attendees) / registered if registered else None,
            Decimal(registered - attendees) / registered if registered else None,
            cost_each if signed else None,
        ))  # fmt: skip
    return rows


def tracking_library(reports: Any) -> list[tuple[Any, ...]]:
    return [
        (
            r.row.title, r.row.dates, r.row.places, r.row.participation,
            r.rates.participation_of_invited, r.rates.participation_of_registered,
            r.rates.no_show, r.row.cost_per_attendee,
        )
        for r in reports
    ]  # fmt: skip


def surveys_baseline(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return [
        (sid, Decimal(sat) / scored if scored else None, Decimal(n) / inv if inv else None)
        for sid, inv, n, sat, scored in conn.execute(SURVEYS_SQL)
    ]


def surveys_library(results: Any) -> list[tuple[Any, ...]]:
    return [(r.survey.id, r.satisfaction, r.response) for r in results]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--registrations", type=int, default=30_000)
    parser.add_argument("--members", type=int, default=1_500)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=79)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.db"
        start = time.perf_counter()
        sizes = build(path, args.events, args.registrations, args.members, args.seed)
        print(
            f"built in {time.perf_counter() - start:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in sizes.items())
        )
        conn = sqlite3.connect(path)
        try:
            with rsgm_core.open(f"sqlite:///{path}") as app:
                track, _ = paired(
                    lambda: tracking_library(app.events.list_event_reports()),
                    lambda: tracking_baseline(conn),
                    args.repeat,
                )
                surveys, _ = paired(
                    lambda: surveys_library(app.surveys.list_surveys()),
                    lambda: surveys_baseline(conn),
                    args.repeat,
                )
        finally:
            conn.close()
    print()
    print(
        f"Median of {args.repeat} alternated runs, outputs checked equal; ratio: median (min–max)"
    )
    rows = [
        ["tracking table + rates (`events.list_event_reports()`)", *track.cells(),
         f"≤ {TARGET}×", "met" if track.ratio <= TARGET else "MISSED"],
        ["survey rates (`surveys.list_surveys()`)", *surveys.cells(), f"≤ {TARGET}×",
         "met" if surveys.ratio <= TARGET else "MISSED"],
    ]  # fmt: skip
    print(render(("scenario", "rsgm_core ms", "plain SQL ms", "ratio", "target", "verdict"), rows))
    result(
        "events.tracking", track, f"ratio<={TARGET}", "events tracking table + rates vs plain SQL"
    )
    result(
        "events.surveys",
        surveys,
        f"ratio<={TARGET}",
        "survey rates (surveys.list_surveys()) vs plain SQL",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
