"""Ports: what the services need from storage, whatever the backend.

A storage backend (returned by the ``rsgm_storage`` hook) opens units of work. A unit of work is a
context manager holding one transaction and one repository per collection of records; leaving it
without calling :meth:`UnitOfWork.commit` rolls everything back, so a use case that fails half-way
leaves storage exactly as it was.

The kinds of record are declared in :mod:`rsgm_core.records` (:data:`COLLECTIONS`, re-exported
here); :class:`UnitOfWork` has one annotated repository per collection (a test checks they agree).
"""

from __future__ import annotations

import abc
import builtins
import collections
import datetime as dt
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, Self, TypeVar

import attrs

from rsgm_core import records
from rsgm_core.records import COLLECTION_NAMED, COLLECTION_OF, COLLECTIONS, Collection, field_names

if typing.TYPE_CHECKING:
    from rsgm_core.domain.activation import Helper
    from rsgm_core.domain.directory_query import DirectoryPage, DirectoryQuery
    from rsgm_core.domain.territory import Commune

__all__ = [
    "COLLECTIONS",
    "COLLECTION_NAMED",
    "COLLECTION_OF",
    "Collection",
    "Repository",
    "Storage",
    "Tally",
    "UnitOfWork",
    "Where",
    "field_names",
    "matches",
    "value_compared_fields",
]

R = TypeVar("R")

#: Equality filters: ``{"departement": "79"}``; a tuple, list, set or frozenset means "one of".
Where = Mapping[str, Any]


def matches(record: Any, where: Where | None) -> bool:
    """Does ``record`` pass every equality (or one-of) filter? Compares values, not spellings."""
    for name, wanted in (where or {}).items():
        value = getattr(record, name)
        if isinstance(wanted, tuple | list | set | frozenset):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def value_compared_fields(record: type[Any]) -> frozenset[str]:
    """Fields whose stored text is not canonical (``Decimal``, zoned ``datetime``): a backend
    storing text must compare them by value."""
    names = _VALUE_COMPARED.get(record)
    if names is None:
        hints = typing.get_type_hints(record)
        names = _VALUE_COMPARED[record] = frozenset(
            name
            for name, hint in hints.items()
            if {Decimal, dt.datetime} & {hint, *typing.get_args(hint)}
        )
    return names


_VALUE_COMPARED: dict[type[Any], frozenset[str]] = {}  # by record class, filled on first use


@attrs.frozen
class Tally:
    """One group of :meth:`Repository.aggregate`: how many records, and the sums asked for."""

    count: int
    sums: tuple[int, ...] = ()


