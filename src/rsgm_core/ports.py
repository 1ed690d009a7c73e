"""Ports: what the services need from storage, whatever the backend.

A storage backend (returned by the ``rsgm_storage`` hook) opens units of work. A unit of work is a
context manager holding one transaction and one repository per collection of records; leaving it
without calling :meth:`UnitOfWork.commit` rolls everything back, so a use case that fails half-way
leaves storage exactly as it was.

Collections are declared once, in :data:`COLLECTIONS`; both built-in backends build their
repositories from that list, so adding a kind of record means adding one line here (and, for SQL,
a migration).
"""

from __future__ import annotations

import abc
import datetime as dt
import functools
import operator
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, Self, TypeVar

import attrs

from rsgm_core.domain.access import Grant, Sanction, Space
from rsgm_core.domain.access_records import (
    AbuseReport,
    Agreement,
    CdgStaff,
    EmployerNotice,
    PlatformExport,
)
from rsgm_core.domain.advice import AdviceRequest
from rsgm_core.domain.animation import Newsletter, RecurringSeries, Survey, SurveyAnswer
from rsgm_core.domain.billing import Intervention, Trainee
from rsgm_core.domain.census import CensusImport, MetaEntry
from rsgm_core.domain.charters import CharterVersion, Signature
from rsgm_core.domain.conventions import Convention
from rsgm_core.domain.directory import Consent, DirectoryFact
from rsgm_core.domain.engagement import AttendanceFact, RoleAssignment
from rsgm_core.domain.events import Event, Registration, Session
from rsgm_core.domain.governance import Committee, Network
from rsgm_core.domain.lifecycle import OnboardingItem
from rsgm_core.domain.members import Member, Position
from rsgm_core.domain.messages import OutboxMessage
from rsgm_core.domain.partners import Partner
from rsgm_core.domain.tariffs import Membership
from rsgm_core.domain.territory import (
    Arrondissement,
    Commune,
    Departement,
    Epci,
    PopulationFigure,
)
from rsgm_core.domain.text import Weights, query_tokens, rank
from rsgm_core.domain.toolbox import SEARCH_FIELDS, Resource, latest_by
from rsgm_core.domain.toolbox_records import Attachment, Follower
from rsgm_core.domain.town_hall import TownHall

__all__ = [
    "COLLECTIONS",
    "Collection",
    "Repository",
    "Storage",
    "UnitOfWork",
    "Where",
    "matches",
    "value_compared_fields",
]

R = TypeVar("R")

#: Equality filters: ``{"departement": "79"}``; a tuple, list, set or frozenset means "one of".
Where = Mapping[str, Any]


@attrs.frozen
class Collection(Generic[R]):
    """A kind of record kept in storage.

    ``key`` names the field that identifies a record, or a tuple of fields for a composite key (then
    keys are tuples of values in that order); ``commune_refs`` names the fields that hold a commune's
    INSEE code and must follow it to its successor on a census re-import (TER-5);
    ``search_fields`` names the text fields :meth:`Repository.search` looks in, with their weights
    (:mod:`rsgm_core.domain.text`); ``version_field``, one of the key's fields, numbers the
    versions of one record (the rest of the key): the search then covers each record's highest
    version only.
    """

    name: str
    record: type[R]
    key: str | tuple[str, ...]
    commune_refs: tuple[str, ...] = ()
    search_fields: Weights = ()
    version_field: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.version_field is not None and (
            self.version_field not in self.key_fields or len(self.key_fields) < 2
        ):
            raise ValueError(f"{self.name}: the version field must be part of a composite key")

    @property
    def key_fields(self) -> tuple[str, ...]:
        return (self.key,) if isinstance(self.key, str) else self.key

    @property
    def record_fields(self) -> tuple[str, ...]:
        """The key without the version field: what names a record across its versions."""
        return tuple(name for name in self.key_fields if name != self.version_field)

    def key_of(self, record: R) -> Any:
        if isinstance(self.key, str):
            return getattr(record, self.key)
        return tuple(getattr(record, name) for name in self.key)

    def latest(self, records: Iterable[R]) -> list[R]:
        """Each record's highest version, in key order (all records without ``version_field``)."""
        if self.version_field is None:
            return list(records)
        name = operator.attrgetter(*self.record_fields)
        return latest_by(records, name, operator.attrgetter(self.version_field))


