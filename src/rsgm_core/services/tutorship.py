"""Tutorship (MEM-13, ``app.tutors``): a tutor paired with each newcomer from arrival to the
3-month review (MEM-5), at most ``[politiques] nouveaux_par_tuteur`` newcomers per tutor at once
(2 by default), and successors proposed by shared expertise for a tutor who leaves or disengages
(MEM-8). The onboarding items « tuteur désigné » and « bilan avec le tuteur à 3 mois » follow the
pairing (:mod:`rsgm_core.services.onboarding`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.directory import FactKind
from rsgm_core.domain.engagement import NetworkRole, why_away
from rsgm_core.domain.indicators import Period, Scope
from rsgm_core.domain.lifecycle import OnboardingStep
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.report_sections import ReportPart, ReportSection, ReportTable
from rsgm_core.domain.rgpd import check_editable
from rsgm_core.domain.territory import Commune
from rsgm_core.domain.tutorship import (
    TutorCandidate,
    Tutorship,
    TutorshipEnd,
    check_limit,
    check_tutor,
    rank_tutors,
    review_due,
)
from rsgm_core.errors import ConflictError, NotFoundError, ValidationError
from rsgm_core.render.french import plural
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id
from rsgm_core.services.onboarding import tick_step

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["Succession", "TutorshipService", "tutorship_section"]


@attrs.frozen
class Succession:
    """MEM-8, MEM-13: a newcomer whose tutor is leaving, gone or disengaged (``why``), and who
    could take over, best first (shared expertise with the tutor first)."""

    tutorship: Tutorship
    tutor: Member
    newcomer: Member
    why: str
    candidates: tuple[TutorCandidate, ...]


class TutorshipService:
    """``app.tutors``: pairings of tutors and newcomers (MEM-13)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def limit(self) -> int:
        """MEM-13: newcomers per tutor at once, from the profile (2 by default)."""
        return self.deps.settings.policies.tutor_limit

    def list_candidates(
        self, *, newcomer_id: str, on: dt.date | None = None
    ) -> list[TutorCandidate]:
        """MEM-13: who could tutor this newcomer, best first: same EPCI, shared expertise and
        software, the tutor role, fewer newcomers carried; members at their limit are left out."""
        day = self.deps.on(on)
        with self.deps.read() as uow:
            newcomer = uow.members.get(newcomer_id)
            mine = uow.directory_facts.list({"member_id": newcomer.id})
            return _rank(
                uow, self.deps, newcomer, day, limit=self.limit,
                expertises={f.key for f in mine if f.kind is FactKind.EXPERTISE},
                software={f.key for f in mine if f.kind is FactKind.SOFTWARE},
                exclude={newcomer.id},
            )  # fmt: skip

    def pair(
        self,
        newcomer_id: str,
        tutor_id: str,
        *,
        by: str,
        on: dt.date | None = None,
        force: bool = False,
    ) -> Tutorship:
        """MEM-13: ``tutor_id`` accompanies the newcomer from ``on`` (today) to the review due 3
        months after the newcomer's arrival (or ``on``); the tutor is an active member under
        their limit (over it only with ``force``, recorded on the pairing). The onboarding item
        « tuteur désigné » is ticked that day. A newcomer has one tutor at a time."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            newcomer = uow.members.get(newcomer_id)
            check_editable(newcomer, "ce tutorat")  # MEM-11, MEM-4
            current = _current(uow, newcomer.id)
            if current is not None:
                tutor = uow.members.get(current.tutor_id)
                raise ConflictError(  # needs storage: the pairings as they stand
                    f"{newcomer.full_name} a déjà un tuteur, {tutor.full_name}, depuis le "
                    f"{current.started_on:%d/%m/%Y} : passez le relais (rsgm tutors relay) plutôt "
                    "que d'en nommer un second ; rien n'a été enregistré",
                    rule="MEM-13",
                    value=newcomer.id,
                )
            pairing = _pair(
                uow, self.deps, newcomer, tutor_id, day=day, force=force, by=actor.id,
                due=review_due(newcomer.arrival or day),
            )  # fmt: skip
            return pairing

    def relay(
        self,
        newcomer_id: str,
        tutor_id: str,
        *,
        by: str,
        on: dt.date | None = None,
        force: bool = False,
    ) -> Tutorship:
        """MEM-8, MEM-13: another tutor takes over the newcomer from ``on`` (today), to the same
        review date; the former pairing ends that day (« relais »)."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            newcomer = uow.members.get(newcomer_id)
            current = _require_current(uow, newcomer)
            uow.tutorships.update(
                attrs.evolve(current, ended_on=day, end=TutorshipEnd.SUCCESSOR, ended_by=actor.id)
            )
            return _pair(
                uow, self.deps, newcomer, tutor_id, day=day, force=force, by=actor.id,
                due=current.review_due,
            )  # fmt: skip

    def review(self, newcomer_id: str, *, by: str, on: dt.date | None = None) -> Tutorship:
        """MEM-5, MEM-13: the 3-month review with the tutor was held on ``on`` (today): the
        pairing ends that day, recorded, and the onboarding item « bilan avec le tuteur à 3
        mois » is ticked."""
        day = self.deps.on(on)
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=self.deps.today())
            newcomer = uow.members.get(newcomer_id)
            current = _require_current(uow, newcomer)
            if day > self.deps.today():
                raise ValidationError(
                    f"bilan daté du {day:%d/%m/%Y}, après aujourd'hui : un bilan s'enregistre "
                    "une fois tenu ; rien n'a été enregistré",
                    rule="MEM-13",
                    value=day,
                )
            if day < current.started_on:
                raise ConflictError(  # needs storage: the pairing's start
                    f"bilan le {day:%d/%m/%Y} avant le début du tutorat de {newcomer.full_name} "
                    f"({current.started_on:%d/%m/%Y}) ; rien n'a été enregistré",
                    rule="MEM-13",
                    value=day,
                )
            tick_step(uow, newcomer.id, OnboardingStep.TUTOR_REVIEW, day)
            return uow.tutorships.update(
                attrs.evolve(current, ended_on=day, end=TutorshipEnd.REVIEW, ended_by=actor.id)
            )

    def list_tutorships(
        self,
        *,
        tutor_id: str | None = None,
        newcomer_id: str | None = None,
        current: bool | None = None,
    ) -> list[Tutorship]:
        """MEM-13: the pairings, by start date; ``current`` keeps those running (True) or ended
        (False)."""
        wanted: dict[str, object] = {}
        if tutor_id is not None:
            wanted["tutor_id"] = tutor_id
        if newcomer_id is not None:
            wanted["newcomer_id"] = newcomer_id
        with self.deps.read() as uow:
            found = uow.tutorships.list(wanted)
        if current is not None:
            found = [t for t in found if t.current is current]
        return sorted(found, key=lambda t: (t.started_on, t.id))

    def list_successions(self, *, on: dt.date | None = None) -> list[Succession]:
        """MEM-8, MEM-13: each running pairing whose tutor left, announced a departure or is
        disengaged (MEM-7), with successors ranked by the expertise they share with that tutor,
        then as for a pairing (same EPCI as the newcomer, software, load)."""
        from rsgm_core.services.network import NetworkService

        day = self.deps.on(on)
        away = {d.member_id for d in NetworkService(self.deps).list_disengaged(on=day)}
        found = []
        with self.deps.read() as uow:
            for pairing in uow.tutorships.list({"ended_on": None}):
                tutor = uow.members.get(pairing.tutor_id)
                why = why_away(tutor, disengaged=tutor.id in away)
                if why is None:
                    continue
                newcomer = uow.members.get(pairing.newcomer_id)
                held = uow.directory_facts.list({"member_id": tutor.id})
                candidates = _rank(
                    uow, self.deps, newcomer, day, limit=self.limit,
                    expertises={f.key for f in held if f.kind is FactKind.EXPERTISE},
                    software={f.key for f in held if f.kind is FactKind.SOFTWARE},
                    exclude={newcomer.id, tutor.id}, expertise_first=True,
                )  # fmt: skip
                found.append(Succession(pairing, tutor, newcomer, why, tuple(candidates)))
        return sorted(found, key=lambda s: (s.tutor.last_name, s.newcomer.last_name))


