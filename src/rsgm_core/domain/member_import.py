"""Importing members from the spreadsheets CDGs already keep (MEM-1, MEM-2).

A file is a header row and one row per position. Columns are recognised by their French headers
(accents and case ignored: « Prénom », « NOM », « Courriel », « Code INSEE », « Commune »,
« Quotité »…, :mod:`~.import_vocabulary`) or by a mapping the caller gives (``{"Nom d'usage":
"nom"}``); a column neither recognised nor mapped must be ignored explicitly. Rows of the same
person (same name and e-mail, case and accents ignored) are one person holding several positions.

Every row is checked before anything is written, and every problem of every row is reported in
one pass: the report says, per row, what would be done (or was done), what it changes in update
mode, and what is wrong; :meth:`ImportReport.groups` gathers the problems by kind, the allowed
values listed once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.header_vocabulary import HeaderVocabulary
from rsgm_core.domain.import_vocabulary import FIELD_LABELS, FIELDS, field_of
from rsgm_core.errors import ValidationError

__all__ = [
    "FIELDS",
    "HeaderMap",
    "ImportProblem",
    "ImportProblemGroup",
    "ImportReport",
    "RowResult",
    "map_headers",
    "parse_date",
    "parse_fraction",
    "person_key",
    "read_header",
    "split_terms",
]

REQUIRED = ("first_name", "last_name")
_TRUE = {"oui", "o", "x", "1", "vrai", "true", "yes"}
_FALSE = {"non", "n", "0", "faux", "false", "no", ""}


@attrs.frozen
class HeaderMap:
    """How a header row reads: column index → field, and the headers left aside."""

    columns: dict[int, str]
    headers: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # neither recognised, nor mapped, nor ignored: a problem
    ignored: tuple[str, ...] = ()  # ignored on request
    doubled: tuple[str, ...] = ()  # a second column for a field already read: a problem

    @property
    def fields(self) -> set[str]:
        return set(self.columns.values())


def resolve_field(name: str, what: str, *, vocabulary: HeaderVocabulary | None = None) -> str:
    """A field named in English (``work_time``) or French (« quotité »), else a clear error;
    ``vocabulary``: another kind of sheet's (the élus', MEM-12), else the members'."""
    field = (vocabulary.field_of if vocabulary else field_of)(name, header=False)
    if field is None:
        labels = ", ".join((vocabulary.labels if vocabulary else FIELD_LABELS).values())
        rule = vocabulary.rule if vocabulary else "MEM-1"
        raise ValidationError(
            f"{what} inconnu : {name!r} (champs : {labels})", rule=rule, value=name
        )
    return field


def read_header(
    headers: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    *,
    line: int = 1,
    vocabulary: HeaderVocabulary | None = None,
) -> HeaderMap:
    """Read a header row; ``mapping`` (header → field) wins over the recognised headers and
    ``ignore`` lists headers to leave aside. Without a first and last name column it is a
    :class:`ValidationError` naming the headers read (MEM-1). ``vocabulary``: the headers of
    another kind of sheet (the élus', MEM-12), else the members'."""
    given = {
        fold(k): resolve_field(v, "champ de correspondance", vocabulary=vocabulary)
        for k, v in (mapping or {}).items()
    }
    recognise = vocabulary.field_of if vocabulary else field_of
    labels = vocabulary.labels if vocabulary else FIELD_LABELS
    skipped = {fold(h) for h in ignore}
    columns: dict[int, str] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    doubled: list[str] = []
    for index, header in enumerate(headers):
        key = fold(header or "")
        if not key:
            continue
        if key in skipped:
            ignored.append(header)
            continue
        field = given.get(key) or recognise(header)
        if field is None:
            unknown.append(header)
        elif field in columns.values():
            doubled.append(header)
        else:
            columns[index] = field
    missing = [
        f for f in (vocabulary.required if vocabulary else REQUIRED) if f not in columns.values()
    ]
    if missing:
        read = ", ".join(f"« {h} »" for h in headers if h.strip()) or "aucun"
        raise ValidationError(
            f"ligne {line} : en-têtes non reconnus, colonne {labels[missing[0]]} absente "
            f"(en-têtes lus : {read}) ; donnez une correspondance, par exemple "
            '--colonne "Nom d\'usage=nom"',
            rule=vocabulary.rule if vocabulary else "MEM-1",
            value=labels[missing[0]],
        )
    return HeaderMap(columns, tuple(headers), tuple(unknown), tuple(ignored), tuple(doubled))


