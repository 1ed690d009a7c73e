"""``rsgm census ages`` (the age pyramid by EPCI and the communes likely to lose their SGM within
5 years) and ``rsgm census age MEMBRE`` (a member's year of birth and expected retirement date),
IND-4."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from rsgm_core.cli.common import add_action, open_app, print_table, write_output
from rsgm_core.cli.dates import iso_date
from rsgm_core.cli.naming import MEMBER_HELP, resolve
from rsgm_core.errors import ValidationError

if TYPE_CHECKING:
    from rsgm_core.domain.ages import AgeReport, DepartureRisk

__all__ = ["print_ages", "register"]


def register(actions: Any) -> None:
    """Add ``ages`` and ``age`` to ``rsgm census``."""
    ages = add_action(
        actions,
        "ages",
        "pyramide des âges par EPCI et communes qui perdraient leur SGM d'ici 5 ans (IND-4)",
        _ages,
    )
    ages.add_argument("--departement", metavar="CODE", help="limiter à ce département")
    ages.add_argument("--le", type=iso_date, dest="on", metavar="AAAA-MM-JJ",
                      help="agents en poste ce jour (défaut : aujourd'hui)")  # fmt: skip
    ages.add_argument("--departs", action="store_true", dest="departures",
                      help="lister les communes où des agents partent d'ici 5 ans, pas la pyramide")  # fmt: skip
    ages.add_argument("--format", choices=("table", "csv", "xlsx"), default="table")
    ages.add_argument("--sortie", "-o", "--output", dest="output", metavar="FICHIER")

    age = add_action(
        actions,
        "age",
        "année de naissance et départ en retraite prévu d'un membre (IND-4)",
        _age,
    )
    age.add_argument("member", metavar="MEMBRE", help=MEMBER_HELP)
    age.add_argument("--naissance", type=int, metavar="AAAA", dest="birth_year",
                     help="année de naissance (l'année seule est gardée)")  # fmt: skip
    age.add_argument("--retraite-prevue", type=iso_date, dest="retirement_on",
                     metavar="AAAA-MM-JJ", help="date de départ en retraite prévue")  # fmt: skip
    age.add_argument("--effacer", action="store_true", dest="clear",
                     help="oublier l'année de naissance et la date de départ")  # fmt: skip


PYRAMID_HEAD = ("EPCI", "nom", "agents")
DEPARTURE_HEAD = (
    "code_insee", "commune", "epci", "epci_nom", "agents en poste", "agents partant",
    "premier départ", "date estimée", "perd son SGM",
)  # fmt: skip


def pyramid_rows(report: AgeReport) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The pyramid by EPCI as typed cells (docs/exports.md), a total row last; the last column
    counts the communes likely to lose their SGM within the horizon."""
    bands = list(report.total.bands)
    losing: dict[str, int] = {}
    for risk in report.losing:
        code = risk.epci or "—"
        losing[code] = losing.get(code, 0) + 1
    head = (*PYRAMID_HEAD, *bands, f"communes perdant leur SGM d'ici {report.horizon_years} ans")
    rows = [
        [p.code, p.name, p.agents, *(p.bands[b] for b in bands), losing.get(p.code, 0)]
        for p in report.pyramids
    ]
    total = report.total
    rows.append(["total", "", total.agents, *(total.bands[b] for b in bands), len(report.losing)])
    return head, rows


def departure_rows(report: AgeReport) -> list[list[Any]]:
    def row(d: DepartureRisk) -> list[Any]:
        return [d.commune, d.name, d.epci or "", d.epci_name or "", d.agents, d.leaving,
                d.first_departure, d.estimated, d.loses_all]  # fmt: skip

    return [row(d) for d in report.departures]


