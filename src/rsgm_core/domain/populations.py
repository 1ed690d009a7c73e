"""The population used for a commune and a year, and INSEE's *populations légales* file (TER-2).

:func:`population_used` is the one rule deciding which figure a threshold, a fee, a public, a
coverage rate or a report uses for a commune in a year: the totale of the vintage in force for
that year (vintage N-3 from 1 January of year N), else its municipale (flagged), else the latest
earlier vintage imported, flagged *provisoire*: never a refusal while any figure is known.

The rest reads the rows of INSEE's legal populations file (one row per commune, PMUN, PCAP and PTOT
of one vintage): which row holds the header, which column holds what (by name, whatever the case
and the accents), the commune code (whole, or split into department and commune as INSEE does in
some files), and the figures, each checked (TER-2) with a message naming the line and the value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from rsgm_core.domain.territory import (
    MAX_POPULATION,
    PopulationFigure,
    PopulationKind,
    in_force_vintage,
    validate_insee_code,
)
from rsgm_core.errors import RsgmError, ValidationError

__all__ = [
    "Columns",
    "PopulationImport",
    "PopulationUsed",
    "find_columns",
    "parse_figure",
    "population_used",
    "row_figure",
    "vintage_from_text",
]


@attrs.frozen
class PopulationUsed:
    """The population a commune counts for in ``year`` (TER-2), and what it rests on.

    ``kind`` is the totale when known for that vintage, else the municipale (``municipale_only``);
    ``provisional`` when the vintage in force for ``year`` is not imported and another vintage
    stands in for it (the latest earlier one, else the nearest later one).
    """

    commune: str
    year: int
    population: int
    kind: PopulationKind
    vintage: int
    provisional: bool = False

    @property
    def in_force_vintage(self) -> int:
        """The vintage in force for ``year`` (the one used unless ``provisional``)."""
        return in_force_vintage(self.year)

    @property
    def municipale_only(self) -> bool:
        """Flagged: only the municipale of the vintage used is known (TER-2)."""
        return self.kind is PopulationKind.MUNICIPALE

    @property
    def flagged(self) -> bool:
        return self.provisional or self.municipale_only

    @property
    def note(self) -> str:
        """In French, what is flagged (``seule connue``, ``provisoire : …``), else ``""``."""
        notes = []
        if self.municipale_only:
            notes.append("seule connue")
        if self.provisional:
            notes.append(
                f"provisoire : le millésime {self.in_force_vintage}, en vigueur en {self.year}, "
                "n'est pas importé"
            )
        return " ; ".join(notes)

    @property
    def label(self) -> str:
        """In French, for display: ``population totale 2022``, then the note in parentheses."""
        text = f"population {self.kind.value} {self.vintage}"
        return f"{text} ({self.note})" if self.note else text


def population_used(
    figures: Iterable[PopulationFigure], commune: str, year: int
) -> PopulationUsed | None:
    """TER-2: the population of ``commune`` for ``year`` among ``figures``; ``None`` if none is
    known. The one rule every threshold goes through (fees, scope, target public, coverage,
    reports, indicators, access, invitations)."""
    own = [f for f in figures if f.commune == commune]
    if not own:
        return None
    wanted = in_force_vintage(year)
    exact = [f for f in own if f.vintage == wanted]
    earlier = [f for f in own if f.vintage < wanted]
    if exact:
        chosen, provisional = exact[0], False
    elif earlier:
        chosen, provisional = max(earlier, key=lambda f: f.vintage), True
    else:  # only later vintages (a year before anything imported): the nearest, provisional
        chosen, provisional = min(own, key=lambda f: f.vintage), True
    population, kind = chosen.for_thresholds
    return PopulationUsed(commune, year, population, kind, chosen.vintage, provisional)


@attrs.frozen
class PopulationImport:
    """What an import of INSEE's legal populations stored (TER-2)."""

    source: str
    vintage: int
    rows: int  # communes read in the file
    added: int  # figures new for their commune and vintage
    completed: int  # a municipale already known, now with its totale
    replaced: int  # a figure of the same vintage that differed, replaced by INSEE's
    unchanged: int
    outside: int  # communes of the file absent from the census imported: not stored

    @property
    def stored(self) -> int:
        return self.added + self.completed + self.replaced

    def lines(self) -> list[str]:
        """In French, what was stored, one line each."""
        lines = [
            f"populations légales {self.vintage} (en vigueur en {self.vintage + 3}) lues dans "
            f"{self.source} : {_counted(self.rows, 'commune')}",
            f"  {_counted(self.added, 'population ajoutée', 'populations ajoutées')}, "
            f"{_counted(self.completed, 'complétée')} par la totale, "
            f"{_counted(self.replaced, 'remplacée')}, {_counted(self.unchanged, 'inchangée')}",
        ]
        if self.outside:
            lines.append(
                f"  {_counted(self.outside, 'commune')} hors du recensement importé, "
                f"{'non enregistrées' if self.outside > 1 else 'non enregistrée'}"
            )

        return lines


# INSEE's file ---------------------------------------------------------------------------------

#: Column names INSEE has used, normalised (lower case, no accents, no punctuation).
_CODE = ("codgeo", "depcom", "code commune", "code insee", "codecommune", "com", "insee", "code")
_DEP = ("dep", "code departement", "codedep", "departement")
_PMUN = ("pmun", "population municipale", "pop municipale")
_PCAP = ("pcap", "population comptee a part", "pop comptee a part")
_PTOT = ("ptot", "population totale", "pop totale")


