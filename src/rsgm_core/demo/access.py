"""The platform part of ``rsgm demo``: the usage charter, personal signatures, spaces,
invitations, a refusal explained, a revocation, lost credentials and the Interstis export
(CHA-1..CHA-10)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rsgm_core.domain.charters import Capacity

if TYPE_CHECKING:
    from rsgm_core.app import App
    from rsgm_core.domain.town_hall import TownHall

CHARTER = (
    "Charte d'utilisation de la plateforme collaborative",
    "Accès sur invitation du CDG, après signature de la charte ; comptes nominatifs ; "
    "bienveillance et confidentialité ; fin de l'accès avec la fin des fonctions.",
)
# (commune, town-hall contact address, mayor, the SGM's name in `members`)
SIGNED = (
    ("79307", "mairie@sauze-entre-bois.example.org", "Gérard Roux", "Claire Martin"),
    ("79018", "mairie@aubigne.example.org", "Martine Blanc", "Nadia Girard"),
)


#: CHA-2: the CDG's first administrator, named when the demo sets up the CDG's data.
ADMIN_EMAIL = "anne.chevalier@cdg79.example.org"


def name_first_administrator(app: App) -> str:
    """CHA-2: the first administrator, named at set-up (no ``by``); her id. The demo acts as
    her for every administrative act."""
    admin = app.members.add("Anne", "Chevalier", email=ADMIN_EMAIL)
    app.access.add_staff(admin.id, administrator=True, on=date(2025, 1, 6))
    return admin.id


def access_demo(app: App, members: dict[str, str]) -> None:
    """Charter, signatures, invitations, a refusal with its rules, a revocation, two exports."""
    admin = members["Anne Chevalier"]  # named administrator when the data was set up
    version = app.charters.publish(*CHARTER, by=admin, on=date(2025, 1, 6))
    space = app.access.create_departmental_space(
        "Espace départemental des SGM des Deux-Sèvres", by=admin
    )
    halls = {h.commune: h for h in _town_halls(app)}
    for commune, contact, mayor, sgm in SIGNED:
        app.charters.sign(commune, mayor, Capacity.MAYOR)  # for the mandate (CHA-1)
        app.charters.sign(commune, members[sgm], Capacity.SGM)  # in person (CHA-1)
        hall = halls.get(commune)
        if hall is not None:
            app.directory.set_town_hall(
                commune, hall.address, opening_hours=hall.opening_hours, email=contact
            )
        app.access.grant(members[sgm], space.id, "contributeur", by=admin)
    print(
        f"\n9. plateforme collaborative : charte version {version.version} publiée, signée par "
        f"{len(SIGNED)} communes ; {len(SIGNED)} SGM invités dans « {space.name} »"
    )
    refused = app.access.explain(members["Sophie Petit"], "contributeur", space.id)
    print("   Sophie Petit ne peut pas encore être invitée :")
    for refusal in refused.refusals:
        print(f"   - [{refusal.rule}] {refusal.message}")
    first = app.platform.export_accounts("interstis", by=admin, format="csv")
    print(f"\n   export Interstis complet ({len(first.text.splitlines()) - 1} lignes) :\n")
    print(first.text.lstrip("\ufeff"))
    revoked = app.access.revoke(
        members["Nadia Girard"], by=admin, reason="fin de fonctions annoncée par la mairie"
    )
    print(
        f"   accès de Nadia Girard révoqué ({len(revoked)} espace) ; à son départ "
        "(« rsgm members depart »), tous ses accès le seraient et la mairie prévenue (CHA-7). "
        "Export différentiel :\n"
    )
    delta = app.platform.export_accounts("interstis", by=admin, since_last=True, format="csv")
    print(delta.text.lstrip("\ufeff"))
    app.access.suspend(members["Claire Martin"], by=admin)
    app.access.reinvite(members["Claire Martin"], by=admin)
    print(
        "   identifiants de Claire Martin perdus : compte suspendu sur-le-champ puis invitée de "
        "nouveau dans les mêmes espaces (CHA-10)"
    )


def _town_halls(app: App) -> list[TownHall]:
    """The town halls on record, to keep their address when the demo gives them a contact."""
    with app.deps.read() as uow:
        return uow.town_halls.list()
