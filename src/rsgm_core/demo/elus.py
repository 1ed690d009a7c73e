"""The demo's élus (MEM-12): a few mayors of the CDG 79 sample communes, the EPCI president of
the Mellois, two members of the CDG's board; the launch letters queued (and printed for the
mayor without an address), the steering committee made of élus (NET-3). The events that follow
inform the mayors of the communes they invite, and tell them how each went (EVT-2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rsgm_core.app import App
from rsgm_core.demo.access import ADMIN_EMAIL

__all__ = ["elus_demo"]

MANDATE = dt.date(2020, 5, 23)  # the mayors elected in 2020
ELUS = (  # civility, first name, last name, mandate, commune or EPCI, e-mail, postal address
    ("Monsieur", "Gérard", "Roux", "maire", "79307", "maire@sauze-entre-bois.example.org",
     "Place de la Mairie\n79190 Sauzé-entre-Bois"),
    ("Madame", "Martine", "Blanc", "maire", "79018", "maire@aubigne.example.org",
     "Le Bourg\n79110 Aubigné"),
    ("Madame", "Christine", "Bonnet", "maire", "79019", "maire@aubigny.example.org",
     "1 rue de la Mairie\n79390 Aubigny"),
    ("Madame", "Sylvie", "Morin", "maire", "79030", "maire@beaussais-vitre.example.org",
     "2 place de l'Église\n79370 Beaussais-Vitré"),
    ("Monsieur", "Alain", "Faure", "maire", "79024", "maire@azay-le-brule.example.org",
     "Le Bourg\n79400 Azay-le-Brûlé"),
    ("Monsieur", "Patrick", "Girard", "maire", "79174", None, "Hôtel de ville\n79500 Melle"),
    ("Madame", "Isabelle", "Perrin", "président d'EPCI", "200069755", "presidence@mellois.example.org",
     "2 place de Strasbourg\n79500 Melle"),
    ("Monsieur", "Luc", "Garnier", "administrateur du CDG", None, "luc.garnier@cdg79.example.org", ""),
)  # fmt: skip


def elus_demo(app: App, path: Path) -> None:
    by = ADMIN_EMAIL
    for civility, first, last, role, place, email, address in ELUS:
        app.elus.add(
            first, last, role, by=by, start=MANDATE, civility=civility, email=email,
            address=address, commune=place if role == "maire" else None,
            epci=place if role == "président d'EPCI" else None,
        )  # fmt: skip
    launch = app.elus.send_letters("lancement", by=by)
    epci = app.elus.send_letters("présidents d'EPCI", by=by)
    printed = path.with_name(path.stem + "-courrier-maires.html")
    merge = app.elus.print_letters("lancement", by=by)
    printed.write_bytes(merge.content)
    seats = app.elus.steering_seats(["Luc Garnier", "Isabelle Perrin"])
    app.network.set_committee("pilotage", seats, by=by)
    print(
        f"\n7. élus (MEM-12) : {len(ELUS)} mandats enregistrés ; courrier de lancement à "
        f"{len(launch.sent)} maires par courriel, à {merge.pages} par courrier ({printed}) ; "
        f"courrier aux présidents d'EPCI : {len(epci.sent)} ; comité de pilotage de "
        f"{len(seats)} élus (NET-3) ; chaque invitation informe les maires des communes invitées"
    )
