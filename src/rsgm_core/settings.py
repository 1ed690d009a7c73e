"""Settings of one opened instance: locale, time zone, and each plugin's own options."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from rsgm_core.errors import ConfigurationError

__all__ = ["Settings"]

_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3}(_[A-Z]{2})?)?")


@attrs.frozen
class Settings:
    """What a CDG configures once.

    ``plugins`` maps a plugin's name to its options, e.g.
    ``{"log": {"path": "outbox.log"}}``; each plugin documents its own keys. A malformed locale,
    an unknown time zone or options that are not a mapping raise
    :class:`~rsgm_core.errors.ConfigurationError` here.
    """

    locale: str = attrs.field(default="fr_FR")
    timezone: str = attrs.field(default="Europe/Paris")
    plugins: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)

    @locale.validator
    def _check_locale(self, _: attrs.Attribute[str], value: object) -> None:
        # The form only: Babel, which knows the locales, is loaded when something is formatted.
        if not isinstance(value, str) or not _LOCALE.fullmatch(value):
            raise ConfigurationError(
                f"langue invalide dans les réglages : {value!r} (par exemple « fr_FR »)",
                value=value,
            )

    @timezone.validator
    def _check_timezone(self, _: attrs.Attribute[str], value: object) -> None:
        try:
            if not isinstance(value, str) or not value:
                raise ValueError(value)
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise ConfigurationError(
                f"fuseau horaire inconnu dans les réglages : {value!r} (par exemple « Europe/Paris »)",
                value=value,
            ) from None

    @plugins.validator
    def _check_plugins(
        self, _: attrs.Attribute[Mapping[str, Mapping[str, Any]]], value: object
    ) -> None:
        if not isinstance(value, Mapping) or not all(
            isinstance(name, str) and isinstance(options, Mapping)
            for name, options in value.items()
        ):
            raise ConfigurationError(
                "options des extensions invalides : un dictionnaire {nom d'extension: {option: valeur}} "
                f"est attendu, pas {value!r}",
                value=value,
            )

    @property
    def zone(self) -> ZoneInfo:
        """The CDG's time zone: where a day starts and ends."""
        return ZoneInfo(self.timezone)

    def now(self) -> dt.datetime:
        """The current time in the CDG's zone (the default clock of ``rsgm_core.open``)."""
        return dt.datetime.now(self.zone)

    def plugin(self, name: str) -> Mapping[str, Any]:
        """The options of plugin ``name``; empty when it has none."""
        return self.plugins.get(name, {})
