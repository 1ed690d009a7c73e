"""The toolbox's word search (KNB-4): tokens, and a BM25 ranking equal to SQLite FTS5's own."""

from __future__ import annotations

import sqlite3

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rsgm_core.domain.text import document, query_tokens, rank, tokens

WEIGHTS = (("title", 3.0), ("themes", 2.0), ("body", 1.0))


@attrs.frozen
class Doc:
    id: int
    title: str
    themes: tuple[str, ...]
    body: str


def test_tokens_are_folded_runs_of_letters_and_digits_KNB_4() -> None:
    assert tokens("L'État-civil : ACTES n°12, Œuvre") == [
        "l",
        "etat",
        "civil",
        "actes",
        "n",
        "12",
        "oeuvre",
    ]
    assert tokens(("État civil", "Élections")) == ["etat", "civil", "elections"]
    assert query_tokens("acte ACTE état") == ("acte", "etat")  # distinct, in the order typed
    assert tokens(None) == []


def test_every_word_must_match_a_token_or_its_start_KNB_4() -> None:
    docs = [
        Doc(1, "Acte de mariage", ("État civil",), "Publier les bans."),
        Doc(2, "Mariages et PACS", ("État civil",), "Le registre."),
        Doc(3, "Budget primitif", ("Finances",), "Voter le budget."),
    ]
    # Both hold "mari…" once in the title; the shorter document ranks first (BM25's length norm).
    assert [d.id for d, _ in rank(docs, ("mari",), WEIGHTS)] == [2, 1]
    assert [d.id for d, _ in rank(docs, ("mari", "acte"), WEIGHTS)] == [1]
    assert rank(docs, ("etat", "budget"), WEIGHTS) == []
    assert rank(docs, (), WEIGHTS) == [] and rank([], ("acte",), WEIGHTS) == []


def test_a_title_hit_outranks_a_body_hit_KNB_4() -> None:
    docs = [
        Doc(1, "Recensement de la population", ("Élections",), "Calendrier et agents."),
        Doc(2, "Calendrier des agents", ("Élections",), "Le recensement est annuel."),
        Doc(3, "Listes électorales", ("Élections",), "Inscriptions."),
    ]
    assert [d.id for d, _ in rank(docs, ("recensement",), WEIGHTS)] == [1, 2]


VOCABULARY = ["état", "civil", "acte", "Mariage", "décès", "budget", "voirie", "élection", "ab"]
texts = st.lists(st.sampled_from(VOCABULARY), max_size=12).map(" ".join)
docs = st.lists(
    st.builds(
        Doc,
        id=st.just(0),
        title=texts,
        themes=st.lists(texts, max_size=2).map(tuple),
        body=texts,
    ),
    min_size=1,
    max_size=25,
).map(lambda found: [attrs.evolve(d, id=n) for n, d in enumerate(found)])
queries = st.lists(
    st.sampled_from(["etat", "civ", "acte", "mariage", "a", "deces", "zzz", "budget"]),
    min_size=1,
    max_size=3,
    unique=True,
)


def fts5_ranking(
    found: list[Doc], query: list[str], weights: tuple[tuple[str, float], ...] = WEIGHTS
) -> list[tuple[int, float]]:
    """SQLite's own bm25() over the same tokens, with the same weights, as the index does."""
    with sqlite3.connect(":memory:") as conn:
        conn.execute(
            "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, themes, body, "
            "tokenize = 'ascii')"
        )
        conn.executemany(
            "INSERT INTO t VALUES (?, ?, ?, ?)",
            [(d.id, *(" ".join(f) for f in document(d, WEIGHTS))) for d in found],
        )
        match = " ".join(f'"{t}"*' for t in query)
        rows = conn.execute(
            "SELECT id, bm25(t, 0, ?, ?, ?) FROM t WHERE t MATCH ?",
            (*(w for _, w in weights), match),
        ).fetchall()
    conn.close()
    return sorted(((i, -score) for i, score in rows), key=lambda pair: (-pair[1], pair[0]))


weights = st.tuples(*(st.sampled_from([1.0, 3.0, 0.1, 0.3, 1.3, 2.7]) for _ in range(3))).map(
    lambda ws: tuple(zip(("title", "themes", "body"), ws, strict=True))
)


@settings(max_examples=200, deadline=None)
@given(docs, queries, weights)
def test_the_ranking_is_sqlite_fts5_bm25_KNB_4(
    found: list[Doc], query: list[str], weights: tuple[tuple[str, float], ...]
) -> None:
    ours = [(d.id, score) for d, score in rank(found, tuple(query), weights)]
    theirs = fts5_ranking(found, query, weights)
    assert [i for i, _ in ours] == [i for i, _ in theirs]
    for (_, mine), (_, sqlite) in zip(ours, theirs, strict=True):
        assert mine == sqlite  # the same float, not a close one


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_sqlite_reads_back_exactly_our_tokens_KNB_4(text: str) -> None:
    """The index stores tokens joined by spaces; the ascii tokenizer must split them back as
    they were, whatever letters they hold (SQLite's own Unicode tables play no part)."""
    ours = tokens(text)
    with sqlite3.connect(":memory:") as conn:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'ascii')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        conn.execute("INSERT INTO t VALUES (?)", (" ".join(ours),))
        theirs = [term for (term,) in conn.execute("SELECT term FROM v ORDER BY offset")]
    conn.close()
    assert theirs == ours


def test_a_query_holds_distinct_tokens() -> None:
    with pytest.raises(ValueError, match="repeated"):
        rank([Doc(1, "Acte", (), "")], ("acte", "acte"), WEIGHTS)
