"""The national part of ``rsgm demo``: the census completed with more agents, years of birth and
an expected retirement date (IND-4), the age pyramid by EPCI with the communes likely to lose
their SGM within 5 years, and the national export of the census of the function with its small
cells suppressed (IND-3), written next to the database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core.domain.national import SMALL
from rsgm_core.render.text import print_table

if TYPE_CHECKING:
    from rsgm_core.app import App

# More agents found by the census (first, last, commune, function, work time, status, born)
CENSUS_AGENTS = (
    ("Martine", "Roy", "79001", "sgm", Decimal(1), "titulaire", 1961),
    ("Gérard", "Noël", "79008", "sgm", Decimal(1), "titulaire", 1963),
    ("Isabelle", "Faure", "79013", "sgm", Decimal("0.8"), "titulaire", 1965),
    ("Thomas", "Blanc", "79023", "secretaire_de_mairie", Decimal("0.6"), "titulaire", 1988),
    ("Chantal", "Guérin", "79031", "sgm", Decimal(1), "titulaire", 1960),
    ("Aurélie", "Lemoine", "79046", "sgm", Decimal(1), "titulaire", 1979),
    ("Karim", "Benali", "79058", "secretaire_de_mairie", Decimal("0.5"), "contractuel", 1991),
    ("Sylvie", "Perrin", "79070", "sgm", Decimal(1), "titulaire", 1970),
)  # fmt: skip
# Years of birth of the agents recorded earlier in the demo; one gives her retirement date, one
# gave nothing (« non renseigné »).
BORN = {
    "Claire Martin": 1962,
    "Julien Bernard": 1984,
    "Nadia Girard": 1974,
    "Paul Moreau": 1966,
    "Léa Fournier": 1993,
}
RETIRING = {"Claire Martin": date(2027, 6, 30)}


def national_demo(app: App, members: dict[str, str], path: Path) -> Path:
    """Complete the census, record ages, show IND-4, write and show the national export."""
    for first, last, commune, function, work_time, status, born in CENSUS_AGENTS:
        member = app.members.add(first, last, email=None, welcome=False)
        app.members.add_position(member.id, commune, function, work_time=work_time, status=status)
        members[f"{first} {last}"] = member.id
        app.ages.set_age(member.id, birth_year=born)
    for name, born in BORN.items():
        if name in members:
            app.ages.set_age(members[name], birth_year=born, retirement_on=RETIRING.get(name))
    ages = app.ages.report()
    bands = list(ages.total.bands)
    print(
        f"\n15. pyramide des âges (IND-4) : {ages.total.agents} agents en poste, âge connu pour "
        f"{ages.total.known} ; départ à {ages.retirement_age} ans sans date prévue :\n"
    )
    rows = [(p.name, *(p.bands[b] for b in bands)) for p in ages.pyramids]
    print_table(("EPCI", *bands), rows, numeric=set(range(1, len(bands) + 1)))
    losing = ages.losing
    print(f"\n{len(losing)} communes devraient perdre leur SGM d'ici {ages.horizon_years} ans :")
    for risk in losing:
        print(f"  {risk.name} ({risk.commune}), {risk.epci_name} : {risk.when(ages.on)}")
    year = app.today().year
    export = app.indicators.national_export(year=year, cdg="CDG79")
    data = export.to_data()
    out = path.with_name(f"{path.stem}-export-national-{year}.json")
    out.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    figures = data["indicators"]
    print(
        f"\n16. export national {year} (IND-3) écrit dans {out} : {figures['communes_moins_3500']} "
        f"communes de moins de 3 500 habitants, {figures['communes_vacantes']} sans agent en "
        f"poste ; recensement de la fonction, cases de moins de {SMALL} personnes masquées :\n"
    )
    lines = []
    for name, table in sorted(data["tables"].items()):
        if not name.startswith("recensement_"):
            continue
        shown = [f"{k} {'masqué' if v is None else v}" for k, v in table["cells"].items()]
        total = "masqué" if table["total"] is None else table["total"]
        lines.append((name.removeprefix("recensement_"), ", ".join(shown), total))
    print_table(("tableau", "cases", "total"), lines, numeric={2})
    return out
