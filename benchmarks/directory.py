"""Directory search and network activation on a 3-department CDG, against plain SQL.

Builds a SQLite file holding the census of three departments (17, 79 and 86 from the Etalab
vintage 6.0.0: about 1,000 communes), 1,500 members with one or two positions each, about 20,000
directory facts (expertises and software), directory consents for 70 % of the members and the
help opt-in for 40 %, all drawn with a fixed seed. Then, on that file:

* ``app.directory.search(expertise=…)`` as a member sees it (consent filter, MEM-3), every entry
  and a page of 50; baseline: one SQL query joining members, facts and consents, filtered,
  ordered by the stored folded names (``member_name_keys``, migration 30: the directory's order,
  which the raw names' order is not: "Émond" comes before "Garcia") and paged in SQL, then for
  the entries shown what an entry holds (their facts, current positions, communes, EPCI and
  town halls, consents), made into the same values as the library's entries;
* ``app.network.find_helpers(commune, expertises=…, software=…)`` (MEM-9); baseline: one SQL query
  joining helpers, positions, communes and facts, scored and ordered in SQL, and one reading the
  helpers' rows (``Helper.member`` is the whole member), then each helper's row, score, reasons
  and communes made in Python as the library gives them.

Runs alternate library and baseline (``_common.paired``), whose outputs are checked equal (every
value of every entry or helper, in the same order) before the timed runs, which time each side's
own call only; the ratio is the median of the runs' ratios with its min and max. Targets (issue 24): ≤ 1.2× the baseline each. ``--members`` sets the scale
(500, 5,000, 50,000: facts grow with it). Members' names are French names with accents, drawn
with the seed. Prints plain tables and exits 0: a measurement, not a test.

    python benchmarks/directory.py [--members 1500] [--repeat 20]
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

import attrs

import _common  # noqa: F401 - first: this working tree's src/ on the path, built-in plugins only
import rsgm_core
from _common import ROOT, paired, render, result
from rsgm_core.domain.directory import (
    Consent,
    ConsentScope,
    DirectoryFact,
    FactKind,
    Viewer,
    fold,
    format_phone,
)
from rsgm_core.domain.members import Function, Member, Position, Status
from rsgm_core.plugins.sql import tables
from rsgm_core.plugins.sql.rows import row_writer
from rsgm_core.plugins.vocabularies import BUSINESS_SOFTWARE, EXPERTISES

DATA = next(
    (
        folder / "shared" / "data" / "decoupage-administratif" / "6.0.0"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "data" / "decoupage-administratif" / "6.0.0").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "decoupage-administratif" / "6.0.0",
)
DEPARTMENTS = ["17", "79", "86"]
TARGET = 1.2  # library / baseline (issue 24)
# French names: accents, capitals and hyphens put the directory's order (folded names, MEM-2)
# apart from the order of the raw text, so the baselines must order as the library does.
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
              "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
              "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Émond", "Éluard",
              "Ozanne", "Œillet", "de la Tour", "D'Arc", "Lévêque", "Zéphir", "Ébrard", "Ángel")  # fmt: skip
FIRST_NAMES = ("Élodie", "Émile", "Éric", "Agnès", "Anaïs", "Hélène", "Jérôme", "Chloé",
               "Zoé", "Noël", "Jean-Pierre", "Marie-Thérèse", "Paul", "Léa", "Lucas", "Inès",
               "Ève", "Adèle", "Gaëlle", "Joël")  # fmt: skip


def build(path: Path, members: int, facts: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    with rsgm_core.open(f"sqlite:///{path}") as app:
        app.census.import_(DATA, DEPARTMENTS)
        with app.storage.unit_of_work(read_only=True) as uow:
            communes = [c for c in uow.communes.list() if c.active]
        people, positions, fact_rows, consents = [], [], [], []
        terms = [(FactKind.EXPERTISE, t) for t in EXPERTISES] + [
            (FactKind.SOFTWARE, t) for t in BUSINESS_SOFTWARE
        ]
        per_member = max(1, min(len(terms), round(facts / members)))
        for i in range(members):
            member_id = str(uuid.UUID(int=rng.getrandbits(128)))
            people.append(
                Member(member_id, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES),
                       f"agent{i}@example.org",
                       helper=rng.random() < 0.4)
            )  # fmt: skip
            for commune in rng.sample(communes, rng.choice((1, 1, 1, 2))):
                positions.append(
                    Position(str(uuid.uuid4()), member_id, commune.code, Function.SGM,
                             Decimal("0.5"), Status.TITULAIRE)
                )  # fmt: skip
            for kind, term in rng.sample(terms, per_member):
                fact_rows.append(
                    DirectoryFact(str(uuid.uuid4()), member_id, kind, term, fold(term),
                                  mastered=kind is FactKind.SOFTWARE and rng.random() < 0.5)
                )  # fmt: skip
            if rng.random() < 0.7:
                consents.append(
                    Consent(
                        str(uuid.uuid4()), member_id, ConsentScope.DIRECTORY, dt.date(2024, 1, 1)
                    )
                )
        with app.deps.transaction() as uow:
            uow.members.add_all(people)
            uow.positions.add_all(positions)
            uow.directory_facts.add_all(fact_rows)
            uow.consents.add_all(consents)
        target = rng.choice([c for c in communes if c.departement == "79" and c.epci])
        return {
            "communes": len(communes), "members": len(people), "positions": len(positions),
            "facts": len(fact_rows), "consents": len(consents), "target": target,
        }  # fmt: skip


SEARCH_SQL = """
SELECT m.id, m.first_name, m.last_name, m.email, m.phone, m.photo FROM members m
JOIN member_name_keys k ON k.member_id = m.id
WHERE m.lifecycle = 'actif' AND m.erased_on IS NULL
  AND m.id IN (SELECT member_id FROM directory_facts WHERE kind = 'expertise' AND "key" = ?)
  AND EXISTS (SELECT 1 FROM consents c WHERE c.member_id = m.id AND c.scope = 'annuaire'
              AND c.given_on <= ? AND (c.withdrawn_on IS NULL OR c.withdrawn_on > ?))
