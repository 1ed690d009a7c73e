"""A network's history (EVT-12), as ``app.history``: past events with their attendance, past
surveys with their results and former members imported from a file, outside the planning rules
and flagged as history; the platform's own member list (:mod:`.platform_import`).

One import is one transaction: every row is checked (the file, then against storage) and every
problem of every row reported at once in a French :class:`~rsgm_core.errors.SourceDataError`
naming the line, the column, the value and the rule; nothing is written unless every row is
good. A dry run checks everything and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.animation import Survey, SurveyAnswer
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.directory import fold
from rsgm_core.domain.events import Event, Registration, RegistrationStatus, Session, SurveyKind
from rsgm_core.domain.governance import Network, NetworkKind
from rsgm_core.domain.history import (
    RULE,
    HistoryEntry,
    HistoryKind,
    french_date,
    transitions_of,
)
from rsgm_core.domain.history_import import (
    EventRow,
    HistoryProblem,
    MemberRow,
    SurveyRow,
    detect_kind,
    parse_history,
)
from rsgm_core.domain.members import Lifecycle, Member, Position, validate_email
from rsgm_core.domain.timeline import TaskKind
from rsgm_core.errors import RsgmError, SourceDataError
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id
from rsgm_core.services.platform_import import (
    PlatformImport,
    import_platform_accounts,
    open_table,
)

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["HistoryImport", "HistoryService", "first_event_date"]


@attrs.frozen
class HistoryImport:
    """What a history import did, or would do (``dry_run``): one line per record, in French,
    and the counts."""

    kind: HistoryKind
    source: str
    dry_run: bool
    lines: tuple[str, ...]
    events: int = 0
    attendances: int = 0
    surveys: int = 0
    answers: int = 0
    members: int = 0
    departed: int = 0


class _DryRun(Exception):
    def __init__(self, result: HistoryImport) -> None:
        self.result = result


def first_event_date(uow: UnitOfWork, network: Network) -> dt.date | None:
    """EVT-12: the first day an event of ``network`` met (every event for a departmental
    network, whose history covers its community networks')."""
    events = uow.events.list()
    if network.kind is NetworkKind.COMMUNITY:
        events = [e for e in events if e.network_id == network.id]
    wanted = {e.id for e in events}
    return min((s.date for s in uow.sessions.list() if s.event_id in wanted), default=None)


class HistoryService:
    """``app.history`` (EVT-12): the network's past, entered after the fact."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def import_file(
        self,
        path: str | Path,
        *,
        by: str,
        kind: HistoryKind | str | None = None,
        dry_run: bool = False,
    ) -> HistoryImport:
        """EVT-12: past events (with the e-mails of those present), past surveys (with their
        answers and scores) or former members, from a CSV or XLSX file whose columns are found by
        their French headers; ``kind`` when the headers do not say it. All rows or none; every
        problem reported at once. ``by``: an animator or administrator (CHA-2)."""
        path = Path(path)
        headers, rows = open_table(path)
        try:
            wanted = _kind(kind) if kind is not None else detect_kind(headers)
            today = self.deps.today()
            parsed, problems = parse_history(wanted, headers, rows, today=today)
        finally:
            rows.close()
        try:
            with self.deps.transaction() as uow:
                actor = authorize(uow, by, Operation.MANAGE_NETWORK, on=today)
                writer = _Writer(uow, path.name, today, actor.id, problems)
                result: HistoryImport = _IMPORTERS[wanted](writer, parsed)
                if problems:
                    raise _refused(path, problems)
                result = attrs.evolve(result, source=path.name, dry_run=dry_run)
                if dry_run:
                    raise _DryRun(result)  # leaves the unit of work without committing
        except _DryRun as done:
            return done.result
        return result

    def list_entries(self, *, kind: HistoryKind | str | None = None) -> list[HistoryEntry]:
        """EVT-12: what was entered as history, by import day, file and line."""
        where = None if kind is None else {"kind": _kind(kind)}
        with self.deps.read() as uow:
            found = uow.history_entries.list(where)
        return sorted(found, key=lambda e: (e.imported_on, e.source, e.line, e.id))

    def import_platform_accounts(
        self, path: str | Path, *, by: str, platform: str = "interstis", dry_run: bool = False
    ) -> PlatformImport:
        """CHA-2, EVT-12: the member list exported from the collaboration platform, recorded as
        what the platform already holds (:mod:`rsgm_core.services.platform_import`)."""
        return import_platform_accounts(
            self.deps, Path(path), by=by, platform=platform, dry_run=dry_run
        )


def _kind(value: HistoryKind | str) -> HistoryKind:
    from rsgm_core.domain.enums import read_enum

    return read_enum(HistoryKind, value, "nature d'historique inconnue", rule=RULE)


def _refused(path: Path, problems: list[HistoryProblem]) -> SourceDataError:
    count = len(problems)
    listed = "\n".join(f"  {p}" for p in sorted(problems, key=lambda p: (p.line, p.column)))
    word = "problème" if count == 1 else "problèmes"
    return SourceDataError(
        f"{count} {word}, rien n'a été enregistré :\n{listed}",
        source=str(path),
        rule=problems[0].rule,
        value=problems[0].value,
    )


class _Writer:
    """The state an import reads and writes in its one unit of work."""

    def __init__(
        self, uow: UnitOfWork, source: str, today: dt.date, actor: str,
        problems: list[HistoryProblem],
    ) -> None:  # fmt: skip
        self.uow, self.source, self.today, self.actor = uow, source, today, actor
        self.problems = problems
        self.unread = {p.line for p in problems}  # rows with a field not read: a default there
        self.entries: list[HistoryEntry] = []

    def problem(self, line: int, column: str, value: str, message: str, rule: str = RULE) -> None:
        self.problems.append(HistoryProblem(line, column, value, message, rule))

    def flag(self, kind: HistoryKind, record_id: str, line: int) -> None:
        self.entries.append(
            HistoryEntry(new_id(), kind, record_id, self.source, line, self.today, self.actor)
        )

    def members_by_email(self) -> dict[str, Member]:
        return {m.email.lower(): m for m in self.uow.members.list() if m.email}

    def created_on(self) -> dt.date | None:
        departmental = self.uow.networks.list({"kind": NetworkKind.DEPARTMENTAL})
        return min((n.created_on for n in departmental if n.created_on), default=None)


def _events(w: _Writer, rows: list[EventRow]) -> HistoryImport:
    members = w.members_by_email()
    created = w.created_on()
    known = _known_events(w.uow)
    seen: set[tuple[str, dt.date]] = set()
    events, sessions, registrations, lines = [], [], [], []
    done = tuple(t.value for t in TaskKind)
    for row in rows:
        key = (fold(row.title), row.date)
        # a row with a field not read holds a default there: only its other checks are made
        if row.line not in w.unread and created is not None and row.date < created:
            w.problem(row.line, "Date", french_date(row.date),
                      f"événement antérieur à la création du réseau ({french_date(created)}) : "
                      "donnez d'abord la vraie date de création (rsgm history creation --le)")  # fmt: skip
        if row.line not in w.unread and (key in known or key in seen):
            w.problem(row.line, "Titre", row.title,
                      f"événement déjà enregistré le {french_date(row.date)}")  # fmt: skip
        seen.add(key)
        absent = [e for e in row.attendees if e not in members]
        for email in absent:
            w.problem(row.line, "Présents", email,
                      "aucun membre n'a cette adresse : importez d'abord les membres passés")  # fmt: skip
        if row.line in w.unread:
            continue
        try:
            event = Event(
                new_id(), row.title, row.kind, row.format, topics=row.topics, cost=row.cost,
                planned_on=row.date, invited=row.invited, done=done,
            )  # fmt: skip
        except RsgmError as exc:
            w.problem(row.line, "Format", row.format.value, str(exc), exc.rule or RULE)
            continue
        session = Session(new_id(), event.id, row.date, row.place, deadline=row.date)
        present = sorted({members[e].id for e in row.attendees if e in members})
        events.append(event)
        sessions.append(session)
        registrations += [
            Registration(new_id(), session.id, member_id, row.date, rank, RegistrationStatus.CONFIRMED, True)
            for rank, member_id in enumerate(present, start=1)
        ]  # fmt: skip
        w.flag(HistoryKind.EVENTS, event.id, row.line)
        invited = f" sur {row.invited} invités" if row.invited else ""
        lines.append(
            f"ligne {row.line} : {row.kind.value} « {row.title} » du {french_date(row.date)}, "
            f"{len(present)} présent{'s' if len(present) > 1 else ''}{invited}"
        )
    if not w.problems:
        w.uow.events.add_all(events)
        w.uow.sessions.add_all(sessions)
        w.uow.registrations.add_all(registrations)
        w.uow.history_entries.add_all(w.entries)
    return HistoryImport(HistoryKind.EVENTS, w.source, False, tuple(lines),
                         events=len(events), attendances=len(registrations))  # fmt: skip


def _known_events(uow: UnitOfWork) -> set[tuple[str, dt.date]]:
    titles = {e.id: fold(e.title) for e in uow.events.list()}
    return {(titles[s.event_id], s.date) for s in uow.sessions.list() if s.event_id in titles}


def _surveys(w: _Writer, rows: list[SurveyRow]) -> HistoryImport:
    events: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    sessions = {s.event_id: s.date for s in w.uow.sessions.list()}
    for e in w.uow.events.list():
        events[fold(e.title)].append((sessions.get(e.id, dt.date.min), e.id))
    known = {(fold(s.title), s.opened_on) for s in w.uow.surveys.list()}
    surveys, answers, lines = [], [], []
    for row in rows:
        event_id = None
        if row.event:
            found = events.get(fold(row.event), [])
            if len(found) != 1:
                dates = ", ".join(french_date(d) for d, _ in sorted(found))
                w.problem(row.line, "Événement", row.event,
                          f"plusieurs événements portent ce titre ({dates})" if found
                          else "aucun événement enregistré ne porte ce titre")  # fmt: skip
            else:
                event_id = found[0][1]
        elif row.kind is SurveyKind.SATISFACTION:
            w.problem(row.line, "Événement", "",
                      "un questionnaire de satisfaction suit un événement : nommez-le", "EVT-9")  # fmt: skip
        if row.line not in w.unread and (fold(row.title), row.date) in known:
            w.problem(row.line, "Titre", row.title,
                      f"enquête déjà enregistrée le {french_date(row.date)}")  # fmt: skip
        known.add((fold(row.title), row.date))
        if row.line in w.unread or (event_id is None and row.kind is SurveyKind.SATISFACTION):
            continue  # reported
        survey = Survey(new_id(), row.kind, row.title, row.date, row.invited, event_id=event_id)
        scores: list[int | None] = [n for n, count in row.scores for _ in range(count)]
        scores += [None] * (row.answers - len(scores))
        answers += [SurveyAnswer(new_id(), survey.id, row.date, score) for score in scores]
        surveys.append(survey)
        w.flag(HistoryKind.SURVEYS, survey.id, row.line)
        lines.append(
            f"ligne {row.line} : {row.kind.value} « {row.title} » du {french_date(row.date)}, "
            f"{row.answers} réponse{'s' if row.answers > 1 else ''} sur {row.invited} destinataires"
        )
    if not w.problems:
        w.uow.surveys.add_all(surveys)
        w.uow.survey_answers.add_all(answers)
        w.uow.history_entries.add_all(w.entries)
    return HistoryImport(HistoryKind.SURVEYS, w.source, False, tuple(lines),
                         surveys=len(surveys), answers=len(answers))  # fmt: skip


def _members(w: _Writer, rows: list[MemberRow]) -> HistoryImport:
    by_email = w.members_by_email()
    communes = w.uow.communes.list()
    codes = {c.code: c for c in communes}
    names: dict[str, list[Any]] = defaultdict(list)
    for c in communes:
        names[fold(c.name)].append(c)
    seen: dict[str, int] = {}
    members, positions, transitions, lines = [], [], [], []
    for row in rows:
        email = row.email or None
        if email:
            try:
                validate_email(email, strict=True)
            except RsgmError as exc:
                w.problem(row.line, "E-mail", email, str(exc).split(" (")[0], exc.rule or "MEM-1")
            if email in by_email:
                w.problem(row.line, "E-mail", email,
                          f"déjà l'adresse de {by_email[email].full_name} : une personne, un compte",
                          "CHA-6")  # fmt: skip
            if email in seen:
                w.problem(row.line, "E-mail", email, f"déjà à la ligne {seen[email]}", "CHA-6")
            seen.setdefault(email, row.line)
        found = names.get(fold(row.commune), [])
        commune = codes.get(row.commune) or (_one(w, row, found) if row.commune else None)
        if commune is None or row.line in w.unread:
            continue
        gone = row.departure is not None
        member = Member(
            new_id(), row.first_name, row.last_name, email,
            lifecycle=Lifecycle.DEPARTED if gone else Lifecycle.ACTIVE, arrival=row.arrival,
            departed_on=row.departure, departure_reason=row.reason, platform_access=not gone,
        )  # fmt: skip
        members.append(member)
        positions.append(
            Position(new_id(), member.id, commune.code, row.function, row.work_time, row.status,
                     start=row.arrival, end=row.departure)
        )  # fmt: skip
        transitions += transitions_of(member, (new_id(), new_id()))
        w.flag(HistoryKind.MEMBERS, member.id, row.line)
        until = f", départ le {french_date(row.departure)}" if row.departure else ""
        lines.append(
            f"ligne {row.line} : {member.full_name}, {commune.name} ({commune.code}), arrivée "
            f"le {french_date(row.arrival)}{until}"
        )
    if not w.problems:
        w.uow.members.add_all(members)
        w.uow.positions.add_all(positions)
        w.uow.lifecycle_transitions.add_all(transitions)
        w.uow.history_entries.add_all(w.entries)
    return HistoryImport(HistoryKind.MEMBERS, w.source, False, tuple(lines), members=len(members),
                         departed=sum(1 for m in members if m.departed_on))  # fmt: skip


def _one(w: _Writer, row: MemberRow, found: list[Any]) -> Any:
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(f"{c.name} ({c.code})" for c in found)
        w.problem(row.line, "Commune", row.commune,
                  f"plusieurs communes portent ce nom : {listed} ; donnez le code INSEE", "MEM-1")  # fmt: skip
    else:
        w.problem(row.line, "Commune", row.commune,
                  "commune inconnue du recensement (code INSEE ou nom exact)", "MEM-1")  # fmt: skip
    return None


_IMPORTERS: dict[HistoryKind, Callable[[_Writer, list[Any]], HistoryImport]] = {
    HistoryKind.EVENTS: _events,
    HistoryKind.SURVEYS: _surveys,
    HistoryKind.MEMBERS: _members,
}
