"""Personal links (NOT-3): ``app.links`` issues a signed link for a purpose, bound to a person and
an object, says what a link would do without acting (a web page's GET), and uses it (its POST):
verified and acted on in one unit of work through the same use cases as the command line.

The profile's ``[web]`` section gives the public base address and the secret (plugin options
``public_url``, ``secret``, ``previous_secrets``). Tokens are never logged nor put in an error.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.directory import ConsentScope, require_consent_scope
from rsgm_core.domain.events import RegistrationStatus
from rsgm_core.domain.links import (
    LIFETIMES,
    LinkPurpose,
    LinkRefusal,
    SignedLink,
    check_public_url,
    check_purpose,
    check_secret,
    read_token,
    sign_token,
)
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.questionnaires import AnswerValue
from rsgm_core.errors import ConfigurationError, NotFoundError, RuleViolation, ValidationError

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps
    from rsgm_core.settings import Settings

__all__ = [
    "LinkCheck",
    "LinkChoice",
    "LinkKeys",
    "LinkMaker",
    "LinkService",
    "PersonalLink",
    "link_keys",
    "links_missing",
    "person_of",
    "required_keys",
]

log = logging.getLogger("rsgm.links")


@attrs.frozen
class PersonalLink:
    """A personal link (NOT-3): its address (the public base, the purpose's letter, the token),
    the token, what it is for, whom and what it names, and when it expires (zone-aware). Its
    ``repr`` hides the token and the address: a link printed to a log gives nothing away."""

    url: str = attrs.field(repr=False)
    token: str = attrs.field(repr=False)
    purpose: LinkPurpose
    member_id: str
    object_id: str | None
    expires_at: dt.datetime


@attrs.frozen
class LinkChoice:
    """A choice a link's page offers: a session to register for, whether seats remain, its
    registration deadline (``closed`` once past), how many wait for a seat, and the status of the
    link's person on it (``None`` when not registered), so a page needs no second read."""

    id: str
    label: str
    full: bool = False
    deadline: dt.date | None = None
    closed: bool = False
    waiting: int = 0
    held: RegistrationStatus | None = None


@attrs.frozen
class LinkCheck:
    """What a valid link would do, for whom, without doing it (a page's GET)."""

    purpose: LinkPurpose
    member_id: str
    person: str  # the person's full name
    object_id: str | None
    object_title: str  # the event, the survey or the consent's scope; "" when none
    expires_at: dt.datetime
    single_use: bool
    description: str  # French: « Claire Martin peut s'inscrire à « Journée réseau » »
    choices: tuple[LinkChoice, ...] = ()


@attrs.frozen
class LinkKeys:
    """The profile's ``[web]`` options, checked: base address, secret, previous secrets."""

    public_url: str
    secret: str
    previous: tuple[str, ...] = ()

    @property
    def in_force(self) -> tuple[str, ...]:
        return (self.secret, *self.previous)


def _missing_keys(settings: Settings) -> list[str]:
    options = settings.plugin("web")
    return [
        key
        for key, option in (("url_publique", "public_url"), ("secret", "secret"))
        if not options.get(option)
    ]


def links_missing(settings: Settings) -> str | None:
    """Why the messages of ``settings`` go without links (French), ``None`` when they have them."""
    missing = _missing_keys(settings)
    if not missing:
        return None
    return (
        f"liens personnels absents des messages : la section [web] du profil n'a pas "
        f"{' ni '.join(missing)} ; les messages partent sans lien (NOT-3)"
    )


def link_keys(settings: Settings) -> LinkKeys | None:
    """The checked ``[web]`` options, ``None`` when the address or the secret is missing."""
    if links_missing(settings) is not None:
        return None
    options = settings.plugin("web")
    return LinkKeys(
        check_public_url(str(options["public_url"])),
        check_secret(str(options["secret"])),
        tuple(check_secret(str(s)) for s in options.get("previous_secrets", ())),
    )


def required_keys(settings: Settings) -> LinkKeys:
    """The checked ``[web]`` options, else a :class:`ConfigurationError` naming the keys to set."""
    keys = link_keys(settings)
    if keys is None:
        missing = " et ".join(_missing_keys(settings))
        raise ConfigurationError(
            f"pas de lien personnel possible : renseignez {missing} dans la section [web] du "
            "profil (voir docs/links.md)",
            rule="NOT-3",
        )
    return keys


def _make(
    keys: LinkKeys,
    purpose: LinkPurpose,
    member_id: str,
    object_id: str | None,
    expires_at: dt.datetime,
) -> PersonalLink:
    expires_at = expires_at.replace(microsecond=0)
    token = sign_token(purpose, member_id, object_id, expires_at, keys.secret)
    url = f"{keys.public_url}/{purpose.code}/{token}"
    return PersonalLink(url, token, purpose, member_id, object_id, expires_at)


class LinkMaker:
    """The links of the messages one use case queues: ``url(...)`` is ``""`` when the profile
    has no ``[web]`` address or secret, and the first such miss is logged once as a warning
    (the command line shows it), never silently."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.keys = link_keys(deps.settings)
        self.missed = 0

    def url(
        self,
        purpose: LinkPurpose,
        member_id: str,
        object_id: str | None = None,
        *,
        until: dt.datetime | None = None,
    ) -> str:
        if self.keys is None:
            if not self.missed:
                log.warning("rsgm : attention : %s", links_missing(self.deps.settings))
            self.missed += 1
            return ""
        now = self.deps.now()
        expires = now + LIFETIMES[purpose]
        if until is not None:
            expires = min(expires, until)
        if expires <= now:
            return ""
        return _make(self.keys, purpose, member_id, object_id, expires).url


def session_start(deps: Deps, day: dt.date, start: dt.time) -> dt.datetime:
    """When a session starts, in the CDG's zone: registration and cancellation links end then."""
    return dt.datetime.combine(day, start, tzinfo=deps.settings.zone)


class LinkService:
    """``app.links``: issue, verify and use personal links (NOT-3)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def missing(self) -> str | None:
        """Why the profile cannot make links (French), ``None`` when it can."""
        return links_missing(self.deps.settings)

    def issue(
        self,
        purpose: LinkPurpose | str,
        *,
        member_id: str,
        object_id: str | None = None,
        on: dt.datetime | None = None,
    ) -> PersonalLink:
        """A link for ``purpose`` bound to the person ``member_id`` and ``object_id`` (the event
        to register for, the registration to cancel, the consent's scope, the survey; none for
        the directory entry, the access request and unsubscribing), issued at ``on`` (now),
        expiring per :data:`rsgm_core.domain.links.LIFETIMES` and, for a registration or a
        cancellation, at the start of the session."""
        from rsgm_core.services.link_actions import check_target, expiry_of

        chosen = parse_purpose(purpose)
        keys = required_keys(self.deps.settings)
        now = self.deps.now() if on is None else on
        if now.tzinfo is None:
            raise ValidationError("instant d'émission sans fuseau horaire", rule="NOT-3")
        with self.deps.read() as uow:
            member = person_of(uow, member_id, chosen)
            target = check_target(uow, chosen, member, object_id)
            expires = expiry_of(self.deps, uow, chosen, target, now)
        return _make(keys, chosen, member.id, target, expires)

    def verify(self, token: str, *, purpose: LinkPurpose | str | None = None) -> LinkCheck:
        """What the link would do and for whom, without acting (NOT-3): refused when tampered,
        expired, already used (single use), presented for another ``purpose``, or naming a
        person erased or departed or an object gone; nothing is written."""
        from rsgm_core.services.link_actions import describe

        with self.deps.read() as uow:
            signed, member = checked(self.deps, uow, token, purpose)
            return describe(self.deps, uow, signed, member)

    def use(
        self,
        token: str,
        *,
        purpose: LinkPurpose | str | None = None,
        session_id: str | None = None,
        score: int | None = None,
        comment: str = "",
        update: DirectoryUpdate | None = None,
        responses: Mapping[str, AnswerValue] | None = None,
    ) -> LinkOutcome:
        """Verify the link and do what it is for, in one unit of work (NOT-3): register for
        ``session_id`` (the event's only session when it has one; a full session puts the person
        on the waiting list), cancel the registration, give or withdraw the consent, answer the
        survey (``score``, ``comment``, and ``responses``: question key → answer, SUR-2), update the directory entry (``update``), request
        platform access (CHA-2's policy decides) or unsubscribe. A refusal writes nothing; a
        single-use link is recorded as used in the same unit of work."""
        from rsgm_core.services.link_actions import act

        with self.deps.transaction() as uow:
            signed, member = checked(self.deps, uow, token, purpose)
            outcome = act(self.deps, uow, signed, member, session_id=session_id, score=score,
                          comment=comment, update=update, responses=responses)  # fmt: skip
            if signed.purpose.single_use:
                from rsgm_core.domain.links import UsedLink

                uow.used_links.add(UsedLink(signed.id, signed.purpose, member.id, self.deps.now()))
        return outcome

    def send_requests(
        self, purpose: LinkPurpose | str, *, member_ids: Iterable[str] | None = None
    ) -> int:
        """Ask people to act through their own link (NOT-3): give their directory consent
        (``consentement``, MEM-3: the message carries the link to withdraw it too), update their
        directory entry (``annuaire``, MEM-2) or request platform access (``acces``, CHA-2,
        where the profile's policy allows requests). To ``member_ids``, else to every active
        member with an address (for consent, those without a current one). Returns how many
        messages were queued; without a ``[web]`` section they go without links, with a
        warning."""
        from rsgm_core.services.link_requests import send_link_requests

        return send_link_requests(self.deps, parse_purpose(purpose), member_ids)


def parse_purpose(value: LinkPurpose | str) -> LinkPurpose:
    """A :class:`LinkPurpose` or its French word (``inscription``), else a French error."""
    if isinstance(value, LinkPurpose):
        return value
    for purpose in LinkPurpose:
        if value.strip().lower() in (purpose.value, purpose.name.lower()):
            return purpose
    words = ", ".join(p.value for p in LinkPurpose)
    raise ValidationError(
        f"usage de lien inconnu : {value!r} (au choix : {words})", rule="NOT-3", value=value
    )


def person_of(uow: UnitOfWork, member_id: str, purpose: LinkPurpose) -> Member:
    member = uow.members.find(member_id)
    if member is None:
        raise NotFoundError(f"personne introuvable : {member_id!r}", rule="NOT-3", value=member_id)
    if member.erased:
        raise RuleViolation(  # needs storage: the person as recorded now
            "ce lien concerne une personne dont les données ont été effacées (RGPD) : il ne sert "
            "plus à rien",
            rule="NOT-3",
            value=LinkRefusal.GONE,
        )
    if member.lifecycle is Lifecycle.DEPARTED and purpose is not LinkPurpose.UNSUBSCRIBE:
        raise RuleViolation(  # needs storage: the person as recorded now
            f"{member.full_name} a quitté ses fonctions : ce lien ne sert plus ; contactez "
            "l'équipe d'animation en cas d'erreur",
            rule="NOT-3",
            value=LinkRefusal.GONE,
        )
    return member


def checked(
    deps: Deps, uow: UnitOfWork, token: str, purpose: LinkPurpose | str | None
) -> tuple[SignedLink, Member]:
    """The link ``token`` stands for and its person, every NOT-3 refusal checked in ``uow``."""
    keys = required_keys(deps.settings)
    if not isinstance(token, str) or not token.strip():
        raise ValidationError("lien vide : copiez-le en entier depuis le message", rule="NOT-3")
    signed = read_token(token, keys.in_force, now=deps.now())
    if purpose is not None:
        check_purpose(signed, parse_purpose(purpose))
    if signed.purpose.single_use and uow.used_links.find(signed.id) is not None:
        raise RuleViolation(  # needs storage: the links already used
            f"ce lien pour {signed.purpose.label} a déjà servi : il ne sert qu'une fois ; "
            "contactez l'équipe d'animation pour toute correction",
            rule="NOT-3",
            value=LinkRefusal.REUSED,
        )
    return signed, person_of(uow, signed.member_id, signed.purpose)


@attrs.frozen
class DirectoryUpdate:
    """What a person changes in their directory entry through a link (MEM-2); ``None`` leaves a
    field as it is, an empty value clears it."""

    phone: str | None = None
    expertises: Sequence[str] | None = None
    software_used: Sequence[str] | None = None
    software_mastered: Sequence[str] | None = None
    opening_hours: str | None = None  # the town hall's hours, ``lun. 9h-12h, jeu. 14h-18h``


@attrs.frozen
class LinkOutcome:
    """What using a link did: the purpose, the person, the record written (registration,
    cancellation, consent, answer, request…), and a French sentence for the person."""

    purpose: LinkPurpose
    member_id: str
    summary: str
    record_id: str | None = None
    waiting_list: bool = False
    changed: bool = True  # False when nothing needed doing (already unsubscribed…)


def consent_scope(object_id: str | None) -> ConsentScope:
    return require_consent_scope(object_id or ConsentScope.DIRECTORY.value)


def waiting(status: RegistrationStatus) -> bool:
    return status is RegistrationStatus.WAITING
