"""The network's means (NET-8): ``app.means``. Budget lines per year, venues and the venue of each
session, the speakers of each session, the animators' time; each act one unit of work, done by
CDG staff (CHA-2, :attr:`~rsgm_core.domain.authorization.Operation.MANAGE_MEANS`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.authorization import Operation, ended
from rsgm_core.domain.directory import fold
from rsgm_core.domain.events import RegistrationStatus
from rsgm_core.domain.means import (
    RULE,
    Activity,
    BudgetLine,
    BudgetNature,
    EventCost,
    Speaker,
    SpeakerKind,
    TimeEntry,
    Venue,
    VenueChoice,
    budget_amount,
    budget_nature,
    check_venue_fits,
    event_costs,
)
from rsgm_core.domain.means import activity as read_activity
from rsgm_core.domain.means_summary import Budget, MeansSummary, budget_of
from rsgm_core.domain.partners import PartnerCategory
from rsgm_core.errors import NotFoundError, RuleViolation, ValidationError
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id
from rsgm_core.services.naming import find

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["MeansService"]

_MIN_PREFIX = 8


class MeansService:
    """``app.means``: what the network runs on (NET-8), and what the annual report shows of it."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # --- Budget ---------------------------------------------------------------------------

    def add_budget_line(
        self,
        nature: BudgetNature | str,
        label: str,
        planned: Decimal | int | str,
        *,
        year: int,
        by: str,
        actual: Decimal | int | str | None = None,
        event_id: str | None = None,
    ) -> BudgetLine:
        """Record a budget line of ``year``: its nature, what it pays for, the amount planned
        and, when known, the amount spent; linked to ``event_id``, it adds to that event's cost
        (the sum of its lines, EVT-7's tracking table). Refused, nothing written: an unknown
        nature, a negative, non-numeric or sub-cent amount (NET-8), an unknown event."""
        line_nature = budget_nature(nature)
        amount = budget_amount(planned, what="montant prévu")
        spent = None if actual is None else budget_amount(actual, what="montant réalisé")
        with self.deps.transaction() as uow:
            day = self.deps.today()
            actor = authorize(uow, by, Operation.MANAGE_MEANS, on=day)
            event = None if event_id is None else find(uow, "events", event_id, rule=RULE).id
            line = uow.budget_lines.add(
                BudgetLine(
                    new_id(),
                    year,
                    line_nature,
                    label.strip(),
                    amount,
                    spent,
                    event_id=event,
                    recorded_by=actor.id,
                    recorded_on=day,
                )
            )
            if event is not None:
                _sync_event_cost(uow, event)
            return line

    def record_actual(self, line_id: str, actual: Decimal | int | str, *, by: str) -> BudgetLine:
        """Record (or correct) the amount actually spent on a line (NET-8); its event's cost
        follows."""
        spent = budget_amount(actual, what="montant réalisé")
        with self.deps.transaction() as uow:
            day = self.deps.today()
            actor = authorize(uow, by, Operation.MANAGE_MEANS, on=day)
            line = _line(uow, line_id)
            line = uow.budget_lines.update(
                attrs.evolve(line, actual=spent, recorded_by=actor.id, recorded_on=day)
            )
            if line.event_id is not None:
                _sync_event_cost(uow, line.event_id)
            return line

    def remove_budget_line(self, line_id: str, *, by: str) -> BudgetLine:
        """Delete a line entered by mistake; its event's cost follows (NET-8)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_MEANS, on=self.deps.today())
            line = _line(uow, line_id)
            uow.budget_lines.remove(line.id)
            if line.event_id is not None:
                _sync_event_cost(uow, line.event_id)
            return line

    def list_budget_lines(
        self,
        *,
        year: int | None = None,
        event_id: str | None = None,
        nature: BudgetNature | str | None = None,
    ) -> list[BudgetLine]:
        """The lines of ``year``, of ``event_id``, of ``nature``, by year, nature and label."""
        where: dict[str, Any] = {}
        if year is not None:
            where["year"] = year
        if event_id is not None:
            where["event_id"] = event_id
        if nature is not None:
            where["nature"] = budget_nature(nature)
        with self.deps.read() as uow:
            found = uow.budget_lines.list(where or None)
        order = {n: i for i, n in enumerate(BudgetNature)}
        return sorted(found, key=lambda l_: (l_.year, order[l_.nature], fold(l_.label), l_.id))

    def budget(self, *, year: int) -> Budget:
        """NET-8: the budget of ``year``: planned and spent by nature, the cost of each event."""
        return budget_of(year, self.list_budget_lines(year=year))

    def event_cost(self, event_id: str) -> EventCost:
        """NET-8: the cost of an event, the sum of its lines (zero without any)."""
        with self.deps.read() as uow:
            event = find(uow, "events", event_id, rule=RULE)
            lines = uow.budget_lines.list({"event_id": event.id})
        zero = Decimal("0.00")
        return event_costs(lines).get(event.id, EventCost(event.id, zero, zero, zero, 0))

    def export_budget(self, *, year: int, format: str = "csv") -> str | bytes:
        """The lines of ``year`` for a spreadsheet (docs/exports.md): ``csv`` (text) or ``xlsx``
        (typed cells: amounts as euros, the ``xlsx`` extra)."""
        from rsgm_core.services.means_report import budget_export

        with self.deps.read() as uow:
            return budget_export(uow, year, format)

    # --- Venues ---------------------------------------------------------------------------

    def add_venue(
        self,
        name: str,
        address: str,
        capacity: int,
        *,
        by: str,
        commune: str | None = None,
        equipment: Iterable[str] = (),
        accessibility: str | None = None,
        opener: str | None = None,
    ) -> Venue:
        """Record a room (NET-8, Fiche 2.1): address, seats, equipment, accessibility, and who
        opens it (``opener``: a name, a phone)."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_MEANS, on=self.deps.today())
            code = None if commune is None else uow.communes.get(commune.strip()).code
            return uow.venues.add(
                Venue(
                    new_id(),
                    name.strip(),
                    address.strip(),
                    capacity,
                    commune=code,
                    equipment=tuple(equipment),
                    accessibility=_blank(accessibility),
                    opener=_blank(opener),
                )
            )

    def list_venues(self) -> list[Venue]:
        """The venues, by name."""
        with self.deps.read() as uow:
            return sorted(uow.venues.list(), key=lambda v: (fold(v.name), v.id))

    def get_venue(self, venue: str) -> Venue:
        """The venue named by its id, an id prefix (8 characters) or its name."""
        with self.deps.read() as uow:
            return _venue(uow, venue)

    def choose_venue(self, session_id: str, venue: str, *, by: str) -> VenueChoice:
        """Hold ``session_id`` in ``venue`` (id, id prefix or name): the session's place becomes
        the venue's name. Refused, nothing written, when the session's capacity (else the people
        already registered) exceeds the venue's seats (NET-8)."""
        with self.deps.transaction() as uow:
            day = self.deps.today()
            actor = authorize(uow, by, Operation.MANAGE_MEANS, on=day)
            session = find(uow, "sessions", session_id, rule=RULE)
            room = _venue(uow, venue)
            registered = sum(
                1
                for r in uow.registrations.list({"session_id": session.id})
                if r.status is RegistrationStatus.CONFIRMED
            )
            check_venue_fits(
                room, capacity=session.capacity, registered=registered, place=session.place
            )
            choice = VenueChoice(session.id, session.event_id, room.id, day, actor.id)
            if uow.venue_choices.find(session.id) is None:
                uow.venue_choices.add(choice)
            else:
                uow.venue_choices.update(choice)
            if session.place != room.name:
                uow.sessions.update(attrs.evolve(session, place=room.name))
            return choice

    def venue_of(self, session_id: str) -> Venue | None:
        """The venue chosen for ``session_id``, if any."""
        with self.deps.read() as uow:
            choice = uow.venue_choices.find(session_id)
            return None if choice is None else uow.venues.find(choice.venue_id)

    # --- Speakers -------------------------------------------------------------------------

    def add_speaker(
        self, session_id: str, speaker: str, *, by: str, topic: str | None = None
    ) -> Speaker:
        """``speaker`` speaks at ``session_id`` (NET-8, Fiche 2.2): a member (id, id prefix or
        e-mail) or a partner card of the directory (id, id prefix or name; a card of category
        « service interne du CDG » is a CDG service). The partner's years of intervention follow
        (MEM-10). Refused, nothing written: someone who is neither."""
        with self.deps.transaction() as uow:
            authorize(uow, by, Operation.MANAGE_MEANS, on=self.deps.today())
            session = find(uow, "sessions", session_id, rule=RULE)
            kind, member_id, partner_id = _speaker(uow, speaker)
            for other in uow.speakers.list({"session_id": session.id}):
                if (other.member_id, other.partner_id) == (member_id, partner_id):
                    raise RuleViolation(  # needs storage: the session's speakers
                        f"« {speaker} » intervient déjà à cette séance",
                        rule=RULE,
                        value=speaker,
                    )
            return uow.speakers.add(
                Speaker(
                    new_id(),
                    session.id,
                    session.event_id,
                    kind,
                    member_id=member_id,
                    partner_id=partner_id,
                    topic=_blank(topic),
                )
            )

    def list_speakers(
        self, *, session_id: str | None = None, event_id: str | None = None, year: int | None = None
    ) -> list[Speaker]:
        """The speakers of ``session_id``, of ``event_id``, or of the sessions of ``year``, by
        session date."""
        where: dict[str, Any] = {}
        if session_id is not None:
            where["session_id"] = session_id
        if event_id is not None:
            where["event_id"] = event_id
        with self.deps.read() as uow:
            found = uow.speakers.list(where or None)
            days = {s.id: s.date for s in uow.sessions.list()}
        if year is not None:
            found = [s for s in found if s.session_id in days and days[s.session_id].year == year]
        return sorted(found, key=lambda s: (days.get(s.session_id, dt.date.min), s.id))

    # --- Animators' time ------------------------------------------------------------------

    def log_time(
        self,
        member_id: str,
        minutes: int,
        activity: Activity | str,
        *,
        by: str,
        on: dt.date | None = None,
        note: str | None = None,
        event_id: str | None = None,
    ) -> TimeEntry:
        """Log ``minutes`` an animator (``member_id``: id, prefix or e-mail) gave to the
        network on ``on`` (default today), for an activity (NET-8). Advice requests keep their
        own time (CNS-1): the report adds it."""
        kind = read_activity(activity)
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_MEANS, on=self.deps.today())
            animator = find(uow, "members", member_id, rule=RULE)
            if ended(animator, on=day):
                raise RuleViolation(  # needs storage: the animator's record
                    f"{animator.full_name} : ses fonctions ont pris fin, son temps ne peut plus "
                    "être saisi comme temps d'animation",
                    rule=RULE,
                    value=animator.id,
                )
            event = None if event_id is None else find(uow, "events", event_id, rule=RULE).id
            return uow.time_entries.add(
                TimeEntry(
                    new_id(),
                    animator.id,
                    day,
                    minutes,
                    kind,
                    note=_blank(note),
                    event_id=event,
                    recorded_by=actor.id,
                )
            )

    def list_time_entries(
        self, *, year: int | None = None, member_id: str | None = None
    ) -> list[TimeEntry]:
        """The time logged in ``year``, by ``member_id``, by day."""
        where = None if member_id is None else {"member_id": member_id}
        with self.deps.read() as uow:
            found = uow.time_entries.list(where)
        if year is not None:
            found = [e for e in found if e.day.year == year]
        return sorted(found, key=lambda e: (e.day, e.id))

    def summary(self, *, year: int) -> MeansSummary:
        """NET-8, IND-2: the year's means: budget by nature and event, venues used, speakers by
        kind, animators' time (advice minutes included)."""
        from rsgm_core.services.means_report import means_summary

        with self.deps.read() as uow:
            return means_summary(self.deps, uow, year)


