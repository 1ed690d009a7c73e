"""A stored zoned datetime as a POSIX time in microseconds, computed by SQLite itself.

Datetimes are stored as ISO 8601 text with their offset, then the zone's name
(``2025-10-26T02:30:00.250000+01:00[Europe/Paris]``, see :mod:`rsgm_core.serialization`).
SQLite's ``julianday`` reads the date, the time and the offset, without the fraction of second;
its result, rounded to the whole second, plus the microseconds read from the text, is an exact
integer, which the caller divides by 1,000,000 in Python (``int / int``, one correctly rounded
division, as ``datetime.timestamp()`` computes it), so both give the same float.

Text the expression cannot read exactly gives ``'illisible'`` instead of a number, and the caller
reads that query in Python: an offset with seconds (Europe/Paris before 1911), a fraction of second
that is not the six digits Python writes, anything else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["UNREADABLE", "epoch_microseconds", "epoch_sql"]

UNREADABLE = "illisible"

# ISO 8601 as Python writes it: 19 characters of date and time, then ".ffffff" or nothing, then
# the offset "+HH:MM", then "[zone]" or nothing. julianday reads the date, the time and the offset
# without the fraction, so its result is a whole second (rounded: a double's error is tiny); the
# microseconds come from the text.
_WITH_FRACTION = (
    "(CAST(round((julianday(substr({c}, 1, 19) || substr({c}, 27, 6)) - 2440587.5) * 86400)"
    " AS INTEGER) * 1000000 + CAST(substr({c}, 21, 6) AS INTEGER))"
)
_WHOLE_SECOND = (
    "(CAST(round((julianday(substr({c}, 1, 25)) - 2440587.5) * 86400) AS INTEGER) * 1000000)"
)
_EXPRESSION = (
    "CASE WHEN {c} IS NULL THEN NULL"
    " WHEN substr({c}, 20, 1) = '.' AND substr({c}, 27, 1) IN ('+', '-')"
    " AND substr({c}, 33, 1) IN ('[', '')"
    f" THEN coalesce({_WITH_FRACTION}, '{UNREADABLE}')"
    " WHEN substr({c}, 20, 1) IN ('+', '-') AND substr({c}, 26, 1) IN ('[', '')"
    f" THEN coalesce({_WHOLE_SECOND}, '{UNREADABLE}')"
    f" ELSE '{UNREADABLE}' END"
)


def epoch_microseconds(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    """SQLite: the POSIX time of a stored datetime column in microseconds (``NULL`` stays
    ``NULL``, text it cannot read exactly gives :data:`UNREADABLE`)."""
    import sqlalchemy as sa

    return sa.literal_column(epoch_sql(column.table.name, column.name)).label(column.name)


def epoch_sql(table: str, column: str) -> str:
    """The same expression as SQL text, for the column ``column`` of ``table``."""
    return _EXPRESSION.format(c=f'"{table}"."{column}"')
