"""Directory search and network activation on a 3-department CDG, against plain SQL.

Builds a SQLite file holding the census of three departments (17, 79 and 86 from the Etalab
vintage 6.0.0: about 1,000 communes), 1,500 members with one or two positions each, about 20,000
directory facts (expertises and software), directory consents for 70 % of the members and the
help opt-in for 40 %, all drawn with a fixed seed. Then, on that file:

* ``app.directory.search(expertise=…)`` as a member sees it (consent filter, MEM-3) and with an
  EPCI added; baseline: one SQL query joining members, facts and consents, then the facts of the
  members found;
* ``app.network.find_helpers(commune, expertises=…, software=…)`` (MEM-9); baseline: one SQL query
  joining helpers, positions, communes and facts, scored and ordered in SQL.

Each figure is the median of ``--repeat`` runs after one warm-up. Target: ≤ 50 ms each for the
library. Prints plain tables and exits 0: a measurement, not a test.

    python benchmarks/directory.py [--members 1500] [--facts 20000] [--repeat 20]
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
from _common import ROOT, median_ms  # this working tree's code, built-in plugins only
from rsgm_core.domain.directory import (
    Consent,
    ConsentScope,
    DirectoryFact,
    FactKind,
    Viewer,
    fold,
)
from rsgm_core.domain.members import Function, Member, Position, Status
from rsgm_core.plugins.vocabularies import BUSINESS_SOFTWARE, EXPERTISES

DATA = ROOT.parent / "shared" / "data" / "decoupage-administratif" / "6.0.0"
DEPARTMENTS = ["17", "79", "86"]
TARGET_MS = 50.0


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
                Member(member_id, f"Prénom{i}", f"Nom{i:04d}", f"agent{i}@example.org",
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
        with app.transaction() as uow:
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
SELECT m.id, m.first_name, m.last_name, m.email, m.phone FROM members m
JOIN directory_facts f ON f.member_id = m.id AND f.kind = 'expertise' AND f."key" = ?
WHERE m.lifecycle = 'actif' AND m.erased_on IS NULL
  AND EXISTS (SELECT 1 FROM consents c WHERE c.member_id = m.id AND c.scope = 'annuaire'
              AND c.given_on <= ? AND (c.withdrawn_on IS NULL OR c.withdrawn_on > ?))
ORDER BY m.last_name, m.first_name
"""
FACTS_SQL = "SELECT member_id, kind, value, mastered FROM directory_facts WHERE member_id IN ({})"
ACTIVATE_SQL = """
WITH skills AS (
    SELECT member_id, sum(kind = 'expertise' AND "key" = :skill) AS skills,
           sum(kind = 'logiciel' AND "key" = :tool) AS tools
    FROM directory_facts WHERE "key" IN (:skill, :tool) GROUP BY member_id)
SELECT m.id, m.first_name, m.last_name, max(c.epci = :epci) AS same_epci,
       coalesce(s.skills, 0) AS skills, coalesce(s.tools, 0) AS tools,
       max(c.arrondissement = :arr) AS same_arr, max(c.departement = :dep) AS same_dep
FROM members m JOIN positions p ON p.member_id = m.id
JOIN communes c ON c.code = p.commune
LEFT JOIN skills s ON s.member_id = m.id
WHERE m.helper AND m.lifecycle = 'actif' AND m.erased_on IS NULL AND p.commune <> :code
  AND (p."end" IS NULL OR p."end" > :today)
GROUP BY m.id
ORDER BY same_epci DESC, skills DESC, tools DESC, same_arr DESC, same_dep DESC, m.last_name
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_500)
    parser.add_argument("--facts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=79)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"données du recensement absentes ({DATA}) : rien à mesurer")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "directory.db"
        started = time.perf_counter()
        built = build(path, args.members, args.facts, args.seed)
        print(
            f"base : {built['communes']} communes ({', '.join(DEPARTMENTS)}), {built['members']} "
            f"membres, {built['positions']} postes, {built['facts']} faits d'annuaire, "
            f"{built['consents']} consentements ({time.perf_counter() - started:.1f} s)\n"
        )
        target = built["target"]
        skill, tool = "État civil", "Berger-Levrault"
        with rsgm_core.open(f"sqlite:///{path}") as app:
            today = app.today().isoformat()
            rows = []
            lib_ms, found = median_ms(
                lambda: app.directory.search(expertise="etat civil", viewer=Viewer()), args.repeat
            )
            conn = sqlite3.connect(path)

            def plain_search() -> list[Any]:
                hits = conn.execute(SEARCH_SQL, (fold(skill), today, today)).fetchall()
                ids = [h[0] for h in hits]
                conn.execute(FACTS_SQL.format(",".join("?" * len(ids))), ids).fetchall()
                return hits

            raw_ms, raw = median_ms(plain_search, args.repeat)
            rows.append(
                (
                    "recherche « etat civil », toutes les fiches",
                    len(found),
                    len(raw),
                    lib_ms,
                    raw_ms,
                )
            )  # type: ignore[arg-type]
            page_ms, page = median_ms(
                lambda: app.directory.search(expertise="etat civil", viewer=Viewer(), limit=50),
                args.repeat,
            )

            def plain_page() -> list[Any]:
                hits = conn.execute(
                    SEARCH_SQL + " LIMIT 50", (fold(skill), today, today)
                ).fetchall()
                ids = [h[0] for h in hits]
                conn.execute(FACTS_SQL.format(",".join("?" * len(ids))), ids).fetchall()
                return hits

            raw_page_ms, raw_page = median_ms(plain_page, args.repeat)
            rows.append(
                (
                    "recherche « etat civil », page de 50",
                    len(page),
                    len(raw_page),
                    page_ms,
                    raw_page_ms,
                )
            )  # type: ignore[arg-type]
            epci_ms, in_epci = median_ms(
                lambda: app.directory.search(expertise="etat civil", epci=target.epci), args.repeat
            )
            rows.append(("recherche + EPCI (animateur)", len(in_epci), "", epci_ms, None))  # type: ignore[arg-type]
            act_ms, helpers = median_ms(
                lambda: app.network.find_helpers(target.code, expertises=[skill], software=[tool]),
                args.repeat,
            )
            params = {"epci": target.epci, "skill": fold(skill), "tool": fold(tool),
                      "arr": target.arrondissement, "dep": target.departement,
                      "code": target.code, "today": today}  # fmt: skip
            plain_ms, plain = median_ms(
                lambda: conn.execute(ACTIVATE_SQL, params).fetchall(), args.repeat
            )
            rows.append(
                (
                    f"entraide pour {target.name} ({target.code})",
                    len(helpers),
                    len(plain),
                    act_ms,
                    plain_ms,
                )
            )  # type: ignore[arg-type]
            conn.close()
    print(
        f"{'scénario':<44} {'résultats':>9} {'SQL':>5} {'rsgm_core':>10} {'SQL brut':>9} {'rapport':>8} {'cible':>7}"
    )
    for name, n, n_raw, ms, raw in rows:
        ratio = f"{ms / raw:.1f}×" if raw else ""
        verdict = "ok" if ms <= TARGET_MS else "lent"
        raw_text = f"{raw:.1f} ms" if raw else ""
        print(f"{name:<44} {n:>9} {n_raw!s:>5} {ms:>7.1f} ms {raw_text:>9} {ratio:>8} {verdict:>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
