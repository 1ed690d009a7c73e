"""The kinds of record kept in storage, each declared once by one :class:`Collection` entry of
:data:`COLLECTIONS`.

An entry gives its name, its record class, its key, its French label and what the SQL schema needs
beyond the record's fields (indexes, references, columns added by later migrations). The SQL
tables are derived from the record classes and those entries (:mod:`rsgm_core.plugins.sql.tables`);
both built-in backends build their repositories from that list, on first use. Adding a kind of
record means an attrs class, one line here, one annotation on :class:`rsgm_core.ports.UnitOfWork`
(a test checks they agree) and, for SQL, a migration.

An entry names its record class where it is defined (``"rsgm_core.domain.members:Member"``):
importing this module builds no record class, and :attr:`Collection.record` imports one on first
use, so a command builds the classes of the collections it reads only (issue 24). The classes
stay reachable from here (``records.Member``, through the module's ``__getattr__``) and are
imported under ``TYPE_CHECKING`` for the type checker.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from rsgm_core.domain.privacy import ANONYMOUS_NAME, Designation, Erasure, Personal

if TYPE_CHECKING:
    # The record classes, for the type checker and for ``records.Member`` (see
    # ``__getattr__`` below): at run time each is imported when first used.
    from rsgm_core.domain.access import Grant as Grant
    from rsgm_core.domain.access import Sanction as Sanction
    from rsgm_core.domain.access import Space as Space
    from rsgm_core.domain.access_records import AbuseReport as AbuseReport
    from rsgm_core.domain.access_records import AccessRequest as AccessRequest
    from rsgm_core.domain.access_records import Agreement as Agreement
    from rsgm_core.domain.access_records import CdgStaff as CdgStaff
    from rsgm_core.domain.access_records import EmployerNotice as EmployerNotice
    from rsgm_core.domain.access_records import PlatformExport as PlatformExport
    from rsgm_core.domain.access_records import Suspension as Suspension
    from rsgm_core.domain.advice import AdviceRequest as AdviceRequest
    from rsgm_core.domain.animation import Newsletter as Newsletter
    from rsgm_core.domain.animation import RecurringSeries as RecurringSeries
    from rsgm_core.domain.animation import Survey as Survey
    from rsgm_core.domain.animation import SurveyAnswer as SurveyAnswer
    from rsgm_core.domain.billing import Intervention as Intervention
    from rsgm_core.domain.census import CensusImport as CensusImport
    from rsgm_core.domain.census import MetaEntry as MetaEntry
    from rsgm_core.domain.census_conflicts import CensusConflict as CensusConflict
    from rsgm_core.domain.census_listing import CommuneReassignment as CommuneReassignment
    from rsgm_core.domain.charters import CharterVersion as CharterVersion
    from rsgm_core.domain.charters import Signature as Signature
    from rsgm_core.domain.coarse import CoarsePosition as CoarsePosition
    from rsgm_core.domain.conventions import Convention as Convention
    from rsgm_core.domain.directory import Consent as Consent
    from rsgm_core.domain.directory import DirectoryFact as DirectoryFact
    from rsgm_core.domain.directory import NameKey as NameKey
    from rsgm_core.domain.elus import Elu as Elu
    from rsgm_core.domain.elus import EluLetter as EluLetter
    from rsgm_core.domain.engagement import AttendanceFact as AttendanceFact
    from rsgm_core.domain.engagement import RoleAssignment as RoleAssignment
    from rsgm_core.domain.events import Event as Event
    from rsgm_core.domain.events import Registration as Registration
    from rsgm_core.domain.events import Session as Session
    from rsgm_core.domain.governance import Committee as Committee
    from rsgm_core.domain.governance import Network as Network
    from rsgm_core.domain.history import HistoryEntry as HistoryEntry
    from rsgm_core.domain.history import LifecycleTransition as LifecycleTransition
    from rsgm_core.domain.lifecycle import OnboardingItem as OnboardingItem
    from rsgm_core.domain.links import UsedLink as UsedLink
    from rsgm_core.domain.local_networks import LocalNetwork as LocalNetwork
    from rsgm_core.domain.means import BudgetLine as BudgetLine
    from rsgm_core.domain.means import Speaker as Speaker
    from rsgm_core.domain.means import TimeEntry as TimeEntry
    from rsgm_core.domain.means import Venue as Venue
    from rsgm_core.domain.means import VenueChoice as VenueChoice
    from rsgm_core.domain.members import Member as Member
    from rsgm_core.domain.members import Position as Position
    from rsgm_core.domain.messages import OutboxMessage as OutboxMessage
    from rsgm_core.domain.partners import Partner as Partner
    from rsgm_core.domain.planning_checks import CdgDate as CdgDate
    from rsgm_core.domain.planning_checks import RecordedWarning as RecordedWarning
    from rsgm_core.domain.questionnaires import Question as Question
    from rsgm_core.domain.questionnaires import SurveyResponse as SurveyResponse
    from rsgm_core.domain.suggestions import Suggestion as Suggestion
    from rsgm_core.domain.tariffs import Membership as Membership
    from rsgm_core.domain.territory import Arrondissement as Arrondissement
    from rsgm_core.domain.territory import Commune as Commune
    from rsgm_core.domain.territory import Departement as Departement
    from rsgm_core.domain.territory import Epci as Epci
    from rsgm_core.domain.territory import PopulationFigure as PopulationFigure
    from rsgm_core.domain.text import Weights
    from rsgm_core.domain.toolbox import Resource as Resource
    from rsgm_core.domain.toolbox_records import Attachment as Attachment
    from rsgm_core.domain.toolbox_records import Follower as Follower
    from rsgm_core.domain.toolbox_records import ResourceAttachment as ResourceAttachment
    from rsgm_core.domain.town_hall import TownHall as TownHall
    from rsgm_core.domain.trainees import Trainee as Trainee
    from rsgm_core.domain.tutorship import Tutorship as Tutorship
    from rsgm_core.domain.working_groups import Deliverable as Deliverable
    from rsgm_core.domain.working_groups import GroupMembership as GroupMembership
    from rsgm_core.domain.working_groups import WorkingGroup as WorkingGroup

__all__ = [
    "COLLECTIONS",
    "COLLECTION_NAMED",
    "COLLECTION_OF",
    "Collection",
    "field_names",
]

R = TypeVar("R")


def field_names(record: type[Any]) -> frozenset[str]:
    """The names of the fields of an attrs record class."""
    names = _FIELD_NAMES.get(record)
    if names is None:
        names = _FIELD_NAMES[record] = frozenset(attrs.fields_dict(record))
    return names


_FIELD_NAMES: dict[type[Any], frozenset[str]] = {}  # by record class, filled on first use


def _references(value: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(dict(value).items())


def _record_path(record: type[Any]) -> str:
    """Where a record class is defined: ``module:Name``, as :data:`COLLECTIONS` names it."""
    return f"{record.__module__}:{record.__qualname__}"


@attrs.frozen
class Collection(Generic[R]):
    """A kind of record kept in storage, declared once.

    ``record`` is its attrs record class; :data:`COLLECTIONS` names it by where it is defined
    (``"rsgm_core.domain.members:Member"``), so that the class (and its module) is built only
    when a caller first reads ``collection.record``: a command builds the classes it uses, not
    all of them. A class given itself is checked at once; a class named, when first imported.

    ``key`` names the field that identifies a record, or a tuple of fields for a composite key (then
    keys are tuples of values in that order); ``label`` is its French name in messages ("membre
    introuvable"); ``commune_refs`` names the fields that hold a commune's INSEE code and must
    follow it to its successor on a census re-import (TER-5); ``search_fields`` names the text
    fields :meth:`Repository.search` looks in, with their weights (:mod:`rsgm_core.domain.text`);
    ``version_field``, one of the key's fields, numbers the versions of one record (the rest of the
    key): the search then covers each record's highest version only.

    What the SQL table needs beyond the record's fields (the columns themselves are derived from
    the field types, see :mod:`rsgm_core.plugins.sql.tables`): ``indexes``, fields each given an
    index of their own (``ix_<collection>_<field>``); ``references``, field → collection whose key
    it refers to (a foreign key); ``appended``, fields added by later migrations, in the order
    they were added: ``ALTER TABLE`` puts their columns last, and a NOT NULL one gets the record's
    default as the server default that filled the rows already there.

    ``personal`` says which fields name a person or hold their words and what erasing a person
    does to the records (MEM-11, :class:`rsgm_core.domain.privacy.Personal`); every collection
    declares it (a test fails on a collection, or a personal or text field, left out).
    """

    name: str
    #: The record class, or where it is defined (``"module:Name"``) until first read: see
    #: :attr:`record`. Not compared: a collection is the same whether its class is loaded or not.
    _record: type[R] | str = attrs.field(alias="record", eq=False, repr=False)
    key: str | tuple[str, ...]
    commune_refs: tuple[str, ...] = ()
    search_fields: Weights = ()
    version_field: str | None = None
    label: str = attrs.field(default="", kw_only=True)
    indexes: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    references: tuple[tuple[str, str], ...] = attrs.field(
        default=(), kw_only=True, converter=_references
    )
    appended: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    personal: Personal | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.version_field is not None and (
            self.version_field not in self.key_fields or len(self.key_fields) < 2
        ):
            raise ValueError(f"{self.name}: the version field must be part of a composite key")
        if not isinstance(self._record, str):  # a class given itself: checked now
            self._check(self._record)
        elif ":" not in self._record:
            raise ValueError(
                f"{self.name}: name the record class 'module:Name', not {self._record!r}"
            )

    @property
    def record(self) -> type[R]:
        """The record class, imported (and checked against this entry) on first use."""
        record = self._record
        if isinstance(record, str):
            module, _, name = record.partition(":")
            record = getattr(importlib.import_module(module), name)
            self._check(record)
            object.__setattr__(self, "_record", record)  # not compared nor hashed: see above
        return record

    @property
    def record_path(self) -> str:
        """Where the record class is defined, ``"module:Name"``, without importing it."""
        record = self._record
        return record if isinstance(record, str) else _record_path(record)

    @property
    def loaded(self) -> bool:
        """Whether the record class is built already (:attr:`record` read, or given)."""
        return not isinstance(self._record, str)

    def _check(self, record: type[Any]) -> None:
        fields = field_names(record)
        named = (
            *self.key_fields,
            *self.commune_refs,
            *self.indexes,
            *dict(self.references),
            *self.appended,
            *(path.split(".")[0] for path in (self.personal.declared if self.personal else ())),
        )
        unknown = [name for name in named if name not in fields]
        if unknown:
            raise ValueError(f"{self.name}: no field {unknown} in {record.__name__}")

    @property
    def key_fields(self) -> tuple[str, ...]:
        return (self.key,) if isinstance(self.key, str) else self.key

    @property
    def record_fields(self) -> tuple[str, ...]:
        """The key without the version field: what names a record across its versions."""
        return tuple(name for name in self.key_fields if name != self.version_field)

    @property
    def title(self) -> str:
        """The French name of one record, for messages (the collection's name if none)."""
        return self.label or self.name

    def key_of(self, record: R) -> Any:
        if isinstance(self.key, str):
            return getattr(record, self.key)
        return tuple(getattr(record, name) for name in self.key)

    def latest(self, records: Iterable[R]) -> list[R]:
        """Each record's highest version, in key order (all records without ``version_field``)."""
        if self.version_field is None:
            return list(records)
        from rsgm_core.domain.toolbox import latest_by

        name = operator.attrgetter(*self.record_fields)
        return latest_by(records, name, operator.attrgetter(self.version_field))


_ADDED_TO_MEMBERS = (  # by migration 5
    "phone", "lifecycle", "arrival", "departed_on", "departure_reason", "successor_id",
    "leaving_on", "helper", "platform_access", "photo", "erased_on",
    "invitations_opt_out",  # migration 14
    "birth_year", "retirement_on",  # migration 25 (IND-4)
)  # fmt: skip
_MEMBER = {"member_id": "members"}
# MEM-11: what each collection holds on people (rsgm_core.domain.privacy), spelled short below.
MEMBER_ID, EMAIL, NAME = Designation.MEMBER_ID, Designation.EMAIL, Designation.NAME
PHONE, ANY, OTHER = Designation.PHONE, Designation.ANY, Designation.OTHER
NONE, REMOVE, ANONYMISE = Erasure.NONE, Erasure.REMOVE, Erasure.ANONYMISE
REDACT, COARSEN = Erasure.REDACT, Erasure.COARSEN
_COMMUNE = {"commune": "communes"}
#: KNB-3: :data:`rsgm_core.domain.toolbox.SEARCH_FIELDS`, spelled here so that declaring the
#: collections imports no record module (tests/unit/test_records_lazy.py checks they agree).
TOOLBOX_SEARCH: Weights = (("title", 3.0), ("themes", 2.0), ("body", 1.0))

COLLECTIONS: tuple[Collection[Any], ...] = (
    Collection(
        "meta",
        "rsgm_core.domain.census:MetaEntry",
        "key",
        label="paramètre",
        personal=Personal(NONE, neutral=("value",)),
    ),
    Collection(
        "outbox",
        "rsgm_core.domain.messages:OutboxMessage",
        "id",
        label="message",
        indexes=("status",),
        # migration 4, then migration 15
        appended=("next_attempt_at", "list_unsubscribe", "attachments", "resent_by"),
        personal=Personal(
            ANONYMISE,  # messages stay counted; their address, text and attachments go
            subject={"recipient": EMAIL, "list_unsubscribe": OTHER, "attachments": OTHER},
            actors={"resent_by": ANY},
            text=("subject", "body_text", "body_html", "last_error", "attachments.filename"),
            neutral=("template", "attachments.content_type", "attachments.content"),
        ),
    ),
    Collection(
        "census_imports",
        "rsgm_core.domain.census:CensusImport",
        "vintage",
        label="import de recensement",
        personal=Personal(NONE, neutral=("source",)),
    ),
    Collection(
        "departements",
        "rsgm_core.domain.territory:Departement",
        "code",
        label="département",
        personal=Personal(NONE, neutral=("name",)),
    ),
    Collection(
        "arrondissements",
        "rsgm_core.domain.territory:Arrondissement",
        "code",
        label="arrondissement",
        personal=Personal(NONE, neutral=("name",)),
    ),
    Collection(
        "epcis",
        "rsgm_core.domain.territory:Epci",
        "siren",
        label="EPCI",
        personal=Personal(NONE, neutral=("name",)),
    ),
    Collection(
        "communes",
        "rsgm_core.domain.territory:Commune",
        "code",
        label="commune",
        indexes=("departement", "epci"),
        appended=("ept", "ept_name"),  # migration 20
        personal=Personal(NONE, neutral=("name", "successor", "ept", "ept_name")),
    ),
    Collection(
        "populations",
        "rsgm_core.domain.territory:PopulationFigure",
        ("commune", "vintage"),
        label="population",
        personal=Personal(NONE),
    ),
    Collection(
        "members",
        "rsgm_core.domain.members:Member",
        "id",
        label="membre",
        indexes=("email", "helper"),
        appended=_ADDED_TO_MEMBERS,
        personal=Personal(
            ANONYMISE,  # by domain.rgpd.anonymise: the record stays, nothing identifies them
            subject={
                "id": MEMBER_ID,
                "first_name": NAME,
                "last_name": NAME,
                "email": EMAIL,
                "phone": PHONE,
                "photo": OTHER,
            },
            actors={"successor_id": MEMBER_ID},
        ),
    ),
    Collection(
        "positions",
        "rsgm_core.domain.members:Position",
        "id",
        commune_refs=("commune",),
        label="poste",
        indexes=("member_id", "commune"),
        references=_MEMBER | _COMMUNE,
        personal=Personal(
            # replaced by coarse positions (services.rgpd, domain.coarse): no commune is left
            COARSEN,
            subject={"member_id": MEMBER_ID},
            coarsen=(("start", False), ("end", True)),
        ),
    ),
    # An erased person's positions without their commune (migration 19, MEM-11): the EPCI,
    # population stratum and department are what the figures need.
    Collection(
        "coarse_positions",
        "rsgm_core.domain.coarse:CoarsePosition",
        "id",
        label="poste agrégé",
        indexes=("member_id", "epci", "departement"),
        references=_MEMBER,
        personal=Personal(
            ANONYMISE,  # already about an anonymised member: nothing more to cut
            subject={"member_id": MEMBER_ID},
            neutral=("departement", "epci", "stratum"),
        ),
    ),
    # The membership pack (migration 3). Keyed by id, not (commune, year): after a merge the
    # successor inherits every former commune's memberships and conventions, even for the same
    # year (TER-5). The commune is ``insee``, as in the domain.
    Collection(
        "memberships",
        "rsgm_core.domain.tariffs:Membership",
        "id",
        commune_refs=("insee",),
        label="adhésion",
        indexes=("insee", "year"),
        references={"insee": "communes"},
        appended=("recorded_by",),  # migration 18
        personal=Personal(NONE, actors={"recorded_by": ANY}),
    ),
    Collection(
        "conventions",
        "rsgm_core.domain.conventions:Convention",
        "id",
        commune_refs=("insee",),
        label="convention",
        indexes=("insee",),
        references={"insee": "communes"},
        appended=("siret", "sgc", "deliberation", "recorded_by"),  # migrations 11, 18
        personal=Personal(
            NONE,
            actors={"recorded_by": ANY, "notice.recorded_by": ANY},
            neutral=("reference", "sgc", "deliberation.number"),
        ),
    ),
    Collection(
        "trainees",
        "rsgm_core.domain.trainees:Trainee",
        "id",
        label="stagiaire",
        appended=("recorded_by",),  # migration 18
        personal=Personal(
            ANONYMISE,
            subject={"person": NAME},
            actors={"recorded_by": ANY},
            neutral=("programme",),
        ),
    ),
    Collection(
        "interventions",
        "rsgm_core.domain.billing:Intervention",
        "id",
        commune_refs=("insee",),
        label="intervention",
        indexes=("insee",),
        references={"insee": "communes"},
        appended=("request", "recorded_by"),  # migrations 11, 18
        personal=Personal(
            REDACT,  # billing evidence: the trainee's or requester's name goes, the rest stays
            subject={"trainee.person": NAME, "request.requested_by": ANY},
            actors={"recorded_by": ANY, "trainee.recorded_by": ANY},
            text=("description",),
            # MEM-11: billed to its commune, requested by no one (a member id would tie them)
            detach=(("request.requested_by", ANONYMOUS_NAME),),
            neutral=("ref", "trainee.programme", "request.sgc"),
        ),
    ),
    # The directory and the network (migration 5).
    Collection(
        "directory_facts",
        "rsgm_core.domain.directory:DirectoryFact",
        "id",
        label="fiche d'annuaire",
        indexes=("member_id", "key"),
        references=_MEMBER,
        personal=Personal(REMOVE, subject={"member_id": MEMBER_ID}, text=("value",)),
    ),
    Collection(
        "town_halls",
        "rsgm_core.domain.town_hall:TownHall",
        "commune",
        commune_refs=("commune",),
        label="mairie",
        references=_COMMUNE,
        appended=("email",),  # migration 7,
        personal=Personal(
            REDACT,  # the town hall's own contact, unless it was the person's
            subject={"email": EMAIL, "phone": PHONE},
            text=("address", "opening_hours"),
        ),
    ),
    Collection(
        "consents",
        "rsgm_core.domain.directory:Consent",
        "id",
        label="consentement",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(REMOVE, subject={"member_id": MEMBER_ID}),
    ),
    # The directory's order in SQL (migration 30, MEM-2): each member's names folded, written
    # by the directory when it finds them missing or out of date.
    Collection(
        "member_name_keys",
        "rsgm_core.domain.directory:NameKey",
        "member_id",
        label="clé de tri du nom",
        references=_MEMBER,
        personal=Personal(
            REMOVE,
            subject={
                "member_id": MEMBER_ID,
                "last_name": NAME,
                "first_name": NAME,
                "last_key": NAME,
                "first_key": NAME,
            },
        ),
    ),
    Collection(
        "onboarding_items",
        "rsgm_core.domain.lifecycle:OnboardingItem",
        "id",
        label="étape d'intégration",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}),
    ),
    Collection(
        "networks",
        "rsgm_core.domain.governance:Network",
        "id",
        label="réseau",
        references={"epci": "epcis", "referent_id": "members"},
        appended=("departement", "created_by", "charter_set_by"),  # migrations 13 (TER-7), 18
        personal=Personal(
            REDACT,  # the network's charter stays, without the person's name
            subject={"referent_id": MEMBER_ID, "project_lead": ANY},
            actors={"created_by": ANY, "charter_set_by": ANY},
            text=(
                "charter.purpose",
                "charter.scope",
                "charter.animation",
                "charter.members_role",
                "charter.principles",
                "charter.rights_and_duties",
                "objectives.text",
                "objectives.indicators",
            ),
            neutral=("name",),
        ),
    ),
    Collection(
        "network_roles",
        "rsgm_core.domain.engagement:RoleAssignment",
        "id",
        label="rôle",
        indexes=("network_id", "member_id"),
        references={"network_id": "networks"} | _MEMBER,
        appended=("assigned_by", "ended_by"),  # migration 18
        personal=Personal(
            ANONYMISE,
            subject={"member_id": MEMBER_ID},
            actors={"assigned_by": ANY, "ended_by": ANY},
        ),
    ),
    Collection(
        "attendance",
        "rsgm_core.domain.engagement:AttendanceFact",
        "id",
        label="présence",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, neutral=("event",)),
    ),
    Collection(
        "partners",
        "rsgm_core.domain.partners:Partner",
        "id",
        label="partenaire",
        personal=Personal(
            REDACT,  # a partner's card stays, without the person as its contact
            subject={"name": ANY, "contact": ANY},
            neutral=("organisation",),
        ),
    ),
    # kept per department (TER-7) since migration 13
    Collection(
        "committees",
        "rsgm_core.domain.governance:Committee",
        ("kind", "departement"),
        label="comité",
        appended=("changed_by", "meeting_records"),  # migration 18
        personal=Personal(
            ANONYMISE,
            subject={"seats.holder": ANY},
            actors={"changed_by": ANY, "meeting_records.recorded_by": ANY},
        ),
    ),
    # Events and continuous animation (migration 6).
    Collection(
        "events",
        "rsgm_core.domain.events:Event",
        "id",
        commune_refs=("host_commune",),
        label="événement",
        indexes=("host_commune", "series_id"),
        references={"host_commune": "communes"},
        appended=("audience", "series_id"),  # migrations 14, 23
        personal=Personal(NONE, text=("title",)),
    ),
    Collection(
        "sessions",
        "rsgm_core.domain.events:Session",
        "id",
        label="séance",
        indexes=("event_id", "date"),
        references={"event_id": "events"},
        appended=("deadline_set_by", "deadline_set_on"),  # migration 22
        personal=Personal(NONE, actors={"deadline_set_by": ANY}, text=("place",)),
    ),
    Collection(
        "registrations",
        "rsgm_core.domain.events:Registration",
        "id",
        label="inscription",
        indexes=("session_id", "member_id"),
        references={"session_id": "sessions"} | _MEMBER,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}),
    ),
    Collection(
        "surveys",
        "rsgm_core.domain.animation:Survey",
        "id",
        label="questionnaire",
        indexes=("event_id",),
        references={"event_id": "events"} | _MEMBER,
        appended=("draft",),  # migration 24
        personal=Personal(REDACT, subject={"member_id": MEMBER_ID}, text=("title",)),
    ),
    Collection(
        "survey_answers",
        "rsgm_core.domain.animation:SurveyAnswer",
        "id",
        label="réponse",
        indexes=("survey_id",),
        references={"survey_id": "surveys"} | _MEMBER,
        personal=Personal(
            ANONYMISE,  # the score stays, so rates do; the comment may name people
            subject={"member_id": MEMBER_ID},
            text=("comment",),
        ),
    ),
    Collection(  # migration 24: the questions of a questionnaire (SUR-2)
        "survey_questions",
        "rsgm_core.domain.questionnaires:Question",
        "id",
        label="question",
        indexes=("survey_id",),
        references={"survey_id": "surveys"},
        personal=Personal(NONE, neutral=("key", "text", "choices")),
    ),
    Collection(  # migration 24: one person's answer to one question (SUR-2)
        "survey_responses",
        "rsgm_core.domain.questionnaires:SurveyResponse",
        "id",
        label="réponse à une question",
        indexes=("survey_id", "answer_id"),
        references={
            "survey_id": "surveys",
            "answer_id": "survey_answers",
            "question_id": "survey_questions",
        }
        | _MEMBER,
        personal=Personal(
            ANONYMISE,  # choices and numbers stay, so results do; the free text may name people
            subject={"member_id": MEMBER_ID},
            text=("text",),
            neutral=("values",),
        ),
    ),
    Collection(
        "newsletters",
        "rsgm_core.domain.animation:Newsletter",
        "id",
        label="lettre d'information",
        indexes=("sent_on",),
        personal=Personal(NONE, text=("subject",)),
    ),
    Collection(
        "recurring_series",
        "rsgm_core.domain.animation:RecurringSeries",
        "id",
        label="série récurrente",
        personal=Personal(NONE, text=("title", "place")),
    ),
    # The usage charter and platform access (migration 7).
    Collection(
        "charter_versions",
        "rsgm_core.domain.charters:CharterVersion",
        "version",
        label="version de la charte",
        appended=("change", "published_by"),  # migrations 12, 18
        personal=Personal(NONE, actors={"published_by": ANY}, text=("title", "text")),
    ),
    Collection(
        "signatures",
        "rsgm_core.domain.charters:Signature",
        "id",
        commune_refs=("commune",),
        label="signature",
        indexes=("commune",),
        references=_COMMUNE,
        appended=("member_id", "mandate_end", "elu_id"),  # migrations 12, 23
        personal=Personal(
            ANONYMISE,  # CHA-1: kept as evidence of a personal signature, the signer anonymised
            subject={"member_id": MEMBER_ID, "signer": NAME},
            neutral=("elu_id",),  # MEM-12: the mandate record, itself anonymised with the person
            detach=(("member_id", None),),  # MEM-11: kept for its commune, no longer theirs
        ),
    ),
    Collection(
        "spaces",
        "rsgm_core.domain.access:Space",
        "id",
        label="espace",
        appended=("departement",),
        personal=Personal(NONE, neutral=("name",)),
    ),  # migration 12
    Collection(
        "grants",
        "rsgm_core.domain.access:Grant",
        "id",
        commune_refs=("commune",),
        label="accès",
        indexes=("member_id", "commune"),
        references=_MEMBER | {"space_id": "spaces"} | _COMMUNE,
        personal=Personal(
            ANONYMISE,
            subject={"member_id": MEMBER_ID},
            actors={"granted_by": ANY},
            text=("reason",),
            detach=(("commune", None),),  # MEM-11: the anonymised member tied to no commune
        ),
    ),
    Collection(
        "cdg_staff",
        "rsgm_core.domain.access_records:CdgStaff",
        "member_id",
        label="agent du CDG",
        references=_MEMBER,
        appended=("named_by",),  # migration 12,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, actors={"named_by": ANY}),
    ),
    Collection(
        "agreements",
        "rsgm_core.domain.access_records:Agreement",
        "id",
        label="accord",
        indexes=("member_id",),
        references=_MEMBER | {"space_id": "spaces"},
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, actors={"given_by": ANY}),
    ),
    Collection(
        "abuse_reports",
        "rsgm_core.domain.access_records:AbuseReport",
        "id",
        label="signalement",
        references=_MEMBER,
        personal=Personal(
            ANONYMISE,  # CHA-9: the report stays counted, its reason goes
            subject={"member_id": MEMBER_ID},
            actors={"reported_by": ANY},
            text=("reason",),
        ),
    ),
    Collection(
        "sanctions",
        "rsgm_core.domain.access:Sanction",
        "id",
        label="sanction",
        indexes=("member_id",),
        references=_MEMBER,
        appended=("lowered", "lifted_on", "lifted_by", "lift_reason"),  # migration 10,
        personal=Personal(
            ANONYMISE,
            subject={"member_id": MEMBER_ID},
            actors={"decided_by": ANY, "lifted_by": ANY},
            text=("reason", "lift_reason"),
        ),
    ),
    Collection(
        "employer_notices",
        "rsgm_core.domain.access_records:EmployerNotice",
        "id",
        commune_refs=("commune",),
        label="avis à l'employeur",
        indexes=("commune",),
        references=_MEMBER | _COMMUNE,
        personal=Personal(
            ANONYMISE,  # the message sent loses its text with the outbox's mentions
            subject={"member_id": MEMBER_ID},
            text=("detail",),
            detach=(("commune", None),),  # MEM-11: the anonymised member tied to no commune
        ),
    ),
    Collection(
        "platform_exports",
        "rsgm_core.domain.access_records:PlatformExport",
        "id",
        label="export vers la plateforme",
        indexes=("platform",),
        appended=("exported_by",),  # migration 18
        personal=Personal(
            ANONYMISE,  # the accounts told to the platform: the person's become an alias
            subject={
                "state.users.email": EMAIL,
                "state.users.first_name": NAME,
                "state.users.last_name": NAME,
                "state.memberships.email": EMAIL,
                "state.suspended": EMAIL,
                "state.removed.email": EMAIL,
            },
            actors={"exported_by": ANY},
            neutral=("state.users.collectivity",),
        ),
    ),
    # Self-service access requests (CHA-2) and suspensions on lost credentials (CHA-10),
    # migration 12.
    Collection(
        "access_requests",
        "rsgm_core.domain.access_records:AccessRequest",
        "id",
        commune_refs=("commune",),
        label="demande d'accès",
        indexes=("member_id",),
        references=_MEMBER | {"space_id": "spaces"} | _COMMUNE,
        personal=Personal(
            # MEM-11: a request ties its member to a commune; the grant it led to stays (without
            # the commune) as the evidence of the access given
            REMOVE,
            subject={"member_id": MEMBER_ID},
            actors={"decided_by": ANY},
            text=("reason",),
        ),
    ),
    Collection(
        "suspensions",
        "rsgm_core.domain.access_records:Suspension",
        "id",
        label="suspension de compte",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(
            ANONYMISE,
            subject={"member_id": MEMBER_ID},
            actors={"suspended_by": ANY, "reinvited_by": ANY},
            text=("reason",),
        ),
    ),
    # The toolbox and advice requests (migration 8): every version of a resource is kept.
    Collection(
        "resources",
        "rsgm_core.domain.toolbox:Resource",
        ("id", "version"),
        search_fields=TOOLBOX_SEARCH,
        version_field="version",
        label="ressource",
        appended=("published_by", "archived_by"),  # migration 18
        personal=Personal(
            REDACT,  # KNB-1: shared knowledge stays, without its author's name, e-mail, phone
            subject={"author_id": MEMBER_ID},
            actors={"published_by": ANY, "archived_by": ANY},
            text=("title", "body"),
        ),
    ),
    Collection(
        "resource_attachments",
        "rsgm_core.domain.toolbox_records:ResourceAttachment",
        "id",
        label="pièce jointe",
        indexes=("resource_id",),
        personal=Personal(NONE, text=("name", "content")),
    ),
    Collection(
        "resource_followers",
        "rsgm_core.domain.toolbox_records:Follower",
        "id",
        label="abonnement à une ressource",
        indexes=("resource_id",),
        references=_MEMBER,
        personal=Personal(REMOVE, subject={"member_id": MEMBER_ID}),
    ),
    Collection(
        "advice_requests",
        "rsgm_core.domain.advice:AdviceRequest",
        "id",
        commune_refs=("commune",),
        label="demande de conseil",
        indexes=("commune",),
        personal=Personal(
            ANONYMISE,  # CNS-1: counted and timed still; the question and answer go
            subject={"requester": ANY},
            actors={"referred_to": ANY},
            text=("question", "answer"),
            detach=(("requester", ANONYMOUS_NAME),),  # MEM-11: counted in its commune, by no one
        ),
    ),
    # Records a merge brought twice onto one commune (migration 16, TER-5). No ``commune_refs``:
    # a conflict names the commune it was found on and the former commune, as they were.
    Collection(
        "census_conflicts",
        "rsgm_core.domain.census_conflicts:CensusConflict",
        "id",
        label="conflit de fusion",
        indexes=("commune",),
        personal=Personal(NONE, neutral=("record", "kept")),
    ),
    # Reassignments of a vanished commune's records (migration 18, TER-5 (c), CHA-2).
    Collection(
        "reassignments",
        "rsgm_core.domain.census_listing:CommuneReassignment",
        "id",
        label="réaffectation",
        indexes=("former",),
        personal=Personal(NONE, actors={"reassigned_by": ANY}, neutral=("successor", "moved")),
    ),
    # Single-use personal links once used (migration 17, NOT-3): a hash of the token, never it.
    Collection(
        "used_links",
        "rsgm_core.domain.links:UsedLink",
        "id",
        label="lien utilisé",
        indexes=("member_id",),
        # erased, the person's links are refused anyway (NOT-3: GONE)
        personal=Personal(REMOVE, subject={"member_id": MEMBER_ID}),
    ),
    # The dated lifecycle moves of each member (migration 21, MEM-4, EVT-12): a past year is
    # computed from the members as they were then.
    Collection(
        "lifecycle_transitions",
        "rsgm_core.domain.history:LifecycleTransition",
        "id",
        label="étape datée du parcours",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}),
    ),
    # What was entered as history (migration 21, EVT-12): an event, a survey or a member, the
    # file and line it came from.
    Collection(
        "history_entries",
        "rsgm_core.domain.history:HistoryEntry",
        "id",
        label="entrée d'historique",
        indexes=("record_id",),
        personal=Personal(NONE, actors={"imported_by": ANY}, neutral=("record_id", "source")),
    ),
    # Working groups and suggestions (migration 27, NET-5, NET-6).
    Collection(
        "working_groups",
        "rsgm_core.domain.working_groups:WorkingGroup",
        "id",
        label="groupe de travail",
        indexes=("network_id",),
        references={"network_id": "networks"},
        personal=Personal(
            NONE,  # NET-5: the group's own texts, about no one; mentions of a person cut
            actors={"created_by": ANY, "changed_by": ANY},
            text=("name", "theme", "mandate"),
            neutral=("meeting_ids",),
        ),
    ),
    Collection(
        "working_group_members",
        "rsgm_core.domain.working_groups:GroupMembership",
        "id",
        label="membre de groupe de travail",
        indexes=("group_id", "member_id"),
        references={"group_id": "working_groups", **_MEMBER},
        # MEM-11: counted in its group still, by an anonymised person
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, actors={"added_by": ANY}),
    ),
    Collection(
        "working_group_deliverables",
        "rsgm_core.domain.working_groups:Deliverable",
        "id",
        label="livrable",
        indexes=("group_id",),
        references={"group_id": "working_groups"},
        personal=Personal(
            NONE, actors={"added_by": ANY}, text=("title",), neutral=("resource_id",)
        ),
    ),
    Collection(
        "suggestions",
        "rsgm_core.domain.suggestions:Suggestion",
        "id",
        label="suggestion",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(
            ANONYMISE,  # NET-6: counted and decided still; its author and their words go
            subject={"member_id": MEMBER_ID},
            actors={"recorded_by": ANY, "decided_by": ANY},
            text=("text", "reason"),
            neutral=("departement", "answer_id"),
        ),
    ),
    # Tutorships (migration 26, MEM-13): a tutor paired with a newcomer until the 3-month review.
    Collection(
        "tutorships",
        "rsgm_core.domain.tutorship:Tutorship",
        "id",
        label="tutorat",
        indexes=("newcomer_id", "tutor_id"),
        references={"newcomer_id": "members", "tutor_id": "members"},
        personal=Personal(
            ANONYMISE,  # counted in the year's pairings still; the person anonymised
            subject={"newcomer_id": MEMBER_ID, "tutor_id": MEMBER_ID},
            actors={"assigned_by": ANY, "ended_by": ANY},
        ),
    ),
    # Existing local networks (migration 26, NET-7). No ``commune_refs``: the communes covered
    # are a list, kept as recorded.
    Collection(
        "local_networks",
        "rsgm_core.domain.local_networks:LocalNetwork",
        "id",
        label="réseau local",
        personal=Personal(
            REDACT,  # the network stays, without its referent as a person
            subject={"referent_id": MEMBER_ID, "referent_name": ANY, "referent_contact": ANY},
            actors={"recorded_by": ANY},
            neutral=("name", "carrier", "communes", "epci"),
        ),
    ),
    # The CDG's other events planning avoids (migration 26, EVT-11).
    Collection(
        "cdg_dates",
        "rsgm_core.domain.planning_checks:CdgDate",
        "id",
        label="événement du CDG",
        personal=Personal(NONE, actors={"recorded_by": ANY}, neutral=("label",)),
    ),
    # The warnings each event was planned with (migration 26, EVT-11).
    Collection(
        "planning_warnings",
        "rsgm_core.domain.planning_checks:RecordedWarning",
        "id",
        label="alerte de planification",
        indexes=("event_id",),
        references={"event_id": "events"},
        personal=Personal(NONE, neutral=("message",)),
    ),
    # The network's means (migration 28, NET-8): budget lines, venues and the venue of each
    # session, speakers, animators' time.
    Collection(
        "budget_lines",
        "rsgm_core.domain.means:BudgetLine",
        "id",
        label="ligne de budget",
        indexes=("year", "event_id"),
        references={"event_id": "events"},
        personal=Personal(NONE, actors={"recorded_by": ANY}, neutral=("label",)),
    ),
    Collection(
        "venues",
        "rsgm_core.domain.means:Venue",
        "id",
        commune_refs=("commune",),
        label="lieu",
        references=_COMMUNE,
        personal=Personal(
            REDACT,  # a room stays, without the person who opens it
            subject={"opener": ANY},
            neutral=("name", "address", "equipment", "accessibility"),
        ),
    ),
    Collection(
        "venue_choices",
        "rsgm_core.domain.means:VenueChoice",
        "id",
        label="lieu d'une séance",
        indexes=("event_id", "venue_id"),
        references={"id": "sessions", "event_id": "events", "venue_id": "venues"},
        personal=Personal(NONE, actors={"chosen_by": ANY}),
    ),
    Collection(
        "speakers",
        "rsgm_core.domain.means:Speaker",
        "id",
        label="intervenant",
        indexes=("session_id", "event_id", "member_id", "partner_id"),
        references=_MEMBER | {"session_id": "sessions", "event_id": "events"},
        personal=Personal(
            ANONYMISE,  # counted still among the speakers of its kind, by no one
            subject={"member_id": MEMBER_ID},
            neutral=("topic",),
        ),
    ),
    Collection(
        "time_entries",
        "rsgm_core.domain.means:TimeEntry",
        "id",
        label="temps d'animation",
        indexes=("member_id", "day"),
        references=_MEMBER,
        personal=Personal(
            ANONYMISE,  # the hours stay in the report, by no one
            subject={"member_id": MEMBER_ID},
            actors={"recorded_by": ANY},
            text=("note",),
        ),
    ),
)

