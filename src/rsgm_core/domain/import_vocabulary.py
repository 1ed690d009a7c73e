"""The words of real spreadsheets (MEM-1): column headers, functions and statuses as HR services
write them, feminine forms and common synonyms included.

Everything is compared folded (:func:`~.directory.fold`: accents, case, hyphens and apostrophes
ignored). A word that is a synonym (« Contractuelle », « Secrétaire générale de mairie ») reads as
its value silently; a word that only comes close (« CDD », « Adjoint administratif », a grade rather
than a function) reads as the nearest value with a note the animator sees in the report.
"""

from __future__ import annotations

import functools
import re

from rsgm_core.domain.directory import fold
from rsgm_core.domain.members import Function, Status

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "FUNCTION_ALLOWED",
    "STATUS_ALLOWED",
    "field_of",
    "read_function",
    "read_status",
]

#: Field → the folded headers recognised for it (French first; the English names still work).
FIELDS: dict[str, tuple[str, ...]] = {
    "first_name": ("prenom", "prenom usuel", "prenom de l agent", "first name", "first_name"),
    "last_name": (
        "nom", "nom de famille", "nom d usage", "nom usuel", "nom de l agent", "nom patronymique",
        "last name", "last_name",
    ),
    "email": (
        "email", "e mail", "courriel", "mail", "mel", "adresse electronique", "adresse mail",
        "adresse courriel", "courriel professionnel", "email professionnel",
    ),
    "phone": ("telephone", "tel", "phone", "telephone professionnel", "tel professionnel",
              "portable", "numero de telephone"),
    "commune": ("code insee", "insee", "code commune", "code officiel geographique", "cog",
                "code insee commune", "commune code"),
    "commune_name": ("commune", "nom de la commune", "collectivite", "collectivite employeur",
                     "employeur", "mairie", "nom commune", "commune_name"),
    "departement": ("departement", "dept", "dep", "code departement", "departement code"),
    "function": ("fonction", "function", "poste", "emploi", "intitule du poste", "metier"),
    "work_time": ("quotite", "quotite de travail", "temps de travail", "taux d emploi",
                  "temps de travail (%)", "quotite (%)", "work_time"),
    "status": ("statut", "status", "situation statutaire", "position statutaire"),
    "permanent": ("emploi permanent", "permanent"),
    "expertises": ("expertises", "expertise", "domaines d expertise", "competences"),
    "software": ("logiciels", "logiciel", "logiciels metier", "software"),
    "helper": ("volontaire", "entraide", "volontaire entraide", "helper"),
    "arrival": ("arrivee", "date d arrivee", "date arrivee", "date d entree", "arrival"),
    # IND-4: a date of birth is read for its year only (data minimisation)
    "birth_year": ("annee de naissance", "date de naissance", "naissance", "ne le", "nee le",
                   "ne e le", "birth_year"),
    "retirement_on": ("depart en retraite prevu", "date de depart en retraite",
                      "depart a la retraite prevu", "retraite prevue", "date de depart a la retraite",
                      "retirement_on"),
}  # fmt: skip

#: Field → its French name in messages and in ``--par-defaut``/``--colonne`` (also accepted).
FIELD_LABELS: dict[str, str] = {
    "first_name": "prénom", "last_name": "nom", "email": "courriel", "phone": "téléphone",
    "commune": "code INSEE", "commune_name": "commune", "departement": "département",
    "function": "fonction", "work_time": "quotité", "status": "statut",
    "permanent": "emploi permanent", "expertises": "expertises", "software": "logiciels",
    "helper": "volontaire", "arrival": "arrivée",
    "birth_year": "année de naissance", "retirement_on": "départ en retraite prévu",
}  # fmt: skip

_ALIASES = {alias: field for field, names in FIELDS.items() for alias in names} | {
    fold(label): field for field, label in FIELD_LABELS.items()
}


def field_of(name: str, *, header: bool = True) -> str | None:
    """The field a header stands for (« Code INSEE », « Commune », « Quotité (%) »); with
    ``header=False`` a field's own name comes first (``commune`` is then the INSEE code field, as
    in the mappings the library always took), then its French name (« quotité »)."""
    key = fold(name or "")
    if not header and key.replace(" ", "_") in FIELDS:
        return key.replace(" ", "_")
    return _ALIASES.get(key) or _ALIASES.get(re.sub(r"\s*\(.*\)$", "", key))


def _plainly(function: Function) -> tuple[Function, str | None]:
    return function, None


