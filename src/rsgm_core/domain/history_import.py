"""Reading a file of history (EVT-12): past events with their attendance, past surveys with their
results, or former members. Columns are found by their French headers (accents and case
ignored); what the file holds is told by its headers, or by the caller. Every problem of every row
is collected in one pass (:class:`HistoryProblem`), naming the line, the column, the value and the
rule; nothing is decided against storage here (members and communes are matched by the service).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.events import EventFormat, EventKind, SurveyKind
from rsgm_core.domain.history import RULE, HistoryKind, french_date
from rsgm_core.domain.history_columns import COLUMNS, LABELS, SYNONYMS
from rsgm_core.domain.members import DepartureReason, Function, Status
from rsgm_core.errors import ValidationError

__all__ = [
    "COLUMNS",
    "EventRow",
    "HistoryProblem",
    "MemberRow",
    "SurveyRow",
    "detect_kind",
    "parse_history",
]

E = TypeVar("E")
EN = TypeVar("EN", bound=enum.Enum)

#: Per kind of file: field → (the French header shown, the folded headers recognised, required).


@attrs.frozen
class HistoryProblem:
    """One problem of a history file: its line (1 is the header), column, value and rule."""

    line: int
    column: str
    value: str
    message: str
    rule: str = RULE

    def __str__(self) -> str:
        where = f"ligne {self.line}" + (f", colonne « {self.column} »" if self.column else "")
        value = f"{self.value!r} : " if self.value else ""
        return f"{where} : {value}{self.message} ({self.rule})"


@attrs.frozen
class EventRow:
    line: int
    date: dt.date
    title: str
    kind: EventKind
    format: EventFormat
    place: str
    invited: int
    attendees: tuple[str, ...]  # e-mails of the members present
    topics: tuple[str, ...]
    cost: Decimal


@attrs.frozen
class SurveyRow:
    line: int
    date: dt.date
    title: str
    kind: SurveyKind
    invited: int
    answers: int
    scores: tuple[tuple[int, int], ...]  # (score, how many answers gave it)
    event: str  # the title of the event it evaluates, or ""


@attrs.frozen
class MemberRow:
    line: int
    first_name: str
    last_name: str
    email: str
    commune: str  # an INSEE code or a commune's name, matched by the service
    function: Function
    work_time: Decimal
    status: Status
    arrival: dt.date
    departure: dt.date | None
    reason: DepartureReason | None


def detect_kind(headers: Sequence[str]) -> HistoryKind:
    """What a file holds, told by its headers: answers (surveys), first names (members), else
    dates and titles (events)."""
    folded = {fold(h or "") for h in headers}
    for kind in (HistoryKind.SURVEYS, HistoryKind.MEMBERS, HistoryKind.EVENTS):
        required = [names for _, names, needed in COLUMNS[kind].values() if needed]
        if all(folded & set(names) for names in required):
            return kind
    raise ValidationError(
        "fichier d'historique non reconnu : en-têtes lus "
        f"{', '.join(repr(h) for h in headers)} ; attendu, pour des événements : "
        f"{_required(HistoryKind.EVENTS)} ; pour des enquêtes : {_required(HistoryKind.SURVEYS)} ; "
        f"pour des membres : {_required(HistoryKind.MEMBERS)} (ou précisez --nature)",
        rule=RULE,
        value=", ".join(headers),
    )


def _required(kind: HistoryKind) -> str:
    return ", ".join(shown for shown, _, needed in COLUMNS[kind].values() if needed)


def map_columns(kind: HistoryKind, headers: Sequence[str]) -> dict[str, int]:
    """Field → column index; a missing required column is a :class:`ValidationError` listing
    them all with the headers read."""
    folded = [fold(h or "") for h in headers]
    columns: dict[str, int] = {}
    for field, (_, names, _) in COLUMNS[kind].items():
        for index, header in enumerate(folded):
            if header in names and index not in columns.values():
                columns[field] = index
                break
    missing = [
        shown for f, (shown, _, needed) in COLUMNS[kind].items() if needed and f not in columns
    ]
    if missing:
        raise ValidationError(
            f"fichier d'{kind.label} : "
            f"{'colonnes obligatoires absentes' if len(missing) > 1 else 'colonne obligatoire absente'}"
            f" : {', '.join(missing)} "
            f"(en-têtes lus : {', '.join(repr(h) for h in headers)})",
            rule=RULE,
            value=", ".join(missing),
        )
    return columns


class _Row:
    """One data row read field by field, its problems collected."""

    def __init__(
        self, kind: HistoryKind, line: int, cells: Sequence[str], columns: Mapping[str, int],
        problems: list[HistoryProblem],
    ) -> None:  # fmt: skip
        self.kind, self.line, self.cells, self.columns = kind, line, cells, columns
        self.problems = problems
        self.ok = True

    def text(self, field: str) -> str:
        index = self.columns.get(field)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def problem(self, field: str, value: str, message: str, rule: str = RULE) -> None:
        self.ok = False
        shown = COLUMNS[self.kind][field][0] if field else ""
        self.problems.append(HistoryProblem(self.line, shown, value, message, rule))

    def required(self, field: str) -> str:
        value = self.text(field)
        if not value and COLUMNS[self.kind][field][2]:
            self.problem(field, "", "valeur manquante")
        return value

    def parsed(self, field: str, parse: Callable[[str], E], default: E) -> E:
        value = self.required(field)
        if not value:
            return default
        try:
            return parse(value)
        except ValidationError as exc:
            self.problem(field, value, str(exc).split(" (", 1)[0], exc.rule or RULE)
            return default

    def past_date(self, field: str, today: dt.date, what: str) -> dt.date:
        day = self.parsed(field, _date, today)
        if day > today:
            self.problem(
                field, self.text(field),
                f"{what} après aujourd'hui ({french_date(today)}) : l'historique ne contient que "
                "le passé",
            )  # fmt: skip
        return day


def _date(cell: str) -> dt.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(cell, pattern).date()
        except ValueError:
            continue
    raise ValidationError("date illisible (attendu : JJ/MM/AAAA)", rule=RULE, value=cell)


def _count(cell: str) -> int:
    text = cell.replace("\u202f", "").replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise ValidationError("nombre entier positif attendu", rule=RULE, value=cell)
    return int(text)


def _money(cell: str) -> Decimal:
    text = cell.replace("\u202f", "").replace(" ", "").replace("€", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            "montant illisible (exemple : 150,00)", rule=RULE, value=cell
        ) from None
    if not value.is_finite() or value < 0:
        raise ValidationError("montant positif attendu", rule=RULE, value=cell)
    return value


def _fraction(cell: str) -> Decimal:
    text = cell.replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            "quotité illisible (exemples : 1, 0,5, 50 %)", rule="MEM-1", value=cell
        ) from None
    if not value.is_finite() or not 0 < value <= 1:
        raise ValidationError("quotité hors de ]0 ; 1]", rule="MEM-1", value=cell)
    return value


def _enum(kind: type[EN]) -> Callable[[str], EN]:
    def parse(cell: str) -> EN:
        key = fold(cell)
        for member in kind:
            if key in (fold(str(member.value)), fold(member.name)):
                return member
        found: EN | None = SYNONYMS.get(kind, {}).get(key)
        if found is not None:
            return found
        allowed = ", ".join(str(m.value) for m in kind)
        raise ValidationError(
            f"{LABELS[kind]} : valeur inconnue ; valeurs : {allowed}", rule=RULE, value=cell
        )

    return parse


def _terms(cell: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in re.split(r"[,;\n|]", cell) if t.strip())


def parse_history(
    kind: HistoryKind, headers: Sequence[str], rows: Iterable[Sequence[str]], *, today: dt.date
) -> tuple[list[Any], list[HistoryProblem]]:
    """Every row of a history file parsed, and every problem found (EVT-12): a date after
    ``today`` is one. Empty rows are skipped. A row with a problem is returned too (a field it
    could not read holds a default), for the checks against storage; nothing is to be written
    unless there is no problem."""
    columns = map_columns(kind, headers)
    parsed: list[Any] = []
    problems: list[HistoryProblem] = []
    for line, cells in enumerate(rows, start=2):
        if not any((c or "").strip() for c in cells):
            continue
        row = _Row(kind, line, cells, columns, problems)
        extra = [c for c in cells[len(headers) :] if (c or "").strip()]
        if extra:  # a separator inside a cell (« a ; b » in a CSV split by « ; »)
            row.ok = False
            problems.append(HistoryProblem(
                line, "", extra[0], f"{len(extra)} {'cellules' if len(extra) > 1 else 'cellule'} "
                f"au-delà des {len(headers)} colonnes de l'en-tête : un séparateur dans une "
                "cellule ? (mettez-la entre guillemets)",
            ))  # fmt: skip
        # every row, so that its checks against storage are made too: every problem at once
        parsed.append(_PARSERS[kind](row, today))
    return parsed, problems


def _event(row: _Row, today: dt.date) -> EventRow:
    attendees = tuple(dict.fromkeys(e.lower() for e in _terms(row.text("attendees"))))
    before = len(row.problems)
    invited = row.parsed("invited", _count, 0)
    if attendees and not row.text("invited"):  # EVT-5: the participation rate's denominator
        many = "présents" if len(attendees) > 1 else "présent"
        row.problem("invited", "", f"nombre d'invités manquant pour {len(attendees)} {many} : "

                    "le taux de participation (présents / invités) en a besoin", "EVT-5")  # fmt: skip
    elif len(row.problems) == before and invited and len(attendees) > invited:
        row.problem("invited", str(invited), f"moins d'invités que de présents ({len(attendees)})",
                    "EVT-5")  # fmt: skip
    return EventRow(
        row.line, row.past_date("date", today, "événement"), row.required("title"),
        row.parsed("kind", _enum(EventKind), EventKind.NETWORK_DAY),
        row.parsed("format", _enum(EventFormat), EventFormat.IN_PERSON), row.text("place"),
        invited, attendees, _terms(row.text("topics")), row.parsed("cost", _money, Decimal(0)),
    )  # fmt: skip


def _survey(row: _Row, today: dt.date) -> SurveyRow:
    before = len(row.problems)
    invited = row.parsed("invited", _count, 0)
    answers = row.parsed("answers", _count, 0)
    counted = len(row.problems) == before
    scores = tuple((n, row.parsed(f"score{n}", _count, 0)) for n in range(5, 0, -1))
    scored = counted and len(row.problems) == before
    if counted and answers > invited:
        row.problem("answers", str(answers), f"plus de réponses que de destinataires ({invited})")
    if scored and sum(c for _, c in scores) > answers:
        row.problem(
            "score5", str(sum(c for _, c in scores)),
            f"plus de notes que de réponses ({answers})",
        )  # fmt: skip
    return SurveyRow(
        row.line, row.past_date("date", today, "enquête"), row.required("title"),
        row.parsed("kind", _enum(SurveyKind), SurveyKind.SATISFACTION), invited, answers,
        tuple((n, c) for n, c in scores if c), row.text("event"),
    )  # fmt: skip


def _member(row: _Row, today: dt.date) -> MemberRow:
    before = len(row.problems)
    arrival = row.past_date("arrival", today, "arrivée")
    departure = row.past_date("departure", today, "départ") if row.text("departure") else None
    dated = len(row.problems) == before
    reason = row.parsed("reason", _enum(DepartureReason), None) if row.text("reason") else None
    if departure is not None and reason is None:
        row.problem("reason", "", "motif de départ manquant pour un départ daté", "MEM-4")
    if departure is not None and dated and departure < arrival:
        row.problem("departure", row.text("departure"), "départ avant l'arrivée", "MEM-4")
    return MemberRow(
        row.line, row.required("first_name"), row.required("last_name"),
        row.text("email").lower(), row.required("commune"),
        row.parsed("function", _enum(Function), Function.SGM),
        row.parsed("work_time", _fraction, Decimal(1)),
        row.parsed("status", _enum(Status), Status.TITULAIRE), arrival, departure, reason,
    )  # fmt: skip


_PARSERS: dict[HistoryKind, Callable[[_Row, dt.date], Any]] = {
    HistoryKind.EVENTS: _event,
    HistoryKind.SURVEYS: _survey,
    HistoryKind.MEMBERS: _member,
}
