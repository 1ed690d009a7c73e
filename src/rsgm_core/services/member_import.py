"""Import members from CSV or XLSX (MEM-1, MEM-2): ``app.members.import_members``.

CSV: ``;`` or ``,`` separated, UTF-8 with or without BOM, or Windows-1252. XLSX needs the ``xlsx``
extra (openpyxl). The file is read row by row within the limits of docs/limits.md (20 MB, 20,000
rows). Everything is checked first; the import writes all rows in one transaction or nothing at
all.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsgm_core.domain.directory import DirectoryFact, FactKind, fold, validate_phone
from rsgm_core.domain.member_import import (
    ImportReport,
    RowResult,
    map_headers,
    parse_bool,
    parse_date,
    parse_fraction,
    person_key,
    split_terms,
)
from rsgm_core.domain.members import (
    MAX_WORK_TIME,
    Function,
    Position,
    Status,
    validate_email,
    work_time_total,
)
from rsgm_core.domain.profile import outside_territory
from rsgm_core.errors import NotFoundError, RsgmError, SourceDataError
from rsgm_core.services.members import _add_member, _add_position, enum_of, new_id
from rsgm_core.services.spreadsheet import read_rows

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

_FUNCTION_WORDS = {fold(f.label): f for f in Function} | {
    "sgm": Function.SGM,
    "secretaire general de mairie": Function.SGM,
    "secretaire de mairie": Function.SECRETAIRE_DE_MAIRIE,
    "dgs": Function.DGS,
}


def read_table(path: Path) -> tuple[list[str], Generator[list[str], None, None]]:
    """Header and rows of a CSV or XLSX file, as text; the rows are read as they are consumed,
    within the limits of docs/limits.md (:func:`~.spreadsheet.read_rows`)."""
    rows = read_rows(path)
    header = next(rows, None)
    if header is None or not any(h.strip() for h in header):
        rows.close()
        raise SourceDataError("fichier vide (aucune ligne d'en-tête)", source=str(path))
    return [h.strip() for h in header], rows


def _percent(total: Decimal) -> str:
    return f"{(total * 100).normalize():f}".replace(".", ",") + " %"


class MemberImport:
    """The import use case: check every row of a file, then write all of them or none."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def __call__(
        self,
        path: str | Path,
        *,
        mapping: Mapping[str, str] | None = None,
        dry_run: bool = False,
    ) -> ImportReport:
        """Check every row; unless ``dry_run`` or a row has a problem, write them all at once."""
        path = Path(path)
        try:
            headers, rows = read_table(path)
        except FileNotFoundError:
            raise NotFoundError(f"fichier introuvable : {path}", value=str(path)) from None
        except (OSError, ValueError) as exc:  # a folder, no permission, a NUL in the name
            reason = getattr(exc, "strerror", None) or str(exc)
            raise SourceDataError(
                f"fichier illisible ({reason})", source=str(path), rule="MEM-1", value=str(path)
            ) from None
        columns = map_headers(headers, mapping)
        thesaurus = self.deps.hooks.expertise_thesaurus()
        tools = self.deps.hooks.business_software()
        today = self.deps.today()
        with self.deps.read() as uow:
            communes = {c.code: c for c in uow.communes.list()}
            stored = uow.members.list()
            by_email = {m.email.lower(): m for m in stored if m.email}
            names = {m.id: fold(m.full_name) for m in stored}
            held = {(names[p.member_id], p.commune): p.member_id for p in uow.positions.list()
                    if p.member_id in names}  # fmt: skip
        people: dict[str, dict[str, Any]] = {}
        seen_name_commune: dict[tuple[str, str], tuple[int, str | None]] = {}
        results: list[RowResult] = []
        for offset, row in enumerate(rows):
            line = offset + 2
            cells = {
                field: (row[i].strip() if i < len(row) else "") for i, field in columns.items()
            }
            if not any(cells.values()):
                continue
            problems: list[str] = []
            notes: list[str] = []
            first, last = cells.get("first_name", ""), cells.get("last_name", "")
            name = f"{first} {last}".strip()
            if not first or not last:
                problems.append("prénom et nom obligatoires")

            def check(fn: Any, *args: Any, problems: list[str] = problems) -> Any:
                try:
                    return fn(*args)
                except RsgmError as exc:
                    problems.append(str(exc))
                    return None

            code = cells.get("commune") or None
            commune = communes.get(code) if code else None
            town = [commune.name] if commune is not None else []  # CHA-6: voinsles@ for Voinsles
            email = (
                check(
                    lambda e, t=town: validate_email(e, strict=True, commune_names=t),
                    cells["email"],
                )
                if cells.get("email")
                else None
            )
            phone = check(validate_phone, cells["phone"]) if cells.get("phone") else None
            if code and commune is None:
                problems.append(f"commune inconnue : {code} (importez d'abord le recensement)")
            elif commune is not None and not commune.active:
                problems.append(f"la commune {code} {commune.name} n'existe plus [TER-5]")
            position = None
            if commune is not None and commune.active:
                position = check(self._position, cells, code)
            expertises = [
                check(thesaurus.resolve, t) for t in split_terms(cells.get("expertises", ""))
            ]
            software = [check(tools.resolve, t) for t in split_terms(cells.get("software", ""))]
            helper = check(parse_bool, cells.get("helper", "")) or False
            arrival = check(parse_date, cells.get("arrival", ""))
            key = person_key(email, first, last)
            folded = fold(name)
            action = "nouveau membre"
            if email and email.lower() in by_email:
                other = by_email[email.lower()]
                problems.append(
                    f"doublon probable : {other.full_name} a déjà l'adresse {email} [MEM-1]"
                )
            if code and (folded, code) in held:
                problems.append(
                    f"doublon probable : {name} a déjà un poste à {code} (même nom et même commune) [MEM-1]"
                )
            if code:
                earlier = seen_name_commune.get((folded, code))
                if earlier is not None and earlier[1] != key:
                    problems.append(
                        f"doublon probable de la ligne {earlier[0]} : même nom et même commune [MEM-1]"
                    )
                seen_name_commune.setdefault((folded, code), (line, key))
            person = people.get(key)
            if person is not None:
                if fold(person["name"]) != folded:
                    problems.append(
                        f"l'adresse {email} est aussi celle de {person['name']} (ligne "
                        f"{person['line']}) : une personne, un compte [CHA-6]"
                    )
                else:
                    action = f"poste ajouté au membre de la ligne {person['line']}"
            if person is None and not problems:
                person = people[key] = {
                    "line": line, "name": name, "first": first, "last": last, "email": email,
                    "phone": phone, "helper": helper, "arrival": arrival, "positions": [],
                    "expertises": set(), "software": set(),
                }  # fmt: skip
            if commune is not None and outside_territory(
                commune.departement, self.deps.settings.departements
            ):
                notes.append(
                    f"commune {commune.name} ({commune.departement}) hors du ressort du CDG : "
                    "le poste est enregistré mais ni invité ni facturé [TER-7]"
                )
            if person is not None and not problems:
                if position is not None:
                    person["positions"].append(position)
                    total = work_time_total(person["positions"], on=position.start or today)
                    if total > MAX_WORK_TIME:  # MEM-1: recorded, flagged, never refused
                        notes.append(
                            f"quotités cumulées de {_percent(total)} : au-delà des 115 % permis "
                            "pour des emplois à temps non complet, signalé à l'animateur [MEM-1]"
                        )
                person["expertises"].update(e for e in expertises if e)
                person["software"].update(s for s in software if s)
            results.append(
                RowResult(line, name, code, tuple(problems), "" if problems else action,
                          tuple(notes))
            )  # fmt: skip
        positions = sum(len(p["positions"]) for p in people.values())
        ok = not any(r.problems for r in results)
        written = False
        if ok and not dry_run:
            self._write(people)
            written = True
        return ImportReport(str(path), tuple(results), len(people), positions, dry_run, written)

    def _position(self, cells: dict[str, str], code: str) -> Position:
        function_text = cells.get("function") or "sgm"
        function = _FUNCTION_WORDS.get(fold(function_text)) or enum_of(
            Function, function_text, "fonction"
        )
        status = enum_of(Status, fold(cells.get("status") or "titulaire"), "statut")
        permanent = parse_bool(cells["permanent"]) if cells.get("permanent") else True
        work_time: Decimal = parse_fraction(cells.get("work_time", ""))
        return Position(new_id(), "?", code, function, work_time, status, permanent)

    def _write(self, people: dict[str, dict[str, Any]]) -> None:
        with self.deps.transaction() as uow:
            for person in people.values():
                member = _add_member(
                    uow, self.deps, person["first"], person["last"], email=person["email"],
                    phone=person["phone"], arrival=person["arrival"], helper=person["helper"],
                )  # fmt: skip
                for p in person["positions"]:
                    _add_position(
                        uow, self.deps, member.id, p.commune, p.function, work_time=p.work_time,
                        status=p.status, permanent=p.permanent,
                    )  # fmt: skip
                uow.directory_facts.add_all(
                    [DirectoryFact(new_id(), member.id, FactKind.EXPERTISE, t, fold(t))
                     for t in sorted(person["expertises"])]
                    + [DirectoryFact(new_id(), member.id, FactKind.SOFTWARE, t, fold(t))
                       for t in sorted(person["software"])]
                )  # fmt: skip
