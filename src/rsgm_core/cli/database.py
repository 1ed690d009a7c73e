"""Which database a command opens, and the rule that a command never creates one by mistake.

A mistyped ``--db`` used to create a new, empty database and run the command on it, so that the
animator saw "0 membres" instead of an error. Now every command opens an *existing* database;
only the commands that create one on purpose (``rsgm init``, ``rsgm demo``, ``rsgm db init``)
may start from a missing file. The rule is the same whoever names the database: ``--db``,
``$RSGM_DB``, the profile's ``[base] url`` or the default file of the user data directory.
SQL servers (``postgresql://``) and in-memory URLs are not files and are left to their driver.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rsgm_core.app import ENV_DB, default_url
from rsgm_core.errors import NotFoundError
from rsgm_core.settings import Settings

__all__ = ["chosen_database", "sqlite_file"]

_SQLITE = "sqlite:///"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL (or a bare path) names; ``None`` for any other URL and for
    in-memory SQLite (``sqlite://``, ``sqlite:///:memory:``)."""
    if "://" not in url:
        return Path(url)
    scheme, _, _ = url.partition("://")
    if not (scheme == "sqlite" or scheme.startswith("sqlite+")):
        return None
    rest = url.split("://", 1)[1]
    if not rest.startswith("/"):
        return None  # sqlite:// alone: in memory
    path = rest[1:].partition("?")[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def chosen_database(args: argparse.Namespace, settings: Settings, *, create: bool) -> str:
    """The URL a command opens: ``--db``, else ``$RSGM_DB``, else the profile's ``[base] url``,
    else ``rsgm.db`` in the user data directory. Unless ``create``, a SQLite file that does not
    exist is a French error naming who named it and how to create it; nothing is created."""
    given = getattr(args, "db", None)
    if given:
        url, named_by = given, "nommée par --db"
    elif os.environ.get(ENV_DB):
        url, named_by = os.environ[ENV_DB], f"nommée par ${ENV_DB}"
    elif settings.database:
        url, named_by = (
            settings.database,
            "nommée par la clé « url » de la section [base] du profil",
        )
    else:
        url, named_by = (
            default_url(create_folder=create),
            "la base par défaut, dans le dossier de données",
        )
    if "://" not in url:
        url = f"{_SQLITE}{url}"
    path = sqlite_file(url)
    if not create and path is not None and not path.exists():
        create_it = f"rsgm db init --db {given}" if given else "rsgm db init"
        raise NotFoundError(
            f"base introuvable : {path} ({named_by}) ; rien n'a été créé. "
            f"Vérifiez le chemin, ou créez la base : « {create_it} » "
            "(ou « rsgm init » pour un nouveau CDG)",
            value=str(path),
        )
    return url
