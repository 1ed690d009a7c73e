"""The toolbox part of ``rsgm demo``: resources published and followed, a new version, advice
requests answered and referred, an FAQ draft, answer times and the software map (KNB, CNS)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rsgm_core.errors import RuleViolation
from rsgm_core.render.text import relevance

if TYPE_CHECKING:
    from rsgm_core.app import App

ADMIN = "anne.chevalier@cdg79.example.org"
# (kind, title, themes, software, body)
RESOURCES: tuple[tuple[str, str, list[str], list[str], str], ...] = (
    ("fiche pratique", "Dresser un acte de décès pas à pas", ["État civil", "Funéraire"], [],
     "1. Recevoir la déclaration.\n2. Vérifier le certificat de décès.\n3. Dresser l'acte."),
    ("modèle", "Délibération type : tarifs du cimetière", ["Cimetières"], [],
     "Le conseil municipal, après en avoir délibéré, fixe les tarifs des concessions…"),
    ("tutoriel", "Saisir un mandat dans e.magnus", ["Finances et comptabilité"], ["e.magnus"],
     "Menu Dépenses > Mandats > Nouveau ; contrôler l'imputation avant validation."),
    ("calendrier annuel du SGM", "Calendrier de l'année du SGM", ["Finances et comptabilité"], [],
     "Janvier : recensement ; avril : vote du budget ; décembre : clôture de l'exercice."),
)  # fmt: skip
# (commune, requester, channel, theme, question, hours to answer or None, answer)
REQUESTS = (
    ("79307", "Gérard Roux", "téléphone", "État civil",
     "Un administré demande la rectification d'une erreur dans un acte de naissance.", 3,
     "Erreur matérielle : rectification administrative par l'officier d'état civil."),
    ("79018", "Martine Blanc", "courriel", "Cimetières",
     "Peut-on reprendre une concession abandonnée depuis 20 ans ?", 26,
     "Oui, après la procédure de constat d'abandon en deux temps à trois ans d'intervalle."),
    ("79307", "Gérard Roux", "courriel", "Urbanisme", "Délai d'instruction d'un permis ?", None,
     ""),
)  # fmt: skip


def toolbox_demo(app: App, members: dict[str, str]) -> None:
    """A few resources and requests (KNB-1..KNB-5, CNS-1, CNS-2)."""
    today = app.today()
    ids = []
    for kind, title, themes, software, body in RESOURCES:
        resource = app.toolbox.add(kind, title, body, themes=themes, software=software, by=ADMIN)
        app.toolbox.publish(resource.id, by=ADMIN, review_on=today + timedelta(days=365))
        ids.append(resource.id)
    app.toolbox.follow(ids[0], member_id=members["Claire Martin"])
    app.toolbox.edit(ids[0], by=ADMIN, body=RESOURCES[0][4] + "\n4. Transmettre l'avis à l'INSEE.")
    proposal = app.toolbox.add(
        "fiche pratique", "Organiser le recensement citoyen", "Qui, quand, quelles pièces.",
        themes=["Élections"], by=members["Claire Martin"],
    )  # fmt: skip
    print(
        f"\n10. boîte à outils : {len(ids)} ressources publiées, une proposition de Claire Martin "
        f"en brouillon ({proposal.title}) ; la fiche « {RESOURCES[0][1]} » passe en version 2 et "
        "Claire Martin, qui la suit, en est prévenue (KNB-3). Recherche « acte deces » :"
    )
    hits = app.toolbox.search("acte deces")
    for hit, shown in zip(hits, relevance(hits), strict=True):
        print(f"   {shown:>5}  {hit.resource.title}")
    requests = []
    for commune, requester, channel, theme, question, hours, answer in REQUESTS:
        received = app.now() - timedelta(days=2)
        request = app.advice.log(commune, requester, channel, theme, question, received_at=received)
        if hours is not None:
            app.advice.answer(
                request.id, answer, minutes_spent=30, answered_at=received + timedelta(hours=hours)
            )
        requests.append(request)
    try:
        helpers = app.advice.refer(requests[0].id).helpers
        referred = f" ; la première est orientée vers {helpers[0].member.full_name} (MEM-9)"
    except RuleViolation:  # no volunteer with that expertise
        referred = " ; aucun volontaire à qui orienter la première"
    faq = app.advice.to_faq(requests[1].id, by=ADMIN).resource
    stats = app.advice.stats()
    print(
        f"\n11. demandes de conseil : {len(requests)} enregistrées{referred} ; la deuxième devient "
        f"la question-réponse anonymisée « {faq.title} » (CNS-2) ; délai médian "
        f"{_hours(stats.median_hours)}, 90e centile {_hours(stats.p90_hours)} ; "
        f"carte des logiciels : {len(app.toolbox.software_map())} lignes (« rsgm software map »)"
    )


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h".replace(".", ",")
