"""The directory's reads as SQL for the SQL units of work (SQLAlchemy's and the SQLite file's read
on the driver alone): the ports' defaults read every record of the collections they cover. The
queries' module (:mod:`rsgm_core.plugins.sql.directory`) is imported when a directory is read,
not with the storage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import datetime as dt

    from rsgm_core.domain.activation import Helper
    from rsgm_core.domain.directory_query import DirectoryPage, DirectoryQuery
    from rsgm_core.domain.territory import Commune

__all__ = ["SqlDirectoryReads"]


class SqlDirectoryReads:
    """Mixed into a unit of work before :class:`~rsgm_core.ports.UnitOfWork`."""

    def read_directory(self, query: DirectoryQuery) -> DirectoryPage:
        from rsgm_core.plugins.sql import directory

        return directory.read_directory(cast(Any, self), query)

    def find_helpers(
        self,
        target: Commune,
        *,
        expertises: Sequence[str] = (),
        software: Sequence[str] = (),
        on: dt.date,
    ) -> list[Helper]:
        from rsgm_core.plugins.sql import directory

        return directory.find_helpers(
            cast(Any, self), target, expertises=expertises, software=software, on=on
        )
