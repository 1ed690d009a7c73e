"""In-memory storage (``memory://``): for tests, demos and trying the library out.

It keeps the same contract as the SQL backend: records are immutable, so a unit of work copies each
collection's index on its first write and commit swaps the copies in; a rollback simply drops them.
Units of work are serialised by one lock, like SQLite's single writer. Text the SQL drivers cannot
send (a lone surrogate: bytes that were not UTF-8) fails here too, with the same
``UnicodeEncodeError``, whether written or looked up: the use cases refuse it alike on every
backend (``services/deps.py``).
"""

from __future__ import annotations

import functools
import threading
import typing
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from rsgm_core.errors import ConflictError, NotFoundError
from rsgm_core.hookspecs import hookimpl
from rsgm_core.ports import (
    COLLECTIONS,
    Collection,
    Repository,
    Storage,
    UnitOfWork,
    Where,
    matches,
)
from rsgm_core.serialization import converter
from rsgm_core.settings import Settings

SCHEME = "memory://"

R = TypeVar("R")


@hookimpl
def rsgm_storage(url: str, settings: Settings) -> Storage | None:
    if url == SCHEME or url.startswith(SCHEME):
        return MemoryStorage(url)
    return None


class MemoryStorage(Storage):
    def __init__(self, url: str = SCHEME) -> None:
        self.url = url
        self.tables: dict[str, dict[Any, Any]] = {c.name: {} for c in COLLECTIONS}
        self.lock = threading.RLock()

    def unit_of_work(self, *, read_only: bool = False) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    def info(self) -> dict[str, Any]:
        return {"backend": "memory", "url": self.url, "schema_version": None}


class MemoryUnitOfWork(UnitOfWork):
    def __init__(self, storage: MemoryStorage) -> None:
        self.storage = storage
        self.working: dict[str, dict[Any, Any]] = {}

    def _build_repository(self, collection: Collection[R]) -> MemoryRepository[R]:
        return MemoryRepository(collection, self)

    def table(self, name: str, *, for_write: bool) -> dict[Any, Any]:
        if name in self.working:
            return self.working[name]
        committed = self.storage.tables[name]
        if not for_write:
            return committed
        self.working[name] = copy = dict(committed)
        return copy

    def begin(self) -> None:
        self.storage.lock.acquire()
        self.working = {}

    def _commit(self) -> None:
        self.storage.tables.update(self.working)
        self.working = {}

    def rollback(self) -> None:
        self.working = {}

    def close(self) -> None:
        self.storage.lock.release()


class MemoryRepository(Repository[R]):
    def __init__(self, collection: Collection[R], uow: MemoryUnitOfWork) -> None:
        self.collection = collection
        self.uow = uow

    def _key(self, record: Any) -> Any:
        return self.collection.key_of(record)

    def _read(self) -> dict[Any, Any]:
        return self.uow.table(self.collection.name, for_write=False)

    def _write(self) -> dict[Any, Any]:
        return self.uow.table(self.collection.name, for_write=True)

    # All the records or none, as the SQL backend's savepoint does: checked before any is written.

    def add_all(self, records: Iterable[Any]) -> None:
        table = self._write()
        batch: dict[Any, Any] = {}
        for record in records:
            _storable(record)
            key = self._key(record)
            if key in table or key in batch:
                raise ConflictError(
                    f"{self.collection.name} : la clé {key!r} existe déjà", value=key
                )
            batch[key] = record
        table.update(batch)

    def update_all(self, records: Iterable[Any]) -> None:
        table = self._write()
        batch: dict[Any, Any] = {}
        for record in records:
            _storable(record)
            key = self._key(record)
            if key not in table:
                raise NotFoundError(f"{self.collection.name} : clé inconnue {key!r}", value=key)
            batch[key] = record
        table.update(batch)

    def find(self, key: Any) -> Any | None:
        _storable(key)
        return self._read().get(key)

    def list(self, where: Where | None = None) -> list[Any]:
        self.check_fields(where)
        _storable(where)
        found = [r for r in self._read().values() if matches(r, where)]
        return sorted(found, key=_sort_key(self.collection))

    def count(self, where: Where | None = None) -> int:
        if not where:
            return len(self._read())
        return len(self.list(where))

    def remove(self, key: Any) -> None:
        _storable(key)
        table = self._write()
        if key not in table:
            raise NotFoundError(f"{self.collection.name} : clé inconnue {key!r}", value=key)
        del table[key]

    def reassign(self, field: str, old: Any, new: Any) -> int:
        self.check_fields({field: old})
        _storable((old, new))
        table = self._write()
        moved = {
            key: attrs.evolve(record, **{field: new})
            for key, record in table.items()
            if getattr(record, field) == old
        }
        table.update(moved)
        return len(moved)


def _storable(value: Any) -> None:
    """Raise ``UnicodeEncodeError`` for text a SQL driver could not send (a lone surrogate), in a
    record, a key or a filter, as SQLite's and PostgreSQL's drivers do."""
    if isinstance(value, str):
        if not value.isascii():
            value.encode("utf-8")
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            _storable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _storable(getattr(value, field.name))


@functools.cache
def _sort_key(collection: Collection[Any]) -> Callable[[Any], Any]:
    """Records in key order as the SQL backend sorts them: by the stored values (an enum by its
    value, a date by its ISO text), which are the keys themselves for text and integers."""
    hints = typing.get_type_hints(collection.record)
    if all(hints[name] in (str, int) for name in collection.key_fields):
        return collection.key_of
    return lambda record: converter.unstructure(collection.key_of(record))
