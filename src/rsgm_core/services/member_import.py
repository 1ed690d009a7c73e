"""Import members from CSV or XLSX (MEM-1, MEM-2): ``app.members.import_members``.

CSV: ``;`` or ``,`` separated, UTF-8 with or without BOM, or Windows-1252. XLSX needs the ``xlsx``
extra (openpyxl). The file is read row by row within the limits of docs/limits.md. The header row
may follow a few title rows. Every row is checked in one pass (:mod:`~.import_rows`), people and
duplicates are found (:mod:`~.import_plan`), and known members are refreshed in update mode
(:mod:`~.member_refresh`). Then, unless it is a dry run, everything is written in one transaction:
all rows, or with ``partial`` the good ones (the rejected ones go to the ``rejects`` file), or
nothing at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import os
from collections.abc import Generator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.commune_names import CommuneIndex
from rsgm_core.domain.directory import DirectoryFact, FactKind, fold
from rsgm_core.domain.header_vocabulary import HeaderVocabulary
from rsgm_core.domain.import_vocabulary import FIELD_LABELS
from rsgm_core.domain.lifecycle import ONBOARDING, checklist
from rsgm_core.domain.member_import import (
    HeaderMap,
    ImportReport,
    RowResult,
    read_header,
    resolve_field,
)
from rsgm_core.domain.members import Lifecycle, Member, Position
from rsgm_core.domain.progress import Progress, no_progress
from rsgm_core.errors import NotFoundError, SourceDataError, ValidationError
from rsgm_core.ports import UnitOfWork
from rsgm_core.services.import_plan import Plan, Stored, plan_import
from rsgm_core.services.import_records import maker
from rsgm_core.services.import_rows import POSITION_FIELDS, ParsedRow, RowChecker
from rsgm_core.services.members import new_id
from rsgm_core.services.spreadsheet import read_rows

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["MemberImport", "read_table"]

HEADER_SEARCH = 10  # title rows a sheet may have above its header
#: A position column absent from the sheet (not an empty cell): this value, said in the report.
ABSENT_COLUMN = {"function": "sgm", "work_time": "1", "status": "titulaire"}
_MEMBER_FIELDS = (
    "id", "first_name", "last_name", "email", "phone", "lifecycle", "arrival", "helper",
    "platform_access", "birth_year", "retirement_on",
)  # fmt: skip
_POSITION_FIELDS = (
    "id", "member_id", "commune", "function", "work_time", "status", "permanent", "start"
)  # fmt: skip
ABSENT_COLUMN_LABEL = {"function": "SGM", "work_time": "1 (temps complet)", "status": "titulaire"}


def read_table(path: Path) -> tuple[list[str], Generator[list[str], None, None]]:
    """Header and rows of a CSV or XLSX file, as text; the rows are read as they are consumed,
    within the limits of docs/limits.md (:func:`~.spreadsheet.read_rows`)."""
    rows = read_rows(path)
    header = next(rows, None)
    if header is None or not any(h.strip() for h in header):
        rows.close()
        raise SourceDataError("fichier vide (aucune ligne d'en-tête)", source=str(path))
    return [h.strip() for h in header], rows


def _open(path: Path) -> Generator[list[str], None, None]:
    try:
        yield from read_rows(path)
    except FileNotFoundError:
        raise NotFoundError(f"fichier introuvable : {path}", value=str(path)) from None
    except (OSError, ValueError) as exc:  # a folder, no permission, a NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SourceDataError(
            f"fichier illisible ({reason})", source=str(path), rule="MEM-1", value=str(path)
        ) from None


def find_header(
    rows: Generator[list[str], None, None],
    mapping: Mapping[str, str] | None,
    ignore: Iterable[str],
    path: Path,
    *,
    vocabulary: HeaderVocabulary | None = None,
) -> tuple[HeaderMap, int]:
    """The header row among the first lines (a title may precede it) and its line number;
    ``vocabulary``: another kind of sheet's headers (the élus', MEM-12)."""
    for field in (mapping or {}).values():
        resolve_field(field, "champ de correspondance", vocabulary=vocabulary)  # said first
    first_error: ValidationError | None = None
    for line, raw in enumerate(rows, start=1):
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        try:
            return read_header(cells, mapping, ignore, line=line, vocabulary=vocabulary), line
        except ValidationError as exc:
            first_error = first_error or exc
        if line >= HEADER_SEARCH:
            break
    rows.close()
    if first_error is None:
        raise SourceDataError("fichier vide (aucune ligne d'en-tête)", source=str(path))
    raise first_error


class MemberImport:
    """The import use case: check every row of a file, then write all of them, the good ones, or
    none."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def __call__(
        self,
        path: str | Path,
        *,
        mapping: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        defaults: Mapping[str, str] | None = None,
        update: bool = False,
        partial: bool = False,
        rejects: str | Path | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        path = Path(path)
        told = progress or no_progress
        chosen = {
            resolve_field(k, "champ par défaut"): str(v).strip()
            for k, v in (defaults or {}).items()
        }
        for field, value in chosen.items():
            if not value:
                raise ValidationError(
                    f"valeur par défaut vide pour {FIELD_LABELS[field]}", rule="MEM-1", value=field
                )
        ignore = tuple(ignore)
        rows = _open(path)
        collecting = _pause_gc()
        try:
            # The rows, the plan and the records are freed as _run returns, before the collector
            # runs again: it then walks the report only.
            return self._run(
                path, rows, mapping=mapping, ignore=ignore, chosen=chosen, update=update,
                partial=partial, rejects=rejects, dry_run=dry_run, told=told,
            )  # fmt: skip
        finally:
            rows.close()
            if collecting:
                gc.enable()

    def _run(
        self,
        path: Path,
        rows: Generator[list[str], None, None],
        *,
        mapping: Mapping[str, str] | None,
        ignore: tuple[str, ...],
        chosen: dict[str, str],
        update: bool,
        partial: bool,
        rejects: str | Path | None,
        dry_run: bool,
        told: Progress,
    ) -> ImportReport:
        header, header_line = find_header(rows, mapping, ignore, path)
        file_problems = self._file_problems(header, chosen)
        assumed = self._assumed(header, chosen)
        settings = self.deps.settings
        today = self.deps.today()
        context = self.deps.read() if dry_run else self.deps.transaction()
        with context as uow:
            checker = RowChecker(
                index=CommuneIndex(uow.communes.list(), settings.departements),
                fields=header.fields | set(chosen),
                defaults=chosen,
                thesaurus=self.deps.hooks.expertise_thesaurus(),
                tools=self.deps.hooks.business_software(),
                departements=settings.departements,
                today=today,
            )
            parsed: list[ParsedRow] = []
            check, columns, keep = checker.check, header.columns, parsed.append
            for line, raw in enumerate(rows, start=header_line + 1):
                if raw:  # not blank: read_rows drops a row's blank cells at its end
                    keep(check(line, raw, columns))
                    if not len(parsed) % 500:  # the total is known only at the end
                        told("lignes", len(parsed), 0)
            told("lignes", len(parsed), len(parsed))
            stored = self._stored(uow, update=update)
            plan = plan_import(parsed, stored, update=update, today=today)
            created = len(plan.created)
            # Before writing, which gives the created people their member: known ones only.
            updated = len({p.key for p in plan.people.values() if p.member and _changed(p.rows)})
            bad = any(r.issues for r in parsed)
            write = not dry_run and not file_problems and (partial or not bad)
            if write:
                self._write(uow, plan, today)
        rejects_file = None
        if rejects is not None:
            rejects_file = str(
                self._rejects(Path(rejects), header, [r for r in parsed if r.issues])
            )
        return ImportReport(
            str(path),
            tuple(map(_result, parsed)),
            members=created,
            positions=len(plan.positions_new),
            dry_run=dry_run,
            written=write,
            file_problems=file_problems,
            assumed=assumed,
            header=header,
            update=update,
            partial=partial,
            updated=updated,
            ended=len(plan.positions_ended),
            modified=plan.modified,
            absent=tuple(plan.absent),
            rejects_file=rejects_file,
        )

    def _file_problems(self, header: HeaderMap, chosen: Mapping[str, str]) -> tuple[str, ...]:
        found = [
            f'colonne « {h} » non reconnue : ignorez-la (--ignorer "{h}") ou dites ce qu\'elle '
            f'contient (--colonne "{h}=CHAMP")'
            for h in header.unknown
        ]
        found += [
            f"colonne « {h} » en double (le même champ est déjà lu dans une autre colonne) : "
            f'ignorez-en une (--ignorer "{h}")'
            for h in header.doubled
        ]
        return tuple(found)

    def _assumed(self, header: HeaderMap, chosen: dict[str, str]) -> tuple[str, ...]:
        """A position column the sheet does not have at all, with no value chosen: the usual
        value, said in the report (an empty cell of a column the sheet has is a problem)."""
        said = []
        if header.fields & {"commune", "commune_name"}:
            for field in POSITION_FIELDS:
                if field not in header.fields and field not in chosen:
                    chosen[field] = ABSENT_COLUMN[field]
                    label = FIELD_LABELS[field]
                    said.append(
                        f"pas de colonne {label} : « {ABSENT_COLUMN_LABEL[field]} » retenu pour "
                        f'chaque poste (--par-defaut "{label}=…" pour une autre valeur)'
                    )
        return tuple(said)

    def _stored(self, uow: UnitOfWork, *, update: bool) -> Stored:
        stored = Stored.of(uow.members.list(), uow.positions.list(), self.deps.today())
        if update:
            for fact in uow.directory_facts.list():
                stored.facts.setdefault(fact.member_id, set()).add((fact.kind.value, fact.key))
            stored.commune_names = {c.code: c.name for c in uow.communes.list()}
        return stored

    def _write(self, uow: UnitOfWork, plan: Plan, today: dt.date) -> None:
        """Everything the plan says, in the caller's transaction, collection by collection."""
        members: list[Member] = []
        created = plan.created
        known = (
            {p.key for p in plan.people.values() if p.member is not None}
            if len(created) < len(plan.people)
            else set()
        )  # the people already recorded (update mode): none when every person is new
        # In ascending order, the rows are appended to the tables' id indexes rather than spread
        # across them: the same random ids, written faster.
        ids = iter(sorted(new_ids(len(created) + len(plan.positions_new))))
        # Every value below was checked with the row (names, address, dates): the records are
        # made without running their validators again (:mod:`~.import_records`).
        member_of = maker(Member, _MEMBER_FIELDS)
        for person in created:
            row = person.rows[0]
            member = member_of(
                next(ids), row.first, row.last, row.email, row.phone, Lifecycle.ACTIVE,
                row.arrival, bool(row.helper), True, row.birth_year, row.retirement_on,
            )  # fmt: skip
            person.member = member
            members.append(member)
        uow.members.add_all(members)
        if plan.members_changed:
            uow.members.update_all(plan.members_changed)
        if plan.positions_ended:
            uow.positions.update_all(attrs.evolve(p, end=today) for p in plan.positions_ended)
        uow.positions.add_all(self._positions(plan, ids, known, today))
        items = [
            item
            for m in members
            if m.arrival is not None
            for item in checklist(m.id, m.arrival, [new_id() for _ in range(len(ONBOARDING))])
        ]
        if items:
            uow.onboarding_items.add_all(items)
        kinds = {"expertise": FactKind.EXPERTISE, "logiciel": FactKind.SOFTWARE}
        uow.directory_facts.add_all(
            DirectoryFact(new_id(), person.member.id, kinds[kind], term, fold(term))
            for person, kind, term in plan.facts_new
            if person.member is not None
        )
        if self.deps.hooks.pm.hook.rsgm_on_member_added.get_hookimpls():  # else nothing to tell
            hook = self.deps.hooks.on_member_added
            uow.after_commit.extend(functools.partial(hook, m) for m in members)

    @staticmethod
    def _positions(
        plan: Plan, ids: Iterator[str], known: set[str], today: dt.date
    ) -> list[Position]:
        """The new positions, made from their checked rows (the commune from the census, the
        work time through its validator: :mod:`~.import_records`)."""
        position_of = maker(Position, _POSITION_FIELDS)
        found = []
        for person, row in plan.positions_new:
            member, commune = person.member, row.commune
            assert member is not None and commune is not None and row.has_position
            start = today if person.key in known else None
            position = position_of(
                next(ids), member.id, commune.code, row.function, row.work_time, row.status,
                row.permanent, start,
            )  # fmt: skip
            found.append(position)
        return found

    def _rejects(self, path: Path, header: HeaderMap, rows: list[ParsedRow]) -> Path:
        """The rejected rows as they were read, with their problems, to fix and import again."""
        try:
            with path.open("w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out, delimiter=";")
                writer.writerow([*header.headers, "Problèmes"])
                for row in rows:
                    cells = list(row.cells) + [""] * (len(header.headers) - len(row.cells))
                    writer.writerow(
                        [*cells[: len(header.headers)], " | ".join(map(str, row.issues))]
                    )
        except OSError as exc:
            raise SourceDataError(
                f"impossible d'écrire le fichier des rejets ({exc.strerror or exc})",
                source=str(path),
                rule="MEM-1",
                value=str(path),
            ) from None
        return path


def _pause_gc() -> bool:
    """Pause the cyclic garbage collector while an import makes its many objects (freed by
    reference counting all the same); the caller enables it again if this says it was enabled.
    Half to two thirds of the Python time of a large import went to collections finding nothing
    to collect (benchmarks/members_import.py, docs/performance.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    return was_enabled


def new_ids(count: int) -> list[str]:
    """``count`` random UUIDs (version 4) as text, as :func:`~.members.new_id` makes them, from
    one call to the system's random source. The hex digits are laid out with strided slice
    copies (one per digit of a UUID, not one formatting per id): a test checks the layout."""
    hexed = bytearray(os.urandom(16 * count).hex().encode("ascii"))
    hexed[12::32] = b"4" * count  # the version
    hexed[16::32] = bytes(hexed[16::32]).translate(_VARIANT)
    out = bytearray(b"-" * (37 * count))  # 36 characters and a line break per id
    for digit, place in enumerate(_LAYOUT):
        out[place::37] = hexed[digit::32]
    out[36::37] = b"\n" * count
    return out.decode("ascii").split("\n")[:count]


#: The RFC 4122 variant: the two high bits of the 17th hex digit set to 10, the two low ones kept.
_VARIANT = bytes.maketrans(b"0123456789abcdef", b"89ab" * 4)
#: Where each of a UUID's 32 hex digits goes in its text (8-4-4-4-12, dashes between).
_LAYOUT = tuple(d + (d >= 8) + (d >= 12) + (d >= 16) + (d >= 20) for d in range(32))


def _changed(rows: list[ParsedRow]) -> bool:
    return any(r.changes for r in rows)


#: The report's row, made without attrs' frozen guard (no validator to run: :mod:`~.import_records`).
_ROW_RESULT = maker(RowResult, tuple(f.name for f in attrs.fields(RowResult)))


def _result(row: ParsedRow) -> RowResult:
    issues, notes, changes = row.issues, row.notes, row.changes
    return _ROW_RESULT(
        row.line,
        f"{row.first} {row.last}" if row.first and row.last else row.name,
        row.code,
        tuple(map(str, issues)) if issues else (),
        "" if issues else row.action,
        tuple(notes) if notes else (),
        tuple(changes) if changes else (),
        tuple(issues) if issues else (),
        row.cells,
    )
