"""Every calendar feed the project writes, read by two readers no one here wrote
(``recurring-ical-events`` on ``icalendar``, and ``vobject`` with its own reading of the
``VTIMEZONE``), gives the same occurrences, in UTC, as the project's own list (EVT-8, issue 21):
sessions, series made of real events, a series recorded before them whose start is not an
occurrence of its rule, one without an end, across daylight-saving changes; the network's feed,
a community network's and a member's; for CDG 79, CDG 77, the CIG and an overseas CDG without
daylight saving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
import pytest

import rsgm_core
from rsgm_core import App, SessionPlan, Settings
from rsgm_core.domain.animation import RecurringSeries
from rsgm_core.domain.events import EventFormat, EventKind
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG77, CDG79, CIG, administrator

recurring_ical_events = pytest.importorskip("recurring_ical_events")
vobject = pytest.importorskip("vobject")

WINDOW = (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), dt.datetime(2027, 12, 31, tzinfo=dt.UTC))
EPCI = "200069755"  # CC du Haut Val de Sèvre, in the Deux-Sèvres sample
MARTINIQUE = attrs.evolve(CDG77, timezone="America/Martinique")


@pytest.fixture(params=["cdg79", "cdg77", "cig", "martinique"])
def each_cdg(request: pytest.FixtureRequest, url: str, rsgm_clock: Clock) -> Iterator[App]:
    settings: Settings = {"cdg79": CDG79, "cdg77": CDG77, "cig": CIG,
                          "martinique": MARTINIQUE}[request.param]  # fmt: skip
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as opened:
        yield opened


def a_year_of_events(app: App) -> dict[str, str | None]:
    """Sessions in winter and summer, a community network's event, a series of real events
    crossing both daylight-saving changes, and two series recorded before series made events:
    one starting on a day that is not an occurrence, one without an end."""
    zone = app.settings.zone
    network = None
    if app.settings.departements in ((), ("79",)):  # the Deux-Sèvres sample is CDG 79's
        app.census.import_(SAMPLE, ["79"])
        admin = administrator(app)
        app.network.create_departmental_network("Réseau des SGM", by=admin)
        network = app.network.create_community_network(EPCI, by=admin).id
    alice = app.members.add("Alice", "Test", email="alice@example.org", lifecycle="actif").id
    day = app.events.plan(
        "Journée réseau", "journée réseau", "présentiel",
        [SessionPlan(dt.date(2025, 6, 19), "Niort", start=dt.time(9, 30), end=dt.time(16, 30)),
         SessionPlan(dt.date(2025, 11, 6), "Melle")],
    )  # fmt: skip
    if network is not None:
        app.events.plan("Atelier du Haut Val de Sèvre", "atelier thématique", "présentiel",
                        [SessionPlan(dt.date(2025, 10, 30), "Saint-Maixent")], network_id=network)  # fmt: skip
    series = app.events.add_series(
        "Webinaire du mardi", "webinaire", "distanciel",
        dt.datetime(2025, 4, 17, 14, 0), "FREQ=WEEKLY;BYDAY=TU;INTERVAL=2;COUNT=20", minutes=45,
    )  # fmt: skip
    app.registrations.register(day.sessions[0].id, alice)
    occurrence = next(d for d in app.events.list_events() if d.event.series_id == series.id)
    app.registrations.register(occurrence.sessions[0].id, alice)
    with app.deps.transaction() as uow:  # recorded by an earlier version: no events of its own
        uow.recurring_series.add(RecurringSeries(
            "ancienne-matinale", "Matinale mensuelle", EventKind.MATINALE, EventFormat.REMOTE,
            dt.datetime(2025, 5, 21, 9, 0, tzinfo=zone), "FREQ=MONTHLY;COUNT=12;BYDAY=1TH",
        ))  # fmt: skip
        uow.recurring_series.add(RecurringSeries(
            "ancien-comite", "Comité de pilotage", EventKind.COMMITTEE, EventFormat.HYBRID,
            dt.datetime(2025, 3, 25, 17, 0, tzinfo=zone), "FREQ=MONTHLY;BYDAY=-1TU",
        ))  # fmt: skip
    return {"network": network, "member": alice}


def own_list(
    app: App, *, network_id: str | None = None, member_id: str | None = None
) -> list[dt.datetime]:
    """The project's own occurrences in the window, in UTC: the sessions the feed is about and
    the occurrences of the series recorded without events."""
    zone = app.settings.zone
    events = app.events.list_events()
    made = {d.event.series_id for d in events if d.event.series_id}
    if member_id is not None:
        mine = {r.session_id for r in app.registrations.list_registrations(member_id=member_id)}
        sessions = [s for d in events for s in d.sessions if s.id in mine]
        series = [s for s in app.events.list_series() if s.id not in made]
    else:
        sessions = [
            s for d in events if d.event.network_id in (None, network_id) for s in d.sessions
        ]
        series = [s for s in app.events.list_series()
                  if s.id not in made and s.network_id in (None, network_id)]  # fmt: skip
    found = [dt.datetime.combine(s.date, s.start, zone).astimezone(dt.UTC) for s in sessions]
    for serie in series:
        found += [o.astimezone(dt.UTC) for o in serie.recurrence.between(*WINDOW)]
    return sorted(o for o in found if WINDOW[0] <= o <= WINDOW[1])


def read_with_recurring_ical_events(feed: bytes) -> list[dt.datetime]:
    import icalendar

    calendar = icalendar.Calendar.from_ical(feed)
    found = recurring_ical_events.of(calendar).between(*WINDOW)
    return sorted(e.decoded("DTSTART").astimezone(dt.UTC) for e in found)


def read_with_vobject(feed: bytes) -> list[dt.datetime]:
    calendar = vobject.readOne(feed.decode("utf-8"))
    found: list[dt.datetime] = []
    for event in getattr(calendar, "vevent_list", []):
        if hasattr(event, "rrule"):
            rules = event.getrruleset(addRDate=True)
            found += [d.astimezone(dt.UTC) for d in rules.between(*WINDOW, inc=True)]
        else:
            found.append(event.dtstart.value.astimezone(dt.UTC))
    return sorted(o for o in found if WINDOW[0] <= o <= WINDOW[1])


def test_two_readers_expand_every_feed_as_the_project_lists_it_EVT_8(each_cdg: App) -> None:
    app = each_cdg
    ids = a_year_of_events(app)
    feeds = {
        "réseau": (app.events.feed(), {}),
        "membre": (app.events.feed(member_id=ids["member"]), {"member_id": ids["member"]}),
    }
    if ids["network"] is not None:
        feeds["réseau communautaire"] = (
            app.events.feed(network_id=ids["network"]), {"network_id": ids["network"]},
        )  # fmt: skip
    for name, (feed, who) in feeds.items():
        expected = own_list(app, **who)  # type: ignore[arg-type]
        assert expected, name
        assert read_with_recurring_ical_events(feed) == expected, name
        assert read_with_vobject(feed) == expected, name


def test_a_feed_s_series_start_on_an_occurrence_and_its_zone_has_rules_EVT_8(
    each_cdg: App,
) -> None:
    import icalendar
    from dateutil import rrule

    app = each_cdg
    a_year_of_events(app)
    feed = app.events.feed()
    text = feed.decode("utf-8")
    assert "COMMENT" not in text and "RDATE" not in text and "This " not in text  # no English
    calendar = icalendar.Calendar.from_ical(feed)
    for event in calendar.walk("VEVENT"):
        assert str(event["UID"]).endswith(f"@{app.settings.cdg_code}.rsgm.invalid")
        if "RRULE" in event:  # RFC 5545: DTSTART is the first occurrence of its rule
            start = event.decoded("DTSTART")
            rule = rrule.rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
            assert next(iter(rule)) == start, event["SUMMARY"]
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == app.settings.timezone
    parts = zone.subcomponents
    if app.settings.timezone == "Europe/Paris":
        assert sorted((p.name, p["RRULE"].to_ical().decode()) for p in parts) == [
            ("DAYLIGHT", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
            ("STANDARD", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
        ]
    else:  # no daylight saving: one offset
        assert [p.name for p in parts] == ["STANDARD"] and "RRULE" not in parts[0]


def test_uids_do_not_follow_the_smtp_sender_EVT_8(
    url: str, rsgm_clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as app:
        app.events.plan(
            "J", "journée réseau", "présentiel", [SessionPlan(dt.date(2025, 6, 19), "Niort")]
        )
        before = app.events.feed()
        monkeypatch.setenv("RSGM_SMTP_SENDER", "animation@cdg79.fr")
        monkeypatch.setenv("RSGM_SMTP_HOST", "127.0.0.1")
        smtp = attrs.evolve(CDG79, plugins={**CDG79.plugins, "outbox": {"domain": "autre.fr"}})
    with rsgm_core.open(url, clock=rsgm_clock, settings=smtp) as again:
        if url == "memory://":
            return  # a memory store lives with its app
        assert again.events.feed() == before