def _norm(text: object) -> str:
    raw = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", raw.lower()).split())


def _strip_year(name: str) -> str:
    # PMUN2021, "Population municipale 2021": the vintage may follow the name
    return re.sub(r"\s*(?:19|20)\d{2}$", "", name)


@attrs.frozen
class Columns:
    """Where the commune code and the figures are in a header row (0-based indexes)."""

    code: int
    departement: int | None
    municipale: int
    comptee_a_part: int | None
    totale: int | None


def find_columns(header: Sequence[object]) -> Columns | None:
    """The columns of a header row, found by name (case and accents ignored); ``None`` when the
    row lacks the commune code, the municipale, or both the totale and the comptée à part."""
    names = [_strip_year(_norm(cell)) for cell in header]

    def first(candidates: tuple[str, ...]) -> int | None:
        for candidate in candidates:  # in order of preference
            if candidate in names:
                return names.index(candidate)
        return None

    code, municipale = first(_CODE), first(_PMUN)
    totale, apart = first(_PTOT), first(_PCAP)
    if code is None or municipale is None or (totale is None and apart is None):
        return None
    return Columns(code, first(_DEP), municipale, apart, totale)


def _code(raw: object, departement: object) -> str:
    """The INSEE code of a row: whole, or the department's code and the commune's three digits
    (overseas: 971 and 01, or 97 and 101). Leading zeros are restored only where a spreadsheet
    stored a number (``1001`` for ``01001``); a code written as text is taken as written."""
    code = _text(raw)
    dep = _text(departement)
    if len(code) < 5 and dep:
        if _numeric(departement):
            dep = dep.zfill(2)
        if len(dep) == 3:  # overseas: 971 + "01", or 971 + "101"
            com = code.zfill(2) if _numeric(raw) else code
            code = dep[:2] + com if len(com) == 3 else dep + com
        else:
            code = dep + (code.zfill(3) if _numeric(raw) else code)
    elif _numeric(raw) and len(code) == 4:
        code = code.zfill(5)
    return validate_insee_code(code)


def _numeric(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def parse_figure(value: object, what: str) -> int:
    """A population figure of the file: a whole number from 0 to :data:`MAX_POPULATION` (TER-2)."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if math.isfinite(value) and value.is_integer() else None
    elif isinstance(value, str):
        text = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        number = int(text) if re.fullmatch(r"-?\d+", text) else None
    if number is None:
        raise ValidationError(
            f"{what} invalide : {value!r} (un nombre entier d'habitants attendu)",
            rule="TER-2",
            value=value,
        )
    if not 0 <= number <= MAX_POPULATION:
        raise ValidationError(
            f"{what} invalide : {number} (de 0 à {MAX_POPULATION:,} habitants)".replace(",", " "),
            rule="TER-2",
            value=number,
        )
    return number


def row_figure(row: Sequence[object], columns: Columns, vintage: int) -> PopulationFigure:
    """The figure of one data row; an error names the value and TER-1 or TER-2."""

    def cell(index: int | None) -> object:
        return row[index] if index is not None and index < len(row) else None

    code = _code(cell(columns.code), cell(columns.departement))
    municipale = parse_figure(cell(columns.municipale), "population municipale")
    apart = (
        None
        if columns.comptee_a_part is None
        else parse_figure(cell(columns.comptee_a_part), "population comptée à part")
    )
    totale = (
        None if columns.totale is None else parse_figure(cell(columns.totale), "population totale")
    )
    if totale is None:
        assert apart is not None  # find_columns asks for one of the two
        totale = municipale + apart
    elif apart is not None and totale != municipale + apart:
        raise ValidationError(
            f"population totale {totale} différente de la somme de la municipale {municipale} "
            f"et de la comptée à part {apart} pour la commune {code}",
            rule="TER-2",
            value=totale,
        )
    try:
        return PopulationFigure(code, vintage, municipale, totale)
    except RsgmError as exc:
        raise ValidationError(exc.message, rule="TER-2", value=exc.value) from exc


_TITLED = re.compile(
    r"(?:populations?\s+legales?|recensement(?:\s+de\s+la\s+population)?|millesime|\brp)"
    r"\D{0,12}?((?:19|20)\d{2})"
)
_IN_FORCE = re.compile(r"vigueur.{0,40}?(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def vintage_from_text(name: str, titles: Iterable[str] = ()) -> int | None:
    """The vintage a file's title rows or name give (``populations légales 2021``, ``en vigueur
    au 1er janvier 2024`` → 2021, ``ensemble_2021.xlsx``); ``None`` when none, or they disagree.
    A bare year counts in the file name only, when no title names the vintage."""
    found: set[int] = set()
    for text in (name, *titles):
        norm = _norm(text)
        found |= {int(y) for y in _TITLED.findall(norm)}
        found |= {int(y) - 3 for y in _IN_FORCE.findall(norm)}
    if not found:
        found = {int(y) for y in _YEAR.findall(_norm(name))}
    return found.pop() if len(found) == 1 else None


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the words agreeing with it: 0 and 1 take the singular, as in French."""
    return f"{count} {singular if count < 2 else plural or singular + 's'}"