def _current(uow: UnitOfWork, newcomer_id: str) -> Tutorship | None:
    running = uow.tutorships.list({"newcomer_id": newcomer_id, "ended_on": None})
    return running[0] if running else None


def _require_current(uow: UnitOfWork, newcomer: Member) -> Tutorship:
    current = _current(uow, newcomer.id)
    if current is None:
        raise NotFoundError(
            f"{newcomer.full_name} n'a pas de tuteur en ce moment (rsgm tutors pair d'abord)",
            rule="MEM-13",
            value=newcomer.id,
        )
    return current


def _loads(uow: UnitOfWork) -> dict[str, int]:
    loads: dict[str, int] = {}
    for pairing in uow.tutorships.list({"ended_on": None}):
        loads[pairing.tutor_id] = loads.get(pairing.tutor_id, 0) + 1
    return loads


def _pair(
    uow: UnitOfWork,
    deps: Deps,
    newcomer: Member,
    tutor_id: str,
    *,
    day: dt.date,
    due: dt.date,
    force: bool,
    by: str,
) -> Tutorship:
    tutor = uow.members.get(tutor_id)
    check_tutor(tutor, newcomer)
    if _current(uow, tutor.id) is not None:
        raise ConflictError(  # needs storage: the pairings as they stand
            f"{tutor.full_name} a encore un tuteur : un arrivant ne tutore "
            "pas avant son bilan à 3 mois ; rien n'a été enregistré",
            rule="MEM-13",
            value=tutor.id,
        )
    forced = check_limit(
        tutor, _loads(uow).get(tutor.id, 0), deps.settings.policies.tutor_limit, force=force
    )
    pairing = uow.tutorships.add(
        Tutorship(new_id(), newcomer.id, tutor.id, day, due, forced=forced, assigned_by=by)
    )
    tick_step(uow, newcomer.id, OnboardingStep.TUTOR, day)
    return pairing


