"""The baseline of ``benchmarks/report.py``: every figure of the annual report, by hand-written SQL
through ``sqlite3`` (plus the few lines of Python a hand-written script would need), for the
whole CDG and one year; and :func:`figures`, the same figures read from the library's report,
so that the two are compared value for value.

What the report shows, and what the baseline reads for it:

* the network's description (departmental networks, roles, committees, partners, departments,
  projects for the next year);
* every IND-1 indicator: participation (of invited, of registered), satisfaction, response to
  surveys, newsletters sent, territorial coverage (TER-2's population used, TER-3), membership of
  the pack, arrivals, departures, members to win back (MEM-7), active members (EVT-12), events,
  and the toolbox and advice indicators (KNB-3, CNS-2); the two figures only a plugin gives are
  ``None`` on both sides (no plugin);
* per event with a session in the year: first date, invited, registered, attendees, satisfaction
  and its number of scored answers;
* coverage per EPCI, arrivals and departures per month;
* the sections: ages (IND-4), élus (MEM-12), local networks (NET-7), tutorship (MEM-13), working
  groups (NET-5), suggestions (NET-6), the means (NET-8: budget, venues and speakers, animation
  time).

Where the benchmark's data holds nothing for a subject (no network, no tutorship …), the baseline
still reads its table for the year, and refuses to measure (``Unsupported``) when it finds rows it
does not compute, rather than doing less work than the library.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Any

from rsgm_core.domain.indicators import AnnualReport


class Unsupported(Exception):
    """The data holds rows the baseline does not compute: no measure."""


def _rate(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(part) / Decimal(whole)


EVENTS_SQL = """
WITH ev AS (
    SELECT s.event_id, min(s.date) AS first FROM sessions s GROUP BY s.event_id
    HAVING sum(s.date BETWEEN :start AND :end) > 0),
regs AS (
    SELECT s.event_id, count(*) AS registered, count(*) FILTER (WHERE g.attended) AS present
    FROM registrations g JOIN sessions s ON s.id = g.session_id
    WHERE g.status = 'inscrit' AND s.event_id IN (SELECT event_id FROM ev)
    GROUP BY s.event_id),
scores AS (
    SELECT v.event_id, count(a.score) AS scored, count(*) FILTER (WHERE a.score >= 4) AS good
    FROM surveys v JOIN survey_answers a ON a.survey_id = v.id
    WHERE v.event_id IN (SELECT event_id FROM ev) AND a.score IS NOT NULL
    GROUP BY v.event_id)
SELECT e.id, e.title, ev.first, e.invited, coalesce(regs.registered, 0),
       coalesce(regs.present, 0), coalesce(scores.scored, 0), coalesce(scores.good, 0)
FROM events e JOIN ev ON ev.event_id = e.id
LEFT JOIN regs ON regs.event_id = e.id LEFT JOIN scores ON scores.event_id = e.id
ORDER BY ev.first, e.id
"""

SURVEYS_SQL = """
SELECT (SELECT coalesce(sum(invited), 0) FROM surveys WHERE opened_on BETWEEN :start AND :end),
       count(a.id),
       count(a.score) FILTER (WHERE v.kind = 'questionnaire de satisfaction'),
       count(*) FILTER (WHERE v.kind = 'questionnaire de satisfaction' AND a.score >= 4)
FROM surveys v JOIN survey_answers a ON a.survey_id = v.id
WHERE v.opened_on BETWEEN :start AND :end
"""

# TER-2: the population used for the year (the vintage in force, else the latest before, else the
# nearest after; the totale, else the municipale), for each active commune of the territory
COMMUNES_SQL = """
WITH pop AS (
    SELECT commune, coalesce(totale, municipale) AS used,
           row_number() OVER (PARTITION BY commune ORDER BY
               CASE WHEN vintage = :vintage THEN 0 WHEN vintage < :vintage THEN 1 ELSE 2 END,
               CASE WHEN vintage < :vintage THEN -vintage ELSE vintage END) AS n
    FROM populations)