ORDER BY k.last_key, k.first_key, m.id
"""
ENTRY_SQL = (
    "SELECT member_id, kind, value, mastered FROM directory_facts WHERE member_id IN ({}) "
    'ORDER BY "key", id',
    "SELECT p.member_id, c.code, c.name, e.name, t.address, t.opening_hours, t.phone "
    "FROM positions p JOIN communes c ON c.code = p.commune "
    "LEFT JOIN epcis e ON e.siren = c.epci LEFT JOIN town_halls t ON t.commune = c.code "
    "WHERE p.member_id IN ({}) AND (p.start IS NULL OR p.start <= ?) "
    'AND (p."end" IS NULL OR p."end" > ?) ORDER BY p.id',
    "SELECT member_id, scope FROM consents WHERE member_id IN ({}) "
    "AND given_on <= ? AND (withdrawn_on IS NULL OR withdrawn_on > ?)",
)
ACTIVATE_SQL = """
WITH skills AS (
    SELECT member_id,
           max(CASE WHEN kind = 'expertise' AND "key" = :skill THEN value END) AS skill,
           max(CASE WHEN kind = 'logiciel' AND "key" = :tool THEN value END) AS tool,
           max(CASE WHEN kind = 'logiciel' AND "key" = :tool THEN mastered END) AS mastered
    FROM directory_facts WHERE "key" IN (:skill, :tool) GROUP BY member_id)
SELECT m.id, max(c.epci = :epci) AS same_epci,
       s.skill IS NOT NULL AS skills, s.tool IS NOT NULL AS tools,
       coalesce(s.mastered, 0) AS mastered,
       max(c.arrondissement = :arr) AS same_arr, max(c.departement = :dep) AS same_dep,
       group_concat(p.id || char(31) || c.name || ' (' || c.code || ')', char(30)) AS communes,
       s.skill, s.tool
FROM members m JOIN positions p ON p.member_id = m.id
JOIN communes c ON c.code = p.commune
LEFT JOIN skills s ON s.member_id = m.id
WHERE m.helper AND m.lifecycle = 'actif' AND m.erased_on IS NULL AND p.commune <> :code
  AND (p.start IS NULL OR p.start <= :today) AND (p."end" IS NULL OR p."end" > :today)
GROUP BY m.id
ORDER BY same_epci DESC, skills DESC, tools DESC, mastered DESC, same_arr DESC, same_dep DESC,
         m.last_name, m.id
