"""One way to name a record (``app.records``): its full identifier, an unambiguous prefix of it of
8 characters or more (what listings show), or, for a person, their e-mail address. What a caller
gets back names the record for a person to read: people by name, communes by name and INSEE code.

A prefix shorter than 8 characters is refused whatever it matches (4 characters of a uuid name one
record among thousands today and two tomorrow); a prefix several records share is refused with the
candidates by name, each with the shortest prefix that tells it apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["MIN_PREFIX", "NamedRecord", "RecordResolver", "commune_label", "find", "member_label"]

#: The shortest id prefix that names a record (the listings show the first 8 characters).
MIN_PREFIX = 8


@attrs.frozen
class NamedRecord:
    """A record found from what a person typed: its kind (the collection, ``"members"``), its
    full id, and its name as a person reads it (``Marie Dupont (Niort, 79191)``)."""

    kind: str
    id: str
    name: str


def commune_label(uow: UnitOfWork, code: str | None) -> str:
    """``Niort (79191)``; the bare code for a commune the census does not know."""
    if not code:
        return ""
    commune = uow.communes.find(code)
    return f"{commune.name} ({code})" if commune is not None else code


def member_label(uow: UnitOfWork, member: Any) -> str:
    """``Marie Dupont (Niort, 79191)``: the name, and the communes of the person's current
    positions (none for a person without one)."""
    codes = sorted({p.commune for p in uow.positions.list({"member_id": member.id}) if not p.end})
    places = []
    for code in codes:
        commune = uow.communes.find(code)
        places.append(f"{commune.name}, {code}" if commune is not None else code)
    return f"{member.full_name} ({' ; '.join(places)})" if places else str(member.full_name)


def _member_name(uow: UnitOfWork, member_id: str) -> str:
    member = uow.members.find(member_id)
    return member.full_name if member is not None else member_id


def _session(uow: UnitOfWork, session: Any) -> str:
    event = uow.events.find(session.event_id)
    title = f"« {event.title} », " if event is not None else ""
    return f"{title}{session.date:%d/%m/%Y}, {session.place}"


def _registration(uow: UnitOfWork, registration: Any) -> str:
    session = uow.sessions.find(registration.session_id)
    where = f" : {_session(uow, session)}" if session is not None else ""
    return f"{_member_name(uow, registration.member_id)}{where}"


def _advice(uow: UnitOfWork, request: Any) -> str:
    question = request.question if len(request.question) <= 40 else request.question[:39] + "…"
    return f"{request.requester}, {commune_label(uow, request.commune)} : « {question} »"


@attrs.frozen
class _Kind:
    label: str  # one record, French
    plural: str
    feminine: bool
    name: Callable[[UnitOfWork, Any], str]
    person: bool = False  # named by e-mail too

    @property
    def article(self) -> str:
        return "une" if self.feminine else "un"

    @property
    def none(self) -> str:
        return "aucune" if self.feminine else "aucun"


KINDS: dict[str, _Kind] = {
    "members": _Kind("membre", "membres", False, member_label, person=True),
    "events": _Kind("événement", "événements", False, lambda u, r: f"« {r.title} »"),
    "sessions": _Kind("séance", "séances", True, _session),
    "registrations": _Kind("inscription", "inscriptions", True, _registration),
    "surveys": _Kind("questionnaire", "questionnaires", False, lambda u, r: f"« {r.title} »"),
    "recurring_series": _Kind(
        "série récurrente", "séries récurrentes", True, lambda u, r: f"« {r.title} »"
    ),
    "resources": _Kind("ressource", "ressources", True, lambda u, r: f"« {r.title} »"),
    "advice_requests": _Kind("demande de conseil", "demandes de conseil", True, _advice),
    "access_requests": _Kind(
        "demande d'accès",
        "demandes d'accès",
        True,
        lambda u, r: f"{_member_name(u, r.member_id)} ({commune_label(u, r.commune)})",
    ),
    "partners": _Kind(
        "partenaire", "partenaires", False, lambda u, r: f"{r.name} ({r.organisation})"
    ),
    "trainees": _Kind("stagiaire", "stagiaires", False, lambda u, r: str(r.person)),
    "sanctions": _Kind(
        "sanction",
        "sanctions",
        True,
        lambda u, r: f"{_member_name(u, r.member_id)}, {r.kind.value} du {r.decided_on:%d/%m/%Y}",
    ),
    "abuse_reports": _Kind(
        "signalement",
        "signalements",
        False,
        lambda u, r: f"{_member_name(u, r.member_id)}, signalé le {r.reported_on:%d/%m/%Y}",
    ),
    "spaces": _Kind("espace", "espaces", False, lambda u, r: str(r.name)),
    "networks": _Kind("réseau", "réseaux", False, lambda u, r: str(r.name)),
    "outbox": _Kind("message", "messages", False, lambda u, r: f"« {r.subject} » à {r.recipient}"),
    "working_groups": _Kind(
        "groupe de travail", "groupes de travail", False, lambda u, r: f"« {r.name} »"
    ),
    "suggestions": _Kind(
        "suggestion",
        "suggestions",
        True,
        lambda u, r: f"{_member_name(u, r.member_id)}, reçue le {r.received_on:%d/%m/%Y}",
    ),
}


class RecordResolver:
    """``app.records``: a record named the one way every command accepts."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def resolve(self, kind: str, ref: str, *, rule: str | None = None) -> NamedRecord:
        """The record of ``kind`` (a collection: ``"members"``, ``"sessions"``,
        ``"resources"`` …) that ``ref`` names: its full id, a prefix of it of 8 characters or
        more that no other record of the kind shares, or for ``"members"`` an e-mail address
        (case ignored). Raises :class:`ValidationError` for a shorter prefix or a prefix several
        records share (the candidates listed by name), :class:`NotFoundError` when none;
        ``rule``, the rule of the act the record is named for, is the errors' rule."""
        with self.deps.read() as uow:
            record = find(uow, kind, ref, rule=rule)
            return NamedRecord(kind, record.id, KINDS[kind].name(uow, record))


