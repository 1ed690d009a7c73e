"""Build the plugin manager of one opened instance, and call hooks through typed methods.

Construction order: manager → hook specs → blocked names → built-in plugins → third-party plugins
from the ``rsgm`` entry-point group → the caller's plugins → ``check_pending()``. pluggy calls the
last registered first, so the caller's plugins override third-party ones, which override built-ins.

Set ``RSGM_DISABLE_PLUGIN_AUTOLOAD=1`` to skip entry points (tests, debugging), and
``RSGM_DISABLE_PLUGINS=name,name`` to block plugins by name.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

import pluggy

from rsgm_core import hookspecs
from rsgm_core.errors import PluginError

if TYPE_CHECKING:
    from decimal import Decimal

    from rsgm_core.domain.census import CensusChanges, CensusImport, CensusSource
    from rsgm_core.domain.directory import Vocabulary
    from rsgm_core.domain.indicators import Period
    from rsgm_core.domain.members import Member
    from rsgm_core.domain.messages import Delivery, MessageTemplate, OutboxMessage
    from rsgm_core.domain.planning_checks import Election, HolidayPeriod
    from rsgm_core.domain.platform import PlatformExporter
    from rsgm_core.domain.tariffs import TariffGrid
    from rsgm_core.ports import Storage
    from rsgm_core.settings import Settings

__all__ = ["ENTRY_POINT_GROUP", "Hooks", "make_plugin_manager"]

ENTRY_POINT_GROUP = "rsgm"

T = TypeVar("T")


def make_plugin_manager(
    plugins: Iterable[object] = (), *, autoload: bool | None = None
) -> pluggy.PluginManager:
    """A fresh manager (never a module global: one instance's test plugin must not leak)."""
    from rsgm_core.plugins import BUILTIN_PLUGINS

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in _env_list("RSGM_DISABLE_PLUGINS"):
        pm.set_blocked(name)
    try:
        for module_name in BUILTIN_PLUGINS:
            short = module_name.rsplit(".", 1)[-1]
            if not pm.is_blocked(short):
                pm.register(importlib.import_module(module_name), name=short)
        wanted = (
            autoload if autoload is not None else not os.environ.get("RSGM_DISABLE_PLUGIN_AUTOLOAD")
        )
        if wanted and may_declare_entry_points(ENTRY_POINT_GROUP):
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        for plugin in plugins:
            pm.register(plugin)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"extension invalide {exc.plugin!r} : {exc}", value=exc.plugin) from exc
    except Exception as exc:
        if isinstance(exc, PluginError):
            raise
        raise PluginError(f"impossible de charger une extension : {exc}", value=str(exc)) from exc
    return pm


def may_declare_entry_points(group: str) -> bool:
    """Whether an installed distribution may declare entry points of ``group``, found without
    ``importlib.metadata`` (whose imports and reading of every distribution's metadata cost more
    than the rest of a short command's start-up): the ``*.dist-info`` and ``*.egg-info`` folders
    of ``sys.path`` are listed and their ``entry_points.txt`` searched for ``[group]``. When unsure
    (a zip or an egg on the path, a finder of distributions of its own), yes: pluggy then reads
    the entry points as it always does."""
    import sys
    from importlib.machinery import PathFinder

    if any(
        hasattr(finder, "find_distributions") and finder is not PathFinder
        for finder in sys.meta_path
    ):
        return True
    header = f"[{group}]"
    for entry in sys.path:
        folder = entry or "."
        if folder.endswith(".egg"):
            return True
        try:
            names = os.listdir(folder)
        except NotADirectoryError:  # a zip file on the path
            return True
        except OSError:  # a folder that is not there (yet): nothing is installed in it
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as f:
                    if any(line.replace(" ", "").strip() == header for line in f):
                        return True
            except (OSError, UnicodeDecodeError):  # no entry points (or none readable as text)
                continue
    return False


def _env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


class _HookRelay(Protocol):
    """``pm.hook`` as the type checker sees it: one attribute per hook of :mod:`rsgm_core.hookspecs`,
    called by keyword as pluggy requires. A ``firstresult`` hook answers one result or ``None``;
    the others answer the list of every implementation's result (a test keeps this in step with
    the specifications)."""

    def rsgm_storage(self, *, url: str, settings: Settings) -> Storage | None: ...
    def rsgm_census_sources(self) -> list[list[CensusSource]]: ...
    def rsgm_configure(self, *, settings: Settings) -> list[None]: ...
    def rsgm_send(self, *, message: OutboxMessage, settings: Settings) -> Delivery | None: ...
    def rsgm_message_template(self, *, name: str, locale: str) -> MessageTemplate | None: ...
    def rsgm_tariff_grids(self) -> list[list[TariffGrid]]: ...
    def rsgm_public_holidays(
        self, *, year: int, departement: str, settings: Settings
    ) -> list[list[dt.date]]: ...
    def rsgm_on_census_imported(
        self, *, changes: CensusChanges, imported: CensusImport
    ) -> list[None]: ...
    def rsgm_on_member_added(self, *, member: Member) -> list[None]: ...
    def rsgm_expertise_thesaurus(self) -> list[list[str]]: ...
    def rsgm_business_software(self) -> list[list[str]]: ...
    def rsgm_platform_exporters(self) -> list[list[PlatformExporter]]: ...
    def rsgm_statistics(self, *, name: str, period: Period, scope: str) -> Decimal | int | None: ...
    def rsgm_school_holidays(
        self, *, zone: str, settings: Settings
    ) -> list[list[HolidayPeriod]]: ...
    def rsgm_elections(self, *, settings: Settings) -> list[list[Election]]: ...


