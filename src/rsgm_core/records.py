"""The kinds of record kept in storage, each declared once by one :class:`Collection` entry of
:data:`COLLECTIONS`.

An entry gives its name, its record class, its key, its French label and what the SQL schema needs
beyond the record's fields (indexes, references, columns added by later migrations). The SQL
tables are derived from the record classes and those entries (:mod:`rsgm_core.plugins.sql.tables`);
both built-in backends build their repositories from that list, on first use. Adding a kind of
record means an attrs class, one line here, one annotation on :class:`rsgm_core.ports.UnitOfWork`
(a test checks they agree) and, for SQL, a migration.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from rsgm_core.domain.access import Grant, Sanction, Space
from rsgm_core.domain.access_records import (
    AbuseReport,
    AccessRequest,
    Agreement,
    CdgStaff,
    EmployerNotice,
    PlatformExport,
    Suspension,
)
from rsgm_core.domain.advice import AdviceRequest
from rsgm_core.domain.animation import Newsletter, RecurringSeries, Survey, SurveyAnswer
from rsgm_core.domain.billing import Intervention, Trainee
from rsgm_core.domain.census import CensusImport, MetaEntry
from rsgm_core.domain.census_conflicts import CensusConflict
from rsgm_core.domain.census_listing import CommuneReassignment
from rsgm_core.domain.charters import CharterVersion, Signature
from rsgm_core.domain.coarse import CoarsePosition
from rsgm_core.domain.conventions import Convention
from rsgm_core.domain.directory import Consent, DirectoryFact, NameKey
from rsgm_core.domain.elus import Elu, EluLetter
from rsgm_core.domain.engagement import AttendanceFact, RoleAssignment
from rsgm_core.domain.events import Event, Registration, Session
from rsgm_core.domain.governance import Committee, Network
from rsgm_core.domain.history import HistoryEntry, LifecycleTransition
from rsgm_core.domain.lifecycle import OnboardingItem
from rsgm_core.domain.links import UsedLink
from rsgm_core.domain.local_networks import LocalNetwork
from rsgm_core.domain.means import BudgetLine, Speaker, TimeEntry, Venue, VenueChoice
from rsgm_core.domain.members import Member, Position
from rsgm_core.domain.messages import OutboxMessage
from rsgm_core.domain.partners import Partner
from rsgm_core.domain.planning_checks import CdgDate, RecordedWarning
from rsgm_core.domain.privacy import ANONYMOUS_NAME, Designation, Erasure, Personal
from rsgm_core.domain.questionnaires import Question, SurveyResponse
from rsgm_core.domain.suggestions import Suggestion
from rsgm_core.domain.tariffs import Membership
from rsgm_core.domain.territory import (
    Arrondissement,
    Commune,
    Departement,
    Epci,
    PopulationFigure,
)
from rsgm_core.domain.text import Weights
from rsgm_core.domain.toolbox import SEARCH_FIELDS, Resource, latest_by
from rsgm_core.domain.toolbox_records import Attachment, Follower
from rsgm_core.domain.town_hall import TownHall
from rsgm_core.domain.tutorship import Tutorship
from rsgm_core.domain.working_groups import Deliverable, GroupMembership, WorkingGroup

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


@attrs.frozen
class Collection(Generic[R]):
    """A kind of record kept in storage, declared once.

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
    record: type[R]
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
        fields = field_names(self.record)
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
            raise ValueError(f"{self.name}: no field {unknown} in {self.record.__name__}")

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

