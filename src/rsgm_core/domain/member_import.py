"""Importing members from the spreadsheets CDGs already keep (MEM-1, MEM-2).

A file is a header row and one row per position. Columns are recognised by their French headers
(accents and case ignored: « Prénom », « NOM », « Courriel », « Code INSEE », « Quotité »…) or by a
mapping the caller gives (``{"Nom d'usage": "last_name"}``). Rows sharing an e-mail, or a name when
there is no e-mail, are one person holding several positions.

Every row is checked before anything is written; the report says, per row, what would be done or
what is wrong. Likely duplicates of stored members (same e-mail, or same normalised name in the
same commune) are problems: one person is one record (MEM-1).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.errors import ValidationError

__all__ = [
    "FIELDS",
    "ImportReport",
    "RowResult",
    "map_headers",
    "parse_date",
    "parse_fraction",
    "person_key",
    "split_terms",
]

#: Field → the folded headers recognised for it.
FIELDS: dict[str, tuple[str, ...]] = {
    "first_name": ("prenom", "first name", "first_name"),
    "last_name": ("nom", "nom de famille", "nom d usage", "last name", "last_name"),
    "email": ("email", "e mail", "courriel", "mail", "adresse electronique", "adresse mail"),
    "phone": ("telephone", "tel", "phone", "telephone professionnel"),
    "commune": ("commune", "code insee", "insee", "code commune", "collectivite"),
    "function": ("fonction", "function", "poste"),
    "work_time": ("quotite", "quotite de travail", "temps de travail", "work_time"),
    "status": ("statut", "status"),
    "permanent": ("emploi permanent", "permanent"),
    "expertises": ("expertises", "expertise", "domaines d expertise", "competences"),
    "software": ("logiciels", "logiciel", "logiciels metier", "software"),
    "helper": ("volontaire", "entraide", "volontaire entraide", "helper"),
    "arrival": ("arrivee", "date d arrivee", "date arrivee", "arrival"),
}
REQUIRED = ("first_name", "last_name")
_TRUE = {"oui", "o", "x", "1", "vrai", "true", "yes"}
_FALSE = {"non", "n", "0", "faux", "false", "no", ""}


def map_headers(headers: Sequence[str], mapping: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index → field. ``mapping`` (header → field) wins over the recognised headers."""
    given = {fold(k): v for k, v in (mapping or {}).items()}
    unknown_fields = [v for v in given.values() if v not in FIELDS]
    if unknown_fields:
        raise ValidationError(
            f"champ de correspondance inconnu : {unknown_fields[0]!r} (valeurs : {', '.join(FIELDS)})",
            value=unknown_fields[0],
        )
    aliases = {alias: field for field, names in FIELDS.items() for alias in names}
    columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = fold(header or "")
        field = given.get(key) or aliases.get(key)
        if field and field not in columns.values():
            columns[index] = field
    missing = [f for f in REQUIRED if f not in columns.values()]
    if missing:
        raise ValidationError(
            f"colonne obligatoire absente : {missing[0]} (en-têtes lus : {', '.join(headers)}) ; "
            'donnez une correspondance, par exemple --colonne "Nom d\'usage=last_name"',
            rule="MEM-1",
            value=missing[0],
        )
    return columns


def split_terms(cell: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,|;/]", cell or "") if t.strip()]


def parse_fraction(cell: str) -> Decimal:
    """ "0,5", "50 %", "17,5/35" → Decimal; the range is checked by the position (MEM-1)."""
    text = (cell or "").strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        if text.endswith("%"):
            return Decimal(text[:-1]) / 100
        if "/" in text:
            hours, week = text.split("/", 1)
            return (Decimal(hours) / Decimal(week)).quantize(Decimal("0.0001"))
        return Decimal(text or "1")
    except (InvalidOperation, ArithmeticError):
        raise ValidationError(
            f"quotité illisible : {cell!r} (exemples : 1, 0,5, 50 %, 17,5/35)",
            rule="MEM-1",
            value=cell,
        ) from None


def parse_date(cell: str) -> dt.date | None:
    text = (cell or "").strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
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
    """Rows with the same key are one person: the e-mail, else the normalised name."""
    return email.lower() if email else "nom:" + fold(f"{first_name} {last_name}")


@attrs.frozen
class RowResult:
    line: int  # in the file, the header being line 1
    name: str
    commune: str | None
    problems: tuple[str, ...] = ()
    action: str = ""  # "nouveau membre", "poste ajouté au membre de la ligne 3"
    notes: tuple[str, ...] = ()  # recorded, yet flagged for the animator (MEM-1: over 115 %)


@attrs.frozen
class ImportReport:
    source: str
    rows: tuple[RowResult, ...]
    members: int  # people who would be (or were) created
    positions: int
    dry_run: bool
    written: bool

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def flagged(self) -> list[RowResult]:
        """Rows recorded with a flag for the animator (MEM-1: positions over 115 %)."""
        return [r for r in self.rows if r.notes]