def _rank(
    uow: UnitOfWork,
    deps: Deps,
    newcomer: Member,
    day: dt.date,
    *,
    limit: int,
    expertises: set[str],
    software: set[str],
    exclude: set[str],
    expertise_first: bool = False,
) -> list[TutorCandidate]:
    members = uow.members.list({"lifecycle": Lifecycle.ACTIVE})
    ids = [m.id for m in members]
    positions = [p for p in uow.positions.list({"member_id": ids}) if p.active_on(day)]
    codes = sorted({p.commune for p in positions})
    communes = {c.code: c for c in uow.communes.list({"code": codes})} if codes else {}
    places: dict[str, list[Commune]] = {}
    for p in positions:
        if p.commune in communes:
            places.setdefault(p.member_id, []).append(communes[p.commune])
    keys = sorted(expertises | software)
    facts = uow.directory_facts.list({"member_id": ids, "key": keys}) if keys else []
    tutors = {
        r.member_id
        for r in uow.network_roles.list({"role": NetworkRole.TUTOR})
        if r.current_on(day)
    }
    being_tutored = {t.newcomer_id for t in uow.tutorships.list({"ended_on": None})}
    return rank_tutors(
        places.get(newcomer.id, ()), members, places, facts, _loads(uow), limit=limit,
        expertises=expertises, software=software, tutors=tutors,
        exclude=exclude | being_tutored, expertise_first=expertise_first,
    )  # fmt: skip


def tutorship_section(
    deps: Deps, uow: UnitOfWork, period: Period, scope: Scope
) -> ReportSection | None:
    """IND-2, MEM-13: the annual report's « Tutorat des arrivants »: the pairings started in
    ``period``, those ended at the 3-month review, the relays, and per tutor the newcomers
    accompanied; newcomers of the scope only (their positions' communes)."""
    pairings = [
        t for t in uow.tutorships.list() if t.started_on <= period.end
        and (t.ended_on is None or t.ended_on >= period.start)
    ]  # fmt: skip
    if scope.kind != "cdg":
        pairings = [t for t in pairings if t.newcomer_id in _in_scope(uow, scope)]
    started = [t for t in pairings if t.started_on in period]
    reviewed = [t for t in pairings if t.end is TutorshipEnd.REVIEW and _within(t.ended_on, period)]
    relayed = [
        t for t in pairings if t.end is TutorshipEnd.SUCCESSOR and _within(t.ended_on, period)
    ]
    running = [t for t in pairings if t.ended_on is None or t.ended_on > period.end]
    lines = []
    if pairings:
        lines.append(
            f"{plural(len(started), 'arrivant apparié', 'arrivants appariés')} à un tuteur dans "
            "l'année"
        )
        days = [(t.ended_on - t.started_on).days for t in reviewed if t.ended_on]
        average = f" (en {plural(round(sum(days) / len(days)), 'jour')} en moyenne)" if days else ""
        lines.append(
            f"{plural(len(reviewed), 'tutorat clos', 'tutorats clos')} au bilan à 3 mois{average}"
        )
        if relayed:
            lines.append(
                f"{plural(len(relayed), 'relais pris', 'relais pris')} par un autre tuteur"
            )
        lines.append(
            f"{plural(len(running), 'tutorat en cours', 'tutorats en cours')} au "
            f"{period.end:%d/%m/%Y}"
        )
        forced = sum(1 for t in started if t.forced)
        if forced:
            lines.append(
                f"{plural(forced, 'appariement forcé', 'appariements forcés')} au-delà de la "
                "limite par tuteur"
            )
    names = {
        m.id: m.full_name for m in uow.members.list({"id": sorted({t.tutor_id for t in pairings})})
    }
    per_tutor: dict[str, list[Tutorship]] = {}
    for t in pairings:
        per_tutor.setdefault(t.tutor_id, []).append(t)
    rows = [
        (
            names.get(tutor, tutor),
            str(len(mine)),
            str(
                sum(1 for t in mine if t.end is TutorshipEnd.REVIEW and _within(t.ended_on, period))
            ),
        )
        for tutor, mine in sorted(per_tutor.items(), key=lambda kv: names.get(kv[0], kv[0]))
    ]
    table = ReportTable(("Tuteur", "Arrivants accompagnés", "Bilans tenus"), rows, numeric_from=1)
    return ReportSection(
        ReportPart.ACTIONS, "Tutorat des arrivants", lines=lines, table=table if rows else None,
        empty="Aucun tutorat cette année.",
    )  # fmt: skip


def _in_scope(uow: UnitOfWork, scope: Scope) -> set[str]:
    field = "epci" if scope.kind == "epci" else "departement"
    codes = [c.code for c in uow.communes.list({field: scope.code})]
    return {p.member_id for p in uow.positions.list({"commune": codes})} if codes else set()


def _within(day: dt.date | None, period: Period) -> bool:
    return day is not None and day in period
