"""The words of an élus spreadsheet (MEM-12): headers, mandates and civilities as prefectures,
the AMF and CDGs write them. Read by the one header reader of the member import
(:func:`~.member_import.read_header`, :class:`~.header_vocabulary.HeaderVocabulary`).
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.elus import Civility, EluRole
from rsgm_core.domain.header_vocabulary import HeaderVocabulary
from rsgm_core.domain.import_vocabulary import FIELDS as MEMBER_FIELDS
from rsgm_core.domain.member_import import ImportReport

__all__ = [
    "ELU_FIELDS",
    "ELU_LABELS",
    "ELU_VOCABULARY",
    "ROLE_ALLOWED",
    "EluImportReport",
    "read_civility",
    "read_role",
]

_SHARED = ("first_name", "last_name", "email", "phone", "commune", "commune_name", "departement")

#: Field → the folded headers recognised for it (those shared with the members' sheet reused).
ELU_FIELDS: dict[str, tuple[str, ...]] = {
    **{f: MEMBER_FIELDS[f] for f in _SHARED},
    "civility": ("civilite", "civ", "titre", "madame monsieur", "civility"),
    "role": ("mandat", "fonction", "qualite", "fonction elective", "fonction de l elu",
             "mandat electif", "role"),
    "epci": ("epci", "siren", "siren epci", "siren de l epci", "intercommunalite",
             "communaute", "communaute de communes", "nom de l epci", "epci_name"),
    "start": ("debut", "debut de mandat", "debut du mandat", "date de debut", "date de debut de mandat",
              "elu le", "elue le", "date d election", "date d installation", "start"),
    "end": ("fin", "fin de mandat", "fin du mandat", "date de fin", "date de fin de mandat", "end"),
    "address": ("adresse", "adresse postale", "adresse de la mairie", "adresse 1", "address"),
    "postcode": ("code postal", "cp", "postcode"),
    "town": ("ville", "localite", "bureau distributeur", "commune postale", "town"),
}  # fmt: skip

ELU_LABELS: dict[str, str] = {
    "first_name": "prénom", "last_name": "nom", "email": "courriel", "phone": "téléphone",
    "commune": "code INSEE", "commune_name": "commune", "departement": "département",
    "civility": "civilité", "role": "mandat", "epci": "EPCI", "start": "début",
    "end": "fin", "address": "adresse", "postcode": "code postal", "town": "ville",
}  # fmt: skip

ELU_VOCABULARY = HeaderVocabulary(
    ELU_FIELDS, ELU_LABELS, ("first_name", "last_name", "role"), rule="MEM-12"
)

ROLE_ALLOWED = (
    "maire, adjoint ou adjointe, président ou présidente d'EPCI, administrateur ou administratrice "
    "du CDG"
)

_ROLES: dict[str, tuple[EluRole, Civility | None]] = {
    "maire": (EluRole.MAYOR, None),
    "adjoint": (EluRole.DEPUTY, None),
    "adjointe": (EluRole.DEPUTY, Civility.MADAME),
    "adjoint au maire": (EluRole.DEPUTY, None),
    "adjointe au maire": (EluRole.DEPUTY, Civility.MADAME),
    "maire adjoint": (EluRole.DEPUTY, None),
    "maire adjointe": (EluRole.DEPUTY, Civility.MADAME),
    "president": (EluRole.EPCI_PRESIDENT, None),
    "presidente": (EluRole.EPCI_PRESIDENT, Civility.MADAME),
    "president d epci": (EluRole.EPCI_PRESIDENT, None),
    "presidente d epci": (EluRole.EPCI_PRESIDENT, Civility.MADAME),
    "president de l epci": (EluRole.EPCI_PRESIDENT, None),
    "presidente de l epci": (EluRole.EPCI_PRESIDENT, Civility.MADAME),
    "president de la communaute": (EluRole.EPCI_PRESIDENT, None),
    "presidente de la communaute": (EluRole.EPCI_PRESIDENT, Civility.MADAME),
    "president de la communaute de communes": (EluRole.EPCI_PRESIDENT, None),
    "presidente de la communaute de communes": (EluRole.EPCI_PRESIDENT, Civility.MADAME),
    "administrateur": (EluRole.CDG_BOARD, None),
    "administratrice": (EluRole.CDG_BOARD, Civility.MADAME),
    "administrateur du cdg": (EluRole.CDG_BOARD, None),
    "administratrice du cdg": (EluRole.CDG_BOARD, Civility.MADAME),
    "membre du ca": (EluRole.CDG_BOARD, None),
    "membre du conseil d administration": (EluRole.CDG_BOARD, None),
    "conseil d administration": (EluRole.CDG_BOARD, None),
    "ca": (EluRole.CDG_BOARD, None),
}
_ORDINAL = re.compile(r"^(\d+|premier|premiere|deuxieme|troisieme)\s*(er|ere|e|eme|ème)?\s+")


def read_role(text: str) -> tuple[EluRole, Civility | None] | None:
    """The mandate a cell names (« 1er adjoint », « Présidente de l'EPCI », « Membre du CA »)
    and the civility its feminine or masculine form tells; ``None`` if unknown."""
    key = _ORDINAL.sub("", fold(text or "").replace("(e)", "").strip())
    key = key.replace("(", " ").replace(")", " ")
    key = " ".join(key.split())
    for each in (key, key.removesuffix(" du cdg")):
        if each in _ROLES:
            return _ROLES[each]
    for value in EluRole:
        if fold(value.value) == key:
            return value, None
    return None


def read_civility(text: str) -> Civility | None:
    """« Madame », « Mme », « M. », « Monsieur » → the civility; ``None`` if unknown."""
    key = fold(text or "").rstrip(".")
    if key in ("madame", "mme", "mme.", "mlle", "mademoiselle", "mrs", "f"):
        return Civility.MADAME
    if key in ("monsieur", "m", "mr", "m.", "h"):
        return Civility.MONSIEUR
    return None


@attrs.frozen
class EluImportReport(ImportReport):
    """MEM-12: the member import's report (rows, problems grouped by kind, dry run or written);
    ``members``: the mandates created, ``updated``: those refreshed, ``ended``: those a
    municipal ``election`` ended (named in ``ended_mandates``)."""

    ended_mandates: tuple[str, ...] = ()
    election: dt.date | None = None