# Elected officials, one record per mandate, and what was written to them (migration 23,
# MEM-12): personal data, removed with the person (the signature they gave stays, anonymised).
COLLECTIONS += (
    Collection(
        "elus",
        "rsgm_core.domain.elus:Elu",
        "id",
        commune_refs=("commune",),
        label="élu",
        indexes=("commune", "epci"),
        personal=Personal(
            REMOVE,
            subject={"first_name": NAME, "last_name": NAME, "email": EMAIL, "phone": PHONE},
            actors={"recorded_by": ANY, "ended_by": ANY},
            text=("address",),
            neutral=("epci",),
        ),
    ),
    Collection(
        "elu_letters",
        "rsgm_core.domain.elus:EluLetter",
        "id",
        label="courrier à un élu",
        indexes=("elu_id", "event_id"),
        personal=Personal(
            NONE, actors={"sent_by": ANY}, neutral=("elu_id", "event_id", "message_id")
        ),
    ),
)

#: Each collection by its name.
COLLECTION_NAMED: dict[str, Collection[Any]] = {c.name: c for c in COLLECTIONS}
_BY_PATH: dict[str, Collection[Any]] = {c.record_path: c for c in COLLECTIONS}
_BY_CLASS_NAME: dict[str, Collection[Any]] = {p.rpartition(":")[2]: c for p, c in _BY_PATH.items()}
if not len(COLLECTION_NAMED) == len(_BY_PATH) == len(_BY_CLASS_NAME) == len(COLLECTIONS):
    raise ValueError("two collections share a name or a record class")
