"""The columns of a history file (EVT-12) and the French forms its values take: the headers
recognised for each field, the synonyms of types, functions and statuses."""

from __future__ import annotations

from typing import Any

from rsgm_core.domain.events import EventFormat, EventKind, SurveyKind
from rsgm_core.domain.history import HistoryKind
from rsgm_core.domain.members import DepartureReason, Function, Status

__all__ = ["COLUMNS", "LABELS", "SYNONYMS"]

COLUMNS: dict[HistoryKind, dict[str, tuple[str, tuple[str, ...], bool]]] = {
    HistoryKind.EVENTS: {
        "date": ("Date", ("date", "date de l evenement", "date de la seance", "le"), True),
        "title": ("Titre", ("titre", "intitule", "nom de l evenement", "evenement"), True),
        "kind": ("Type", ("type", "type d evenement", "nature"), True),
        "format": ("Format", ("format", "modalite", "mode"), True),
        "place": ("Lieu", ("lieu", "adresse", "salle"), False),
        "invited": ("Invités", ("invites", "nombre d invites", "nb invites"), False),
        "attendees": ("Présents", ("presents", "participants", "presences", "emargement"), False),
        "topics": ("Thèmes", ("themes", "theme", "thematiques"), False),
        "cost": ("Coût", ("cout", "cout total", "budget"), False),
    },
    HistoryKind.SURVEYS: {
        "date": ("Date", ("date", "date d envoi", "ouverte le", "date de l enquete"), True),
        "title": ("Titre", ("titre", "intitule", "enquete", "questionnaire"), True),
        "kind": ("Type", ("type", "type d enquete", "nature"), True),
        "invited": ("Destinataires", ("destinataires", "invites", "nombre de destinataires"), True),
        "answers": ("Réponses", ("reponses", "nombre de reponses", "repondants"), True),
        "event": ("Événement", ("evenement", "evenement evalue"), False),
        **{
            f"score{n}": (f"Note {n}", (f"note {n}", f"notes {n}", f"note {n}/5"), False)
            for n in range(5, 0, -1)
        },
    },
    HistoryKind.MEMBERS: {
        "first_name": ("Prénom", ("prenom",), True),
        "last_name": ("Nom", ("nom", "nom de famille", "nom d usage"), True),
        "email": ("E-mail", ("email", "e mail", "courriel", "adresse electronique", "mail"), False),
        "commune": ("Commune", ("commune", "code insee", "insee", "code commune"), True),
        "function": ("Fonction", ("fonction", "poste"), True),
        "work_time": ("Quotité", ("quotite", "quotite de travail", "temps de travail"), True),
        "status": ("Statut", ("statut",), True),
        "arrival": ("Arrivée", ("arrivee", "date d arrivee", "entree", "date d entree"), True),
        "departure": ("Départ", ("depart", "date de depart", "sortie", "date de sortie"), False),
        "reason": ("Motif de départ", ("motif", "motif de depart", "motif du depart"), False),
    },
}

SYNONYMS: dict[type[Any], dict[str, Any]] = {
    EventKind: {
        "journee": EventKind.NETWORK_DAY, "journee reseau": EventKind.NETWORK_DAY,
        "webinar": EventKind.WEBINAR, "atelier": EventKind.WORKSHOP,
        "accueil": EventKind.WELCOME_SESSION, "comite": EventKind.COMMITTEE,
    },
    EventFormat: {
        "visio": EventFormat.REMOTE, "en ligne": EventFormat.REMOTE,
        "a distance": EventFormat.REMOTE, "visioconference": EventFormat.REMOTE,
        "sur place": EventFormat.IN_PERSON, "mixte": EventFormat.HYBRID,
    },
    SurveyKind: {
        "besoins": SurveyKind.NEEDS, "satisfaction": SurveyKind.SATISFACTION,
        "3 mois": SurveyKind.NEWCOMER, "nouvel arrivant": SurveyKind.NEWCOMER,
        "nouveaux arrivants": SurveyKind.NEWCOMER, "approfondie": SurveyKind.IN_DEPTH,
    },
    Function: {
        "secretaire generale de mairie": Function.SGM,
        "secretaire general de mairie": Function.SGM,
        "secretaire de mairie": Function.SECRETAIRE_DE_MAIRIE,
        "dgs": Function.DGS,
    },
    Status: {"titulaire": Status.TITULAIRE, "stagiaire": Status.STAGIAIRE,
             "contractuel": Status.CONTRACTUEL, "contractuelle": Status.CONTRACTUEL,
             "cdd": Status.CONTRACTUEL},
    DepartureReason: {"fin de contrat": DepartureReason.FIN_DE_CONTRAT,
                      "demission": DepartureReason.DEMISSION, "retraite": DepartureReason.RETRAITE,
                      "mutation": DepartureReason.MUTATION, "autre": DepartureReason.AUTRE},
}  # fmt: skip

LABELS: dict[type[Any], str] = {
    EventKind: "type d'événement", EventFormat: "format", SurveyKind: "type d'enquête",
    Function: "fonction", Status: "statut", DepartureReason: "motif de départ",
}  # fmt: skip
