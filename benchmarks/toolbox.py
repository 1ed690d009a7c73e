"""The toolbox search (KNB-4) and the answer-time statistics (CNS-2) from SQLite, against plain SQL.

Builds a SQLite file holding the bundled Deux-Sèvres census sample, 2,000 published resources (one
in five has a second version, so 2,400 rows) and 20,000 advice requests (90 % answered, answer times
drawn from an exponential law), with a fixed seed. Each resource has a topic, four of 32 French
words of the trade, which make a fifth of its title and of its 150-word Markdown body; the rest is
drawn from a 3,000-word vocabulary with Zipf's law, as in natural text, so the commonest word is in
almost every resource. Then, on that file:

* library: ``app.toolbox.search`` for a topic ("etat civil acte", about one resource in eight),
  for the commonest word (every resource matches: the worst case, every record read), and for a
  word with two filters; ``app.advice.stats()`` (median and 90th percentile, nearest rank);
* baseline: plain SQL through ``sqlite3`` on the same file: ``LIKE`` on the current versions for
  the searches (no ranking, no accent folding), and the answer hours computed by ``julianday``
  (offsets included) then sorted in SQL, the median and nearest-rank p90 picked in Python; the
  script checks both give the same statistics.

Each figure is the median of ``--repeat`` runs after one warm-up. Targets: search ≤ 50 ms,
statistics ≤ 100 ms. Prints plain tables and exits 0: a measurement, not a test.

    python benchmarks/toolbox.py [--resources 2000] [--requests 20000] [--repeat 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import rsgm_core
from _common import SRC, median_ms  # this working tree's code, built-in plugins only
from rsgm_core.domain.advice import AdviceRequest, Channel
from rsgm_core.domain.toolbox import Resource, ResourceKind, ResourceStatus
from rsgm_core.plugins.vocabularies import BUSINESS_SOFTWARE, EXPERTISES
from rsgm_core.testing import Clock

SAMPLE = SRC / "rsgm_core" / "data" / "sample" / "79"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=PARIS)
WORDS = [
    "acte",
    "état",
    "civil",
    "naissance",
    "décès",
    "mariage",
    "mairie",
    "conseil",
    "municipal",
    "délibération",
    "budget",
    "mandat",
    "titre",
    "concession",
    "cimetière",
    "élection",
    "liste",
    "électorale",
    "urbanisme",
    "permis",
    "voirie",
    "marché",
    "public",
    "paie",
    "agent",
    "arrêté",
    "registre",
    "recensement",
    "école",
    "cantine",
    "subvention",
    "bans",
]
TOPICS = [WORDS[n : n + 4] for n in range(0, len(WORDS), 4)]  # "acte état civil naissance", …
FILLER = [f"{a}{b}{c}" for a in "bcdfglmnprstv" for b in "aeiou" for c in "lmnrstxz"][:3000]
FILLER_WEIGHTS = [1 / (rank + 1) for rank in range(len(FILLER))]  # Zipf's law


def text(rng: random.Random, topic: list[str], size: int) -> str:
    own = round(size / 5)
    words = rng.choices(topic, k=own) + rng.choices(FILLER, FILLER_WEIGHTS, k=size - own)
    rng.shuffle(words)
    return " ".join(words)


def build(path: Path, resources: int, requests: int) -> None:
    rng = random.Random(10)
    kinds = list(ResourceKind)
    with rsgm_core.open(f"sqlite:///{path}") as app:
        app.census.import_(SAMPLE, ["79"])
        with app.storage.unit_of_work(read_only=True) as uow:
            communes = [c.code for c in uow.communes.list()]
        rows = []
        for n in range(resources):
            kind = kinds[n % len(kinds)]
            topic = TOPICS[n % len(TOPICS)]
            base = Resource(
                id=f"r{n:05d}", version=1, kind=kind,
                title=text(rng, topic, 6).capitalize(),
                body=text(rng, topic, 150),
                themes=tuple(rng.sample(EXPERTISES, 2)), author_id="bench",
                status=ResourceStatus.PUBLISHED, review_on=dt.date(2027, 1, 1),
                software=(rng.choice(BUSINESS_SOFTWARE),) if kind is ResourceKind.TUTORIAL else (),
                published_on=dt.date(2026, 1, 5),
            )  # fmt: skip
            rows.append(base)
            if n % 5 == 0:
                rows.append(
                    Resource(**{**_fields(base), "version": 2, "body": base.body + " révisé"})
                )
        asked = []
        for n in range(requests):
            received = NOW - dt.timedelta(hours=rng.uniform(0, 24 * 365))
            answered = rng.random() < 0.9
            asked.append(
                AdviceRequest(
                    id=f"a{n:06d}",
                    commune=rng.choice(communes),
                    requester="Demandeur",
                    channel=rng.choice(list(Channel)),
                    theme=rng.choice(EXPERTISES),
                    question="Question ?",
                    received_at=received,
                    answered_at=received + dt.timedelta(hours=rng.expovariate(1 / 20))
                    if answered
                    else None,
                    answer="Réponse." if answered else None,
                    minutes_spent=15,
                )
            )
        with app.transaction() as uow:
            uow.resources.add_all(rows)
            uow.advice_requests.add_all(asked)


def _fields(record: Any) -> dict[str, Any]:
    import attrs

    return attrs.asdict(record, recurse=False)


def sql_search(path: Path, words: list[str]) -> list[str]:
    with sqlite3.connect(path) as conn:
        where = " AND ".join("(title || ' ' || body) LIKE ?" for _ in words)
        return [
            row[0]
            for row in conn.execute(
                "SELECT r.id FROM resources r WHERE status = 'publiée' AND version = "
                f"(SELECT max(version) FROM resources v WHERE v.id = r.id) AND {where}",
                [f"%{w}%" for w in words],
            )
        ]


def sql_stats(path: Path) -> tuple[int, float, float]:
    with sqlite3.connect(path) as conn:
        hours = [
            row[0]
            for row in conn.execute(
                "SELECT (julianday(substr(answered_at, 1, instr(answered_at, '[') - 1))"
                " - julianday(substr(received_at, 1, instr(received_at, '[') - 1))) * 24 AS h"
                " FROM advice_requests WHERE answer IS NOT NULL ORDER BY h"
            )
        ]
    middle = len(hours) // 2
    median = hours[middle] if len(hours) % 2 else (hours[middle - 1] + hours[middle]) / 2
    return len(hours), median, hours[max(1, math.ceil(0.9 * len(hours))) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "toolbox.db"
        start = time.perf_counter()
        build(path, args.resources, args.requests)
        print(f"built {path.name} in {time.perf_counter() - start:.1f} s")
        with rsgm_core.open(f"sqlite:///{path}", clock=Clock(NOW)) as app:
            search_ms, hits = median_ms(lambda: app.toolbox.search("etat civil acte"), args.repeat)
            common_ms, every = median_ms(lambda: app.toolbox.search(FILLER[0]), args.repeat)
            filter_ms, _ = median_ms(
                lambda: app.toolbox.search("budget", kind="tutoriel", theme="Voirie"), args.repeat
            )
            stats_ms, stats = median_ms(app.advice.stats, args.repeat)
        raw_search_ms, raw_hits = median_ms(
            lambda: sql_search(path, ["état", "civil", "acte"]), args.repeat
        )
        raw_common_ms, _ = median_ms(lambda: sql_search(path, [FILLER[0]]), args.repeat)
        raw_stats_ms, raw = median_ms(lambda: sql_stats(path), args.repeat)
    same = (
        stats.answered == raw[0]  # type: ignore[attr-defined,index]
        and abs(stats.median_hours - raw[1]) < 0.01  # type: ignore[attr-defined,index,operator]
        and abs(stats.p90_hours - raw[2]) < 0.01  # type: ignore[attr-defined,index,operator]
    )
    print(f"{'scenario':<44} {'rsgm_core':>10} {'plain SQL':>10} {'target':>8}")
    print(
        f"{'search, 3 words, ranked':<44} {search_ms:>8.1f}ms {raw_search_ms:>8.1f}ms {'50 ms':>8}"
    )
    print(
        f"{'search, commonest word (every resource)':<44} {common_ms:>8.1f}ms "
        f"{raw_common_ms:>8.1f}ms {'50 ms':>8}"
    )
    print(f"{'search, word + kind + theme':<44} {filter_ms:>8.1f}ms {'':>10} {'50 ms':>8}")
    print(
        f"{'answer times (median, p90)':<44} {stats_ms:>8.1f}ms {raw_stats_ms:>8.1f}ms {'100 ms':>8}"
    )
    print(
        f"hits: {len(hits)} ranked, {len(raw_hits)} by LIKE; {len(every)} for the commonest "  # type: ignore[arg-type]
        f"word; same statistics as SQL: {same}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
