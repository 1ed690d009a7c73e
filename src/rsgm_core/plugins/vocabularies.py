"""The built-in vocabularies of the shared directory (MEM-2): expertises and business software.

A CDG adds its own terms by implementing the same hooks in its plugin; lists are joined, so the
built-in terms stay available::

    @hookimpl
    def rsgm_expertise_thesaurus():
        return ["Assurances", "Cimetières"]
"""

from __future__ import annotations

from rsgm_core.hookspecs import hookimpl

__all__ = ["BUSINESS_SOFTWARE", "EXPERTISES", "rsgm_business_software", "rsgm_expertise_thesaurus"]

#: The expertises of the guide (Fiche 2.4) and the usual domains of a town hall's secretariat.
EXPERTISES = (
    "État civil",
    "Élections",
    "Urbanisme",
    "Finances et comptabilité",
    "RH et paie",
    "Marchés publics",
    "Funéraire",
    "Conseil municipal et actes",
    "Cimetières",
    "Affaires scolaires",
    "Voirie",
    "Action sociale",
    "Assurances",
    "Archives",
    "Recensement de la population",
    "Numérique et RGPD",
)

#: Business software met in small town halls.
BUSINESS_SOFTWARE = (
    "Berger-Levrault",
    "JVS-Mairistem",
    "Cosoluce",
    "Ségilog",
    "AGEDI",
    "Horizon Villages",
    "e.magnus",
    "Chorus Pro",
    "Hélios",
)


@hookimpl
def rsgm_expertise_thesaurus() -> list[str]:
    return list(EXPERTISES)


@hookimpl
def rsgm_business_software() -> list[str]:
    return list(BUSINESS_SOFTWARE)
