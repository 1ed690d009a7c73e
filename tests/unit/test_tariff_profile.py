"""A CDG's grids written in its profile, without Python (TAR-1, TAR-2, TAR-5, TAR-8), and the
grid examples of docs/tariffs.md, which must read as they say."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from rsgm_core import ConfigurationError, ServiceKind, Settings
from rsgm_core.domain.tariffs import CatalogueColumn, grid_for
from tests.helpers import CDG79

DOC = Path(__file__).resolve().parents[2] / "docs" / "tariffs.md"

HEAD = """
[cdg]
nom = "Centre de gestion de test"
nom_court = "CDG 86"
code = "cdg86"
lieu = "Poitiers"
signataire = "Jeanne Roy"
qualite_signataire = "Présidente"
"""


def grid(extra: str = "", exercise: int = 2025) -> str:
    """A grid with every required key; ``extra`` adds or replaces keys."""
    required = {"prestations_horaires": "[]", "stagiaires_mois": "6",
                "stagiaires_demi_journees_sur_site": "2"}  # fmt: skip
    keys = "".join(f"{k} = {v}\n" for k, v in required.items() if f"{k} =" not in extra)
    return f"""
[[tarifs]]
exercice = {exercise}
taux_horaire_adherent = "35"
taux_horaire_non_adherent = "75"
strates = [{{ de = 0, a = 3500, cotisation = "100" }}]
{keys}{extra}
"""


def refused(text: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_toml(text)
    return caught.value


def toml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_doc_grid_with_two_exercises_reads_as_written_TAR_2() -> None:
    (profile,) = [b for b in toml_blocks(DOC.read_text(encoding="utf-8")) if "[[tarifs]]" in b]
    settings = Settings.from_toml(profile)
    assert [g.exercise for g in settings.grids] == [2025, 2026]
    later = grid_for(settings.grids, 2026, cdg="cdg79")
    assert later.member_hourly_rate == Decimal("37.50")
    assert later.rounding.increment_minutes == 15
    assert later.strata[-1].fee == Decimal("310.00")
    assert later.service(ServiceKind.SPECIFIC_INTERVENTION).article.startswith("Art. 2.6 (")
    first = grid_for(settings.grids, 2025, cdg="cdg79")
    assert first.strata == CDG79.grids[0].strata
    assert [(s.kind, s.hourly, s.column) for s in first.catalogue] == [
        (s.kind, s.hourly, s.column) for s in CDG79.grids[0].catalogue
    ]


def test_the_billed_services_come_from_the_grid_TAR_5() -> None:
    none = Settings.from_toml(HEAD + grid()).grids[0]  # prestations_horaires = []
    assert set(none.hourly_services) == set()
    assert {s.kind for s in CDG79.grids[0].catalogue if s.hourly} == {
        ServiceKind.TRAINEE_ACCOMPANIMENT,
        ServiceKind.FIRST_JOB_ACCOMPANIMENT,
        ServiceKind.SPECIFIC_INTERVENTION,
    }  # CDG 79's choice, written in its profile
    text = HEAD + grid().replace("prestations_horaires = []\n", "")
    error = refused(text)  # never CDG 79's choice by default
    assert "tarifs[0].prestations_horaires" in error.message and "obligatoire" in error.message
    own = Settings.from_toml(
        HEAD + grid('prestations_horaires = ["activation_reseau", "intervention_specifique"]')
    ).grids[0]
    assert set(own.hourly_services) == {
        ServiceKind.NETWORK_ACTIVATION,
        ServiceKind.SPECIFIC_INTERVENTION,
    }


@pytest.mark.parametrize("kind", ["animation_reseau", "comite_de_suivi", "matinales_evenements"])
def test_a_profile_cannot_bill_the_mandatory_mission_TAR_8(kind: str) -> None:
    error = refused(HEAD + grid(f'prestations_horaires = ["conseil", "{kind}"]'))
    assert "tarifs[0].prestations_horaires[1]" in error.message
    assert "mission obligatoire" in error.message and "TAR-8" in error.message


def test_the_fee_is_not_an_hourly_service_TAR_5() -> None:
    error = refused(HEAD + grid('prestations_horaires = ["adhesion"]'))
    assert "tarifs[0].prestations_horaires[0]" in error.message


def test_the_mandatory_mission_stays_in_its_column_whatever_the_articles_TAR_8() -> None:
    text = HEAD + grid('articles = { animation_reseau = "Art. 1.3" }')
    animation = Settings.from_toml(text).grids[0].service(ServiceKind.NETWORK_ANIMATION)
    assert (animation.article, animation.column) == ("Art. 1.3", CatalogueColumn.MANDATORY)


def test_a_float_amount_names_its_key_TAR_7() -> None:
    error = refused(
        HEAD + grid().replace('taux_horaire_adherent = "35"', "taux_horaire_adherent = 35.5")
    )
    assert "tarifs[0].taux_horaire_adherent" in error.message
