"""Settings refuse a malformed locale, time zone or plugin options at once, as a
ConfigurationError naming the value, not later as a KeyError from ``zoneinfo``."""

from __future__ import annotations

import datetime as dt

import pytest

import rsgm_core
import rsgm_core.testing
from rsgm_core import ConfigurationError, Settings


def test_defaults_are_french_in_paris() -> None:
    settings = Settings()
    assert (settings.locale, settings.timezone, settings.plugin("smtp")) == (
        "fr_FR",
        "Europe/Paris",
        {},
    )
    assert settings.now().utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "../etc/passwd", None, 1])
def test_an_unknown_time_zone_is_refused(timezone: object) -> None:
    with pytest.raises(ConfigurationError, match="fuseau horaire inconnu") as caught:
        Settings(timezone=timezone)  # type: ignore[arg-type]  # the refusal is the point
    assert caught.value.value == timezone


@pytest.mark.parametrize("locale", ["fr-FR", "français", "", None])
def test_a_malformed_locale_is_refused(locale: object) -> None:
    with pytest.raises(ConfigurationError, match="langue invalide"):
        Settings(locale=locale)  # type: ignore[arg-type]  # the refusal is the point


@pytest.mark.parametrize("plugins", [["smtp"], {"smtp": "localhost"}, {1: {}}])
def test_plugin_options_must_be_a_mapping_of_mappings(plugins: object) -> None:
    with pytest.raises(ConfigurationError, match="options des extensions"):
        Settings(plugins=plugins)  # type: ignore[arg-type]  # the refusal is the point


def test_valid_settings_open_an_instance_in_their_zone() -> None:
    settings = Settings(locale="fr", timezone="America/Cayenne", plugins={"log": {}})
    clock = rsgm_core.testing.Clock(dt.datetime(2025, 1, 1, 2, 0, tzinfo=dt.UTC))
    with rsgm_core.open("memory://", settings=settings, clock=clock, autoload=False) as app:
        assert app.today() == dt.date(2024, 12, 31)  # 23:00 the day before in Cayenne