SELECT c.code, c.epci, c.departement, pop.used FROM communes c
LEFT JOIN pop ON pop.commune = c.code AND pop.n = 1
WHERE c.status = 'commune-actuelle'
"""

# EVT-12: each member's lifecycle at the end of the year (their last dated move by then, else
# the dates the record keeps), and whether they hold a position in a commune of the territory
MEMBERS_SQL = """
WITH last AS (
    SELECT member_id, lifecycle FROM (
        SELECT member_id, lifecycle, row_number() OVER (PARTITION BY member_id ORDER BY
            reached_on DESC, CASE lifecycle WHEN 'prospect' THEN 0 WHEN 'invite' THEN 1
            WHEN 'actif' THEN 2 ELSE 3 END DESC) AS n
        FROM lifecycle_transitions WHERE reached_on <= :end) WHERE n = 1),
moved AS (SELECT DISTINCT member_id FROM lifecycle_transitions)
SELECT m.id, m.lifecycle, m.arrival, m.departed_on, last.lifecycle, moved.member_id IS NOT NULL
FROM members m LEFT JOIN last ON last.member_id = m.id
LEFT JOIN moved ON moved.member_id = m.id
"""

# MEM-7 over the recorded invitations: the last 3 by the end of the year, and the last
# registration; a member without invitation counts from their arrival
DISENGAGED_SQL = """
WITH facts AS (
    SELECT member_id, "on", event, registered OR attended AS registered, attended,
           row_number() OVER (PARTITION BY member_id ORDER BY "on" DESC, event DESC) AS n
    FROM attendance WHERE "on" <= :end),
per AS (
    SELECT member_id, count(*) FILTER (WHERE n <= 3) AS recent,
           count(*) FILTER (WHERE n <= 3 AND attended) AS came,
           min("on") AS first, max("on") FILTER (WHERE registered) AS last_registered
    FROM facts GROUP BY member_id)
SELECT count(*) FROM members m LEFT JOIN per ON per.member_id = m.id
WHERE m.lifecycle = 'actif' AND (
    (coalesce(per.recent, 0) = 3 AND per.came = 0)
    OR (coalesce(m.arrival, per.first) <= :since
        AND (per.last_registered IS NULL OR per.last_registered <= :since)))
"""

KNOWLEDGE_SQL = """
WITH published AS (
    SELECT id, version, status, published_on, review_on,
           row_number() OVER (PARTITION BY id ORDER BY version) AS first,
           row_number() OVER (PARTITION BY id ORDER BY version DESC) AS latest
    FROM resources WHERE status = 'publiée' OR published_on IS NOT NULL)
SELECT count(*) FILTER (WHERE first = 1 AND published_on BETWEEN :start AND :end),
       count(DISTINCT id) FILTER (WHERE first > 1 AND published_on BETWEEN :start AND :end),
       count(*) FILTER (WHERE latest = 1 AND status = 'publiée' AND review_on < :end)