class Hooks:
    """One typed method per hook (named after it, without ``rsgm_``), so the rest of the code never
    spells ``pm.hook.x`` by hand. Each calls its hook by attribute; an implementation's exception
    other than an :class:`~rsgm_core.errors.RsgmError` becomes a :class:`PluginError` naming the
    hook (except :meth:`send`'s: a notifier's failure is a delivery failure the outbox records)."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        # pluggy types its relay's attributes as untyped callers: see them through the specs.
        self._hook = cast(_HookRelay, pm.hook)

    def storage(self, url: str, settings: Settings) -> Storage:
        with _guard("rsgm_storage"):
            storage = self._hook.rsgm_storage(url=url, settings=settings)
        if storage is None:
            raise PluginError(
                f"aucune extension de stockage ne sait ouvrir {url!r} "
                "(essayez sqlite:///chemin.db ou memory://)",
                value=url,
            )
        return storage

    def census_sources(self) -> list[CensusSource]:
        with _guard("rsgm_census_sources"):
            return _flatten(self._hook.rsgm_census_sources())

    def configure(self, settings: Settings) -> None:
        with _guard("rsgm_configure"):
            self._hook.rsgm_configure(settings=settings)

    def send(self, message: OutboxMessage, settings: Settings) -> Delivery | None:
        # Not guarded: a notifier's exception is a delivery failure the outbox records.
        return self._hook.rsgm_send(message=message, settings=settings)

    def message_template(self, name: str, locale: str) -> MessageTemplate | None:
        with _guard("rsgm_message_template"):
            return self._hook.rsgm_message_template(name=name, locale=locale)

    def tariff_grids(self) -> list[TariffGrid]:
        from rsgm_core.domain.tariffs import collect_grids

        with _guard("rsgm_tariff_grids"):
            grids = self._hook.rsgm_tariff_grids()
        return list(collect_grids(grids))

    def public_holidays(
        self, year: int, departement: str, settings: Settings
    ) -> frozenset[dt.date]:
        with _guard("rsgm_public_holidays"):
            found = self._hook.rsgm_public_holidays(
                year=year, departement=departement, settings=settings
            )
        return frozenset(_flatten(found))

    def on_census_imported(self, changes: CensusChanges, imported: CensusImport) -> None:
        with _guard("rsgm_on_census_imported"):
            self._hook.rsgm_on_census_imported(changes=changes, imported=imported)

    def on_member_added(self, member: Member) -> None:
        with _guard("rsgm_on_member_added"):
            self._hook.rsgm_on_member_added(member=member)

    def expertise_thesaurus(self) -> Vocabulary:
        from rsgm_core.domain.directory import FactKind, Vocabulary

        with _guard("rsgm_expertise_thesaurus"):
            terms = _flatten(self._hook.rsgm_expertise_thesaurus())
        return Vocabulary.of(FactKind.EXPERTISE, terms)

    def business_software(self) -> Vocabulary:
        from rsgm_core.domain.directory import FactKind, Vocabulary

        with _guard("rsgm_business_software"):
            names = _flatten(self._hook.rsgm_business_software())
        return Vocabulary.of(FactKind.SOFTWARE, names)

    def platform_exporters(self) -> list[PlatformExporter]:
        with _guard("rsgm_platform_exporters"):
            exporters = _flatten(self._hook.rsgm_platform_exporters())
        # pluggy calls the last registered first: keep the first exporter of each name
        found: dict[str, PlatformExporter] = {}
        for exporter in exporters:
            found.setdefault(exporter.name, exporter)
        return list(found.values())

    def statistics(self, name: str, period: Period, scope: str) -> Decimal | int | None:
        """IND-1: a figure from the notification or platform plugins, ``None`` if none knows it."""
        with _guard("rsgm_statistics"):
            return self._hook.rsgm_statistics(name=name, period=period, scope=scope)

    def school_holidays(self, zone: str, settings: Settings) -> list[HolidayPeriod]:
        """EVT-11: the school holidays of ``zone`` every plugin knows."""
        with _guard("rsgm_school_holidays"):
            found = self._hook.rsgm_school_holidays(zone=zone, settings=settings)
        return _flatten(found)

    def elections(self, settings: Settings) -> list[Election]:
        """EVT-11: the rounds of national elections every plugin knows."""
        with _guard("rsgm_elections"):
            found = self._hook.rsgm_elections(settings=settings)
        return _flatten(found)

    def plugin_names(self) -> list[str]:
        # pluggy names an object registered without a name by its id(); show what it is instead
        return sorted(
            name if not name.isdigit() else getattr(plugin, "__name__", type(plugin).__name__)
            for name, plugin in self.pm.list_name_plugin()
            if name and plugin is not None
        )


@contextmanager
def _guard(hook: str) -> Iterator[None]:
    """An implementation's failure as a :class:`PluginError` naming ``hook``; an
    :class:`~rsgm_core.errors.RsgmError` (a plugin refusing bad input or options) passes as is."""
    try:
        yield
    except PluginError:
        raise
    except Exception as exc:
        if _is_rsgm_error(exc):
            raise
        raise PluginError(
            f"l'extension a échoué dans {hook} : {type(exc).__name__}: {exc}", value=hook
        ) from exc


def _is_rsgm_error(exc: BaseException) -> bool:
    from rsgm_core.errors import RsgmError

    return isinstance(exc, RsgmError)


def _flatten(results: Iterable[Iterable[T] | None] | None) -> list[T]:
    """Every implementation's list joined, in calling order (an implementation may answer
    ``None`` for "nothing")."""
    return [item for result in results or () for item in result or ()]
