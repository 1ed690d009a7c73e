"""Built-in SQL storage plugin: ``sqlite:///path.db`` (the default), a bare file path, or a
PostgreSQL URL (``postgresql+psycopg://user@host/db``, with the ``postgres`` extra).

SQLAlchemy is imported only when a SQL URL is opened, so ``import rsgm_core`` stays light; a
SQLite file already at the current schema is opened without it (:mod:`.lite`), until a unit of
work writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rsgm_core.errors import MissingExtraError
from rsgm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from rsgm_core.ports import Storage
    from rsgm_core.settings import Settings

SCHEMES = ("sqlite:", "postgresql:", "postgresql+")


@hookimpl
def rsgm_storage(url: str, settings: Settings) -> Storage | None:
    if "://" in url and not url.startswith(SCHEMES):
        return None
    upgrade = settings.plugin("sql").get("upgrade", True)
    if url.startswith("sqlite:") or "://" not in url:
        from rsgm_core.plugins.sql.lite import open_lite

        lite = open_lite(url, upgrade=bool(upgrade))
        if lite is not None:
            return lite
    try:
        from rsgm_core.plugins.sql.backend import SqlStorage
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("sqlalchemy"):
            raise MissingExtraError("Le stockage SQL", "sql", "sqlalchemy") from exc
        raise
    return SqlStorage(url, upgrade=bool(upgrade))