def map_headers(headers: Sequence[str], mapping: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index → field (the former entry point; :func:`read_header` says more)."""
    return read_header(headers, mapping).columns


def split_terms(cell: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,|;/]", cell or "") if t.strip()]


def parse_fraction(cell: str) -> Decimal:
    """ "0,5", "50 %", "17,5/35" → Decimal; the range is checked by the position (MEM-1). A whole
    number from 2 to 100 is a percentage (« 80 » for 80 %: see :func:`fraction_note`)."""
    text = (cell or "").strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        if text.endswith("%"):
            return Decimal(text[:-1]) / 100
        if "/" in text:
            hours, week = text.lower().replace("h", "").split("/", 1)
            return (Decimal(hours) / Decimal(week)).quantize(Decimal("0.0001"))
        if text.isdigit() and 2 <= int(text) <= 100:
            return Decimal(text) / 100
        return Decimal(text or "1")
    except (InvalidOperation, ArithmeticError):
        raise ValidationError(
            f"quotité illisible : {cell!r} (exemples : 1, 0,5, 50 %, 17,5/35)",
            rule="MEM-1",
            value=cell,
        ) from None


def fraction_note(cell: str) -> str | None:
    text = (cell or "").strip()
    if text.isdigit() and 2 <= int(text) <= 100:
        return f"quotité « {text} » lue comme {text} %"
    return None


def parse_date(cell: str) -> dt.date | None:
    text = (cell or "").strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"date illisible : {cell!r} (attendu : JJ/MM/AAAA)", value=cell)


def parse_bool(cell: str) -> bool:
    key = fold(cell or "")
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValidationError(f"oui/non attendu : {cell!r}", value=cell)


def person_key(email: str | None, first_name: str, last_name: str) -> str:
    """One person: the normalised name and the e-mail (case and accents ignored)."""
    return fold(f"{first_name} {last_name}") + "|" + (email or "").lower()


@attrs.frozen
class ImportProblem:
    """One problem of one row: ``kind`` groups it (« fonction inconnue »), ``allowed`` is said
    once per group, ``message`` is the row's own sentence."""

    kind: str
    message: str
    value: str = ""
    allowed: str = ""
    rule: str = "MEM-1"

    def __str__(self) -> str:
        return f"{self.message} [{self.rule}]" if self.rule else self.message


@attrs.frozen
class ImportProblemGroup:
    """Rows with the same kind of problem: the allowed values once, then each row's value."""

    kind: str
    allowed: str
    rule: str
    lines: tuple[int, ...]
    values: tuple[str, ...]


@attrs.frozen
class RowResult:
    line: int  # in the file, the header being line 1
    name: str
    commune: str | None
    problems: tuple[str, ...] = ()
    action: str = ""  # "nouveau membre", "poste ajouté au membre de la ligne 3", "inchangé"
    notes: tuple[str, ...] = ()  # recorded, yet flagged for the animator (MEM-1: over 115 %)
    changes: tuple[str, ...] = ()  # update mode: what the row adds, changes or ends
    issues: tuple[ImportProblem, ...] = ()  # the problems with their kind, for grouping
    cells: tuple[str, ...] = ()  # the row as read (the rejected-rows file copies it)

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


@attrs.frozen
class ImportReport:
    source: str
    rows: tuple[RowResult, ...]
    members: int  # people who would be (or were) created
    positions: int  # positions that would be (or were) added
    dry_run: bool
    written: bool
    file_problems: tuple[str, ...] = ()  # the sheet's own (an unknown or doubled column)
    assumed: tuple[str, ...] = ()  # a position column absent: the value used, said
    header: HeaderMap | None = None
    update: bool = False
    partial: bool = False
    updated: int = 0  # known people changed (update mode)
    ended: int = 0  # positions ended (update mode), those modified included
    modified: int = 0  # update mode: positions ended and replaced by a changed one today
    absent: tuple[str, ...] = ()  # update mode: known members no row names (left as they are)
    rejects_file: str | None = None

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems

    @property
    def flagged(self) -> list[RowResult]:
        """Rows recorded with a flag for the animator (MEM-1: positions over 115 %)."""
        return [r for r in self.rows if r.notes]

    def groups(self) -> list[ImportProblemGroup]:
        """The rows' problems by kind, in the order first met."""
        found: dict[tuple[str, str, str], tuple[list[int], list[str]]] = {}
        for row in self.rows:
            for issue in row.issues:
                lines, values = found.setdefault((issue.kind, issue.allowed, issue.rule), ([], []))
                lines.append(row.line)
                values.append(issue.value)
        return [
            ImportProblemGroup(kind, allowed, rule, tuple(lines), tuple(values))
            for (kind, allowed, rule), (lines, values) in found.items()
        ]