_SGM: tuple[Function, str | None] = (Function.SGM, None)
_FUNCTIONS: dict[str, tuple[Function, str | None]] = (
    {fold(f.label): (f, None) for f in Function}
    | {fold(f.value): (f, None) for f in Function}
    | {
        "sgm": _SGM,
        "secretaire general de mairie": _SGM,
        "secretaire generale de mairie": _SGM,
        "secretaire general e de mairie": _SGM,
        "secretaire general(e) de mairie": _SGM,
        "secretaire de mairie": (Function.SECRETAIRE_DE_MAIRIE, None),
        "secretaire": (Function.SECRETAIRE_DE_MAIRIE, None),
        "dgs": (Function.DGS, None),
        "directeur general des services": (Function.DGS, None),
        "directrice generale des services": (Function.DGS, None),
        "dgs emploi fonctionnel": (Function.DGS_EMPLOI_FONCTIONNEL, None),
        "responsable des services": (Function.RESPONSABLE_DES_SERVICES, None),
        "responsable administrative": (Function.RESPONSABLE_DES_SERVICES, None),
        "responsable administratif": (Function.RESPONSABLE_DES_SERVICES, None),
    }
)
#: Grades written where a function is expected: the nearest function, with a note.
_GRADES = (
    "adjoint administratif", "adjointe administrative", "adjoint administratif principal",
    "adjointe administrative principale", "adjoint administratif territorial",
    "adjointe administrative territoriale", "adjoint e administratif ve", "adjoint(e) administratif(ve)",
    "redacteur", "redactrice", "redacteur principal", "redactrice principale", "attache",
    "attachee", "attache principal", "attachee principale", "agent administratif",
    "agente administrative",
)  # fmt: skip
FUNCTION_ALLOWED = ", ".join(
    ["secrétaire général ou générale de mairie (SGM)"]
    + [f.label for f in Function if f is not Function.SGM]
)

_STATUSES: dict[str, tuple[Status, str | None]] = {
    "titulaire": (Status.TITULAIRE, None),
    "fonctionnaire": (Status.TITULAIRE, None),
    "fonctionnaire titulaire": (Status.TITULAIRE, None),
    "stagiaire": (Status.STAGIAIRE, None),
    "fonctionnaire stagiaire": (Status.STAGIAIRE, None),
    "contractuel": (Status.CONTRACTUEL, None),
    "contractuelle": (Status.CONTRACTUEL, None),
    "agent contractuel": (Status.CONTRACTUEL, None),
    "agente contractuelle": (Status.CONTRACTUEL, None),
    "non titulaire": (Status.CONTRACTUEL, None),
}
_NEAR_CONTRACTUEL = (
    "cdd",
    "cdi",
    "vacataire",
    "contrat",
    "contrat de projet",
    "cdd 3 1",
    "cdd 3 3",
)
STATUS_ALLOWED = (
    "titulaire, stagiaire, contractuel ou contractuelle (CDD, CDI, vacataire : contractuel)"
)


def _plain(text: str) -> str:
    return fold(re.sub(r"[()]", " ", text or ""))


_GRADE_KEYS = frozenset(_plain(g) for g in _GRADES)


@functools.lru_cache(maxsize=1024)
def read_function(text: str) -> tuple[Function, str | None] | None:
    """The function a cell names, with a note when it is only the nearest one; ``None`` if the
    word is unknown."""
    key = _plain(text)
    found = _FUNCTIONS.get(key) or _FUNCTIONS.get(fold(text))
    if found is not None:
        return found
    if key in _GRADE_KEYS or key.startswith(("adjoint", "redact", "attach")):
        return (
            Function.SECRETAIRE_DE_MAIRIE,
            f"« {text.strip()} » est un grade, pas une fonction : lu comme secrétaire de mairie",
        )
    return None


@functools.lru_cache(maxsize=1024)
def read_status(text: str) -> tuple[Status, str | None] | None:
    """The status a cell names (feminine forms included), with a note for a near word (« CDD » is
    a contract, read as contractuel); ``None`` if unknown."""
    key = _plain(text)
    key = key[:-1] if key.endswith("s") and key[:-1] in _STATUSES else key  # « titulaires »
    found = _STATUSES.get(key)
    if found is not None:
        return found
    if key in _NEAR_CONTRACTUEL or key.startswith(("cdd", "cdi", "contrat")):
        return Status.CONTRACTUEL, f"« {text.strip()} » lu comme contractuel"
    return None
