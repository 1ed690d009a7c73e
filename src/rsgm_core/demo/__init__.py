"""``rsgm demo``: the main job on a fresh machine, offline, on the bundled Deux-Sèvres sample."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

import rsgm_core
from rsgm_core.demo.access import ADMIN_EMAIL, access_demo, name_first_administrator
from rsgm_core.demo.elus import elus_demo
from rsgm_core.demo.events import events_demo
from rsgm_core.demo.growth_a import growth_a_demo
from rsgm_core.demo.growth_b import growth_b_demo
from rsgm_core.demo.means import means_demo
from rsgm_core.demo.national import national_demo
from rsgm_core.demo.network import network_demo
from rsgm_core.demo.report import report_demo
from rsgm_core.demo.surveys import surveys_demo
from rsgm_core.demo.toolbox import toolbox_demo
from rsgm_core.domain.links import new_secret
from rsgm_core.domain.tariffs import ServiceKind
from rsgm_core.errors import ConflictError
from rsgm_core.profile_file import example_profile, sample_census
from rsgm_core.render.text import print_census_report, print_invoices
from rsgm_core.settings import Settings

if TYPE_CHECKING:
    from rsgm_core.app import App

SAMPLE = sample_census()
# A few agents, so that the census shows functions in place next to vacant posts (TER-6).
AGENTS = (
    ("Claire", "Martin", "claire.martin@example.org", "79307", "sgm", Decimal(1), "titulaire"),
    ("Julien", "Bernard", "julien.bernard@example.org", "79019", "secretaire_de_mairie", Decimal("0.5"), "contractuel"),
    ("Julien", "Bernard", None, "79030", "secretaire_de_mairie", Decimal("0.5"), "contractuel"),
    ("Sophie", "Petit", "sophie.petit@example.org", "79024", "sgm", Decimal(1), "stagiaire"),
)  # fmt: skip


# The membership pack for 2025, the exercise of the grid shipped and the year the sample's
# populations of vintage 2022 (totale, from epci.json) are in force (TER-2): fixed dates, so the
# demo does not age.
MEMBERSHIPS = (
    ("79019", date(2025, 1, 20)),
    ("79030", date(2025, 2, 3)),
    ("79307", date(2025, 1, 20)),
)
CONVENTIONS = (
    ("79307", date(2025, 1, 15), "CONV-2025-01"),
    ("79024", date(2025, 3, 3), "CONV-2025-02"),
)
INTERVENTIONS = (
    (
        "79307",
        date(2025, 4, 2),
        ServiceKind.FIRST_JOB_ACCOMPANIMENT,
        150,
        "prise de poste de la SGM",
    ),
    ("79024", date(2025, 5, 12), ServiceKind.SPECIFIC_INTERVENTION, 90, "préparation du budget"),
)


def register(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help="démonstration hors ligne sur l'échantillon des Deux-Sèvres"
    )
    demo.add_argument(
        "--db",
        metavar="CHEMIN",
        default="rsgm-demo.db",
        help="fichier créé (défaut : rsgm-demo.db) ; un fichier existant n'est remplacé "
        "qu'avec --remplacer",
    )
    demo.add_argument(
        "--remplacer",
        action="store_true",
        help="remplacer le fichier de --db s'il existe déjà (sa base est perdue)",
    )
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    path = Path(args.db)
    mails = path.with_name(path.stem + "-messages.txt")
    if path.exists() and not args.remplacer:
        raise ConflictError(
            f"le fichier {path} existe déjà ; rsgm demo ne le remplace pas sans « --remplacer » "
            "(ou choisissez un autre fichier avec --db)",
            value=str(path),
        )
    for leftover in (
        path,
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
        mails,
    ):
        leftover.unlink(missing_ok=True)  # a demo starts afresh
    profile = Settings.from_file(example_profile("cdg79"))  # CDG 79's choices, from its profile
    web = {  # NOT-3: an ephemeral secret, so that the demo's messages carry working links
        "public_url": profile.plugin("web").get("public_url", "http://localhost:8000"),
        "secret": new_secret(),
    }
    settings = attrs.evolve(profile, plugins={"log": {"path": str(mails)}, "web": web})
    with rsgm_core.open(f"sqlite:///{path}", settings=settings) as app:
        print(
            "0. liens personnels des messages signés avec un secret éphémère, tiré au hasard "
            f"pour cette démonstration : ils ne valent plus après elle ({web['public_url']})"
        )
        result = app.census.import_(SAMPLE, ["79"])
        print(
            f"1. recensement importé dans {path} : {result.counts['communes']} communes, {result.counts['epcis']} EPCI"
        )
        members: dict[str, str] = {}
        for first, last, email, commune, function, work_time, status in AGENTS:
            key = f"{first} {last}"
            if key not in members:
                members[key] = app.members.add(
                    first, last, email=email, welcome=email is not None
                ).id
            app.members.add_position(
                members[key], commune, function, work_time=work_time, status=status
            )
        sent = app.outbox.list_messages()
        print(
            f"2. {len(members)} agents enregistrés, {len(sent)} messages de bienvenue envoyés "
            f"(lisibles dans {mails})"
        )
        name_first_administrator(app)  # CHA-2: at set-up; the demo then acts as her
        print("3. recensement par EPCI :\n")
        print_census_report(app.census.report(), "epci")
        _pack(app)
        network_demo(app, members)
        elus_demo(app, path)
        events_demo(app, members, path)
        access_demo(app, members)
        toolbox_demo(app, members)
        growth_b_demo(app, members)
        growth_a_demo(app, members)
        means_demo(app, members)
        surveys_demo(app, members, path)
        national_demo(app, members, path)
        report_demo(app, path)
    print(
        f"\nLa base {path} reste disponible : essayez « rsgm census report --db {path} --format csv »."
    )
    return 0


def _pack(app: App) -> None:
    """Memberships, conventions and interventions of 2025, then that year's invoices (TAR-1..8)."""
    by = ADMIN_EMAIL  # CHA-2: the demo acts as the CDG's administrator
    for commune, joined_on in MEMBERSHIPS:
        app.memberships.join(commune, by=by, year=2025, on=joined_on)
    for commune, signed_on, reference in CONVENTIONS:
        app.memberships.sign_convention(commune, by=by, on=signed_on, reference=reference)
    for commune, on, kind, minutes, description in INTERVENTIONS:
        app.billing.add_intervention(commune, kind, minutes, by=by, on=on, description=description)
    invoices = app.billing.bill(year=2025, by=by)
    with app.storage.unit_of_work(read_only=True) as uow:
        names = {c.code: c.name for c in uow.communes.list({"code": [i.insee for i in invoices]})}
    print(
        f"\n4. pack d'adhésion 2025 : {len(MEMBERSHIPS)} adhésions, {len(CONVENTIONS)} conventions, "
        f"{len(INTERVENTIONS)} interventions (une commune adhérente, une non adhérente) :\n"
    )
    print_invoices(invoices, names, 2025)
