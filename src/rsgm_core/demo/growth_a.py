"""The growth part of ``rsgm demo``: newcomers paired with a tutor until their 3-month review
(MEM-13), the local networks the CDG federates (NET-7) and the CDG's other dates planning warns of
(EVT-11); the annual report then shows the tutorships and local networks with their figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from rsgm_core.demo.access import ADMIN_EMAIL
from rsgm_core.render.text import print_table

if TYPE_CHECKING:
    from rsgm_core.app import App

MELLOIS, THOUARSAIS, GATINE = "200069755", "247900798", "200041333"
# (first, last, e-mail, commune, months before today, expertises, tutor: None for the first
# candidate proposed)
NEWCOMERS = (
    ("Inès", "Garnier", "ines.garnier@example.org", "79030", 5, ("État civil",), None),
    ("Hugo", "Lambert", "hugo.lambert@example.org", "79009", 4, ("Marchés publics",), "Paul Moreau"),
    ("Camille", "Vidal", "camille.vidal@example.org", "79002", 1, ("Urbanisme",), "Léa Fournier"),
)  # fmt: skip


def growth_a_demo(app: App, members: dict[str, str]) -> None:
    """Tutors for this year's newcomers, two existing local networks, a CDG date."""
    by = app.members.get_by_email(ADMIN_EMAIL).id
    today = app.today()
    print("\n   tutorat des arrivants (MEM-13) :")
    for first, last, email, commune, months, skills, tutor in NEWCOMERS:
        arrival = today - timedelta(days=30 * months)
        member = app.members.add(first, last, email=email, lifecycle="prospect")
        app.members.add_position(member.id, commune, "sgm", work_time=Decimal(1))
        app.members.mark_active(member.id, arrival=arrival)
        app.directory.set_expertises(member.id, skills)
        members[f"{first} {last}"] = member.id
        [best, *_] = app.tutors.list_candidates(newcomer_id=member.id, on=arrival)
        chosen = members[tutor] if tutor else best.member_id
        pairing = app.tutors.pair(member.id, chosen, by=by, on=arrival)
        print(f"   {first} {last}, arrivée le {arrival:%d/%m/%Y} : tuteur "
              f"{app.members.get(chosen).full_name} (premier "
              f"candidat proposé : {best.member.full_name}, {', '.join(best.reasons)})")  # fmt: skip
        if pairing.review_due <= today:
            app.tutors.review(member.id, by=by, on=pairing.review_due)
            print(f"     bilan à 3 mois tenu le {pairing.review_due:%d/%m/%Y} : tutorat clos")
    print("\n   réseaux locaux existants (NET-7) :")
    app.local_networks.add(
        "Réseau des secrétaires de mairie du Mellois", "CC Mellois en Poitou", "fédéré", by=by,
        epci=MELLOIS, referent_id=members["Claire Martin"], started_on=date(2019, 3, 1),
    )  # fmt: skip
    app.local_networks.add(
        "Amicale des secrétaires du Thouarsais", "Amicale des secrétaires du Thouarsais (loi 1901)",
        "soutenu", by=by, epci=THOUARSAIS, referent_name="Martine Texier",
        referent_contact="05 49 66 00 00", started_on=date(2012, 9, 1),
    )  # fmt: skip
    epcis = app.local_networks.list_epcis()
    print_table(
        ("EPCI", "communes", "réseaux locaux"),
        [(e.name, e.communes, ", ".join(e.local_networks) or "aucun : animé par le CDG")
         for e in epcis],
        numeric={1},
    )  # fmt: skip
    day = today + timedelta(days=45)
    while day.weekday() != 3:  # a Thursday
        day += timedelta(days=1)
    app.cdg_calendar.add("Assemblée générale du CDG 79", on=day, by=by)
    print(f"\n   « Assemblée générale du CDG 79 » notée le {day:%d/%m/%Y} : une séance du réseau "
          "planifiée ce jour-là sera signalée, comme pendant les vacances scolaires de la zone A, "
          "la semaine d'une élection ou sur un thème traité depuis moins de 12 mois (EVT-11)")  # fmt: skip
