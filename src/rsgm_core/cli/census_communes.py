"""``rsgm census communes|orphans|reassign``: reading the territory (TER-2, TER-5, TER-7)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from rsgm_core.cli.actors import actor_names, shown
from rsgm_core.cli.common import actor, add_action, add_actor_option, open_app, print_table
from rsgm_core.render.formatting import format_date_short
from rsgm_core.render.french import plural

if TYPE_CHECKING:
    from rsgm_core.domain.census_listing import CommuneEntry

#: ``--statut`` values, typed without accents, and the situation they select (by its name in
#: :class:`~rsgm_core.domain.census_listing.CommuneSituation`, imported when a listing runs).
STATUTS: dict[str, str] = {
    "actuelle": "ACTUELLE",
    "fusionnee": "FUSIONNEE",
    "remplacee": "REMPLACEE",
    "sans-successeur": "SANS_SUCCESSEUR",
    "hors-ressort": "",  # not a situation: the communes counted apart (TER-7)
}
CSV_HEADERS = (
    "code_insee", "commune", "departement", "epci", "epci_nom", "population", "type_population",
    "millesime", "provisoire", "statut", "successeur", "successeur_nom", "hors_ressort", "ept",
    "ept_nom",
)  # fmt: skip


def register(actions: Any) -> None:
    """Add the actions to ``rsgm census``."""
    communes = add_action(
        actions,
        "communes",
        "toutes les communes : EPCI (et EPT dans le Grand Paris), population retenue, statut "
        "et successeur (ex. : rsgm census communes --departement 79 --format csv > communes.csv)",
        _communes,
    )
    communes.add_argument("--departement", metavar="CODE", help="limiter à ce département")
    communes.add_argument("--epci", metavar="SIREN", help="limiter à cet EPCI")
    communes.add_argument("--statut", choices=tuple(STATUTS), help="limiter à ce statut")
    communes.add_argument(
        "--annee",
        type=int,
        dest="year",
        metavar="AAAA",
        help="année de la population (défaut : cette année)",
    )
    communes.add_argument("--format", choices=("table", "csv"), default="table")

    orphans = add_action(
        actions,
        "orphans",
        "communes disparues sans successeur connu et leurs rattachements à réaffecter (TER-5)",
        _orphans,
    )
    orphans.add_argument("--departement", metavar="CODE", help="limiter à ce département")

    reassign = add_action(
        actions,
        "reassign",
        "réaffecter les rattachements d'une commune sans successeur à une commune actuelle "
        "(ex. : rsgm census reassign 16238 16023 --par animateur@cdg16.fr)",
        _reassign,
    )
    reassign.add_argument("ancien", metavar="ANCIEN", help="code INSEE de la commune disparue")
    reassign.add_argument("nouveau", metavar="NOUVEAU", help="code INSEE de la commune actuelle")
    add_actor_option(reassign, "l'agent du CDG qui réaffecte")
    listing = add_action(
        actions,
        "reassignments",
        "réaffectations enregistrées et qui les a faites (TER-5, CHA-2)",
        _reassignments,
    )
    listing.add_argument("--commune", metavar="CODE_INSEE", help="la commune disparue")
    reassign.add_argument(
        "--le",
        type=dt.date.fromisoformat,
        dest="on",
        metavar="AAAA-MM-JJ",
        help="défaut : aujourd'hui",
    )


def _reassignments(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        done = app.census.list_reassignments(commune=args.commune)
        names = actor_names(app, [r.reassigned_by for r in done])
    rows = [
        (r.former, r.successor, format_date_short(r.reassigned_on), shown(names, r.reassigned_by),
         sum(r.moved.values()))
        for r in done
    ]  # fmt: skip
    print_table(("ancienne", "nouvelle", "le", "par", "rattachements"), rows, numeric={4})
    print(f"\n{plural(len(done), 'réaffectation')}")
    return 0


def _selected(statut: str | None) -> dict[str, Any]:
    """The filter a ``--statut`` value stands for."""
    from rsgm_core.domain.census_listing import CommuneSituation

    if not statut:
        return {}
    if not STATUTS[statut]:
        return {"hors_ressort": True}
    return {"status": CommuneSituation[STATUTS[statut]]}


def _communes(args: argparse.Namespace) -> int:
    selected = _selected(args.statut)
    with open_app(args) as app:
        entries = app.census.communes(
            departement=args.departement, epci=args.epci, year=args.year, **selected
        )
        imported = app.census.territory() is not None
    if args.format == "csv":
        from rsgm_core.render.exports import to_csv

        print(to_csv(CSV_HEADERS, [_csv_row(e) for e in entries]), end="")
        return 0
    if not entries:
        print("aucune commune" if imported else "aucune commune : importez d'abord un recensement")
        return 0
    with_ept = any(e.ept for e in entries)  # the Grand Paris: a column for the EPT
    rows = [
        (
            e.code, e.name, e.departement, e.epci_name or "",
            *((e.ept_name or "",) if with_ept else ()),
            e.population, _kind(e), e.status_label(),
        )
        for e in entries
    ]  # fmt: skip
    headers = ("code", "commune", "dép.", "EPCI", *(("EPT",) if with_ept else ()))
    print_table((*headers, "population", "type", "statut"), rows, numeric={len(headers)})
    flagged = sum(e.municipale_only for e in entries)
    provisional = sum(e.provisional for e in entries)
    print(f"{plural(len(entries), 'commune')}, population retenue pour {entries[0].year}")
    if flagged:
        print(
            f"{plural(flagged, 'commune comptée', 'communes comptées')} sur la population "
            "municipale, la totale n'étant pas connue (TER-2)"
        )
    if provisional:
        print(
            f"{plural(provisional, 'commune comptée', 'communes comptées')} sur un millésime "
            f"antérieur à celui en vigueur en {entries[0].year}, à titre provisoire (TER-2)"
        )
    return 0


def _kind(entry: CommuneEntry) -> str:
    if entry.population_kind is None:
        return "inconnue"
    text = f"{entry.population_kind.value} {entry.population_vintage}"
    return f"{text}, provisoire" if entry.provisional else text


def _csv_row(e: CommuneEntry) -> tuple[Any, ...]:
    return (
        e.code, e.name, e.departement, e.epci, e.epci_name, e.population,
        e.population_kind.value if e.population_kind else "", e.population_vintage,
        "oui" if e.provisional else "non", e.situation.value, e.successor, e.successor_name,
        "oui" if e.hors_ressort else "non", e.ept, e.ept_name,
    )  # fmt: skip


def _orphans(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        found = app.census.list_orphans(departement=args.departement)
    if not found:
        print("aucune commune disparue sans successeur connu")
        return 0
    print(
        f"{plural(len(found), 'commune disparue', 'communes disparues')} sans successeur connu "
        "(TER-5) :"
    )
    for orphan in found:
        print(f"  {orphan.describe()}")
        for record in orphan.waiting:
            print(f"    {record.describe()}")
    print("réaffectez avec « rsgm census reassign ANCIEN NOUVEAU --par ACTEUR »")
    return 0


def _reassign(args: argparse.Namespace) -> int:
    with open_app(args) as app:
        done = app.census.reassign(args.ancien, args.nouveau, by=actor(args), on=args.on)
    for line in done.lines():
        print(line)
    if done.conflicts:
        print(
            f"{plural(len(done.conflicts), 'enregistrement gardé', 'enregistrements gardés')} à "
            "part, à résoudre (rsgm census conflicts)"
        )
    return 0
