"""Full-text ranking shared by every backend: one tokenizer and Okapi BM25 as SQLite FTS5 computes it.

A collection may name the text fields it is searched by, each with a weight
(:attr:`rsgm_core.ports.Collection.search_fields`). A record is then a document whose fields are
lists of tokens: its text folded (accents and case removed, œ → oe) and cut into runs of letters and
digits. A query is a list of distinct tokens, each matching a whole token or a token's start
("etat" finds « État », "mari" finds « mariage »); a document matches when it holds every one.

:func:`rank` scores the matching documents with the BM25 of SQLite's FTS5 extension, on the same
statistics over the corpus it is given: for each query token ``q``,

    idf(q) * f * (k1 + 1) / (f + k1 * (1 - b + b * |D| / avgdl))

summed over the query, where ``f`` is the weighted number of the document's tokens that ``q``
matches (each occurrence adds its field's weight, in field order, as FTS5 adds them), ``|D|`` the
document's length in tokens,
``avgdl`` the mean length over the collection, ``idf(q) = log((N - n + 0.5) / (n + 0.5))`` (at
least 1e-6) with ``N`` documents of which ``n`` hold ``q``, ``k1 = 1.2`` and ``b = 0.75``. The SQL
backend indexes the same tokens in an FTS5 table (``plugins/sql/search.py``) and lets SQLite
compute that sum; the other backends call this module. Both give the same hits and the same
floats.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from rsgm_core.domain.directory import fold

__all__ = ["K1", "B", "Weights", "document", "query_tokens", "rank", "tokens"]

R = TypeVar("R")

#: ``(field name, weight)`` pairs, in the order an index stores the fields.
Weights = tuple[tuple[str, float], ...]

K1 = 1.2
B = 0.75
_MIN_IDF = 1e-6  # FTS5's floor for a token held by more than half the documents
_TOKEN = re.compile(r"[^\W_]+")


def tokens(value: object) -> list[str]:
    """The tokens of a text, or of every text in a tuple or list (themes, say)."""
    if value is None:
        return []
    if isinstance(value, str):
        return _TOKEN.findall(fold(value))
    if isinstance(value, tuple | list):
        return [token for item in value for token in tokens(item)]
    raise TypeError(f"not text: {value!r}")


def query_tokens(words: str) -> tuple[str, ...]:
    """The distinct tokens of a query, in the order typed."""
    return tuple(dict.fromkeys(tokens(words)))


@functools.lru_cache(maxsize=4096)
def document(record: Any, fields: Weights) -> tuple[tuple[str, ...], ...]:
    """The tokens of each search field of ``record``. Records are frozen values, so a record's
    tokens are computed once and reused by later searches."""
    return tuple(tuple(tokens(getattr(record, name))) for name, _ in fields)


@functools.lru_cache(maxsize=4096)
def _counts(record: Any, fields: Weights) -> tuple[Counter[str], ...]:
    return tuple(Counter(field) for field in document(record, fields))


def rank(records: Iterable[R], query: Sequence[str], fields: Weights) -> list[tuple[R, float]]:
    """The records holding every token of ``query`` (token or prefix), with their BM25 score
    (higher is better), best first, equal scores in the order given; ``records`` is the whole
    corpus, for the statistics. ``query`` holds distinct tokens, as :func:`query_tokens` gives."""
    if len(set(query)) != len(query):
        raise ValueError(f"repeated query tokens: {query!r}")
    corpus = list(records)
    if not query or not corpus:
        return []
    weights = [weight for _, weight in fields]
    lengths = [sum(len(field) for field in document(r, fields)) for r in corpus]
    average = sum(lengths) / len(corpus)
    frequencies: list[list[float]] = []  # per record, per query token: weighted occurrences
    held = dict.fromkeys(query, 0)  # per query token: how many records hold it
    for record in corpus:
        row = []
        for token in query:
            found, present = 0.0, False
            for weight, counts in zip(weights, _counts(record, fields), strict=True):
                hits = sum(n for word, n in counts.items() if word.startswith(token))
                for _ in range(hits):  # one addition per occurrence, as FTS5 sums them
                    found += weight
                present = present or hits > 0
            row.append(found if present else -1.0)
            held[token] += present
        frequencies.append(row)
    idf = [math.log((len(corpus) - held[t] + 0.5) / (held[t] + 0.5)) for t in query]
    idf = [value if value > 0 else _MIN_IDF for value in idf]
    scored = []
    for record, length, row in zip(corpus, lengths, frequencies, strict=True):
        if min(row) < 0:  # a query token it does not hold
            continue
        norm = K1 * (1 - B + B * length / average)  # average > 0: this record holds tokens
        score = 0.0
        for weight, found in zip(idf, row, strict=True):
            score += weight * ((found * (K1 + 1.0)) / (found + norm))
        scored.append((record, score))
    scored.sort(key=lambda pair: -pair[1])
    return scored
