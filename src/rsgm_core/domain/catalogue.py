"""The service catalogue in the two columns of the convention's annex (TAR-8).

The **mandatory mission** ("compétence obligatoire", loi 2023-1380 art. 4): setting up and
animating the network, the directory of software and expert referents, matinales, webinars and
events, the follow-up committee; free for every commune, never billed, never gated by membership.
The **pack** (optional annual membership): platform access to the community space, the toolbox,
advice, network activation, trainee accompaniment and preferential rates for the hourly services.
Which pack services are billed by the hour is the CDG's choice, in its grid (TAR-5).

Stable public API, re-exported by :mod:`rsgm_core.domain.tariffs` and :mod:`rsgm_core`.
"""

import enum

import attrs

from rsgm_core.errors import ValidationError

__all__ = [
    "MANDATORY_MISSION",
    "REFERENCE_CATALOGUE",
    "CatalogueColumn",
    "Service",
    "ServiceKind",
]


class ServiceKind(enum.StrEnum):
    """The services of the catalogue: the mandatory mission, the pack and the interventions around
    it (TAR-8)."""

    # The mandatory mission ("compétence obligatoire", loi 2023-1380 art. 4): free for every commune.
    NETWORK_ANIMATION = "animation_reseau"
    DIRECTORY = "annuaire_referents"
    EVENTS = "matinales_evenements"
    FOLLOW_UP_COMMITTEE = "comite_de_suivi"
    # The pack (optional membership) and what it gives preferential rates for.
    MEMBERSHIP = "adhesion"
    PLATFORM_ACCESS = "acces_plateforme"
    TOOLBOX = "boite_a_outils"
    ADVICE = "conseil"
    NETWORK_ACTIVATION = "activation_reseau"
    TRAINEE_ACCOMPANIMENT = "accompagnement_stagiaires"
    FIRST_JOB_ACCOMPANIMENT = "accompagnement_prise_de_poste"
    SPECIFIC_INTERVENTION = "intervention_specifique"


class CatalogueColumn(enum.StrEnum):
    """The two columns of the convention's annex (TAR-8)."""

    MANDATORY = "mission_obligatoire"  # "réseau départemental (compétence obligatoire)"
    PACK = "pack"  # "plan d'actions SGDM, adhésion annuelle"

    @property
    def label(self) -> str:
        if self is CatalogueColumn.MANDATORY:
            return "Mission obligatoire (gratuite pour toutes les communes)"
        return "Pack d'adhésion (adhésion annuelle facultative)"


#: The services of the mandatory mission: never billed, never gated by membership (TAR-8).
MANDATORY_MISSION = frozenset(
    {
        ServiceKind.NETWORK_ANIMATION,
        ServiceKind.DIRECTORY,
        ServiceKind.EVENTS,
        ServiceKind.FOLLOW_UP_COMMITTEE,
    }
)


def _column_of(service: "Service") -> "CatalogueColumn":
    return CatalogueColumn.MANDATORY if service.kind in MANDATORY_MISSION else CatalogueColumn.PACK


@attrs.frozen
class Service:
    """One entry of the catalogue: its label, the convention article, its column of the annex and
    how it is paid (TAR-8).

    ``column``: the mandatory mission (free for every commune, never billed, never gated by
    membership) or the pack; it follows from ``kind`` and cannot be chosen otherwise.
    ``included``: part of the pack the annual fee pays for. ``hourly``: the CDG's hours on it are
    billed at the hourly rate (TAR-5); which pack services are is the CDG's choice (its grid's
    ``prestations_horaires``). Trainee accompaniment is included within the limits of TAR-6 and
    billed beyond.
    """

    kind: ServiceKind
    label: str
    article: str
    included: bool
    hourly: bool
    column: CatalogueColumn = attrs.field(
        default=attrs.Factory(_column_of, takes_self=True), converter=CatalogueColumn
    )

    def __attrs_post_init__(self) -> None:
        # TAR-8: the mandatory mission is neither sold in the pack nor billed by the hour.
        expected = _column_of(self)
        if self.column is not expected or (
            expected is CatalogueColumn.MANDATORY and (self.included or self.hourly)
        ):
            raise ValidationError(
                f"« {self.label} » ({self.kind.value}) relève de la mission obligatoire du CDG : "
                "gratuite pour toutes les communes, elle n'est ni vendue dans le pack ni facturée "
                "à l'heure"
                if expected is CatalogueColumn.MANDATORY
                else f"« {self.label} » ({self.kind.value}) relève du pack, pas de la mission "
                "obligatoire",
                rule="TAR-8",
                value=self.kind,
            )

    @property
    def mandatory(self) -> bool:
        """Whether this service is part of the mandatory mission (free, never billed)."""
        return self.column is CatalogueColumn.MANDATORY


# The numbering of CDG 79's convention (Art. 1-3 and its annex); a CDG whose convention numbers its
# articles otherwise says so in its grid (``articles``).
_FREE, _INCLUDED, _HOURLY = (False, False), (True, False), (False, True)
REFERENCE_CATALOGUE: tuple[Service, ...] = tuple(
    Service(kind, label, article, *flags)
    for kind, label, article, flags in (
        # The mandatory mission (Art. 1.1, 1.2; the annex's first column).
        (ServiceKind.NETWORK_ANIMATION, "Mise en place et animation du réseau", "Art. 1.2", _FREE),
        (
            ServiceKind.DIRECTORY,
            "Annuaire des logiciels métiers et des référents experts",
            "Art. 1.1",
            _FREE,
        ),
        (
            ServiceKind.EVENTS,
            "Matinales, webinaires et autres événements",
            "Art. 1.1",
            _FREE,
        ),
        (ServiceKind.FOLLOW_UP_COMMITTEE, "Comité de suivi du réseau", "Art. 1.2", _FREE),
        # The pack (Art. 1.4, 2, 3; the annex's second column).
        (ServiceKind.MEMBERSHIP, "Adhésion annuelle au pack", "Art. 3.1", _FREE),
        (
            ServiceKind.PLATFORM_ACCESS,
            "Accès à la plateforme collaborative (espace communautaire)",
            "Art. 1.4",
            _INCLUDED,
        ),
        (ServiceKind.TOOLBOX, "Boîte à outils", "Art. 2.1", _INCLUDED),
        (ServiceKind.ADVICE, "Conseils et soutien", "Art. 2.2", _INCLUDED),
        # Art. 3.2 names 2.5, the annex gives it no tariff: included, not billed (TAR-5).
        (ServiceKind.NETWORK_ACTIVATION, "Activation du réseau", "Art. 2.5", _INCLUDED),
        (
            ServiceKind.TRAINEE_ACCOMPANIMENT,
            "Accompagnement des stagiaires",
            "Art. 2.3",
            (True, True),
        ),
        (
            ServiceKind.FIRST_JOB_ACCOMPANIMENT,
            "Accompagnement à la prise de poste",
            "Art. 2.4",
            _HOURLY,
        ),
        (ServiceKind.SPECIFIC_INTERVENTION, "Intervention spécifique", "Art. 2.6", _HOURLY),
    )
)