# The toolbox's attachment is known by its short name too (a message has an Attachment of its own).
_BY_CLASS_NAME["Attachment"] = COLLECTION_NAMED["resource_attachments"]


class _ByRecord(Mapping[type, Collection[Any]]):
    """:data:`COLLECTION_OF`: each collection by its record class. Looking a class up imports
    nothing (it is found by where it is defined); going over them all loads every class."""

    def __getitem__(self, record: type) -> Collection[Any]:
        found = _BY_PATH.get(_record_path(record)) if isinstance(record, type) else None
        if found is None or found.record is not record:
            raise KeyError(record)
        return found

    def __contains__(self, record: object) -> bool:
        return isinstance(record, type) and self.get(record) is not None

    def __iter__(self) -> Iterator[type]:
        return (c.record for c in COLLECTIONS)

    def __len__(self) -> int:
        return len(COLLECTIONS)

    def __repr__(self) -> str:
        return f"COLLECTION_OF({len(self)} collections)"


#: Each collection by its record class (one collection per class).
COLLECTION_OF: Mapping[type, Collection[Any]] = _ByRecord()


def __getattr__(name: str) -> Any:
    """``records.Member`` and ``from rsgm_core.records import Member``: each record class,
    imported on first use (this module declares them without importing them)."""
    found = _BY_CLASS_NAME.get(name)
    if found is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return found.record