class Repository(abc.ABC, Generic[R]):
    """Records of one collection, seen through the current unit of work."""

    collection: Collection[R]

    @abc.abstractmethod
    def add_all(self, records: Iterable[R]) -> None:
        """Insert new records; a key already stored raises ``ConflictError``."""

    @abc.abstractmethod
    def update_all(self, records: Iterable[R]) -> None:
        """Replace stored records by key; a key not stored raises ``NotFoundError``."""

    @abc.abstractmethod
    def find(self, key: Any) -> R | None:
        """The record with this key, or ``None``."""

    @abc.abstractmethod
    def list(self, where: Where | None = None) -> list[R]:
        """Records matching every filter, ordered by key."""

    @abc.abstractmethod
    def count(self, where: Where | None = None) -> int: ...

    @abc.abstractmethod
    def remove(self, key: Any) -> None:
        """Delete one record; an unknown key raises ``NotFoundError``."""

    @abc.abstractmethod
    def reassign(self, field: str, old: Any, new: Any) -> int:
        """Set ``field`` to ``new`` wherever it is ``old``; return how many records moved."""

    def search(self, words: str, where: Where | None = None) -> builtins.list[tuple[R, float]]:
        """Records matching ``where`` that hold every word of ``words`` (folded; a word matches
        a whole word or its start) in their search fields, with their BM25 score, best first,
        equal scores in key order. The statistics cover the whole collection, or each record's
        highest version when the collection has a ``version_field`` (then only those are found).
        This is :func:`rsgm_core.domain.text.rank`; SQLite's FTS5 index computes the same."""
        from rsgm_core.domain.text import rank

        query = self.check_search(words, where)
        if not query:
            return []
        corpus = self.collection.latest(self.list())
        ranked = rank(corpus, query, self.collection.search_fields)
        return [(r, score) for r, score in ranked if matches(r, where)]

    def check_search(self, words: str, where: Where | None) -> tuple[str, ...]:
        """The query's tokens, once the collection, the words and the filters are checked."""
        from rsgm_core.domain.text import query_tokens
        from rsgm_core.errors import ValidationError

        if not self.collection.search_fields:
            raise ValidationError(
                f"{self.collection.name} ne se cherche pas par mots", value=self.collection.name
            )
        if not isinstance(words, str):
            raise ValidationError(f"mots à chercher attendus en texte : {words!r}", value=words)
        self.check_fields(where)
        return query_tokens(words)

    # Conveniences shared by every backend.

    def values(
        self, fields: Sequence[str], where: Where | None = None
    ) -> builtins.list[tuple[Any, ...]]:
        """Just ``fields`` of the matching records, as tuples in key order: a backend may read
        these columns alone instead of whole records (statistics over many rows)."""
        self.check_fields(dict.fromkeys(fields))
        return [tuple(getattr(r, name) for name in fields) for r in self.list(where)]

    def aggregate(
        self, by: Sequence[str], *, where: Where | None = None, sums: Sequence[str] = ()
    ) -> dict[tuple[Any, ...], Tally]:
        """Counts (and sums of the integer fields ``sums``) of the records matching ``where``,
        grouped by the values of the fields ``by`` (no field: one group, ``()``, when any record
        matches): ``{(value, …): Tally(count, sums)}``, the values as the records hold them. A
        SQL backend runs it as one ``GROUP BY`` query; this default reads the records once (the
        memory backend). Groups come in no particular order."""
        self.check_fields(dict.fromkeys([*by, *sums]))
        self.check_sums(sums)
        counts: collections.Counter[tuple[Any, ...]] = collections.Counter()
        totals: dict[tuple[Any, ...], builtins.list[int]] = {}
        for record in self.list(where):
            key = tuple(getattr(record, name) for name in by)
            counts[key] += 1
            if sums:
                found = totals.setdefault(key, [0] * len(sums))
                for index, name in enumerate(sums):
                    found[index] += getattr(record, name) or 0
        return {key: Tally(n, tuple(totals.get(key, ()))) for key, n in counts.items()}

    def check_sums(self, sums: Sequence[str]) -> None:
        if not sums:  # a count alone: nothing to check (and no type hints to resolve)
            return
        from rsgm_core.errors import ValidationError

        hints = typing.get_type_hints(self.collection.record)
        for name in sums:
            if not {int, bool} & {hints[name], *typing.get_args(hints[name])}:
                raise ValidationError(
                    f"{self.collection.name}.{name} n'est pas un nombre entier", value=name
                )

    def instants(
        self, fields: Sequence[str], where: Where | None = None
    ) -> builtins.list[tuple[float | None, ...]]:
        """The datetime ``fields`` of the matching records as POSIX timestamps (``None`` stays
        ``None``), in key order: durations and periods over many rows without a datetime per
        value. Every backend gives the very floats of ``datetime.timestamp()``."""
        self.check_datetimes(fields)
        return [
            tuple(None if value is None else value.timestamp() for value in row)
            for row in self.values(fields, where)
        ]

    def add(self, record: R) -> R:
        self.add_all([record])
        return record

    def update(self, record: R) -> R:
        self.update_all([record])
        return record

    def update_if(self, record: R, expected: Mapping[str, Any]) -> bool:
        """Compare and set: replace the stored record by ``record`` only if the stored one still
        has the ``expected`` field values (compared as stored: text, numbers, enums); ``True``
        when it was replaced. Atomic against every other writer: a SQL backend does it in one
        ``UPDATE … WHERE``; this default runs inside a unit of work that holds the writer lock
        (the memory backend's, which serialises every unit of work)."""
        stored = self.find(self.collection.key_of(record))
        if stored is None or any(getattr(stored, k) != v for k, v in expected.items()):
            return False
        self.update_all([record])
        return True

    def get(self, key: Any) -> R:
        from rsgm_core.errors import NotFoundError

        found = self.find(key)
        if found is None:
            raise NotFoundError(
                f"{self.collection.title} introuvable : {key!r}",
                value=key,
            )
        return found

    def check_datetimes(self, fields: Sequence[str]) -> None:
        from rsgm_core.errors import ValidationError

        self.check_fields(dict.fromkeys(fields))
        hints = typing.get_type_hints(self.collection.record)
        for name in fields:
            if dt.datetime not in {hints[name], *typing.get_args(hints[name])}:
                raise ValidationError(
                    f"{self.collection.name}.{name} n'est pas une date et heure", value=name
                )

    def check_fields(self, where: Where | None) -> None:
        from rsgm_core.errors import ValidationError

        if not where:
            return
        names = field_names(self.collection.record)
        for name in where:
            if name not in names:
                raise ValidationError(
                    f"champ inconnu pour {self.collection.name} : {name!r}", value=name
                )