def _blank(text: str | None) -> str | None:
    return None if text is None or not text.strip() else text.strip()


def _line(uow: UnitOfWork, line_id: str) -> BudgetLine:
    found = _by_id_or_prefix(uow.budget_lines.list(), line_id)
    if found is None:
        raise NotFoundError(
            f"aucune ligne de budget n'a l'identifiant « {line_id} »", rule=RULE, value=line_id
        )
    return found


def _by_id_or_prefix(records: Iterable[Any], ref: str) -> Any:
    text = ref.strip().lower()
    exact = [r for r in records if r.id == ref.strip()]
    if exact or len(text) < _MIN_PREFIX:
        return exact[0] if exact else None
    found = [r for r in records if r.id.lower().startswith(text)]
    if len(found) > 1:
        raise ValidationError(
            f"« {ref} » est ambigu : donnez davantage de caractères de l'identifiant",
            rule=RULE,
            value=ref,
        )
    return found[0] if found else None


def _venue(uow: UnitOfWork, ref: str) -> Venue:
    venues = uow.venues.list()
    found = _by_id_or_prefix(venues, ref)
    if found is None:
        named = [v for v in venues if fold(v.name) == fold(ref)]
        if len(named) > 1:
            raise ValidationError(
                f"plusieurs lieux s'appellent « {ref} » : donnez leur identifiant",
                rule=RULE,
                value=ref,
            )
        found = named[0] if named else None
    if found is None:
        raise NotFoundError(f"aucun lieu ne s'appelle « {ref} »", rule=RULE, value=ref)
    return found