def find(uow: UnitOfWork, kind: str, ref: str, *, rule: str | None = None) -> Any:
    """The record of ``kind`` that ``ref`` names, inside a use case's unit of work (the rules
    of :meth:`RecordResolver.resolve`); the refusals name ``rule``."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationError(
            f"sorte d'enregistrement inconnue : {kind!r} (au choix : {', '.join(KINDS)})",
            value=kind,
            rule=rule,
        )
    text = ref.strip() if isinstance(ref, str) else ""
    if not text:
        raise ValidationError(
            f"{spec.label} sans nom ni identifiant : identifiant attendu", value=ref, rule=rule
        )
    records = _matches(uow, kind, spec, text, rule)
    if len(records) == 1:
        return records[0]
    if not records:
        how = "l'adresse" if spec.person and "@" in text else "l'identifiant"
        who = "personne inconnue : " if spec.person else ""
        raise NotFoundError(
            f"{who}{spec.none} {spec.label} n'a {how} « {text} »", value=text, rule=rule
        )
    shown = _distinct_prefixes([r.id for r in records])
    candidates = " ; ".join(
        f"{spec.name(uow, r)} ({shown[r.id]})" for r in sorted(records, key=_by_id)
    )
    raise ValidationError(
        f"« {text} » est ambigu : {len(records)} {spec.plural} y correspondent : "
        f"{candidates} ; donnez davantage de caractères de l'identifiant",
        value=text,
        rule=rule,
    )


def _matches(uow: UnitOfWork, kind: str, spec: _Kind, text: str, rule: str | None) -> list[Any]:
    repository = uow.repository(kind)
    if kind != "resources":  # the one kind whose key holds a version too
        exact = repository.find(text)
        if exact is not None:
            return [exact]
    if spec.person and "@" in text:
        found = uow.members.list({"email": text.lower()})
        return found or [
            m for m in uow.members.list() if (m.email or "").casefold() == text.casefold()
        ]
    if len(text) < MIN_PREFIX:
        person = ", ou son adresse électronique" if spec.person else ""
        raise ValidationError(
            f"« {text} » est trop court pour nommer {spec.article} {spec.label} : donnez son "
            f"identifiant entier ou au moins ses {MIN_PREFIX} premiers caractères{person}",
            value=text,
            rule=rule,
        )
    wanted = text.lower()
    latest: dict[str, Any] = {}
    for record in repository.list():
        if str(record.id).lower().startswith(wanted):
            latest[record.id] = record  # a resource's versions share one id
    return list(latest.values())


def _by_id(record: Any) -> str:
    return str(record.id)


def _distinct_prefixes(ids: list[str]) -> dict[str, str]:
    """Each id's shortest prefix (8 characters at least) that no other of ``ids`` shares."""
    shown = {}
    for key in ids:
        size = MIN_PREFIX
        while size < len(key) and any(o != key and o.startswith(key[:size]) for o in ids):
            size += 1
        shown[key] = key[:size]
    return shown
