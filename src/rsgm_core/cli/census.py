"""``rsgm census import|diff|report|conflicts`` (TER-1..TER-6)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rsgm_core.cli import census_communes
from rsgm_core.cli.common import ProgressBar, add_action, add_db_option, add_group, open_app
from rsgm_core.domain.census import CensusChanges
from rsgm_core.domain.census_report import CensusReport
from rsgm_core.errors import ValidationError
from rsgm_core.render.exports import to_csv
from rsgm_core.render.text import print_census_report
from rsgm_core.serialization import unstructure

LEVELS = ("departement", "epci", "arrondissement")
CSV_HEADERS = (
    "code_insee", "commune", "departement", "arrondissement", "epci", "epci_nom", "population",
    "type_population", "millesime", "strate", "fonction", "nombre_agents",
)  # fmt: skip


def register(commands: Any) -> None:
    actions = add_group(commands, "census", "recensement des communes du territoire")

    imp = actions.add_parser("import", help="importer un millésime (données Etalab)")
    _source_options(imp)
    imp.set_defaults(handler=_import)

    diff = actions.add_parser(
        "diff", help="ce qu'un nouveau millésime changerait, sans rien écrire"
    )
    _source_options(diff)
    diff.set_defaults(handler=_diff)

    report = add_action(
        actions, "report", "le recensement par département, EPCI, arrondissement", _report
    )
    report.add_argument(
        "--departement", action="append", metavar="CODE", help="limiter à ce département"
    )
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument("--level", choices=LEVELS, default="epci", help="regroupement du tableau")

    conflicts = add_action(
        actions,
        "conflicts",
        "mairies, adhésions et conventions en double après une fusion, à résoudre (TER-5)",
        _conflicts,
    )
    conflicts.add_argument("--commune", metavar="CODE", help="limiter à ce successeur")
    census_communes.register(actions)  # communes, orphans, reassign


def _source_options(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    parser.add_argument(
        "--source", required=True, metavar="DOSSIER", help="dossier des fichiers JSON"
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--departement", action="append", metavar="CODE", help="département (répétable)"
    )
    scope.add_argument("--france", action="store_true", help="toute la France")


def _scope(args: argparse.Namespace) -> list[str] | None:
    return None if args.france else args.departement


def _import(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        departements = _scope(args)
        territory = list(app.settings.departements)
        if args.france and territory:
            raise ValidationError(
                f"--france : le territoire du CDG est {', '.join(territory)} (section "
                "[territoire] du profil)",
                rule="TER-7",
            )
        if departements is None and not args.france:
            departements = territory or app.census.territory_codes()
            if departements is None:
                raise ValidationError(
                    "précisez --departement CODE (répétable) ou --france pour le premier import, "
                    "ou les départements du CDG dans le profil ([territoire])"
                )
        result = app.census.import_(args.source, departements, progress=ProgressBar())
    counts = result.counts
    print(
        f"millésime {result.imported.vintage} importé : {counts['communes']} communes, "
        f"{counts['epcis']} EPCI, départements {', '.join(result.imported.departements)}"
    )
    if counts.get("hors_ressort"):  # TER-7
        print(
            f"  {counts['hors_ressort']} commune(s) hors ressort (EPCI à cheval sur le "
            "territoire), comptées à part"
        )
    _print_changes(result.changes)
    for old, moved in result.moved.items():
        detail = ", ".join(f"{n} {name}" for name, n in moved.items())
        print(f"  rattachements déplacés de {old} vers {result.changes.successors[old]} : {detail}")
    if result.conflicts:  # TER-5: kept aside, listed by « rsgm census conflicts »
        print(
            f"{len(result.conflicts)} enregistrement(s) en double après fusion, gardé(s) à part "
            "(rsgm census conflicts) :"
        )
        for conflict in result.conflicts:
            print(f"  {conflict.describe()}")
    return 0


def _conflicts(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.census.list_conflicts(commune=args.commune)
    if not found:
        print("aucun enregistrement en double après fusion")
        return 0
    print(f"{len(found)} enregistrement(s) en double après fusion, à résoudre :")
    for conflict in found:
        print(f"  {conflict.describe()}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        changes = app.census.diff(args.source, _scope(args), france=args.france)
    _print_changes(changes)
    return 0


def _print_changes(changes: CensusChanges) -> None:
    if not changes.changes:
        print("aucun changement par rapport au millésime en base")
        return
    print(f"{len(changes.changes)} changement(s) :")
    for line in changes.lines():
        print(f"  {line}")


def _report(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        report = app.census.report(departements=args.departement)
    if args.format == "csv":
        print(to_csv(CSV_HEADERS, _rows(report)), end="")
    elif args.format == "json":
        print(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
    else:
        print_census_report(report, args.level)
        apart = report.hors_ressort_by_departement()
        if apart:  # TER-7
            detail = ", ".join(f"{n} dans le {code}" for code, n in apart.items())
            print(
                f"{len(report.hors_ressort)} commune(s) hors ressort de ses EPCI à cheval sur "
                f"le territoire, comptées à part : {detail}"
            )
    return 0


def _rows(report: CensusReport) -> list[tuple[Any, ...]]:
    return [
        (r.code, r.name, r.departement, r.arrondissement, r.epci, r.epci_name, r.population,
         r.population_kind.value, r.population_vintage, r.stratum, r.function, len(r.agents))
        for r in report.rows
    ]  # fmt: skip


def _as_json(report: CensusReport) -> dict[str, Any]:
    data = unstructure(report)
    for row, source in zip(data["rows"], report.rows, strict=True):
        row["function_in_place"] = source.function
    return data
