"""``rsgm members import``: a CDG's spreadsheet of agents, as it is (MEM-1, MEM-2)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rsgm_core.cli.common import add_action, open_app
from rsgm_core.cli.progress import add_quiet_option, progress_line
from rsgm_core.domain.import_vocabulary import FIELD_LABELS
from rsgm_core.domain.member_import import ImportReport
from rsgm_core.errors import ValidationError

__all__ = ["register"]

_FIELDS = ", ".join(FIELD_LABELS.values())


def register(actions: Any) -> None:
    imp = add_action(actions, "import", "importer un tableur d'agents (CSV ou XLSX)", _import)
    imp.add_argument("path", metavar="FICHIER", type=Path)
    imp.add_argument(
        "--colonne",
        action="append",
        default=[],
        metavar="EN-TÊTE=CHAMP",
        help=f'lire une colonne comme un champ (répétable), ex. "Nom d\'usage=nom" ; champs : {_FIELDS}',
    )
    imp.add_argument(
        "--ignorer",
        action="append",
        default=[],
        metavar="EN-TÊTE",
        help='laisser de côté une colonne (répétable), ex. "Observations"',
    )
    imp.add_argument(
        "--par-defaut",
        action="append",
        default=[],
        dest="defaults",
        metavar="CHAMP=VALEUR",
        help='valeur des cellules vides d\'un champ (répétable), ex. "quotité=1", "statut=titulaire"',
    )
    imp.add_argument(
        "--mise-a-jour",
        action="store_true",
        dest="update",
        help="rafraîchir les membres déjà enregistrés (ajouts, changements, postes terminés)",
    )
    imp.add_argument(
        "--partiel",
        action="store_true",
        help="importer les lignes correctes même si d'autres sont rejetées",
    )
    imp.add_argument(
        "--rejets",
        type=Path,
        metavar="FICHIER",
        help="écrire les lignes rejetées et leurs problèmes dans ce fichier CSV, à corriger",
    )
    imp.add_argument("--essai", action="store_true", help="vérifier sans rien enregistrer")
    add_quiet_option(imp)


def _pairs(values: list[str], what: str) -> dict[str, str]:
    found = {}
    for pair in values:
        key, _, value = pair.rpartition("=")
        if not key.strip() or not value.strip():
            raise ValidationError(f"{what} attendu : {pair!r}", rule="MEM-1", value=pair)
        found[key.strip()] = value.strip()
    return found


def _plural(count: int, word: str) -> str:
    """« 1 ligne rejetée », « 2 lignes rejetées »: every word of ``word`` takes the plural."""
    if count < 2:
        return f"{count} {word}"
    return f"{count} " + " ".join(_PLURALS.get(w, w + "s") for w in word.split())


_PLURALS = {"nouveau": "nouveaux", "à": "à", "jour": "jour", "mis": "mis", "dans": "dans"}


def _import(args: argparse.Namespace) -> int:
    mapping = _pairs(args.colonne, "EN-TÊTE=CHAMP")
    defaults = _pairs(args.defaults, "CHAMP=VALEUR")
    with open_app(args) as app, progress_line(args) as progress:
        report = app.members.import_members(
            args.path, mapping=mapping, ignore=args.ignorer, defaults=defaults,
            update=args.update, partial=args.partiel, rejects=args.rejets, dry_run=args.essai,
            progress=progress,
        )  # fmt: skip
    print_report(report)
    return 0 if report.ok or report.written else 1


def print_report(report: ImportReport) -> None:
    """Columns read, the sheet's problems, the rows' problems grouped by kind (allowed values
    said once), notes, what each row does (dry run or update), then what was done."""
    if report.header is not None:
        read = ", ".join(
            f"« {report.header.headers[i]} » → {FIELD_LABELS[f]}"
            for i, f in sorted(report.header.columns.items())
        )
        print(f"colonnes lues : {read}")
        if report.header.ignored:
            print("colonnes ignorées : " + ", ".join(f"« {h} »" for h in report.header.ignored))
    for problem in report.file_problems:
        print(f"fichier : {problem}")
    for said in report.assumed:
        print(f"fichier : {said}")
    names = {r.line: r.name or "?" for r in report.rows}
    by_line = {r.line: r for r in report.rows}
    for group in report.groups():
        allowed = f" (valeurs admises : {group.allowed})" if group.allowed else ""
        print(f"{group.kind}{allowed} [{group.rule}] : {_plural(len(group.lines), 'ligne')}")
        for line in dict.fromkeys(group.lines):
            for issue in by_line[line].issues:
                if issue.kind == group.kind:
                    print(f"  ligne {line} ({names[line]}) : {issue.message}")
    for row in report.rows:
        for note in row.notes if not row.problems else ():
            print(f"ligne {row.line} ({row.name}) : à signaler : {note}")
    if report.dry_run or report.update:
        for row in report.rows:
            if row.problems:
                continue
            detail = f" : {' ; '.join(row.changes)}" if row.changes else ""
            print(f"ligne {row.line} ({row.name}) : {row.action}{detail}")
    if report.absent:
        print(
            f"{_plural(len(report.absent), 'membre absent')} du tableau, "
            + ("laissé tel quel" if len(report.absent) == 1 else "laissés tels quels")
            + " (un départ s'enregistre avec « rsgm members depart ») : "
            + ", ".join(report.absent)
        )
    print(_summary(report))
    if report.rejects_file:
        rejected = len(report.problems)
        print(f"{_plural(rejected, 'ligne rejetée écrite')} dans {report.rejects_file}")


def _summary(report: ImportReport) -> str:
    rejected = len(report.problems)
    if not report.written and not report.dry_run and not report.ok:
        if report.file_problems:
            said = _plural(len(report.file_problems), "problème") + " du fichier"
            return f"{said} : rien n'a été importé (voir ci-dessus : --ignorer, --colonne)"
        return (
            f"{_plural(rejected, 'ligne')} en erreur : rien n'a été importé "
            "(--partiel pour importer les lignes correctes)"
        )
    if report.update:
        added = report.positions - report.modified
        parts = [
            _plural(report.members, "nouveau membre"),
            _plural(report.updated, "membre mis à jour"),
            _plural(added, "poste ajouté"),
            _plural(report.modified, "poste modifié"),
            _plural(report.ended - report.modified, "poste terminé"),
        ]
        done = "à enregistrer" if report.dry_run else "enregistré"
        parts = [f"{done} : " + ", ".join(parts)]
    else:
        parts = [
            f"{_plural(report.members, 'membre')} et {_plural(report.positions, 'poste')} "
            + ("seraient importés" if report.dry_run else "importés")
        ]
    if rejected:
        parts.append(_plural(rejected, "ligne rejetée"))
    if report.file_problems:
        parts.append(_plural(len(report.file_problems), "problème") + " du fichier")
    tail = " (essai : rien n'a été importé)" if report.dry_run else ""
    return " ; ".join(parts) + tail
