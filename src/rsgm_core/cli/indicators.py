"""``rsgm indicators show`` (IND-1), ``rsgm report annual|projects`` (IND-2) and
``rsgm national export|merge`` (IND-3, also spelled ``rsgm aggregate``)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from rsgm_core.cli.common import add_action, add_group, open_app, print_table, write_output
from rsgm_core.domain.indicators import Period
from rsgm_core.errors import ValidationError


def register(commands: Any) -> None:
    i_actions = add_group(commands, "indicators", "indicateurs du réseau (IND-1)")
    show = add_action(i_actions, "show", "indicateurs d'une période et d'un périmètre", _show)
    _period_options(show)
    show.add_argument("--scope", "--perimetre", dest="scope", default="cdg",
                      help="cdg (défaut), departement:CODE ou epci:SIREN")  # fmt: skip
    show.add_argument("--formules", action="store_true", dest="formulas",
                      help="afficher la formule de chaque indicateur")  # fmt: skip
    show.add_argument("--departement", metavar="CODE",
                      help="un département du CDG (comme --perimetre departement:CODE)")  # fmt: skip

    r_actions = add_group(commands, "report", "rapport d'activité annuel (IND-2)")
    annual = add_action(r_actions, "annual", "rapport d'activité d'une année", _annual)
    annual.add_argument("--year", "--annee", type=int, required=True, dest="year")
    annual.add_argument("--format", choices=["md", "html", "pdf"], default="html")
    annual.add_argument("--sortie", "-o", "--output", dest="output")
    annual.add_argument("--scope", "--perimetre", dest="scope", default="cdg")
    annual.add_argument("--departement", metavar="CODE",
                        help="le rapport d'un département du CDG (TER-7)")  # fmt: skip
    projects = r_actions.add_parser("projects", help="projets pour l'année à venir")
    p_actions = projects.add_subparsers(dest="projects_action", metavar="ACTION")
    p_actions.required = True
    add = add_action(p_actions, "add", "ajouter un projet pour une année", _project_add)
    add.add_argument("--year", "--annee", type=int, required=True, dest="year",
                     help="l'année du projet (il figure dans le rapport de l'année précédente)")  # fmt: skip
    add.add_argument("text", metavar="TEXTE")
    listing = add_action(p_actions, "list", "projets d'une année", _project_list)
    listing.add_argument("--year", "--annee", type=int, required=True, dest="year")

    national = commands.add_parser(
        "national", aliases=["aggregate"], help="synthèse nationale anonymisée (IND-3)"
    )
    n_actions = national.add_subparsers(dest="action", metavar="ACTION")
    n_actions.required = True
    export = add_action(n_actions, "export", "export anonymisé du CDG (JSON)", _export)
    export.add_argument("--year", "--annee", type=int, required=True, dest="year")
    export.add_argument("--cdg", help="identifiant du CDG (défaut : CDG + départements)")
    export.add_argument("--sortie", "-o", "--output", dest="output")
    merge = n_actions.add_parser("merge", help="fusionner les exports de plusieurs CDG")
    merge.add_argument("files", nargs="+", metavar="FICHIER")
    merge.add_argument("--sortie", "-o", "--output", dest="output")
    merge.set_defaults(handler=_merge)


def _period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", "--annee", type=int, dest="year")
    parser.add_argument("--from", "--du", type=dt.date.fromisoformat, dest="start",
                        metavar="AAAA-MM-JJ")  # fmt: skip
    parser.add_argument("--to", "--au", type=dt.date.fromisoformat, dest="end",
                        metavar="AAAA-MM-JJ")  # fmt: skip


def period_of(args: argparse.Namespace, today: dt.date) -> Period:
    if args.year is not None:
        if args.start or args.end:
            raise ValidationError("--annee ne va pas avec --du/--au", rule="IND-1")
        return Period.year(args.year)
    if args.start is None and args.end is None:
        return Period.year(today.year)
    if args.start is None or args.end is None:
        raise ValidationError("--du et --au vont ensemble", rule="IND-1")
    return Period(args.start, args.end)


def _show(args: argparse.Namespace) -> int:
    from rsgm_core.render.report import format_indicator

    with open_app(args) as app:
        period = period_of(args, app.today())
        values = app.indicators.compute(
            period=period, scope=args.scope, departement=args.departement
        )
    where = f"departement:{args.departement}" if args.departement else args.scope
    print(f"Indicateurs du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y} ({where})\n")
    head = ["Indicateur", "Valeur", *(["Formule"] if args.formulas else [])]
    rows = [[i.label, format_indicator(i), *([i.formula] if args.formulas else [])] for i in values]
    print_table(head, rows)
    return 0


def _annual(args: argparse.Namespace) -> int:
    from rsgm_core.render.report import render_html, render_markdown, render_pdf

    if args.format == "pdf" and args.output is None:
        raise ValidationError("le PDF s'écrit dans un fichier : ajoutez -o FICHIER", rule="IND-2")
    with open_app(args) as app:
        report = app.indicators.annual_report(
            year=args.year, scope=args.scope, departement=args.departement
        )
    document: str | bytes
    if args.format == "md":
        document = render_markdown(report)
    elif args.format == "html":
        document = render_html(report)
    else:
        document = render_pdf(report)
    write_output(document, args.output)
    return 0


def _project_add(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        projects = app.indicators.add_project(args.text, year=args.year)
    print(f"projet enregistré pour {args.year} ({len(projects)} au total)")
    return 0


def _project_list(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        projects = app.indicators.list_projects(year=args.year)
    for text in projects:
        print(f"- {text}")
    if not projects:
        print(f"aucun projet pour {args.year}")
    return 0


def _export(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        export = app.indicators.national_export(year=args.year, cdg=args.cdg)
    text = json.dumps(export.to_data(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_output(text, args.output)
    return 0


def _merge(args: argparse.Namespace) -> int:
    import rsgm_core

    # The merge reads the exported files only: no database is opened, an empty one in memory
    # carries the use case.
    with rsgm_core.open("memory://") as app:
        merged = app.indicators.national_merge(args.files)
    text = json.dumps(merged.to_data(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_output(text, args.output)
    if args.output:
        print(f"{len(merged.cdgs)} CDG fusionnés pour {merged.year}")
    return 0
