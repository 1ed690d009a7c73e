"""``rsgm census import|diff|report|conflicts`` (TER-1..TER-6)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from rsgm_core.cli import census_ages, census_communes, census_populations
from rsgm_core.cli.common import add_action, add_db_option, add_group, open_app
from rsgm_core.cli.progress import add_quiet_option, progress_line
from rsgm_core.errors import ValidationError
from rsgm_core.render.french import plural

if TYPE_CHECKING:  # the rest is imported by the action that needs it (issue 24: start-up)
    from rsgm_core.app import App
    from rsgm_core.domain.census import CensusChanges, ImportResult
    from rsgm_core.domain.census_report import CensusReport

LEVELS = ("departement", "epci", "arrondissement")
CSV_HEADERS = (
    "code_insee", "commune", "departement", "arrondissement", "epci", "epci_nom", "population",
    "type_population", "millesime", "strate", "fonction", "nombre_agents",
)  # fmt: skip


def register(commands: Any) -> None:
    actions = add_group(commands, "census", "recensement des communes du territoire")

    imp = actions.add_parser("import", help="importer un millésime (données Etalab)")
    _source_options(imp, sample=True)
    add_quiet_option(imp)
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
    report.add_argument(
        "--niveau",
        "--level",
        dest="level",
        choices=LEVELS,
        default="epci",
        help="regroupement du tableau",
    )

    conflicts = add_action(
        actions,
        "conflicts",
        "mairies, adhésions et conventions en double après une fusion, à résoudre (TER-5)",
        _conflicts,
    )
    conflicts.add_argument("--commune", metavar="CODE_INSEE", help="limiter à ce successeur")
    census_communes.register(actions)  # communes, orphans, reassign
    census_populations.register(actions)  # import-populations, population (TER-2)
    census_ages.register(actions)  # ages, age (IND-4)


def _source_options(parser: argparse.ArgumentParser, *, sample: bool = False) -> None:
    add_db_option(parser)
    parser.add_argument(
        "--source",
        required=not sample,
        metavar="DOSSIER",
        help="publication Etalab : paquet .tgz ou dossier des fichiers JSON"
        + (" (sans elle : l'échantillon fourni, Deux-Sèvres)" if sample else ""),
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
        if args.source is None:  # the bundled sample, and the output says so
            return _import_sample(app, departements, territory, args)
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
        with progress_line(args) as progress:
            result = app.census.import_(args.source, departements, progress=progress)
    _print_import(result)
    return 0


def _import_sample(
    app: App, named: list[str] | None, territory: list[str], args: argparse.Namespace
) -> int:
    """``rsgm census import`` without ``--source``: the sample shipped with rsgm_core, which
    covers a few departments only; anything else asks for the national release."""
    from rsgm_core.profile_file import sample_census

    sample = sample_census()
    covered = {
        d["code"]: d["nom"]
        for d in json.loads((sample / "departements.json").read_text(encoding="utf-8"))
    }
    wanted = named or territory or sorted(covered)
    missing = [code for code in wanted if code not in covered]
    france = bool(args.france)
    if france or missing:
        asked = "toute la France" if france else _departements_label(missing)
        raise ValidationError(
            f"sans --source, rsgm importe l'échantillon fourni, qui ne couvre que "
            f"{_departements_label(sorted(covered), covered)} : pour {asked}, récupérez la "
            f"publication nationale ({FETCH_RELEASE}) puis lancez « rsgm census import --source "
            f"{RELEASE_PACKAGE} »",
            rule="TER-1",
            value=missing[0] if missing else "--france",
        )
    with progress_line(args) as progress:
        result = app.census.import_(sample, wanted, progress=progress)
    print(
        f"aucune --source : échantillon fourni avec rsgm_core importé, "
        f"{_departements_label(list(result.imported.departements), covered)} seulement "
        f"(pas la publication nationale d'Etalab)"
    )
    _print_import(result)
    print(
        f"pour la publication nationale : {FETCH_RELEASE}, puis « rsgm census import --source "
        f"{RELEASE_PACKAGE} »"
    )
    return 0


#: How to fetch Etalab's national release, and the package it gives (README, docs/census.md).
FETCH_RELEASE = "npm pack @etalab/decoupage-administratif@6.0.0"
RELEASE_PACKAGE = "etalab-decoupage-administratif-6.0.0.tgz"


def _departements_label(codes: list[str], names: dict[str, str] | None = None) -> str:
    """« le département 79 (Deux-Sèvres) », « les départements 17, 79 »."""
    names = names or {}
    shown = ", ".join(f"{c} ({names[c]})" if c in names else c for c in codes)
    return f"le département {shown}" if len(codes) == 1 else f"les départements {shown}"


def _print_import(result: ImportResult) -> None:
    counts = result.counts
    print(
        f"millésime {result.imported.vintage} importé : {plural(counts['communes'], 'commune')}, "
        f"{plural(counts['epcis'], 'EPCI', 'EPCI')}, "
        f"{'département' if len(result.imported.departements) == 1 else 'départements'} "
        f"{', '.join(result.imported.departements)}"
    )
    if apart := counts.get("hors_ressort"):  # TER-7
        print(
            f"  {plural(apart, 'commune hors ressort', 'communes hors ressort')} (EPCI à cheval "
            f"sur le territoire), {'comptées' if apart > 1 else 'comptée'} à part"
        )
    _print_changes(result.changes)
    if result.moved:
        from rsgm_core.domain.census_listing import records_label
    for old, moved in result.moved.items():
        detail = ", ".join(records_label(name, n) for name, n in moved.items())
        print(f"  rattachements déplacés de {old} vers {result.changes.successors[old]} : {detail}")
    if result.conflicts:  # TER-5: kept aside, listed by « rsgm census conflicts »
        kept = len(result.conflicts)
        print(
            f"{plural(kept, 'enregistrement en double', 'enregistrements en double')} après "
            f"fusion, {'gardés' if kept > 1 else 'gardé'} à part (rsgm census conflicts) :"
        )
        for conflict in result.conflicts:
            print(f"  {conflict.describe()}")


def _conflicts(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.census.list_conflicts(commune=args.commune)
    if not found:
        print("aucun enregistrement en double après fusion")
        return 0
    print(
        f"{plural(len(found), 'enregistrement en double', 'enregistrements en double')} après "
        "fusion, à résoudre :"
    )
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
    print(f"{plural(len(changes.changes), 'changement')} :")
    for line in changes.lines():
        print(f"  {line}")


def _report(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        report = app.census.report(departements=args.departement)
        ages = app.ages.of_census(report)  # IND-4
    if args.format == "csv":
        from rsgm_core.render.exports import to_csv

        print(to_csv(CSV_HEADERS, _rows(report)), end="")
    elif args.format == "json":
        print(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
    else:
        from rsgm_core.render.text import print_census_report

        print_census_report(report, args.level)
        apart = report.hors_ressort_by_departement()
        if apart:  # TER-7
            detail = ", ".join(f"{n} dans le {code}" for code, n in apart.items())
            apart_count = len(report.hors_ressort)
            print(
                f"{plural(apart_count, 'commune hors ressort', 'communes hors ressort')} de ses "
                f"EPCI à cheval sur le territoire, {'comptées' if apart_count > 1 else 'comptée'} "
                f"à part : {detail}"
            )
        if ages.total.known:  # IND-4: shown once a year of birth is known
            print()
            census_ages.print_ages(ages)
    return 0


def _rows(report: CensusReport) -> list[tuple[Any, ...]]:
    return [
        (r.code, r.name, r.departement, r.arrondissement, r.epci, r.epci_name, r.population,
         r.population_kind.value, r.population_vintage, r.stratum, r.function, len(r.agents))
        for r in report.rows
    ]  # fmt: skip


def _as_json(report: CensusReport) -> dict[str, Any]:
    from rsgm_core.serialization import unstructure

    data = unstructure(report)
    for row, source in zip(data["rows"], report.rows, strict=True):
        row["function_in_place"] = source.function
    return data
