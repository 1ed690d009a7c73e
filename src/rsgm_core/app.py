"""The entry point for callers: :func:`open` returns an :class:`App` offering every service."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsgm_core._compat import warn_deprecated
from rsgm_core.plugin_manager import Hooks, make_plugin_manager
from rsgm_core.services.deps import Deps
from rsgm_core.settings import Settings

if TYPE_CHECKING:
    from typing_extensions import deprecated

    from rsgm_core.ports import Storage, UnitOfWork
    from rsgm_core.services.access import AccessService
    from rsgm_core.services.advice import AdviceService
    from rsgm_core.services.ages import AgeService
    from rsgm_core.services.billing import BillingService
    from rsgm_core.services.cdg_calendar import CdgCalendarService
    from rsgm_core.services.census import CensusService
    from rsgm_core.services.charters import CharterService
    from rsgm_core.services.directory import DirectoryService
    from rsgm_core.services.elus import EluService
    from rsgm_core.services.event_mail import EventMailService
    from rsgm_core.services.events import EventService
    from rsgm_core.services.history import HistoryService
    from rsgm_core.services.indicators import IndicatorService
    from rsgm_core.services.links import LinkService
    from rsgm_core.services.local_networks import LocalNetworkService
    from rsgm_core.services.means import MeansService
    from rsgm_core.services.members import MemberService
    from rsgm_core.services.memberships import MembershipService
    from rsgm_core.services.moderation import ModerationService
    from rsgm_core.services.naming import RecordResolver
    from rsgm_core.services.network import NetworkService
    from rsgm_core.services.outbox import OutboxService
    from rsgm_core.services.partners import PartnerService
    from rsgm_core.services.platform_export import PlatformService
    from rsgm_core.services.registrations import RegistrationService
    from rsgm_core.services.rgpd import RgpdService
    from rsgm_core.services.suggestions import SuggestionService
    from rsgm_core.services.surveys import SurveyService
    from rsgm_core.services.tariffs import TariffService
    from rsgm_core.services.toolbox import ToolboxService
    from rsgm_core.services.tutorship import TutorshipService
    from rsgm_core.services.working_groups import WorkingGroupService

__all__ = ["App", "default_url", "open"]

ENV_DB = "RSGM_DB"


def default_url(*, create_folder: bool = True) -> str:
    """``$RSGM_DB`` if set, else ``rsgm.db`` in the user's data directory (the folder created
    if needed, unless ``create_folder`` is false):
    ``~/.local/share/rsgm`` on Linux, ``%LOCALAPPDATA%\\rsgm`` on Windows."""
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    import platformdirs

    folder = Path(platformdirs.user_data_dir("rsgm", appauthor=False))
    if create_folder:
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
        means the profile's ``[base] url`` (``settings.database``), else :func:`default_url`. An
        older database is upgraded; a newer one is refused.
    :param plugins: the caller's plugins, registered last so that they override the others.
    :param settings: the CDG's profile, usually ``Settings.from_file("rsgm.toml")``; without
        one, French and Europe/Paris, no identity, no tariff grid and the cautious policies.
    :param clock: returns the current zoned time; tests pass a
        :class:`rsgm_core.testing.Clock`, which they can set and advance.
    :param autoload: load ``rsgm`` entry-point plugins (default: yes, unless
        ``RSGM_DISABLE_PLUGIN_AUTOLOAD`` is set).
    """
    settings = settings or Settings()
    hooks = Hooks(make_plugin_manager(plugins, autoload=autoload))
    _check_settings(hooks, settings)  # a bad option fails here, not at 3 a.m. in the send loop
    storage = hooks.storage(url or settings.database or default_url(), settings)
    return App(storage=storage, hooks=hooks, settings=settings, clock=clock)