def print_ages(report: AgeReport) -> None:
    """IND-4 as text: the pyramid by EPCI, then the communes likely to lose their SGM."""
    head, rows = pyramid_rows(report)
    known = report.total.known
    print(
        f"Pyramide des âges au {report.on:%d/%m/%Y} (âge atteint dans l'année ; âge connu pour "
        f"{known} agent{'s' if known > 1 else ''} sur {report.total.agents}) :"
    )
    print_table(head, rows, numeric=set(range(2, len(head))))
    losing = report.losing
    horizon = f"d'ici {report.horizon_years} ans"
    rule = f"départ à {report.retirement_age} ans sans date prévue"
    if not losing:
        print(f"Aucune commune ne devrait perdre son SGM {horizon} ({rule}).")
    else:
        count = len(losing)
        print(
            f"{count} commune{'s' if count > 1 else ''} "
            f"{'devraient' if count > 1 else 'devrait'} perdre {'leur' if count > 1 else 'son'} "
            f"SGM {horizon} ({rule}) :"
        )
        for d in losing:
            print(f"  {d.name} ({d.commune}), {d.epci_name or 'sans EPCI'} : {d.when(report.on)}")
    partial = len(report.departures) - len(losing)
    if partial:
        print(
            f"{partial} autre{'s' if partial > 1 else ''} commune{'s' if partial > 1 else ''} "
            f"{'gardent' if partial > 1 else 'garde'} au moins un agent après des départs {horizon} "
            "(rsgm census ages --departs)"
        )


def _ages(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and args.output is None:
        raise ValidationError(
            "l'export Excel s'écrit dans un fichier : ajoutez --sortie FICHIER.xlsx", rule="IND-4"
        )
    with open_app(args) as app:
        report = app.ages.report(on=args.on, departement=args.departement)
    if args.departures:
        head: tuple[str, ...] = DEPARTURE_HEAD
        rows = departure_rows(report)
    else:
        head, rows = pyramid_rows(report)
    if args.format == "csv":
        from rsgm_core.render.exports import to_csv

        write_output(to_csv(head, rows), args.output)
    elif args.format == "xlsx":
        from rsgm_core.render.exports import to_xlsx

        title = "Départs prévus" if args.departures else "Pyramide des âges"
        write_output(to_xlsx(title, head, rows), args.output)
    elif args.departures:
        yes_no = [[("oui" if c else "non") if isinstance(c, bool) else c for c in r] for r in rows]
        print_table(head, yes_no, numeric={4, 5})
        if not rows:
            print(f"aucun départ prévu d'ici {report.horizon_years} ans")
    else:
        print_ages(report)
    return 0


def _age(args: argparse.Namespace) -> int:
    if args.clear and (args.birth_year is not None or args.retirement_on is not None):
        raise ValidationError(
            "--effacer ne va pas avec --naissance ni --retraite-prevue", rule="IND-4"
        )
    with open_app(args) as app:
        member_id = resolve(app, "members", args.member, rule="IND-4")
        member = app.members.get(member_id)
        if args.clear:
            birth_year, retirement_on = None, None
        elif args.birth_year is None and args.retirement_on is None:
            raise ValidationError(
                "rien à enregistrer : donnez --naissance AAAA, --retraite-prevue AAAA-MM-JJ ou "
                "--effacer",
                rule="IND-4",
            )
        else:
            birth_year = member.birth_year if args.birth_year is None else args.birth_year
            retirement_on = args.retirement_on or member.retirement_on
        changed = app.ages.set_age(member_id, birth_year=birth_year, retirement_on=retirement_on)
    name = changed.full_name
    if changed == member:
        print(f"{name} : rien de changé")
    elif changed.birth_year is None and changed.retirement_on is None:
        print(f"{name} : année de naissance et départ en retraite prévu effacés")
    else:
        said = []
        if changed.birth_year is not None:
            said.append(f"année de naissance {changed.birth_year}")
        if changed.retirement_on is not None:
            said.append(f"départ en retraite prévu le {changed.retirement_on:%d/%m/%Y}")
        print(f"{name} : {', '.join(said)}")
    return 0
