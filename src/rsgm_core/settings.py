"""Settings of one opened instance: locale, time zone, and each plugin's own options."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import attrs

__all__ = ["Settings"]


@attrs.frozen
class Settings:
    """What a CDG configures once.

    ``plugins`` maps a plugin's name to its options, e.g.
    ``{"log": {"path": "outbox.log"}}``; each plugin documents its own keys.
    """

    locale: str = "fr_FR"
    timezone: str = "Europe/Paris"
    plugins: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.zone)

    def plugin(self, name: str) -> Mapping[str, Any]:
        return self.plugins.get(name, {})
