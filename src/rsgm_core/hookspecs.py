"""Every hook of rsgm_core, declared and documented in one place.

A plugin is any object (usually a module) with functions decorated by ``rsgm_core.hookimpl`` and named
after the hooks below. Built-in plugins live in ``rsgm_core.plugins``; a CDG's own plugins are
registered under the ``rsgm`` entry-point group or passed to ``rsgm_core.open(plugins=[...])``.

pluggy calls the implementations of a hook in last-registered-first order, so a plugin passed by the
caller overrides a third-party one, which overrides a built-in one. For a ``firstresult`` hook the first
implementation that returns something other than ``None`` wins; for the others every result is
collected in a list.

Rules for implementers (they are pluggy's): an implementation may accept fewer arguments than the spec
but never more nor differently named ones, and never gives an argument a default value (pluggy would
not pass it and the default would silently win). Hooks are synchronous.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from decimal import Decimal

    from rsgm_core.domain.census import CensusChanges, CensusImport, CensusSource
    from rsgm_core.domain.indicators import Period
    from rsgm_core.domain.members import Member
    from rsgm_core.domain.messages import Delivery, MessageTemplate, OutboxMessage
    from rsgm_core.domain.planning_checks import Election, HolidayPeriod
    from rsgm_core.domain.platform import PlatformExporter
    from rsgm_core.domain.tariffs import TariffGrid
    from rsgm_core.ports import Storage
    from rsgm_core.settings import Settings

PROJECT = "rsgm"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def rsgm_storage(url: str, settings: Settings) -> Storage | None:
    """Open the storage backend for ``url``.

    :param url: what the caller passed to ``rsgm_core.open`` (``sqlite:///cdg79.db``,
        ``memory://``, ``postgresql+psycopg://…``).
    :param settings: the instance's :class:`~rsgm_core.settings.Settings`.
    :return: a :class:`~rsgm_core.ports.Storage`, or ``None`` when this plugin does not handle
        the URL's scheme. Stops at the first non-``None`` result.
    """


@hookspec
def rsgm_census_sources() -> list[CensusSource]:
    """Readers of census files (TER-1..TER-6).

    :return: a list of :class:`~rsgm_core.domain.census.CensusSource`; every plugin's lists are
        joined. The first source whose ``detect(path)`` is true reads the files.
    """


@hookspec
def rsgm_configure(settings: Settings) -> None:
    """Check this plugin's options once, when ``rsgm_core.open`` builds an instance.

    Raise :class:`~rsgm_core.errors.ConfigurationError` for a missing or malformed option (an SMTP
    host, a port, a sender address), so that it fails at start-up rather than in the send loop.
    Every implementation is called; the return value is ignored.
    """


@hookspec(firstresult=True)
def rsgm_send(message: OutboxMessage, settings: Settings) -> Delivery | None:
    """Deliver one message of the outbox (NOT-1).

    Called after the transaction that queued the message has committed. Raise
    :class:`~rsgm_core.errors.DeliveryError` (``permanent=True`` for a refusal that a retry cannot
    cure, such as an SMTP 5xx on the recipient) or any other exception (a temporary failure): the
    message stays in the outbox with the error, retried later or dead-lettered.
    ``message.message_id`` is fixed when the message is queued: send it as is, so a resend after a
    crash is recognisable.

    :return: a :class:`~rsgm_core.domain.messages.Delivery` once the message is handed over, or
        ``None`` to let the next notifier try. Stops at the first non-``None`` result; the built-in
        ``log`` notifier always answers, so a message is never left without a notifier.
    """


@hookspec(firstresult=True)
def rsgm_message_template(name: str, locale: str) -> MessageTemplate | None:
    """The template of message ``name`` in ``locale`` (NOT-2), or ``None`` if this plugin has none.

    Stops at the first non-``None`` result: a CDG's plugin overrides the built-in French wording
    by answering for the names it wants to change.
    """


@hookspec
def rsgm_tariff_grids() -> list[TariffGrid]:
    """Fee grids of the membership pack, each for one exercise (TAR-1, TAR-2).

    :return: a list of :class:`~rsgm_core.domain.tariffs.TariffGrid`; every plugin's lists are
        joined; two grids for the same CDG and exercise are an error.
    """


@hookspec
def rsgm_public_holidays(year: int, departement: str, settings: Settings) -> list[dt.date]:
    """Public holidays of ``departement`` in ``year``, for the event timeline (EVT-3).

    :return: a list of dates; every plugin's lists are joined (a CDG adds its own closing days,
        such as a local holiday, without repeating the national ones).
    """


@hookspec
def rsgm_on_census_imported(changes: CensusChanges, imported: CensusImport) -> None:
    """Observer, called after a census import has committed (TER-5).

    :param changes: the change report (empty on a first import).
    :param imported: the import record (vintage, departments, time).
    """


@hookspec
def rsgm_on_member_added(member: Member) -> None:
    """Observer, called after a member has been recorded and the transaction committed."""


@hookspec
def rsgm_expertise_thesaurus() -> list[str]:
    """Terms of the expertise thesaurus of the shared directory (MEM-2).

    :return: a list of labels ("État civil", "Urbanisme", …); every plugin's lists are joined and
        terms that differ only by accents or case count once. A member's expertise must be one of
        them; searches match them accent- and case-insensitively.
    """


@hookspec
def rsgm_business_software() -> list[str]:
    """Names of the business software members can use or master (MEM-2).

    :return: a list of names ("Berger-Levrault", "JVS-Mairistem", …); every plugin's lists are
        joined, duplicates by accents or case count once. A member's software must be one of them.
    """


@hookspec
def rsgm_platform_exporters() -> list[PlatformExporter]:
    """Import formats of collaboration platforms (CHA-2..CHA-7).

    :return: a list of :class:`~rsgm_core.domain.platform.PlatformExporter`, each with a ``name``
        (``"interstis"``), its ``formats`` and ``render(state, *, format, full, options)``; every
        plugin's lists are joined, and for two exporters of the same name the one registered last
        (a caller's plugin) wins. ``app.platform.export_accounts(name, …)`` computes the snapshot
        or the delta and records it; the exporter only writes it the way the platform imports it.
    """


@hookspec(firstresult=True)
def rsgm_statistics(name: str, period: Period, scope: str) -> Decimal | int | None:
    """A usage figure only a notification or platform plugin knows (IND-1).

    :param name: ``"taux_ouverture_lettre"`` (newsletter open rate, a share in [0, 1]) or
        ``"visites_plateforme"`` (platform visits, a count).
    :param period: the :class:`~rsgm_core.domain.indicators.Period` asked for (end inclusive).
    :param scope: ``"cdg"``, ``"departement:CODE"`` or ``"epci:SIREN"``.
    :return: the figure, or ``None`` when this plugin does not know it. Stops at the first
        non-``None`` result; with none, the indicator shows "non disponible", never 0.
    """


@hookspec
def rsgm_school_holidays(zone: str, settings: Settings) -> list[HolidayPeriod]:
    """School holidays of the school ``zone`` (``"A"``, ``"B"``, ``"C"``), for the planning checks
    (EVT-11). The built-in plugin ``school_calendar_fr`` reads the official calendar shipped with
    rsgm_core (``data/calendar/vacances_scolaires.csv``, from data.education.gouv.fr).

    :return: a list of :class:`~rsgm_core.domain.planning_checks.HolidayPeriod`; every plugin's
        lists are joined (a CDG adds a school year the shipped file does not know yet).
    """


@hookspec
def rsgm_elections(settings: Settings) -> list[Election]:
    """Rounds of national elections, for the planning checks (EVT-11).

    :return: a list of :class:`~rsgm_core.domain.planning_checks.Election`; every plugin's lists
        are joined.
    """
