"""The entry point for callers: :func:`open` returns an :class:`App` offering every service."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsgm_core.plugin_manager import Hooks, make_plugin_manager
from rsgm_core.services.deps import Deps
from rsgm_core.settings import Settings

if TYPE_CHECKING:
    from rsgm_core.ports import Storage, UnitOfWork
    from rsgm_core.services.access import AccessService
    from rsgm_core.services.advice import AdviceService
    from rsgm_core.services.billing import BillingService
    from rsgm_core.services.census import CensusService
    from rsgm_core.services.directory import DirectoryService
    from rsgm_core.services.event_mail import EventMailService
    from rsgm_core.services.events import EventService
    from rsgm_core.services.indicators import IndicatorService
    from rsgm_core.services.members import MemberService
    from rsgm_core.services.memberships import MembershipService
    from rsgm_core.services.network import NetworkService
    from rsgm_core.services.outbox import OutboxService
    from rsgm_core.services.partners import PartnerService
    from rsgm_core.services.registrations import RegistrationService
    from rsgm_core.services.rgpd import RgpdService
    from rsgm_core.services.surveys import SurveyService
    from rsgm_core.services.tariffs import TariffService
    from rsgm_core.services.toolbox import ToolboxService

__all__ = ["App", "default_url", "open"]

ENV_DB = "RSGM_DB"


def default_url() -> str:
    """``$RSGM_DB`` if set, else ``rsgm.db`` in the user's data directory (created if needed):
    ``~/.local/share/rsgm`` on Linux, ``%LOCALAPPDATA%\\rsgm`` on Windows."""
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    import platformdirs

    folder = Path(platformdirs.user_data_dir("rsgm", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'rsgm.db'}"


def open(
    url: str | None = None,
    *,
    plugins: Iterable[object] = (),
    settings: Settings | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    autoload: bool | None = None,
) -> App:
    """Open a CDG's data and return the :class:`App` that offers the services.

    :param url: ``sqlite:///cdg79.db`` (or a bare path), ``memory://``, a PostgreSQL URL; ``None``
        means :func:`default_url`. An older database is upgraded; a newer one is refused.
    :param plugins: the caller's plugins, registered last so that they override the others.
    :param settings: locale, time zone and plugin options; French and Europe/Paris by default.
    :param clock: returns the current zoned time; tests pass a
        :class:`rsgm_core.testing.Clock`, which they can set and advance.
    :param autoload: load ``rsgm`` entry-point plugins (default: yes, unless
        ``RSGM_DISABLE_PLUGIN_AUTOLOAD`` is set).
    """
    settings = settings or Settings()
    hooks = Hooks(make_plugin_manager(plugins, autoload=autoload))
    _check_settings(hooks, settings)  # a bad option fails here, not at 3 a.m. in the send loop
    storage = hooks.storage(url or default_url(), settings)
    return App(storage=storage, hooks=hooks, settings=settings, clock=clock)


def _check_settings(hooks: Hooks, settings: Settings) -> None:
    from rsgm_core.domain.outbox_policy import policy_from_options
    from rsgm_core.services.outbox import outbox_options

    policy_from_options(outbox_options(settings.plugin))
    hooks.configure(settings)


class App:
    """One opened instance: storage, plugins, settings, and the services built on them.

    Each attribute is one area of the network (``app.members``, ``app.events`` …); its methods
    are the use cases. Use the instance as a context manager (or call :meth:`close`) to release
    the database.
    """

    def __init__(
        self,
        *,
        storage: Storage,
        hooks: Hooks,
        settings: Settings,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.storage = storage
        self.hooks = hooks
        self.settings = settings
        self.deps = Deps(
            storage=storage, hooks=hooks, settings=settings, clock=clock or settings.now
        )

    def now(self) -> dt.datetime:
        """The current zoned time, from the clock given to :func:`open`."""
        return self.deps.now()

    def today(self) -> dt.date:
        """Today in the CDG's zone."""
        return self.deps.today()

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """A unit of work for storage-level tools (``rsgm db``): commit at the end of the block,
        roll back on any exception. Use cases open their own; callers need not."""
        with self.deps.transaction() as uow:
            yield uow

    # --- The areas, one attribute each. -------------------------------------------------------

    @cached_property
    def outbox(self) -> OutboxService:
        from rsgm_core.services.outbox import OutboxService

        return OutboxService(self.deps)

    @cached_property
    def census(self) -> CensusService:
        """The territory: census vintages imported, previewed and reported (TER-1..TER-6)."""
        from rsgm_core.services.census import CensusService

        return CensusService(self.deps)

    @cached_property
    def members(self) -> MemberService:
        from rsgm_core.services.members import MemberService

        return MemberService(self.deps)

    @cached_property
    def directory(self) -> DirectoryService:
        from rsgm_core.services.directory import DirectoryService

        return DirectoryService(self.deps)

    @cached_property
    def network(self) -> NetworkService:
        from rsgm_core.services.network import NetworkService

        return NetworkService(self.deps)

    @cached_property
    def partners(self) -> PartnerService:
        from rsgm_core.services.partners import PartnerService

        return PartnerService(self.deps)

    @cached_property
    def rgpd(self) -> RgpdService:
        from rsgm_core.services.rgpd import RgpdService

        return RgpdService(self.deps)

    # --- members slice: new areas go here. ----------------------------------------------------

    @cached_property
    def tariffs(self) -> TariffService:
        """Deprecated since 0.2.0: :attr:`memberships` and :attr:`billing` (each method warns)."""
        from rsgm_core.services.tariffs import TariffService

        return TariffService(self.deps)

    # --- tariffs slice: new areas go here. ----------------------------------------------------

    @cached_property
    def memberships(self) -> MembershipService:
        """The membership pack: grids, quotes, memberships, conventions (TAR-1..TAR-4)."""
        from rsgm_core.services.memberships import MembershipService

        return MembershipService(self.deps)

    @cached_property
    def billing(self) -> BillingService:
        """Trainees, hourly interventions, invoices and their exports (TAR-4..TAR-8)."""
        from rsgm_core.services.billing import BillingService

        return BillingService(self.deps)

    @cached_property
    def events(self) -> EventService:
        from rsgm_core.services.events import EventService

        return EventService(self.deps)

    @cached_property
    def surveys(self) -> SurveyService:
        from rsgm_core.services.surveys import SurveyService

        return SurveyService(self.deps)

    # --- events slice: new areas go here. -----------------------------------------------------

    @cached_property
    def registrations(self) -> RegistrationService:
        from rsgm_core.services.registrations import RegistrationService

        return RegistrationService(self.deps)

    @cached_property
    def event_mail(self) -> EventMailService:
        from rsgm_core.services.event_mail import EventMailService

        return EventMailService(self.deps)

    @cached_property
    def access(self) -> AccessService:
        from rsgm_core.services.access import AccessService

        return AccessService(self.deps)

    # --- access slice: new areas go here. -----------------------------------------------------

    if TYPE_CHECKING:  # the module's list above is shared; the access slice's areas are here
        from rsgm_core.services.charters import CharterService
        from rsgm_core.services.moderation import ModerationService
        from rsgm_core.services.platform_export import PlatformService

    @cached_property
    def charters(self) -> CharterService:
        from rsgm_core.services.charters import CharterService

        return CharterService(self.deps)

    @cached_property
    def moderation(self) -> ModerationService:
        from rsgm_core.services.moderation import ModerationService

        return ModerationService(self.deps)

    @cached_property
    def platform(self) -> PlatformService:
        from rsgm_core.services.platform_export import PlatformService

        return PlatformService(self.deps)

    @cached_property
    def toolbox(self) -> ToolboxService:
        from rsgm_core.services.toolbox import ToolboxService

        return ToolboxService(self.deps)

    @cached_property
    def advice(self) -> AdviceService:
        from rsgm_core.services.advice import AdviceService

        return AdviceService(self.deps)

    @cached_property
    def indicators(self) -> IndicatorService:
        """Indicators (IND-1), the annual activity report (IND-2), the national export and merge
        (IND-3)."""
        from rsgm_core.services.indicators import IndicatorService

        return IndicatorService(self.deps)

    # --- knowledge and indicators slice: new areas go here. -----------------------------------

    def info(self) -> dict[str, Any]:
        """What ``rsgm db info`` prints: the backend, its schema, the plugins, record counts."""
        counts = {}
        with self.deps.read() as uow:
            for repo in uow.repositories():
                counts[repo.collection.name] = repo.count()
        return {**self.storage.info(), "plugins": self.hooks.plugin_names(), "counts": counts}

    def close(self) -> None:
        self.storage.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