"""


def plain_search(
    conn: sqlite3.Connection, key: str, today: str, limit: int | None
) -> list[tuple[Any, ...]]:
    """The entries a member sees, in order, each as the library's entry holds it: the page's
    members in the directory's order (the stored folded names), then their facts, current
    positions (communes, EPCI, town halls) and current consents, made into the same values."""
    page = "" if limit is None else f" LIMIT {limit}"
    members = conn.execute(SEARCH_SQL + page, (key, today, today)).fetchall()
    marks = ",".join("?" * len(members))
    ids = [row[0] for row in members]
    facts: dict[str, tuple[list[str], list[str], list[str]]] = {i: ([], [], []) for i in ids}
    for member_id, kind, value, mastered in conn.execute(ENTRY_SQL[0].format(marks), ids):
        facts[member_id][0 if kind == "expertise" else 2 if mastered else 1].append(value)
    places: dict[str, dict[str, tuple[Any, ...]]] = {i: {} for i in ids}
    for member_id, *place in conn.execute(ENTRY_SQL[1].format(marks), (*ids, today, today)):
        places[member_id].setdefault(place[0], tuple(place))
    scopes: dict[str, set[str]] = {i: set() for i in ids}
    for member_id, scope in conn.execute(ENTRY_SQL[2].format(marks), (*ids, today, today)):
        scopes[member_id].add(scope)
    entries = []
    for member_id, first, last, email, phone, photo in members:
        skills, used, mastered = facts[member_id]
        here = places[member_id].values()
        entries.append(
            (member_id, f"{first} {last}", email, format_phone(phone), photo if "photo" in
             scopes[member_id] else None, tuple(skills), tuple(used), tuple(mastered),
             tuple(f"{name} ({code})" for code, name, *_ in here),
             tuple(dict.fromkeys(epci for _, _, epci, *_ in here if epci is not None)),
             tuple(f"{name} : {address}" + (f" ; {hours}" if hours else "")
                   + (f" ; {format_phone(hall_phone)}" if hall_phone else "")
                   for code, name, _, address, hours, hall_phone in here if address is not None),
             "annuaire" not in scopes[member_id])
        )  # fmt: skip
    return entries


MEMBER_COLUMNS = tuple(tables.members.c.keys())
HELPERS_SQL = (
    f"SELECT {', '.join(MEMBER_COLUMNS)} FROM members "
    "WHERE helper AND lifecycle = 'actif' AND erased_on IS NULL"
)


def plain_helpers(conn: sqlite3.Connection, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The helpers ranked by one query, each with their member row (read by a second query, as
    the library's ``Helper.member`` holds the whole member), score, reasons and communes."""
    rows = {row[0]: row for row in conn.execute(HELPERS_SQL)}
    found = []
    for row in conn.execute(ACTIVATE_SQL, params):
        member_id, epci, skills, tools, mastered, arr, dep, communes, skill, tool = row
        reasons = ["même EPCI"] if epci else []
        if skill is not None:
            reasons.append(f"expertise : {skill}")
        if tool is not None:
            reasons.append(f"logiciel : {tool} ({'maîtrisé' if mastered else 'utilisé'})")
        if arr:
            reasons.append("même arrondissement")
        if dep:
            reasons.append("même département")
        found.append(
            (rows[member_id], (epci, skills, tools, mastered, arr, dep),
             tuple(reasons or ["volontaire hors du département"]),
             tuple(place.split("\x1f")[1] for place in sorted(communes.split("\x1e"))))
        )  # fmt: skip
    return found


def same_entries(ours: Any, theirs: Any) -> bool:
    """The library's entries and the baseline's tuples: every value of every entry, in order."""
    return [attrs.astuple(e, recurse=False) for e in ours] == theirs


def same_helpers(ours: Any, theirs: Any) -> bool:
    """The library's helpers and the baseline's: members compared as their stored rows."""
    write = row_writer(Member, MEMBER_COLUMNS, frozenset())
    return [(write(h.member), h.score, h.reasons, h.communes) for h in ours] == theirs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_500)
    parser.add_argument("--facts", type=int, default=0, help="default: 13 per member")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=79)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"données du recensement absentes ({DATA}) : rien à mesurer")
        return 0
    facts = args.facts or 13 * args.members
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "directory.db"
        started = time.perf_counter()
        built = build(path, args.members, facts, args.seed)
        print(
            f"base : {built['communes']} communes ({', '.join(DEPARTMENTS)}), {built['members']} "
            f"membres, {built['positions']} postes, {built['facts']} faits d'annuaire, "
            f"{built['consents']} consentements ({time.perf_counter() - started:.1f} s)\n"
        )
        target = built["target"]
        skill, tool = "État civil", "Berger-Levrault"
        rows = []
        with rsgm_core.open(f"sqlite:///{path}") as app:
            today = app.today().isoformat()
            conn = sqlite3.connect(path)
            try:
                for label, limit in (("every entry", None), ("a page of 50", 50)):
                    measure, found = paired(
                        lambda limit=limit: app.directory.search(
                            expertise="etat civil", viewer=Viewer(), limit=limit
                        ),
                        lambda limit=limit: plain_search(conn, fold(skill), today, limit),
                        args.repeat,
                        same=same_entries,  # compared outside the timed runs
                    )
                    result("directory.page" if limit else "directory.all", measure,
                           f"ratio<={TARGET}", f"directory search « etat civil », {label}, "
                           f"{args.members:,} members, vs plain SQL")  # fmt: skip
                    rows.append((f"search « etat civil », {label}", len(found), *measure.cells(),
                                 f"≤ {TARGET}×", "met" if measure.ratio <= TARGET else "MISSED"))  # fmt: skip
                params = {"epci": target.epci, "skill": fold(skill), "tool": fold(tool),
                          "arr": target.arrondissement, "dep": target.departement,
                          "code": target.code, "today": today}  # fmt: skip
                measure, found = paired(
                    lambda: app.network.find_helpers(
                        target.code, expertises=[skill], software=[tool]
                    ),
                    lambda: plain_helpers(conn, params),
                    args.repeat,
                    same=same_helpers,
                )
                result(
                    "directory.activation",
                    measure,
                    f"ratio<={TARGET}",
                    f"network activation (MEM-9), {args.members:,} members, vs plain SQL",
                )
                rows.append((f"activation for {target.name} ({target.code})", len(found),
                             *measure.cells(), f"≤ {TARGET}×",
                             "met" if measure.ratio <= TARGET else "MISSED"))  # fmt: skip
            finally:
                conn.close()
    print(
        f"Median of {args.repeat} alternated runs, outputs checked equal; ratio: median (min–max)"
    )
    print(render(("scenario", "found", "rsgm_core ms", "plain SQL ms", "ratio", "target", "verdict"),
                 rows))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