def _check_settings(hooks: Hooks, settings: Settings) -> None:
    from rsgm_core.domain.outbox_policy import policy_from_options
    from rsgm_core.services.outbox_options import outbox_options  # not the outbox itself

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

    if TYPE_CHECKING:

        @deprecated("use app.deps.transaction()")
        def transaction(self) -> AbstractContextManager[UnitOfWork]: ...

    else:

        def transaction(self) -> AbstractContextManager[UnitOfWork]:
            """Deprecated since 0.2.0: a storage-level tool opens ``app.deps.transaction()``; use
            cases open their own units of work."""
            warn_deprecated("app.transaction()", "app.deps.transaction()")
            return self.deps.transaction()

    # The areas, one attribute each, built on first use.

    # The territory and the people.

    @cached_property
    def census(self) -> CensusService:
        """The territory: census vintages imported, previewed and reported (TER-1..TER-6)."""
        from rsgm_core.services.census import CensusService

        return CensusService(self.deps)

    @cached_property
    def ages(self) -> AgeService:
        """Years of birth, the age pyramid and the departures within 5 years (IND-4)."""
        from rsgm_core.services.ages import AgeService

        return AgeService(self.deps)

    @cached_property
    def members(self) -> MemberService:
        """People of the network, their positions, lifecycle and onboarding."""
        from rsgm_core.services.members import MemberService

        return MemberService(self.deps)

    @cached_property
    def directory(self) -> DirectoryService:
        """Contact details, expertises and software, town halls, consent and search (MEM-2, MEM-3)."""
        from rsgm_core.services.directory import DirectoryService

        return DirectoryService(self.deps)

    @cached_property
    def network(self) -> NetworkService:
        """Networks, their governance and roles, engagement, continuity and mutual help (NET-1..NET-4)."""
        from rsgm_core.services.network import NetworkService

        return NetworkService(self.deps)

    @cached_property
    def elus(self) -> EluService:
        """The élus, one record per mandate: imported, renewed, written to, on the steering
        committee; the mayor signs the charter as themself (MEM-12, CHA-1, NET-3, EVT-2)."""
        from rsgm_core.services.elus import EluService

        return EluService(self.deps)

    @cached_property
    def partners(self) -> PartnerService:
        """The partner directory (MEM-10)."""
        from rsgm_core.services.partners import PartnerService

        return PartnerService(self.deps)

    @cached_property
    def tutors(self) -> TutorshipService:
        """Tutors paired with newcomers until the 3-month review, and their successors (MEM-13,
        MEM-8)."""
        from rsgm_core.services.tutorship import TutorshipService

        return TutorshipService(self.deps)

    @cached_property
    def local_networks(self) -> LocalNetworkService:
        """The existing local networks the CDG supports, federates or merged (NET-7)."""
        from rsgm_core.services.local_networks import LocalNetworkService

        return LocalNetworkService(self.deps)

    @cached_property
    def means(self) -> MeansService:
        """The network's means (NET-8): budget lines, venues, speakers, animators' time."""
        from rsgm_core.services.means import MeansService

        return MeansService(self.deps)

    @cached_property
    def rgpd(self) -> RgpdService:
        """The right of access, erasure and the retention purge (MEM-11)."""
        from rsgm_core.services.rgpd import RgpdService

        return RgpdService(self.deps)

    # Memberships and billing.

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
    def tariffs(self) -> TariffService:
        """Deprecated since 0.2.0: :attr:`memberships` and :attr:`billing` (each method warns)."""
        from rsgm_core.services.tariffs import TariffService

        return TariffService(self.deps)

    # Events.

    @cached_property
    def events(self) -> EventService:
        """Events, their sessions, timeline and calendar."""
        from rsgm_core.services.events import EventService

        return EventService(self.deps)

    @cached_property
    def cdg_calendar(self) -> CdgCalendarService:
        """The CDG's other events, which planning warns of (EVT-11)."""
        from rsgm_core.services.cdg_calendar import CdgCalendarService

        return CdgCalendarService(self.deps)

    @cached_property
    def registrations(self) -> RegistrationService:
        """Who comes to an event's sessions, and the waiting list."""
        from rsgm_core.services.registrations import RegistrationService

        return RegistrationService(self.deps)

    @cached_property
    def event_mail(self) -> EventMailService:
        """The messages of an event."""
        from rsgm_core.services.event_mail import EventMailService

        return EventMailService(self.deps)

    @cached_property
    def surveys(self) -> SurveyService:
        """Surveys (SUR-1, EVT-9) and the newsletter cadence (EVT-10)."""
        from rsgm_core.services.surveys import SurveyService

        return SurveyService(self.deps)

    # The collaborative platform.

    @cached_property
    def access(self) -> AccessService:
        """CDG staff, spaces, agreements, invitations and revocations."""
        from rsgm_core.services.access import AccessService

        return AccessService(self.deps)

    @cached_property
    def charters(self) -> CharterService:
        """Charter versions and their signatures."""
        from rsgm_core.services.charters import CharterService

        return CharterService(self.deps)

    @cached_property
    def moderation(self) -> ModerationService:
        """Abuse reports, sanctions and their lifting."""
        from rsgm_core.services.moderation import ModerationService

        return ModerationService(self.deps)

    @cached_property
    def platform(self) -> PlatformService:
        """What a collaboration platform must apply, and its account export."""
        from rsgm_core.services.platform_export import PlatformService

        return PlatformService(self.deps)

    @cached_property
    def toolbox(self) -> ToolboxService:
        """The knowledge base: resources, versions, followers, search (KNB-1..KNB-5)."""
        from rsgm_core.services.toolbox import ToolboxService

        return ToolboxService(self.deps)

    @cached_property
    def advice(self) -> AdviceService:
        """Requests for advice, answers and referrals (CNS-1, CNS-2)."""
        from rsgm_core.services.advice import AdviceService

        return AdviceService(self.deps)

    @cached_property
    def working_groups(self) -> WorkingGroupService:
        """Working groups: theme, mandate, members, meetings, deliverables, restitution (NET-5)."""
        from rsgm_core.services.working_groups import WorkingGroupService

        return WorkingGroupService(self.deps)

    @cached_property
    def suggestions(self) -> SuggestionService:
        """Members' suggestions, the follow-up committee's agenda, decisions, answers (NET-6)."""
        from rsgm_core.services.suggestions import SuggestionService

        return SuggestionService(self.deps)

    @cached_property
    def history(self) -> HistoryService:
        """The network's past entered after the fact: events, surveys, former members, the
        platform's member list (EVT-12)."""
        from rsgm_core.services.history import HistoryService

        return HistoryService(self.deps)

    # Reporting and messages.

    @cached_property
    def indicators(self) -> IndicatorService:
        """Indicators (IND-1), the annual activity report (IND-2), the national export and merge
        (IND-3)."""
        from rsgm_core.services.indicators import IndicatorService

        return IndicatorService(self.deps)

    @cached_property
    def outbox(self) -> OutboxService:
        """Messages queued with a write and delivered after its commit; the dead letters."""
        from rsgm_core.services.outbox import OutboxService

        return OutboxService(self.deps)

    @cached_property
    def links(self) -> LinkService:
        """Personal links: issued, verified without acting, and used (NOT-3)."""
        from rsgm_core.services.links import LinkService

        return LinkService(self.deps)

    @cached_property
    def records(self) -> RecordResolver:
        """One way to name a record: full id, id prefix of 8 characters or more, or a person's
        e-mail; the record's name as a person reads it."""
        from rsgm_core.services.naming import RecordResolver

        return RecordResolver(self.deps)

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
