"""Settings of one opened instance: the CDG's profile (identity, territory, policies, tariff
grids), locale, time zone, and each plugin's own options."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from rsgm_core.domain.profile import CdgIdentity, Policies
from rsgm_core.domain.territory import validate_departement_code
from rsgm_core.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:
    from rsgm_core.domain.tariffs import TariffGrid

__all__ = ["Settings"]

_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3}(_[A-Z]{2})?)?")


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _grids(value: Iterable[TariffGrid]) -> tuple[TariffGrid, ...]:
    return tuple(value)


@attrs.frozen
class Settings:
    """What a CDG configures once, usually read from its profile file with :meth:`from_file`.

    ``cdg`` is the CDG's identity (``None`` until a profile gives one: documents that must name
    the CDG then refuse to be made); ``departements`` its territory (TER-7); ``policies`` its
    choices; ``grids`` its tariff grids, one per exercise (TAR-2); ``database`` the storage URL
    the profile names (used when the caller gives none); ``source`` the profile file itself.

    ``plugins`` maps a plugin's name to its options, e.g.
    ``{"log": {"path": "outbox.log"}}``; each plugin documents its own keys. A malformed locale,
    an unknown time zone or options that are not a mapping raise
    :class:`~rsgm_core.errors.ConfigurationError` here.
    """

    locale: str = attrs.field(default="fr_FR")
    timezone: str = attrs.field(default="Europe/Paris")
    plugins: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    cdg: CdgIdentity | None = None
    departements: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    policies: Policies = attrs.field(factory=Policies)
    grids: tuple[TariffGrid, ...] = attrs.field(default=(), converter=_grids)
    database: str | None = None
    source: Path | None = None

    @departements.validator
    def _check_departements(
        self, _: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
    ) -> None:
        for code in value:
            try:
                validate_departement_code(code)
            except ValidationError as exc:
                raise ConfigurationError(
                    f"département inconnu dans les réglages : {code!r}", rule="TER-7", value=code
                ) from exc
        if len(set(value)) != len(value):
            raise ConfigurationError(
                f"département en double dans les réglages : {value!r}", rule="TER-7", value=value
            )

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        """The settings of the profile file at ``path`` (``rsgm.toml``, see docs/configuration.md).

        A missing file, an unknown key, a value of the wrong type or an invalid grid raises
        :class:`~rsgm_core.errors.ConfigurationError` naming the key's path and the reason.
        """
        from rsgm_core.profile_file import read_profile

        return read_profile(Path(path))

    @classmethod
    def from_toml(cls, text: str, *, folder: str | Path = ".") -> Settings:
        """The settings of a profile given as TOML text; relative paths start from ``folder``."""
        from rsgm_core.profile_file import parse_profile

        return parse_profile(text, folder=Path(folder), name="<texte>")

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

    @property
    def cdg_code(self) -> str | None:
        """The code naming this CDG in tariff grids (``cdg77``), ``None`` without a profile."""
        return self.cdg.code if self.cdg else None

    def plugin(self, name: str) -> Mapping[str, Any]:
        """The options of plugin ``name``; empty when it has none."""
        return self.plugins.get(name, {})