COLLECTIONS: tuple[Collection[Any], ...] = (
    Collection("meta", MetaEntry, "key"),
    Collection("outbox", OutboxMessage, "id"),
    Collection("census_imports", CensusImport, "vintage"),
    Collection("departements", Departement, "code"),
    Collection("arrondissements", Arrondissement, "code"),
    Collection("epcis", Epci, "siren"),
    Collection("communes", Commune, "code"),
    Collection("populations", PopulationFigure, ("commune", "vintage")),
    Collection("members", Member, "id"),
    Collection("positions", Position, "id", commune_refs=("commune",)),
    # Keyed by id, not (commune, year): after a merge the successor inherits every former
    # commune's memberships and conventions, even for the same year (TER-5).
    Collection("memberships", Membership, "id", commune_refs=("insee",)),
    Collection("conventions", Convention, "id", commune_refs=("insee",)),
    Collection("trainees", Trainee, "id"),
    Collection("interventions", Intervention, "id", commune_refs=("insee",)),
    # The directory and the network (migration 5).
    Collection("directory_facts", DirectoryFact, "id"),
    Collection("town_halls", TownHall, "commune", commune_refs=("commune",)),
    Collection("consents", Consent, "id"),
    Collection("onboarding_items", OnboardingItem, "id"),
    Collection("networks", Network, "id"),
    Collection("network_roles", RoleAssignment, "id"),
    Collection("attendance", AttendanceFact, "id"),
    Collection("partners", Partner, "id"),
    Collection("committees", Committee, "kind"),
    # Events and continuous animation (migration 6).
    Collection("events", Event, "id", commune_refs=("host_commune",)),
    Collection("sessions", Session, "id"),
    Collection("registrations", Registration, "id"),
    Collection("surveys", Survey, "id"),
    Collection("survey_answers", SurveyAnswer, "id"),
    Collection("newsletters", Newsletter, "id"),
    Collection("recurring_series", RecurringSeries, "id"),
    # The usage charter and platform access (migration 7).
    Collection("charter_versions", CharterVersion, "version"),
    Collection("signatures", Signature, "id", commune_refs=("commune",)),
    Collection("spaces", Space, "id"),
    Collection("grants", Grant, "id", commune_refs=("commune",)),
    Collection("cdg_staff", CdgStaff, "member_id"),
    Collection("agreements", Agreement, "id"),
    Collection("abuse_reports", AbuseReport, "id"),
    Collection("sanctions", Sanction, "id"),
    Collection("employer_notices", EmployerNotice, "id", commune_refs=("commune",)),
    Collection("platform_exports", PlatformExport, "id"),
    # The toolbox and advice requests (migration 8): every version of a resource is kept.
    Collection(
        "resources",
        Resource,
        ("id", "version"),
        search_fields=SEARCH_FIELDS,
        version_field="version",
    ),
    Collection("resource_attachments", Attachment, "id"),
    Collection("resource_followers", Follower, "id"),
    Collection("advice_requests", AdviceRequest, "id", commune_refs=("commune",)),
)


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