FROM published
"""

MOVES_SQL = """
SELECT substr(arrival, 1, 7), count(*), 0 FROM members WHERE arrival BETWEEN :start AND :end
GROUP BY 1 UNION ALL
SELECT substr(departed_on, 1, 7), 0, count(*) FROM members
WHERE departed_on BETWEEN :start AND :end GROUP BY 1
"""

# what each empty subject reads for the year: any row here is a figure the baseline lacks
EMPTY_SQL = {
    "networks": "SELECT count(*) FROM networks",
    "network_roles": "SELECT count(*) FROM network_roles",
    "committees": "SELECT count(*) FROM committees",
    "coarse_positions": "SELECT count(*) FROM coarse_positions",
    "elus": "SELECT count(*) FROM elus",
    "local_networks": "SELECT count(*) FROM local_networks",
    "ages": "SELECT count(*) FROM members WHERE birth_year IS NOT NULL OR retirement_on IS NOT NULL",
    "tutorships": "SELECT count(*) FROM tutorships WHERE started_on <= :end"
    " AND (ended_on IS NULL OR ended_on >= :start)",
    "working_groups": "SELECT count(*) FROM working_groups",
    "suggestions": "SELECT count(*) FROM suggestions WHERE received_on BETWEEN :start AND :end"
    " OR decided_on BETWEEN :start AND :end",
    "budget_lines": "SELECT count(*) FROM budget_lines WHERE year = :year",
    "venues": "SELECT count(*) FROM venue_choices c JOIN sessions s ON s.id = c.id"
    " WHERE s.date BETWEEN :start AND :end",
    "speakers": "SELECT count(*) FROM speakers p JOIN sessions s ON s.id = p.session_id"
    " WHERE s.date BETWEEN :start AND :end",
    "time_entries": "SELECT count(*) FROM time_entries WHERE day BETWEEN :start AND :end",
    "advice": "SELECT count(*) FROM advice_requests",
    "memberships": "SELECT count(*) FROM memberships WHERE year = :year",
    "newsletters": "SELECT count(*) FROM newsletters WHERE sent_on BETWEEN :start AND :end",
}


def baseline(conn: sqlite3.Connection, year: int) -> dict[str, Any]:
    """Every figure of the annual report of ``year`` for the whole CDG (see the module)."""
    start, end = f"{year}-01-01", f"{year}-12-31"
    bounds = {"start": start, "end": end, "year": year}
    found = {name: conn.execute(sql, bounds).fetchone()[0] for name, sql in EMPTY_SQL.items()}
    memberships, newsletters = found.pop("memberships"), found.pop("newsletters")
    if any(found.values()):
        raise Unsupported(", ".join(f"{k}: {v}" for k, v in found.items() if v))
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    territory = json.loads(meta.get("territory", "[]"))
    projects = tuple(json.loads(meta.get(f"report_projects:{year + 1}", "[]")))
    departements = dict(conn.execute("SELECT code, name FROM departements"))
    partners = conn.execute("SELECT count(*) FROM partners").fetchone()[0]

    # events and the indicators drawn from them
    events = []
    invited = registered = present = 0
    for eid, title, first, inv, reg, att, scored, good in conn.execute(EVENTS_SQL, bounds):
        events.append((eid, title, first, inv, reg, att, _rate(good, scored), scored))
        invited, registered, present = invited + inv, registered + reg, present + att
    surveyed, answers, sat_scored, sat_good = conn.execute(SURVEYS_SQL, bounds).fetchone()

    # territory, populations, coverage
    communes = [
        row for row in conn.execute(COMMUNES_SQL, {"vintage": year - 3})
        if not territory or row[2] in territory
    ]  # fmt: skip
    codes = {row[0] for row in communes}
    small = {
        row[0]: row[1] or "sans EPCI" for row in communes if row[3] is not None and row[3] < 3500
    }
    active = set()
    for mid, stored, arrival, departed, last, moved in conn.execute(MEMBERS_SQL, bounds):
        if moved:
            if last is None:
                raise Unsupported("a member before their first dated move")
            state = last
        elif departed is not None and departed <= end:
            state = "parti"
        elif arrival is not None and arrival > end:
            state = None
        else:
            state = "actif" if stored == "parti" else stored
        if state == "actif":
            active.add(mid)
    placed, covered = set(), set()
    for mid, commune, pstart, pend in conn.execute(
        'SELECT member_id, commune, start, "end" FROM positions'
    ):
        if commune in codes:
            placed.add(mid)
        if (pstart is None or pstart <= end) and (pend is None or pend >= end):
            covered.add((mid, commune))
    active &= placed
    covered_communes = {commune for mid, commune in covered if mid in active}
    epci_names = dict(conn.execute("SELECT siren, name FROM epcis"))
    groups: dict[str, list[str]] = {}
    for code, group in small.items():
        groups.setdefault(group, []).append(code)
    coverage = []
    for group, members in groups.items():
        hit = sum(1 for c in members if c in covered_communes)
        coverage.append((epci_names.get(group, group), hit, len(members), _rate(hit, len(members))))
    coverage.sort(key=lambda row: row[0])
    total_hit = sum(1 for c in small if c in covered_communes)
    joined = {
        row[0] for row in conn.execute("SELECT insee FROM memberships WHERE year = :year", bounds)
    } if memberships else set()  # fmt: skip

    # moves, MEM-7, knowledge
    moves: dict[str, list[int]] = {f"{year}-{m:02d}": [0, 0] for m in range(1, 13)}
    for month, arrivals, departures in conn.execute(MOVES_SQL, bounds):
        moves[month][0] += arrivals
        moves[month][1] += departures
    since = f"{year - 1}-12-31"
    disengaged = conn.execute(DISENGAGED_SQL, {**bounds, "since": since}).fetchone()[0]
    new, updated, stale = conn.execute(KNOWLEDGE_SQL, bounds).fetchone()
    arrived = sum(a for a, _ in moves.values())
    departed_n = sum(d for _, d in moves.values())

    indicators = {
        "taux_participation": _rate(present, invited),
        "taux_participation_inscrits": _rate(present, registered),
        "taux_satisfaction": _rate(sat_good, sat_scored),
        "taux_reponse_enquetes": _rate(min(answers, surveyed), surveyed),
        "taux_ouverture_lettre": None,
        "visites_plateforme": None,
        "lettres_envoyees": newsletters,
        "couverture_territoriale": _rate(total_hit, len(small)),
        "adhesion_pack": _rate(len(joined & set(small)), len(small)) if small else None,
        "arrivees": arrived,
        "departs": departed_n,
        "membres_desengages": disengaged,
        "membres_actifs": len(active),
        "evenements": len(events),
        "ressources_publiees": new,
        "ressources_mises_a_jour": updated,
        "ressources_perimees": stale,
        "demandes_conseil": 0,
        "demandes_repondues": 0,
        "delai_reponse_median": None,
        "delai_reponse_p90": None,
    }
    names = sorted({epci_names.get(row[1], row[1]) for row in communes if row[1]})
    animated = "animé par le CDG" if len(names) < 2 else "animés par le CDG"
    local = (f"{len(names)} EPCI sur {len(names)} sans aucun réseau, {animated}"
             + (" : " + ", ".join(names) if names else ""),)  # fmt: skip
    sections = (
        ("Réseaux locaux existants", local if names else (), ()),
        ("Tutorat des arrivants", (), ()),
        ("Groupes de travail", (), ()),
        ("Suggestions des membres", (), ()),
        ("Moyens : budget", (), ()),
        ("Moyens : lieux et intervenants", (), ()),
        ("Moyens : temps d'animation", (), ()),
    )
    return {
        "description": (
            None,
            None,
            None,
            None,
            0,
            (),
            0,
            (),
            partners,
            projects,
            tuple(departements.get(c, c) for c in territory),
        ),
        "indicators": indicators,
        "events": [
            (title, first, inv, reg, att, sat, n)
            for _, title, first, inv, reg, att, sat, n in events
        ],
        "coverage": coverage,
        "moves": [(month, a, d) for month, (a, d) in moves.items()],
        "sections": sections,
    }


def figures(report: AnnualReport) -> dict[str, Any]:
    """The library's report as :func:`baseline` gives it: every figure, same shapes."""
    return {
        "description": (
            report.network,
            report.created_on,
            report.purpose,
            report.charter_scope,
            report.community_networks,
            report.organisation,
            report.committees,
            report.objectives,
            report.partners,
            report.projects,
            report.departements,
        ),
        "indicators": {i.key: i.value for i in (*report.indicators, *report.knowledge)},
        "events": [
            (
                e.title,
                e.first_date.isoformat(),
                e.invited,
                e.registered,
                e.attendees,
                e.satisfaction,
                e.answers,
            )
            for e in report.events
        ],
        "coverage": [(c.name, c.covered, c.communes, c.share) for c in report.coverage],
        "moves": [(m.month, m.arrivals, m.departures) for m in report.moves],
        "sections": tuple(
            (s.title, tuple(s.lines), tuple(s.table.rows) if s.table else ())
            for s in report.sections
        ),
    }
