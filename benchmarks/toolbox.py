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
* baseline: the same work by hand through ``sqlite3`` on the same file and one open connection:
  the searches query the same FTS5 index with the same prefix tokens and BM25 weights, read the
  published current versions whole, order them best first then by id and apply the theme filter
  folded; the answer hours are computed by ``julianday`` (offsets included) and sorted in SQL,
  the median and nearest-rank p90 picked in Python. Before the runs, the script checks that both
  sides give the same hits (ids and scores, in order) and the same statistics.

Runs alternate (``_common.paired``): medians and the median ratio with its min and max. Targets:
search ≤ 50 ms, statistics ≤ 100 ms. Prints plain tables and ``RESULT`` lines and exits 0: a
measurement, not a test.

    python benchmarks/toolbox.py [--resources 2000] [--requests 20000] [--repeat 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sqlite3
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import rsgm_core
from _common import SRC, paired, render, result  # this working tree's code, built-in plugins
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


def fold(text: str) -> str:
    """Lower case without accents (what the library's filters compare)."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()


def sql_search(
    conn: sqlite3.Connection,
    tokens: list[str],
    *,
    kind: str | None = None,
    theme: str | None = None,
) -> list[tuple[str, float]]:
    """What the library's search does, by hand on the same file: the FTS5 index (prefix tokens,
    the same BM25 weights: title 3, themes 2, body 1), the published current versions read
    whole, best first then by id, the theme filter folded."""
    match = " ".join(f'"{t}"*' for t in tokens)
    rows = conn.execute(
        "SELECT r.*, bm25(resources_search, 0, 0, 3.0, 2.0, 1.0) AS score "
        "FROM resources_search s JOIN resources r ON r.id = s.id AND r.version = s.version "
        "WHERE resources_search MATCH ? AND r.status = 'publiée'"
        + (" AND r.kind = ?" if kind else "")
        + " ORDER BY score, r.id",
        [match, kind] if kind else [match],
    ).fetchall()
    wanted = fold(theme) if theme else None
    return [
        (row[0], round(-row[-1], 9))
        for row in rows
        if wanted is None or wanted in {fold(t) for t in json.loads(row[5])}
    ]


def _stats(stats: Any) -> tuple[int, float, float]:
    return stats.answered, stats.median_hours, stats.p90_hours


def _close(ours: object, theirs: object) -> bool:
    """Equal hits (ids and scores), or the same statistics to the hundredth of an hour."""
    if isinstance(ours, tuple) and isinstance(theirs, tuple):
        return ours[0] == theirs[0] and all(abs(a - b) < 0.01 for a, b in zip(ours[1:], theirs[1:], strict=True))  # fmt: skip
    return ours == theirs


def library_hits(hits: list[Any]) -> list[tuple[str, float]]:
    return [(h.resource.id, round(h.score, 9)) for h in hits]


def sql_stats(conn: sqlite3.Connection) -> tuple[int, float, float]:
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
        conn = sqlite3.connect(path)
        with rsgm_core.open(f"sqlite:///{path}", clock=Clock(NOW)) as app:
            measures = [
                (
                    "toolbox.search_words",
                    "search, 3 words, ranked",
                    lambda: library_hits(app.toolbox.search("etat civil acte")),
                    lambda: sql_search(conn, ["etat", "civil", "acte"]),
                ),
                (
                    "toolbox.search_common",
                    "search, commonest word (every resource)",
                    lambda: library_hits(app.toolbox.search(FILLER[0])),
                    lambda: sql_search(conn, [fold(FILLER[0])]),
                ),
                (
                    "toolbox.search_filters",
                    "search, word + kind + theme",
                    lambda: library_hits(
                        app.toolbox.search("budget", kind="tutoriel", theme="Voirie")
                    ),
                    lambda: sql_search(conn, ["budget"], kind="tutoriel", theme="Voirie"),
                ),
                (
                    "toolbox.answer_times",
                    "answer times (median, p90)",
                    lambda: _stats(app.advice.stats()),
                    lambda: sql_stats(conn),
                ),
            ]
            rows = []
            for name, label, ours, theirs in measures:
                measure, found = paired(ours, theirs, args.repeat, same=_close)
                size = len(found) if name.startswith("toolbox.search") else "-"  # type: ignore[arg-type]
                goal = "ms<=100" if name == "toolbox.answer_times" else "ms<=50"
                rows.append([label, *measure.cells(), size, goal.replace("ms<=", "≤ ") + " ms"])
                result(name, measure, goal, f"{label} ({args.resources} resources, {args.requests} requests)")  # fmt: skip
        conn.close()
    print(f"toolbox and advice statistics, {args.repeat} paired runs")
    print(
        render(["scenario", "rsgm_core ms", "raw SQL ms", "ratio (min–max)", "hits", "goal"], rows)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