@functools.cache
def value_compared_fields(record: type) -> frozenset[str]:
    """Fields whose stored text is not canonical (``Decimal``, zoned ``datetime``): a backend
    storing text must compare them by value."""
    hints = typing.get_type_hints(record)
    return frozenset(
        name
        for name, hint in hints.items()
        if {Decimal, dt.datetime} & {hint, *typing.get_args(hint)}
    )


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

    def search(self, words: str, where: Where | None = None) -> list[tuple[R, float]]:
        """Records matching ``where`` that hold every word of ``words`` (folded; a word matches
        a whole word or its start) in their search fields, with their BM25 score, best first,
        equal scores in key order. The statistics cover the whole collection, or each record's
        highest version when the collection has a ``version_field`` (then only those are found).
        This is :func:`rsgm_core.domain.text.rank`; SQLite's FTS5 index computes the same."""
        query = self.check_search(words, where)
        if not query:
            return []
        corpus = self.collection.latest(self.list())
        ranked = rank(corpus, query, self.collection.search_fields)
        return [(r, score) for r, score in ranked if matches(r, where)]

    def check_search(self, words: str, where: Where | None) -> tuple[str, ...]:
        """The query's tokens, once the collection, the words and the filters are checked."""
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

    def values(self, fields: Sequence[str], where: Where | None = None) -> list[tuple[Any, ...]]:
        """Just ``fields`` of the matching records, as tuples in key order: a backend may read
        these columns alone instead of whole records (statistics over many rows)."""
        self.check_fields(dict.fromkeys(fields))
        return [tuple(getattr(r, name) for name in fields) for r in self.list(where)]

    def instants(
        self, fields: Sequence[str], where: Where | None = None
    ) -> list[tuple[float | None, ...]]:
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

    def get(self, key: Any) -> R:
        from rsgm_core.errors import NotFoundError

        found = self.find(key)
        if found is None:
            raise NotFoundError(
                f"{_LABELS.get(self.collection.name, self.collection.name)} introuvable : {key!r}",
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

        names = attrs.fields_dict(self.collection.record)
        for name in where or ():
            if name not in names:
                raise ValidationError(
                    f"champ inconnu pour {self.collection.name} : {name!r}", value=name
                )


_LABELS = {
    "communes": "commune",
    "members": "membre",
    "positions": "poste",
    "epcis": "EPCI",
    "departements": "département",
    "outbox": "message",
    "census_imports": "import de recensement",
    "memberships": "adhésion",
    "conventions": "convention",
    "trainees": "stagiaire",
    "interventions": "intervention",
    "directory_facts": "fiche d'annuaire",
    "town_halls": "mairie",
    "consents": "consentement",
    "onboarding_items": "étape d'intégration",
    "networks": "réseau",
    "network_roles": "rôle",
    "attendance": "présence",
    "partners": "partenaire",
    "committees": "comité",
    "events": "événement",
    "sessions": "séance",
    "registrations": "inscription",
    "surveys": "questionnaire",
    "survey_answers": "réponse",
    "newsletters": "lettre d'information",
    "recurring_series": "série récurrente",
    "charter_versions": "version de la charte",
    "signatures": "signature",
    "spaces": "espace",
    "grants": "accès",
    "cdg_staff": "agent du CDG",
    "agreements": "accord",
    "abuse_reports": "signalement",
    "sanctions": "sanction",
    "employer_notices": "avis à l'employeur",
    "platform_exports": "export vers la plateforme",
    "resources": "ressource",
    "resource_attachments": "pièce jointe",
    "resource_followers": "abonnement à une ressource",
    "advice_requests": "demande de conseil",
}


class UnitOfWork(abc.ABC):
    """One transaction over every collection. Use it as a context manager:

    >>> with storage.unit_of_work() as uow:          # doctest: +SKIP
    ...     uow.communes.add(commune)
    ...     uow.commit()

    Leaving the block without ``commit()`` (or by an exception) rolls back.
    """

    meta: Repository[MetaEntry]
    outbox: Repository[OutboxMessage]
    census_imports: Repository[CensusImport]
    departements: Repository[Departement]
    arrondissements: Repository[Arrondissement]
    epcis: Repository[Epci]
    communes: Repository[Commune]
    populations: Repository[PopulationFigure]
    members: Repository[Member]
    positions: Repository[Position]
    memberships: Repository[Membership]
    conventions: Repository[Convention]
    trainees: Repository[Trainee]
    interventions: Repository[Intervention]
    directory_facts: Repository[DirectoryFact]
    town_halls: Repository[TownHall]
    consents: Repository[Consent]
    onboarding_items: Repository[OnboardingItem]
    networks: Repository[Network]
    network_roles: Repository[RoleAssignment]
    attendance: Repository[AttendanceFact]
    partners: Repository[Partner]
    committees: Repository[Committee]
    events: Repository[Event]
    sessions: Repository[Session]
    registrations: Repository[Registration]
    surveys: Repository[Survey]
    survey_answers: Repository[SurveyAnswer]
    newsletters: Repository[Newsletter]
    recurring_series: Repository[RecurringSeries]
    charter_versions: Repository[CharterVersion]
    signatures: Repository[Signature]
    spaces: Repository[Space]
    grants: Repository[Grant]
    cdg_staff: Repository[CdgStaff]
    agreements: Repository[Agreement]
    abuse_reports: Repository[AbuseReport]
    sanctions: Repository[Sanction]
    employer_notices: Repository[EmployerNotice]
    platform_exports: Repository[PlatformExport]
    resources: Repository[Resource]
    resource_attachments: Repository[Attachment]
    resource_followers: Repository[Follower]
    advice_requests: Repository[AdviceRequest]

    #: Observers to call once the transaction has committed (never on rollback).
    after_commit: list[Callable[[], object]]
    #: How many messages this transaction queued: delivery runs after commit only if any.
    queued_messages: int

    def __enter__(self) -> Self:
        self._committed = False
        self.after_commit = []
        self.queued_messages = 0
        self.begin()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._committed:
            self.rollback()
        self.close()

    def commit(self) -> None:
        self._commit()
        self._committed = True

    def repository(self, name: str) -> Repository[Any]:
        return getattr(self, name)

    def repositories(self) -> Iterator[Repository[Any]]:
        for collection in COLLECTIONS:
            yield self.repository(collection.name)

    def reassign_commune(self, old: str, new: str) -> dict[str, int]:
        """TER-5: move everything attached to commune ``old`` to ``new``; counts per collection."""
        moved: dict[str, int] = {}
        for repo in self.repositories():
            for field in repo.collection.commune_refs:
                count = repo.reassign(field, old, new)
                if count:
                    moved[repo.collection.name] = moved.get(repo.collection.name, 0) + count
        return moved

    @abc.abstractmethod
    def begin(self) -> None: ...

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    def close(self) -> None:  # noqa: B027 - optional for backends holding no resource
        """Release the backend's resources (connection) after commit or rollback."""


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

    def close(self) -> None:  # noqa: B027 - optional for backends holding no resource
        """Release pooled connections."""