class UnitOfWork(abc.ABC):
    """One transaction over every collection. Use it as a context manager:

    >>> with storage.unit_of_work() as uow:          # doctest: +SKIP
    ...     uow.communes.add(commune)
    ...     uow.repo(Member).get(member_id)
    ...     uow.commit()

    Leaving the block without ``commit()`` (or by an exception) rolls back.

    Each collection's repository is ``uow.repo(RecordClass)`` or the attribute of the collection's
    name (``uow.members``), the same object, built on first use (most units of work touch one or
    two collections): a backend implements :meth:`_build_repository`. The annotations below give
    the attributes their types; a test checks they name exactly the collections of
    :data:`COLLECTIONS`.
    """

    meta: Repository[records.MetaEntry]
    outbox: Repository[records.OutboxMessage]
    census_imports: Repository[records.CensusImport]
    departements: Repository[records.Departement]
    arrondissements: Repository[records.Arrondissement]
    epcis: Repository[records.Epci]
    communes: Repository[records.Commune]
    populations: Repository[records.PopulationFigure]
    members: Repository[records.Member]
    positions: Repository[records.Position]
    memberships: Repository[records.Membership]
    conventions: Repository[records.Convention]
    trainees: Repository[records.Trainee]
    interventions: Repository[records.Intervention]
    directory_facts: Repository[records.DirectoryFact]
    town_halls: Repository[records.TownHall]
    consents: Repository[records.Consent]
    member_name_keys: Repository[records.NameKey]
    onboarding_items: Repository[records.OnboardingItem]
    networks: Repository[records.Network]
    network_roles: Repository[records.RoleAssignment]
    attendance: Repository[records.AttendanceFact]
    partners: Repository[records.Partner]
    committees: Repository[records.Committee]
    events: Repository[records.Event]
    sessions: Repository[records.Session]
    registrations: Repository[records.Registration]
    surveys: Repository[records.Survey]
    survey_answers: Repository[records.SurveyAnswer]
    survey_questions: Repository[records.Question]
    survey_responses: Repository[records.SurveyResponse]
    newsletters: Repository[records.Newsletter]
    recurring_series: Repository[records.RecurringSeries]
    charter_versions: Repository[records.CharterVersion]
    signatures: Repository[records.Signature]
    spaces: Repository[records.Space]
    grants: Repository[records.Grant]
    cdg_staff: Repository[records.CdgStaff]
    agreements: Repository[records.Agreement]
    abuse_reports: Repository[records.AbuseReport]
    sanctions: Repository[records.Sanction]
    employer_notices: Repository[records.EmployerNotice]
    platform_exports: Repository[records.PlatformExport]
    access_requests: Repository[records.AccessRequest]
    suspensions: Repository[records.Suspension]
    resources: Repository[records.Resource]
    resource_attachments: Repository[records.Attachment]
    resource_followers: Repository[records.Follower]
    advice_requests: Repository[records.AdviceRequest]
    census_conflicts: Repository[records.CensusConflict]
    reassignments: Repository[records.CommuneReassignment]
    used_links: Repository[records.UsedLink]
    coarse_positions: Repository[records.CoarsePosition]
    lifecycle_transitions: Repository[records.LifecycleTransition]
    history_entries: Repository[records.HistoryEntry]
    working_groups: Repository[records.WorkingGroup]
    working_group_members: Repository[records.GroupMembership]
    working_group_deliverables: Repository[records.Deliverable]
    suggestions: Repository[records.Suggestion]
    # Tutorships, local networks and planning checks (migration 26: MEM-13, NET-7, EVT-11)
    tutorships: Repository[records.Tutorship]
    local_networks: Repository[records.LocalNetwork]
    cdg_dates: Repository[records.CdgDate]
    planning_warnings: Repository[records.RecordedWarning]
    budget_lines: Repository[records.BudgetLine]
    venues: Repository[records.Venue]
    venue_choices: Repository[records.VenueChoice]
    speakers: Repository[records.Speaker]
    time_entries: Repository[records.TimeEntry]
    elus: Repository[records.Elu]
    elu_letters: Repository[records.EluLetter]

    #: Observers to call once the transaction has committed (never on rollback).
    after_commit: list[Callable[[], object]]
    #: How many messages this transaction queued: delivery runs after commit only if any.
    queued_messages: int
    #: The ids of the messages this transaction queued: the only ones its commit delivers.
    queued_ids: list[str]

    def __enter__(self) -> Self:
        self._committed = False
        self.after_commit = []
        self.queued_messages = 0
        self.queued_ids = []
        self.begin()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._committed:
            self.rollback()
        self.close()

    def commit(self) -> None:
        self._commit()
        self._committed = True

    def repo(self, record: type[R]) -> Repository[R]:
        """The repository of the collection of ``record`` (``uow.repo(Member)`` is ``uow.members``)."""
        collection = COLLECTION_OF.get(record)
        if collection is None:
            from rsgm_core.errors import ValidationError

            raise ValidationError(
                f"aucune collection pour {getattr(record, '__name__', record)!r}", value=record
            )
        return self.repository(collection.name)

    def repository(self, name: str) -> Repository[Any]:
        """The repository of the collection ``name``."""
        if name not in COLLECTION_NAMED:
            from rsgm_core.errors import ValidationError

            raise ValidationError(f"collection inconnue : {name!r}", value=name)
        return getattr(self, name)

    def repositories(self) -> Iterator[Repository[Any]]:
        """Every collection's repository, in :data:`COLLECTIONS` order (building them all)."""
        for collection in COLLECTIONS:
            yield self.repository(collection.name)

    def _build_repository(self, collection: Collection[R]) -> Repository[R]:
        """The backend's repository of ``collection`` in this unit of work, called once, on first
        use. (A backend written before this method set every repository as an attribute in its
        ``__init__``; those attributes still win, and this is never called.)"""
        raise NotImplementedError(
            f"{type(self).__name__} : implémentez _build_repository ({collection.name})"
        )

    def reassign_commune(self, old: str, new: str, *, skip: Iterable[str] = ()) -> dict[str, int]:
        """TER-5: move everything attached to commune ``old`` to ``new``; counts per collection.

        ``skip`` names collections left untouched, for the caller to move itself (the records
        that exist once per commune, :mod:`rsgm_core.services.census_conflicts`)."""
        moved: dict[str, int] = {}
        skipped = frozenset(skip)
        for collection in _COMMUNE_HOLDERS:
            if collection.name in skipped:
                continue
            repo = self.repository(collection.name)
            for field in collection.commune_refs:
                count = repo.reassign(field, old, new)
                if count:
                    moved[repo.collection.name] = moved.get(repo.collection.name, 0) + count
        return moved

    # Reads a backend may answer where the data is (a SQL query); these defaults compute them
    # from the records, as the memory backend does, and are what a backend's own must equal.

    def read_directory(self, query: DirectoryQuery) -> DirectoryPage:
        """MEM-2, MEM-3: the members of one directory page, filtered (criteria and consent),
        ordered by folded name and paged, with what their entries show
        (:mod:`rsgm_core.domain.directory_query`)."""
        from rsgm_core.domain.directory_query import DirectoryPage, select_directory

        if query.empty:
            return DirectoryPage(())
        rows = select_directory(
            query,
            members=self.members.list(),
            consents=self.consents.list(),
            facts=self.directory_facts.list(),
            positions=self.positions.list(),
            communes=self.communes.list(),
            epcis=self.epcis.list(),
            town_halls=self.town_halls.list(),
        )
        return DirectoryPage(tuple(rows))

    def refresh_name_keys(self) -> int:
        """MEM-2: write the :class:`~rsgm_core.domain.directory.NameKey` of every member not
        erased whose key is missing or out of date; how many were written."""
        from rsgm_core.domain.directory_query import stale_name_keys

        keys = self.member_name_keys.list()
        stale = stale_name_keys(self.members.list(), keys)
        held = {k.member_id for k in keys}
        self.member_name_keys.update_all([k for k in stale if k.member_id in held])
        self.member_name_keys.add_all([k for k in stale if k.member_id not in held])
        return len(stale)

    def find_helpers(
        self,
        target: Commune,
        *,
        expertises: Sequence[str] = (),
        software: Sequence[str] = (),
        on: dt.date,
    ) -> builtins.list[Helper]:
        """MEM-9: the opted-in helpers for ``target``, best first, with their reasons
        (:func:`rsgm_core.domain.activation.rank_helpers`); ``expertises`` and ``software`` are
        folded keys, positions count when active ``on``."""
        from rsgm_core.domain.activation import rank_helpers
        from rsgm_core.domain.members import Lifecycle

        helpers = self.members.list({"helper": True, "lifecycle": Lifecycle.ACTIVE})
        ids = [m.id for m in helpers]
        positions = [p for p in self.positions.list({"member_id": ids}) if p.active_on(on)]
        codes = sorted({p.commune for p in positions})
        communes = {c.code: c for c in self.communes.list({"code": codes})}
        keys = [*expertises, *software]
        facts = self.directory_facts.list({"member_id": ids, "key": keys}) if keys else []
        places: dict[str, builtins.list[Commune]] = {}
        for p in positions:
            if p.commune in communes:
                places.setdefault(p.member_id, []).append(communes[p.commune])
        return rank_helpers(
            target, helpers, places, facts, expertises=expertises, software=software
        )

    @abc.abstractmethod
    def begin(self) -> None: ...

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional for backends holding no resource
        """Release the backend's resources (connection) after commit or rollback."""


