"""The means part of ``rsgm demo`` (NET-8, MEM-10): the budget of the year's events and of the
platform, the venues of the in-person sessions with who opens them, the speakers (a CDG service,
the prefecture, a member), the animator's time; the annual report then shows them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from rsgm_core.domain.events import EventFormat

if TYPE_CHECKING:
    from rsgm_core.app import App

ADMIN = "anne.chevalier@cdg79.example.org"

#: (name, address, seats, equipment, accessibility, who opens the room)
VENUES = (
    ("CDG 79, salle du conseil", "9 rue Chaigneau, 79000 Niort", 60,
     ("vidéoprojecteur", "sonorisation", "visioconférence"), "accessible PMR, ascenseur",
     "accueil du CDG, 05 49 00 00 00"),
    ("Salle des fêtes de Sauzé-entre-Bois", "place de la Mairie, 79190 Sauzé-entre-Bois", 80,
     ("vidéoprojecteur",), "accessible PMR de plain-pied", "M. Roux, agent technique, 06 12 34 56 78"),
    ("Mairie d'Aubigné, salle du conseil", "1 place de l'Église, 79110 Aubigné", 25,
     ("écran",), "accessible PMR", "Mme Morin, secrétaire de mairie, 05 49 11 22 33"),
)  # fmt: skip


def means_demo(app: App, members: dict[str, str]) -> None:
    year = app.today().year
    means = app.means
    venues = [
        means.add_venue(name, address, seats, by=ADMIN, equipment=equipment,
                        accessibility=access, opener=opener)
        for name, address, seats, equipment, access, opener in VENUES
    ]  # fmt: skip
    means.add_budget_line("licences", "Plateforme collaborative (abonnement annuel)", "1200",
                          year=year, by=ADMIN, actual="1200")  # fmt: skip
    means.add_budget_line("deplacements", "Frais de déplacement de l'animatrice", "450",
                          year=year, by=ADMIN)  # fmt: skip
    partners = {p.name: p.id for p in app.partners.list_partners()}
    member_speaker = next(iter(members.values()))
    events = app.events.list_events(year=year)
    seen_series: set[str] = set()
    for details in events:
        event, sessions = details.event, details.sessions
        past = all(s.date < app.today() for s in sessions)
        if event.format is not EventFormat.REMOTE:
            means.add_budget_line("salle", f"Salle : {event.title}", "150", year=year, by=ADMIN,
                                  event_id=event.id, actual="150" if past else None)  # fmt: skip
            means.add_budget_line(
                "restauration", f"Accueil café : {event.title}", "120", year=year, by=ADMIN,
                event_id=event.id, actual=Decimal("134.60") if past else None,
            )  # fmt: skip
            for session in sessions:
                room = venues[0]
                if "Sauzé" in session.place:
                    room = venues[1]
                elif "Aubigné" in session.place:
                    room = venues[2]
                means.choose_venue(session.id, room.id, by=ADMIN)
        elif event.series_id is None:  # a one-off remote event pays its speaker
            means.add_budget_line("intervenants", f"Intervention : {event.title}", "300",
                                  year=year, by=ADMIN, event_id=event.id,
                                  actual="300" if past else None)  # fmt: skip
        if event.series_id is not None and event.series_id in seen_series:
            continue  # a recurring matinale is led by the animator: no speaker
        seen_series.add(event.series_id or event.id)
        first = sessions[0]
        speaker = (
            partners.get("Préfecture des Deux-Sèvres")
            if "lection" in event.title
            else partners.get("Service prévention")
        )
        means.add_speaker(first.id, speaker or member_speaker, by=ADMIN, topic=event.title)
        if event.format is not EventFormat.REMOTE:
            means.add_speaker(first.id, member_speaker, by=ADMIN, topic="retour d'expérience")
    start = dt.date(year, 1, 1)
    for offset, minutes, activity in ((6, 180, "preparation"), (20, 240, "animation"),
                                      (34, 90, "communication"), (48, 120, "coordination"),
                                      (60, 60, "deplacement")):  # fmt: skip
        day = min(start + dt.timedelta(days=offset), app.today())
        means.log_time(ADMIN, minutes, activity, by=ADMIN, on=day)
    summary = means.summary(year=year)
    from rsgm_core.render.formatting import format_money
    from rsgm_core.services.means_report import hours

    print(
        f"\n13. moyens {year} (NET-8) : budget {format_money(summary.budget.planned)} prévus, "
        f"{format_money(summary.budget.actual)} dépensés ; {len(summary.venues)} lieux utilisés ; "
        f"{sum(n for _, n in summary.speakers)} interventions ; temps d'animation "
        f"{hours(summary.time.minutes)} (« rsgm means summary --annee {year} »)"
    )
