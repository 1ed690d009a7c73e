"""Checking one spreadsheet row of a member import (MEM-1, MEM-2): every cell is read and every
problem kept, so one pass reports them all (:mod:`~.member_import`)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from rsgm_core.domain.commune_names import CommuneIndex, looks_like_code, name_key
from rsgm_core.domain.directory import Vocabulary, fold, validate_phone
from rsgm_core.domain.import_vocabulary import (
    FIELD_LABELS,
    FUNCTION_ALLOWED,
    STATUS_ALLOWED,
    read_function,
    read_status,
)
from rsgm_core.domain.member_import import (
    ImportProblem,
    fraction_note,
    parse_bool,
    parse_date,
    parse_fraction,
    split_terms,
)
from rsgm_core.domain.members import (
    Function,
    Status,
    plain_email_parts,
    surely_personal,
    validate_email,
    validate_work_time,
)
from rsgm_core.domain.profile import outside_territory
from rsgm_core.domain.territory import Commune
from rsgm_core.errors import RsgmError
from rsgm_core.services.import_layout import PLACE_FIELDS as _PLACE_FIELDS
from rsgm_core.services.import_layout import QuickLayout, UsualAddress

__all__ = ["ParsedRow", "RowChecker", "open_row"]

T = TypeVar("T")
#: Needed for a position, never filled silently: empty is a problem unless a default is chosen.
POSITION_FIELDS = ("function", "work_time", "status")
_MORE_FIELDS = frozenset(
    {"expertises", "software", "helper", "arrival", "birth_year", "retirement_on"}
)
_PRONOUN = {"function": "la", "work_time": "la", "status": "le"}  # la fonction, le statut
_ALLOWED = re.compile(r"^(.*?) \(valeurs : (.*)\)$")


@attrs.define
class ParsedRow:
    """One row as read: the person, the position it describes, its problems and notes."""

    line: int
    cells: tuple[str, ...]
    first: str
    last: str
    email: str | None = None
    phone: str | None = None
    commune: Commune | None = None
    code: str | None = None  # as the report shows it
    function: Function | None = None
    work_time: Decimal | None = None
    status: Status | None = None
    permanent: bool = True
    expertises: list[str] | tuple[()] = ()
    software: list[str] | tuple[()] = ()
    helper: bool | None = None
    arrival: dt.date | None = None
    birth_year: int | None = None  # IND-4: the year only, even from a date of birth
    retirement_on: dt.date | None = None
    issues: list[ImportProblem] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    changes: list[str] = attrs.Factory(list)
    action: str = ""
    key: str = ""  # the person (:func:`~.member_import.person_key`), once the row is read
    has_position: bool = False  # a commune, a function, a work time and a status, once read
    folded_name: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}".strip()

    def problem(self, kind: str, message: str, value: str = "", **extra: str) -> None:
        self.issues.append(ImportProblem(kind, message, value, **extra))


def open_row(
    line: int,
    raw: list[str],
    columns: Mapping[int, str],
    defaults: Mapping[str, str],
    *,
    rule: str = "MEM-1",
) -> tuple[ParsedRow, dict[str, str]]:
    """A sheet's row opened: its cells by field (an empty cell takes its ``--par-defaut``
    value), and the person it names, a missing first or last name already a problem. Every
    sheet of people (members, élus) starts its rows here."""
    cells = {f: (raw[i].strip() if i < len(raw) else "") for i, f in columns.items()}
    for field, value in defaults.items():
        if not cells.get(field):
            cells[field] = value
    row = ParsedRow(line, tuple(raw), cells.get("first_name", ""), cells.get("last_name", ""))
    if not row.first or not row.last:
        missing = "prénom" if not row.first else "nom"
        row.problem(
            f"{missing} vide", f"{missing} vide : prénom et nom sont obligatoires", rule=rule
        )
    return row, cells


class RowChecker:
    """Reads rows against the census, the vocabularies and the caller's defaults."""

    def __init__(
        self,
        *,
        index: CommuneIndex,
        fields: set[str],
        defaults: Mapping[str, str],
        thesaurus: Vocabulary,
        tools: Vocabulary,
        departements: tuple[str, ...],
        today: dt.date | None = None,
    ) -> None:
        self.index = index
        self.fields = fields
        self.defaults = defaults
        self.thesaurus = thesaurus
        self.tools = tools
        self.departements = departements
        self.today = today or dt.date.today()  # IND-4: a year of birth is checked against it
        self.no_census = not index.by_code
        # A sheet repeats its communes and words: each distinct cell is read once.
        self._communes: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        self._positions: dict[tuple[str, str, str, str], tuple[Any, ...]] = {}
        self._towns: dict[str, tuple[str, ...]] = {}
        self._layout: tuple[Mapping[int, str], tuple[str, ...], Any, int] | None = None
        # The optional cells are looked up only when the sheet has their column (or a default).
        present = fields | set(defaults)
        self._has_email = "email" in present
        self._has_phone = "phone" in present
        self._has_more = bool(present & _MORE_FIELDS)
        self._places: dict[tuple[str | None, ...], tuple[Any, ...]] = {}
        self._quick: QuickLayout | None = None
        self._usual = UsualAddress()  # its verdicts on domains: this import's only
        self._raw_places: dict[Any, tuple[Any, ...]] = {}  # by the place's cells as read

    def check(self, line: int, raw: list[str], columns: Mapping[int, str]) -> ParsedRow:
        quick = self._quick
        if quick is None or quick.columns is not columns:
            quick = self._quick = QuickLayout.of(columns, self.defaults, self._has_more)
        if not quick.ready or len(raw) <= quick.width:
            return self._check(line, raw, columns)
        # The usual row, as wide as its header, read without a cell dictionary: the person's
        # cells picked by index, the place by its raw cells (a property test compares both).
        first, last = raw[quick.first].strip(), raw[quick.last].strip()
        key = quick.place(raw)
        place = self._raw_places.get(key)
        if place is None:
            place = self._raw_places[key] = self._place_of(self._cells(raw, columns))
        row = _opened(line, raw, first, last, place)
        if quick.email is not None and (email := raw[quick.email].strip()):
            row.email = self._email(row, email, place[12])
        if quick.phone is not None and (phone := raw[quick.phone].strip()):
            row.phone = self._read(row, "téléphone invalide", validate_phone, phone)
        if place[9]:
            row.issues.extend(place[9])
        if place[10]:
            row.notes.extend(place[10])
        row.has_position = place[11]
        row.folded_name = folded = _fold(f"{first} {last}" if first and last else row.name)
        row.key = f"{folded}|{row.email.lower()}" if row.email else f"{folded}|"  # person_key
        return row

    def _place_of(self, cells: dict[str, str]) -> tuple[Any, ...]:
        place = self._places.get(tuple(map(cells.get, _PLACE_FIELDS)))
        return self._place(cells) if place is None else place

    def _check(self, line: int, raw: list[str], columns: Mapping[int, str]) -> ParsedRow:
        layout = self._layout  # the usual row, as wide as the header: cells picked at once
        if layout is not None and layout[0] is columns and len(raw) > layout[3] and layout[2]:
            cells = dict(zip(layout[1], map(str.strip, layout[2](raw)), strict=True))
            if self.defaults:
                for field, value in self.defaults.items():
                    if not cells.get(field):
                        cells[field] = value
        else:
            cells = self._cells(raw, columns)
        get = cells.get
        first, last = get("first_name", ""), get("last_name", "")
        # The commune and the position: a sheet repeats them, each distinct set read once.
        place = self._places.get(tuple(map(get, _PLACE_FIELDS)))
        if place is None:
            place = self._place(cells)
        row = _opened(line, raw, first, last, place)
        if self._has_email and (email := get("email")):
            row.email = self._email(row, email, place[12])
        if self._has_phone and (phone := get("phone")):
            row.phone = self._read(row, "téléphone invalide", validate_phone, phone)
        if place[9]:  # even for a commune not found: every problem
            row.issues.extend(place[9])
        if place[10]:
            row.notes.extend(place[10])
        if self._has_more:
            self._more(row, cells)
        row.has_position = place[11]
        row.folded_name = folded = _fold(f"{first} {last}" if first and last else row.name)
        row.key = f"{folded}|{row.email.lower()}" if row.email else f"{folded}|"  # person_key
        return row

    def _place(self, cells: dict[str, str]) -> tuple[Any, ...]:
        """The commune and the position of a row's cells, with their problems and notes, as
        :meth:`_commune_once` and :meth:`_position_once` read them; kept for the next row with
        the same cells."""
        scratch = ParsedRow(0, (), "", "")
        self._commune_once(scratch, cells)
        commune_part = (scratch.commune, scratch.code, tuple(scratch.issues), tuple(scratch.notes))
        position = scratch.commune is not None or cells.get("commune") or cells.get("commune_name")
        scratch = ParsedRow(0, (), "", "")
        if position:
            self._position_once(scratch, cells)
        has_position = commune_part[0] is not None and None not in (
            scratch.function, scratch.work_time, scratch.status
        )  # fmt: skip
        found = (
            *commune_part, bool(position), scratch.function, scratch.status, scratch.work_time,
            scratch.permanent, tuple(scratch.issues), tuple(scratch.notes), has_position,
            self._town(commune_part[0]),
        )  # fmt: skip
        self._places[tuple(map(cells.get, _PLACE_FIELDS))] = found
        return found

    def _more(self, row: ParsedRow, cells: dict[str, str]) -> None:
        """The optional cells after the position's: terms, helper, arrival, ages."""
        get = cells.get
        if expertises := get("expertises"):
            row.expertises = self._terms(row, self.thesaurus, expertises)
        if software := get("software"):
            row.software = self._terms(row, self.tools, software)
        if helper := get("helper"):
            row.helper = self._read(row, "volontaire illisible", parse_bool, helper)
        if arrival := get("arrival"):
            row.arrival = self._read(row, "date illisible", parse_date, arrival)
        if get("birth_year") or get("retirement_on"):
            self._ages(row, cells)

    def _cells(self, raw: list[str], columns: Mapping[int, str]) -> dict[str, str]:
        """The row's cells by field, as :func:`open_row` reads them (an empty cell takes its
        default), with the sheet's layout worked out once."""
        layout = self._layout
        if layout is None or layout[0] is not columns:
            fields = tuple(columns.values())
            pick = operator.itemgetter(*columns) if len(columns) > 1 else None
            layout = self._layout = (columns, fields, pick, max(columns, default=-1))
        if layout[2] is not None and len(raw) > layout[3]:
            cells = dict(zip(layout[1], map(str.strip, layout[2](raw)), strict=True))
        else:
            width = len(raw)
            cells = {f: (raw[i].strip() if i < width else "") for i, f in columns.items()}
        for field, value in self.defaults.items():
            if not cells.get(field):
                cells[field] = value
        return cells

    def _ages(self, row: ParsedRow, cells: dict[str, str]) -> None:
        """IND-4: the year of birth (a date of birth gives its year only) and the expected
        retirement date, checked against each other."""
        from rsgm_core.domain.ages import check_retirement_on, read_birth_year

        if cells.get("birth_year"):
            read = functools.partial(read_birth_year, on=self.today)
            row.birth_year = self._read(
                row, "année de naissance invalide", read, cells["birth_year"]
            )
        if cells.get("retirement_on"):
            day = self._read(row, "date illisible", parse_date, cells["retirement_on"])
            if day is not None:
                check = functools.partial(check_retirement_on, birth_year=row.birth_year)
                row.retirement_on = self._read(row, "départ en retraite invalide", check, day)

    def _commune_once(self, row: ParsedRow, cells: dict[str, str]) -> None:
        key = (
            cells.get("commune", ""),
            cells.get("commune_name", ""),
            cells.get("departement", ""),
        )
        found = self._communes.get(key)
        if found is None:
            scratch = ParsedRow(0, (), "", "")
            self._commune(scratch, cells)
            found = (scratch.commune, scratch.code, tuple(scratch.issues), tuple(scratch.notes))
            self._communes[key] = found
        row.commune, row.code = found[0], found[1]
        row.issues.extend(found[2])
        row.notes.extend(found[3])

    def _position_once(self, row: ParsedRow, cells: dict[str, str]) -> None:
        key = (
            cells.get("function", ""), cells.get("status", ""), cells.get("work_time", ""),
            cells.get("permanent", ""),
        )  # fmt: skip
        found = self._positions.get(key)
        if found is None:
            scratch = ParsedRow(0, (), "", "")
            self._position(scratch, cells)
            found = (
                scratch.function, scratch.status, scratch.work_time, scratch.permanent,
                tuple(scratch.issues), tuple(scratch.notes),
            )  # fmt: skip
            self._positions[key] = found
        row.function, row.status, row.work_time, row.permanent = found[:4]
        row.issues.extend(found[4])
        row.notes.extend(found[5])

    def _read(self, row: ParsedRow, kind: str, read: Callable[..., T], *args: Any) -> T | None:
        try:
            return read(*args)
        except RsgmError as exc:
            message, allowed = str(exc).removesuffix(f" [{exc.rule}]"), ""
            found = _ALLOWED.match(message)
            if found:
                message, allowed = found.group(1), found.group(2)
            value = "" if exc.value is None else str(exc.value)
            if exc.rule == "CHA-6":
                kind = "adresse partagée, pas celle d'une personne"
            row.problem(kind, message, value, allowed=allowed, rule=exc.rule or "MEM-1")
            return None

    def _email(self, row: ParsedRow, email: str, town: tuple[str, ...] = ()) -> str | None:
        """The address of a row, as :func:`~.members.validate_email` (strict, the commune's
        name for CHA-6) returns it: a plain address that surely is a person's without asking
        it (``town``: the commune's name squeezed, :meth:`_town`)."""
        if self._usual(email, town or self._town(row.commune)):
            return email
        parts = plain_email_parts(email)  # None: only validate_email judges it
        if parts is not None and _surely_personal(parts[0], town or self._town(row.commune)):
            # What validate_email returns: the cell itself when its domain is in lower case
            # already (one string less kept per row).
            return email if email.endswith(parts[1]) else f"{parts[0]}@{parts[1]}"
        names = (row.commune.name,) if row.commune is not None else ()
        if parts is None:
            check = functools.partial(validate_email, strict=True, commune_names=names)
            return self._read(row, "adresse invalide", check, email)
        return self._read(row, "adresse invalide", _cha6, email, names)

    def _town(self, commune: Commune | None) -> tuple[str, ...]:
        if commune is None:
            return ()
        found = self._towns.get(commune.code)
        if found is None:
            found = self._towns[commune.code] = (_SEPARATORS.sub("", fold(commune.name)),)
        return found

    def _commune(self, row: ParsedRow, cells: dict[str, str]) -> None:
        code, name = cells.get("commune", ""), cells.get("commune_name", "")
        if name and not code and looks_like_code(name):
            code, name = name, ""
        elif code and not name and not looks_like_code(code):
            code, name = "", code
        if code.isdigit() and len(code) == 4:  # a spreadsheet read 01001 as the number 1001
            code = code.zfill(5)
        if not code and not name:
            return
        commune: Commune | None = None
        if self.no_census:
            row.problem(
                "recensement absent",
                "aucune commune connue : importez d'abord le recensement (rsgm census import)",
                code or name,
            )
            return
        if code:
            commune = self.index.by_code.get(code.upper())
            row.code = code
            if commune is None:
                row.problem(
                    "code INSEE inconnu", f"code INSEE inconnu du recensement : {code}", code
                )
                return
            if name and name_key(name) != name_key(commune.name):
                row.notes.append(
                    f"le code INSEE {code} est celui de {commune.name}, pas de « {name} » : "
                    "le code est retenu"
                )
        else:
            match = self.index.by_name_in(name, cells.get("departement", ""))
            if match.commune is None:
                kind = "commune ambiguë" if match.candidates else "commune introuvable"
                row.problem(kind, match.problem or kind, name)
                return
            commune = match.commune
            row.code = commune.code
        if not commune.active:
            after = self.index.by_code.get(commune.successor or "")
            now = f" (aujourd'hui {after.name}, {after.code})" if after is not None else ""
            row.problem(
                "commune disparue",
                f"la commune {commune.code} {commune.name} n'existe plus{now}",
                commune.code,
                rule="TER-5",
            )
            return
        row.commune = commune
        if outside_territory(commune.departement, self.departements):
            row.notes.append(
                f"commune {commune.name} ({commune.departement}) hors du ressort du CDG : "
                "le poste est enregistré mais ni invité ni facturé [TER-7]"
            )

    def _position(self, row: ParsedRow, cells: dict[str, str]) -> None:
        for field in POSITION_FIELDS:
            if not cells.get(field) and field in self.fields:
                label = FIELD_LABELS[field]
                row.problem(
                    f"{label} vide",
                    f"{label} vide : remplissez-{_PRONOUN[field]} ou choisissez une valeur "
                    "par défaut "
                    f'(--par-defaut "{label}=…")',
                )
        for field, read, unknown, allowed in (
            ("function", read_function, "fonction inconnue", FUNCTION_ALLOWED),
            ("status", read_status, "statut inconnu", STATUS_ALLOWED),
        ):
            text = cells.get(field)
            if not text:
                continue
            found = read(text)
            if found is None:
                row.problem(unknown, f"{unknown} : « {text} »", text, allowed=allowed)
                continue
            value, note = found
            setattr(row, field, value)
            row.notes.extend([note] if note else [])
        if cells.get("work_time"):
            text = cells["work_time"]
            fraction = self._read(row, "quotité illisible", parse_fraction, text)
            if fraction is not None and not 0 < fraction <= 1:
                row.problem(
                    "quotité hors limites",
                    f"quotité hors de ]0 ; 1] : « {text} » (exemples : 1, 0,5, 50 %, 17,5/35)",
                    text,
                )
            elif fraction is not None:
                row.work_time = self._read(row, "quotité illisible", validate_work_time, fraction)
                note = fraction_note(text)
                row.notes.extend([note] if note and row.work_time is not None else [])
        if cells.get("permanent"):
            permanent = self._read(
                row, "emploi permanent illisible", parse_bool, cells["permanent"]
            )
            row.permanent = True if permanent is None else permanent

    def _terms(self, row: ParsedRow, vocabulary: Vocabulary, cell: str) -> list[str]:
        kind = "expertise inconnue" if vocabulary is self.thesaurus else "logiciel inconnu"
        found = [self._read(row, kind, vocabulary.resolve, t) for t in split_terms(cell)]
        return [t for t in found if t]


