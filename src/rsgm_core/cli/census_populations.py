"""``rsgm census import-populations`` and ``rsgm census population`` (TER-2)."""

from __future__ import annotations

import argparse
from typing import Any

from rsgm_core.cli.common import add_action, open_app
from rsgm_core.render.formatting import format_number


def register(actions: Any) -> None:
    """Add the populations' actions to ``rsgm census``."""
    imp = add_action(
        actions,
        "import-populations",
        "importer les populations légales de l'INSEE (CSV ou XLSX : PMUN, PCAP, PTOT)",
        _import,
    )
    imp.add_argument("fichier", metavar="FICHIER", help="fichier de l'INSEE (.csv ou .xlsx)")
    imp.add_argument(
        "--millesime",
        type=int,
        metavar="AAAA",
        help="millésime du recensement (défaut : lu dans le nom ou le titre du fichier)",
    )
    show = add_action(
        actions, "population", "la population retenue pour une commune et une année", _show
    )
    show.add_argument("commune", metavar="CODE_INSEE")
    show.add_argument("--annee", "--year", type=int, dest="year", help="défaut : cette année")


def _import(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        result = app.census.import_populations(args.fichier, vintage=args.millesime)
    for line in result.lines():
        print(line)
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        year = args.year or app.today().year
        used = app.census.population(args.commune, year=year)
    note = f" ({used.note})" if used.note else ""
    print(
        f"{used.commune} en {used.year} : {format_number(used.population)} habitants, "
        f"population {used.kind.value} {used.vintage}{note}"
    )
    return 0
