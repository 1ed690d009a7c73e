"""A damaged database file, told in French: which file, and what to do (restore a backup).

A SQLite file whose pages were overwritten (a disk fault, a copy cut short, another program
writing into it) makes the driver raise ``database disk image is malformed`` (SQLITE_CORRUPT) or
``file is not a database`` (SQLITE_NOTADB) at the first statement that reads the damaged page;
PostgreSQL says ``data_corrupted`` or ``index_corrupted`` (SQLSTATE XX001, XX002). The storage
turns those into :class:`~rsgm_core.errors.StorageError` at its boundary (opening the storage,
leaving a unit of work), so no command ends on a driver's trace.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import unquote, urlsplit

from rsgm_core.errors import StorageError, ValidationError

__all__ = ["damaged", "unstorable_text"]

#: What psycopg says of a NUL character in a text parameter (psycopg.DataError), before sending.
_NUL_REFUSED = "cannot contain NUL (0x00)"

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_POSTGRESQL_CORRUPT = ("XX001", "XX002")


def _is_damage(error: BaseException) -> bool:
    if isinstance(error, sqlite3.DatabaseError):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)  # extended codes included
        text = str(error).lower()
        return "malformed" in text or "not a database" in text
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state in _POSTGRESQL_CORRUPT


def damaged(url: str, error: BaseException | None) -> StorageError | None:
    """The French error for ``error`` when it says the database is damaged, else ``None``."""
    if error is None:
        return None
    cause = _cause(error)
    if cause is None or not _is_damage(cause):
        return None
    if url.startswith("sqlite") and (database := sqlite_path(url)):
        shown = database
        what = (
            f"restaurez la dernière sauvegarde de {shown} à sa place (en retirant les fichiers "
            f"{shown}-wal et {shown}-shm restés à côté), puis relancez la commande"
        )
    else:
        import sqlalchemy as sa

        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
        what = "faites vérifier et restaurer la base par son administrateur, depuis une sauvegarde"
    return StorageError(
        f"base endommagée : {shown} est illisible ({cause}) ; l'opération n'a rien enregistré. "
        f"Ne l'utilisez plus en l'état : {what}",
        value=shown,
    )


def unstorable_text(error: BaseException | None) -> ValidationError | None:
    """PostgreSQL stores no NUL character in text (SQLite and the memory backend do): the driver's
    refusal told in French as bad input, else ``None``."""
    if error is None:
        return None
    cause = _cause(error)
    if _NUL_REFUSED not in str(cause or error):
        return None
    return ValidationError(
        "texte illisible : il contient un caractère NUL (0x00), que PostgreSQL ne stocke pas",
        value="\x00",
    )


def _cause(error: BaseException) -> Any:
    """The driver's error behind SQLAlchemy's (``DBAPIError.orig``), else the error itself;
    without importing SQLAlchemy, which the SQLite read path does without."""
    if type(error).__module__.startswith("sqlalchemy") and hasattr(error, "orig"):
        return error.orig
    return error


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///path`` URL as SQLAlchemy reads it (``None`` for ``:memory:``
    or no file), without SQLAlchemy: what follows ``sqlite://`` up to a ``?``, decoded."""
    rest = url.split("://", 1)[1] if "://" in url else url
    path = unquote(urlsplit("sqlite://" + rest).path if "?" in rest else rest)
    path = path[1:] if path.startswith("/") else path
    return None if path in ("", ":memory:") else path