def _opened(line: int, raw: list[str], first: str, last: str, place: tuple[Any, ...]) -> ParsedRow:
    """A row with its names and what its commune and position gave (``place``, read once for
    every row repeating them): their values, problems and notes; an empty name is a problem."""
    if place[4]:
        row = ParsedRow(line, tuple(raw), first, last, None, None, place[0], place[1],
                        place[5], place[7], place[6], place[8])  # fmt: skip
    else:
        row = ParsedRow(line, tuple(raw), first, last, None, None, place[0], place[1])
    if not first or not last:
        missing = "prénom" if not first else "nom"
        row.problem(f"{missing} vide", f"{missing} vide : prénom et nom sont obligatoires")
    if place[2]:
        row.issues.extend(place[2])
    if place[3]:
        row.notes.extend(place[3])
    return row


def _cha6(email: str, town: tuple[str, ...]) -> str:
    return validate_email(email, commune_names=town)


_SEPARATORS = re.compile(r"[^a-z0-9]+")
_surely_personal = surely_personal  # the quick CHA-6 pre-check (domain/members.py)


def _fold(text: str) -> str:
    """:func:`~.directory.fold`, quicker for plain ASCII text (the same result: a property test
    compares them)."""
    if text.isascii():
        low = text.lower().replace("-", " ").replace("'", " ").replace("_", " ")
        return " ".join(low.replace(".", " ").split())
    return fold(text)
