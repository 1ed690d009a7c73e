"""CNS-2 on a SQL backend: the answer times read as two columns instead of whole records.

Used by :meth:`rsgm_core.services.advice.AdviceService.stats` only when the unit of work is the SQL
backend's (it exposes its connection as ``conn``); any other backend goes through the repository.
The figures are the same either way (``tests/integration/test_toolbox_service.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

__all__ = ["answer_rows"]

_QUERY = sa.text(
    "SELECT received_at, answered_at, answer FROM advice_requests"
)  # every row: the pending ones count too


def answer_rows(uow: Any) -> list[tuple[dt.datetime, dt.datetime | None]] | None:
    """(received, answered or ``None``) of every request, or ``None`` off the SQL backend."""
    conn = getattr(uow, "conn", None)
    if conn is None or not isinstance(conn, sa.Connection):
        return None

    def parse(text: str) -> dt.datetime:
        # "2025-03-14T09:00:00+01:00[Europe/Paris]": the offset alone fixes the instant, and
        # durations and local dates need nothing more.
        return dt.datetime.fromisoformat(text.partition("[")[0])

    return [
        (parse(received), parse(answered) if answered is not None and answer else None)
        for received, answered, answer in conn.execute(_QUERY)
    ]
