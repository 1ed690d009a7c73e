"""``rsgm demo``: the main job on a fresh machine, offline, on the bundled Deux-Sèvres sample."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

from rsgm_core.cli.census import _print_report
from rsgm_core.cli.common import open_app
from rsgm_core.settings import Settings

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "79"
# A few agents, so that the census shows functions in place next to vacant posts (TER-6).
AGENTS = (
    ("Claire", "Martin", "claire.martin@example.org", "79307", "sgm", Decimal(1), "titulaire"),
    ("Julien", "Bernard", "julien.bernard@example.org", "79019", "secretaire_de_mairie", Decimal("0.5"), "contractuel"),
    ("Julien", "Bernard", None, "79030", "secretaire_de_mairie", Decimal("0.5"), "contractuel"),
    ("Sophie", "Petit", "sophie.petit@example.org", "79024", "sgm", Decimal(1), "stagiaire"),
)  # fmt: skip


def register(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help="démonstration hors ligne sur l'échantillon des Deux-Sèvres"
    )
    demo.add_argument(
        "--db",
        metavar="CHEMIN",
        default="rsgm-demo.db",
        help="fichier créé (défaut : rsgm-demo.db)",
    )
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    path = Path(args.db)
    mails = path.with_name(path.stem + "-messages.txt")
    for leftover in (
        path,
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
        mails,
    ):
        leftover.unlink(missing_ok=True)  # a demo starts afresh
    settings = Settings(plugins={"log": {"path": str(mails)}})  # the mails, readable offline
    with open_app(argparse.Namespace(db=str(path)), settings=settings) as app:
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
        sent = app.outbox.list()
        print(
            f"2. {len(members)} agents enregistrés, {len(sent)} messages de bienvenue envoyés "
            f"(lisibles dans {mails})"
        )
        print("3. recensement par EPCI :\n")
        _print_report(app.census.report(), "epci")
    print(
        f"\nLa base {path} reste disponible : essayez « rsgm census report --db {path} --format csv »."
    )
    return 0