def _speaker(uow: UnitOfWork, ref: str) -> tuple[SpeakerKind, str | None, str | None]:
    """NET-8: who ``ref`` names: a member, or a partner card (a CDG service by its category)."""
    text = ref.strip() if isinstance(ref, str) else ""
    member = None
    try:
        member = find(uow, "members", text, rule=RULE) if text else None
    except (NotFoundError, ValidationError):
        member = None
    partners = uow.partners.list()
    partner = _by_id_or_prefix(partners, text) if text else None
    if partner is None and text:
        named = [p for p in partners if fold(p.name) == fold(text)]
        partner = named[0] if len(named) == 1 else None
    if member is not None and partner is None:
        return SpeakerKind.MEMBER, member.id, None
    if partner is not None and member is None:
        kind = (
            SpeakerKind.CDG_SERVICE
            if partner.category is PartnerCategory.CDG_SERVICE
            else SpeakerKind.PARTNER
        )
        return kind, None, partner.id
    if member is not None:
        raise ValidationError(
            f"« {ref} » désigne à la fois un membre et un partenaire : donnez l'identifiant",
            rule=RULE,
            value=ref,
        )
    raise RuleViolation(  # needs storage: the members and the partner directory
        f"intervenant refusé : « {ref} » n'est ni un membre du réseau, ni un partenaire de "
        "l'annuaire, ni un service du CDG (ajoutez d'abord sa fiche : rsgm network partners add)",
        rule=RULE,
        value=ref,
    )


def _sync_event_cost(uow: UnitOfWork, event_id: str) -> None:
    """NET-8: an event's cost is the sum of its lines (the amount spent, else planned)."""
    event = uow.events.get(event_id)
    lines = uow.budget_lines.list({"event_id": event_id})
    cost = sum((line.cost for line in lines), Decimal("0.00"))
    if cost != event.cost:
        uow.events.update(attrs.evolve(event, cost=cost))
