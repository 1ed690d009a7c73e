"""The network part of ``rsgm demo``: directory, consent, roles, activation, partners (MEM-2..MEM-10,
NET-1..NET-4), on the agents the demo has just recorded plus a few more."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from rsgm_core.demo.access import ADMIN_EMAIL
from rsgm_core.domain.governance import Charter, Objective, ObjectiveKind, Seat, SeatKind
from rsgm_core.render.text import print_table

if TYPE_CHECKING:
    from rsgm_core.app import App

# (first, last, e-mail, phone, commune, expertises, software used, software mastered, helper)
HELPERS = (
    ("Nadia", "Girard", "nadia.girard@example.org", "05 49 63 12 40", "79018",
     ("État civil", "Élections"), ("Cosoluce",), ("Berger-Levrault",), True),
    ("Paul", "Moreau", "paul.moreau@example.org", "05 49 05 71 22", "79009",
     ("Finances et comptabilité", "Marchés publics"), (), ("Berger-Levrault",), True),
    ("Léa", "Fournier", "lea.fournier@example.org", "06 12 34 56 78", "79002",
     ("Urbanisme", "État civil"), ("Ségilog",), (), True),
)  # fmt: skip
TOWN_HALLS = (
    ("79307", "2 place de la Mairie, 79190 Sauzé-entre-Bois", "lun. 9h-12h, jeu. 14h-18h"),
    ("79018", "1 rue de l'Église, 79110 Aubigné", "mar. 9h-12h, ven. 9h-12h et 14h-17h"),
)


def network_demo(app: App, members: dict[str, str]) -> None:
    """Directory facts, consents, the departmental network and its roles, then activation."""
    for first, last, email, phone, commune, skills, used, mastered, helper in HELPERS:
        member = app.members.add(
            first, last, email=email, phone=phone, helper=helper, arrival=date(2024, 9, 2)
        )
        app.members.add_position(member.id, commune, "sgm", work_time=Decimal(1))
        app.directory.set_expertises(member.id, skills)
        app.directory.set_software(member.id, used=used, mastered=mastered)
        app.directory.give_consent(member.id, "annuaire", on=date(2024, 9, 2))
        members[f"{first} {last}"] = member.id
        for item in app.members.list_onboarding_items(member_id=member.id)[
            :-2
        ]:  # all but the 3-month review
            app.members.mark_step(member.id, item.step, on=item.due)
    for commune, address, hours in TOWN_HALLS:
        app.directory.set_town_hall(commune, address, opening_hours=hours)
    claire, nadia = members["Claire Martin"], members["Nadia Girard"]
    app.directory.update_contact(claire, phone="05 49 27 00 11")
    app.directory.set_expertises(claire, ["état civil", "funéraire"])
    # CHA-2: the first administrator, named when the CDG's data was set up, acts throughout
    admin = app.members.get_by_email(ADMIN_EMAIL)
    by = admin.id
    network = app.network.create_departmental_network(
        "Réseau des SGM des Deux-Sèvres", by=by, project_lead="Anne Chevalier (CDG 79)"
    )
    app.network.set_charter(
        network.id,
        Charter(
            purpose="rompre l'isolement des SGM et mutualiser les pratiques",
            scope="communes de moins de 3 500 habitants des Deux-Sèvres",
            animation="matinales trimestrielles, plateforme collaborative, binôme d'animation",
            members_role="partager, contribuer à la boîte à outils, accueillir les nouveaux",
            principles="bienveillance, confidentialité, entraide",
            rights_and_duties="charte d'utilisation de la plateforme signée par chaque membre",
            adopted_on=date(2025, 1, 20),
        ),
        [
            Objective(
                ObjectiveKind.STRATEGIC, "couvrir tout le territoire", ["couverture_territoriale"]
            ),
            Objective(
                ObjectiveKind.OPERATIONAL, "une matinale par trimestre", ["taux_participation"]
            ),
        ],
        by=by,
    )
    members["Anne Chevalier"] = admin.id  # only she names staff (CHA-2)
    # MEM-6: the animation rests on CDG staff; Claire, a member, co-animates (counted apart)
    lead = app.members.add("Julien", "Bonnet", email="julien.bonnet@cdg79.example.org")
    app.access.add_staff(lead.id, on=date(2025, 1, 6), by=admin.id)
    members["Julien Bonnet"] = lead.id
    app.network.assign(network.id, lead.id, "animateur", by=by, on=date(2025, 1, 20))
    app.network.assign(network.id, claire, "co-animateur", by=by, on=date(2025, 1, 20))
    app.network.assign(network.id, nadia, "tuteur", by=by, on=date(2025, 1, 20))
    app.members.announce_departure(nadia, on=app.today() + timedelta(days=60))
    matinale = app.today() - timedelta(days=30)
    for name, member_id in members.items():
        came = name != "Paul Moreau"
        app.network.record_attendance(
            member_id, "matinale", on=matinale, registered=came, attended=came
        )
    journee = app.today() - timedelta(days=420)  # Paul has not registered for over a year (MEM-7)
    app.network.record_attendance(
        members["Paul Moreau"], "journée", on=journee, registered=False, attended=False
    )
    community = app.network.create_community_network("200069755", by=by)
    app.network.set_committee(
        "suivi",
        [Seat(SeatKind.SGM, claire, "200069755")],
        by=by,
        on=date(2024, 1, 15),
    )
    print(
        f"\n5. réseau : {len(members)} membres, {len(HELPERS)} fiches d'annuaire consenties, "
        f"réseau départemental et « {community.name} »\n"
    )
    print(
        "   annuaire, expertise « etat civil » vue par un membre (Claire Martin, sans "
        "consentement, n'y figure pas) :\n"
    )
    from rsgm_core.domain.directory import Viewer

    entries = app.directory.search(expertise="etat civil", viewer=Viewer())
    print_table(
        ("nom", "téléphone", "communes", "logiciels"),
        [
            (
                e.name,
                e.phone,
                ", ".join(e.communes),
                ", ".join((*e.software_mastered, *e.software_used)),
            )
            for e in entries
        ],
    )
    print("\n   entraide pour Beaussais-Vitré (79030), état civil, Berger-Levrault :\n")
    helpers = app.network.find_helpers(
        "79030", expertises=["état civil"], software=["berger-levrault"]
    )
    print_table(
        ("rang", "nom", "pourquoi"),
        [(i, h.member.full_name, " ; ".join(h.reasons)) for i, h in enumerate(helpers, start=1)],
        numeric={0},
    )
    names = {v: k for k, v in members.items()}
    print("\n   alertes :")
    for warning in app.network.list_warnings():
        if warning.role is not None and warning.holder_id is not None:
            who = ", ".join(names.get(c, c) for c in warning.candidates)
            print(f"   - {warning.role.value} : {names[warning.holder_id]}, titulaire unique du rôle, {warning.why} ; "
                  f"reprise possible : {who}")  # fmt: skip
        else:
            print(f"   - {warning.message}")
    for seat in app.network.committee_report("suivi").missing_seats:
        print(f"   - comité de suivi, siège manquant : {seat}")
    app.partners.add(
        "Service prévention", "CDG 79", "service_interne_cdg", themes=["santé au travail"],
        years=[2024, 2025],
    )  # fmt: skip
    app.partners.add(
        "Préfecture des Deux-Sèvres", "État", "administration", themes=["élections", "contrôle de légalité"],
        years=[2025],
    )  # fmt: skip
    print(
        f"\n6. {len(app.partners.list_partners())} partenaires enregistrés ; « rsgm partners list » les affiche"
    )