COLLECTIONS: tuple[Collection[Any], ...] = (
    Collection(
        "meta",
        MetaEntry,
        "key",
        label="paramètre",
        personal=Personal(NONE, neutral=("value",)),
    ),
    Collection(
        "outbox",
        OutboxMessage,
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
        CensusImport,
        "vintage",
        label="import de recensement",
        personal=Personal(NONE, neutral=("source",)),
    ),
    Collection(
        "departements",
        Departement,
        "code",
        label="département",
        personal=Personal(NONE, neutral=("name",)),
    ),
    Collection(
        "arrondissements",
        Arrondissement,
        "code",
        label="arrondissement",
        personal=Personal(NONE, neutral=("name",)),
    ),
    Collection(
        "epcis",
        Epci,
        "siren",
        label="EPCI",
        personal=Personal(NONE, neutral=("name",)),
    ),
    Collection(
        "communes",
        Commune,
        "code",
        label="commune",
        indexes=("departement", "epci"),
        appended=("ept", "ept_name"),  # migration 20
        personal=Personal(NONE, neutral=("name", "successor", "ept", "ept_name")),
    ),
    Collection(
        "populations",
        PopulationFigure,
        ("commune", "vintage"),
        label="population",
        personal=Personal(NONE),
    ),
    Collection(
        "members",
        Member,
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
        Position,
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
        CoarsePosition,
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
        Membership,
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
        Convention,
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
        Trainee,
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
        Intervention,
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
        DirectoryFact,
        "id",
        label="fiche d'annuaire",
        indexes=("member_id", "key"),
        references=_MEMBER,
        personal=Personal(REMOVE, subject={"member_id": MEMBER_ID}, text=("value",)),
    ),
    Collection(
        "town_halls",
        TownHall,
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
        Consent,
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
        NameKey,
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
        OnboardingItem,
        "id",
        label="étape d'intégration",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}),
    ),
    Collection(
        "networks",
        Network,
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
        RoleAssignment,
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
        AttendanceFact,
        "id",
        label="présence",
        indexes=("member_id",),
        references=_MEMBER,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, neutral=("event",)),
    ),
    Collection(
        "partners",
        Partner,
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
        Committee,
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
        Event,
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
        Session,
        "id",
        label="séance",
        indexes=("event_id", "date"),
        references={"event_id": "events"},
        appended=("deadline_set_by", "deadline_set_on"),  # migration 22
        personal=Personal(NONE, actors={"deadline_set_by": ANY}, text=("place",)),
    ),
    Collection(
        "registrations",
        Registration,
        "id",
        label="inscription",
        indexes=("session_id", "member_id"),
        references={"session_id": "sessions"} | _MEMBER,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}),
    ),
    Collection(
        "surveys",
        Survey,
        "id",
        label="questionnaire",
        indexes=("event_id",),
        references={"event_id": "events"} | _MEMBER,
        appended=("draft",),  # migration 24
        personal=Personal(REDACT, subject={"member_id": MEMBER_ID}, text=("title",)),
    ),
    Collection(
        "survey_answers",
        SurveyAnswer,
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
        Question,
        "id",
        label="question",
        indexes=("survey_id",),
        references={"survey_id": "surveys"},
        personal=Personal(NONE, neutral=("key", "text", "choices")),
    ),
    Collection(  # migration 24: one person's answer to one question (SUR-2)
        "survey_responses",
        SurveyResponse,
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
        Newsletter,
        "id",
        label="lettre d'information",
        indexes=("sent_on",),
        personal=Personal(NONE, text=("subject",)),
    ),
    Collection(
        "recurring_series",
        RecurringSeries,
        "id",
        label="série récurrente",
        personal=Personal(NONE, text=("title", "place")),
    ),
    # The usage charter and platform access (migration 7).
    Collection(
        "charter_versions",
        CharterVersion,
        "version",
        label="version de la charte",
        appended=("change", "published_by"),  # migrations 12, 18
        personal=Personal(NONE, actors={"published_by": ANY}, text=("title", "text")),
    ),
    Collection(
        "signatures",
        Signature,
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
        Space,
        "id",
        label="espace",
        appended=("departement",),
        personal=Personal(NONE, neutral=("name",)),
    ),  # migration 12
    Collection(
        "grants",
        Grant,
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
        CdgStaff,
        "member_id",
        label="agent du CDG",
        references=_MEMBER,
        appended=("named_by",),  # migration 12,
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, actors={"named_by": ANY}),
    ),
    Collection(
        "agreements",
        Agreement,
        "id",
        label="accord",
        indexes=("member_id",),
        references=_MEMBER | {"space_id": "spaces"},
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, actors={"given_by": ANY}),
    ),
    Collection(
        "abuse_reports",
        AbuseReport,
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
        Sanction,
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
        EmployerNotice,
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
        PlatformExport,
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
        AccessRequest,
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
        Suspension,
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
        Resource,
        ("id", "version"),
        search_fields=SEARCH_FIELDS,
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
        Attachment,
        "id",
        label="pièce jointe",
        indexes=("resource_id",),
        personal=Personal(NONE, text=("name", "content")),
    ),
    Collection(
        "resource_followers",
        Follower,
        "id",
        label="abonnement à une ressource",
        indexes=("resource_id",),
        references=_MEMBER,
        personal=Personal(REMOVE, subject={"member_id": MEMBER_ID}),
    ),
    Collection(
        "advice_requests",
        AdviceRequest,
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
        CensusConflict,
        "id",
        label="conflit de fusion",
        indexes=("commune",),
        personal=Personal(NONE, neutral=("record", "kept")),
    ),
    # Reassignments of a vanished commune's records (migration 18, TER-5 (c), CHA-2).
    Collection(
        "reassignments",
        CommuneReassignment,
        "id",
        label="réaffectation",
        indexes=("former",),
        personal=Personal(NONE, actors={"reassigned_by": ANY}, neutral=("successor", "moved")),
    ),
    # Single-use personal links once used (migration 17, NOT-3): a hash of the token, never it.
    Collection(
        "used_links",
        UsedLink,
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
        LifecycleTransition,
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
        HistoryEntry,
        "id",
        label="entrée d'historique",
        indexes=("record_id",),
        personal=Personal(NONE, actors={"imported_by": ANY}, neutral=("record_id", "source")),
    ),
    # Working groups and suggestions (migration 27, NET-5, NET-6).
    Collection(
        "working_groups",
        WorkingGroup,
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
        GroupMembership,
        "id",
        label="membre de groupe de travail",
        indexes=("group_id", "member_id"),
        references={"group_id": "working_groups", **_MEMBER},
        # MEM-11: counted in its group still, by an anonymised person
        personal=Personal(ANONYMISE, subject={"member_id": MEMBER_ID}, actors={"added_by": ANY}),
    ),
    Collection(
        "working_group_deliverables",
        Deliverable,
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
        Suggestion,
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
        Tutorship,
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
        LocalNetwork,
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
        CdgDate,
        "id",
        label="événement du CDG",
        personal=Personal(NONE, actors={"recorded_by": ANY}, neutral=("label",)),
    ),
    # The warnings each event was planned with (migration 26, EVT-11).
    Collection(
        "planning_warnings",
        RecordedWarning,
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
        BudgetLine,
        "id",
        label="ligne de budget",
        indexes=("year", "event_id"),
        references={"event_id": "events"},
        personal=Personal(NONE, actors={"recorded_by": ANY}, neutral=("label",)),
    ),
    Collection(
        "venues",
        Venue,
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
        VenueChoice,
        "id",
        label="lieu d'une séance",
        indexes=("event_id", "venue_id"),
        references={"id": "sessions", "event_id": "events", "venue_id": "venues"},
        personal=Personal(NONE, actors={"chosen_by": ANY}),
    ),
    Collection(
        "speakers",
        Speaker,
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
        TimeEntry,
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
        Elu,
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
        EluLetter,
        "id",
        label="courrier à un élu",
        indexes=("elu_id", "event_id"),
        personal=Personal(
            NONE, actors={"sent_by": ANY}, neutral=("elu_id", "event_id", "message_id")
        ),
    ),
)

#: Each collection by its name, and by its record class (one collection per class).
COLLECTION_NAMED: dict[str, Collection[Any]] = {c.name: c for c in COLLECTIONS}
COLLECTION_OF: dict[type, Collection[Any]] = {c.record: c for c in COLLECTIONS}
if len(COLLECTION_NAMED) != len(COLLECTIONS) or len(COLLECTION_OF) != len(COLLECTIONS):
    raise ValueError("two collections share a name or a record class")