class _LazyRepository:
    """A :class:`UnitOfWork` attribute that builds its collection's repository on first access
    and stores it on the unit of work, where later lookups find it directly (no descriptor call)."""

    __slots__ = ("collection",)

    def __init__(self, collection: Collection[Any]) -> None:
        self.collection = collection

    def __get__(self, uow: UnitOfWork | None, owner: type) -> Any:
        if uow is None:
            return self
        repo = uow._build_repository(self.collection)
        uow.__dict__[self.collection.name] = repo
        return repo


for _collection in COLLECTIONS:
    setattr(UnitOfWork, _collection.name, _LazyRepository(_collection))
del _collection

_COMMUNE_HOLDERS = tuple(c for c in COLLECTIONS if c.commune_refs)


class Storage(abc.ABC):
    """A storage backend: opens units of work, reports on itself, closes."""

    url: str

    @abc.abstractmethod
    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork: ...

    @abc.abstractmethod
    def info(self) -> dict[str, Any]:
        """What ``rsgm db info`` prints: backend, location, schema version."""

    def reindex(self) -> list[str]:
        """Rebuild the text indexes the backend keeps beside the records (SQLite's FTS5); the
        collections reindexed, none for a backend that keeps no index."""
        return []

    def checkpoint(self) -> bool:
        """MEM-11: make deleted data leave the files: purge old terms from the text indexes,
        move the write-ahead log into the database and empty it. Whether it was complete (a
        reader still open elsewhere keeps the log); true for a backend with no such files."""
        return True

    def close(self) -> None:  # noqa: B027 - optional for backends holding no resource
        """Release pooled connections."""
