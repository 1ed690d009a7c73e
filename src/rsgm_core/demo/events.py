"""The events part of ``rsgm demo``: a year of network life (EVT-1..EVT-10, SUR-1), six months
behind and six ahead of today.

Past events are replayed on the same database with a clock set to each step (planning, invitation,
registrations, sign-in, certificates, survey), so every rule applies as it would have on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core.demo.access import ADMIN_EMAIL
from rsgm_core.domain.events import RegistrationStatus, SessionPlan
from rsgm_core.domain.indicators import Period
from rsgm_core.render.formatting import format_date, format_money, format_percent
from rsgm_core.testing import Clock

if TYPE_CHECKING:
    from rsgm_core.app import App

# (days from today, title, kind, format, topics, cost, host, [(place, capacity)], attendance)
EVENTS: tuple[
    tuple[int, str, str, str, tuple[str, ...], int, str | None, list[tuple[str, int | None]],
          float | None], ...
] = (
    (-150, "Matinale : préparer les élections", "matinale", "distanciel", ("élections",), 0, None,
     [("Visioconférence", None)], 0.8),
    (-95, "Journée réseau des SGM", "journée réseau", "présentiel", ("état civil", "funéraire"),
     640, "79307", [("Salle des fêtes, Sauzé-entre-Bois", 3), ("CDG 79, Niort", None)], 0.75),
    (-40, "Webinaire 45 minutes : la DSN", "webinaire", "distanciel", ("RH et paie",), 0, None,
     [("Visioconférence", None)], 0.6),
    (45, "Atelier budget primitif", "atelier thématique", "présentiel", ("finances et comptabilité",),
     250, "79018", [("Mairie d'Aubigné", 12)], None),
    (120, "Session d'accueil des nouveaux SGM", "session d'accueil", "hybride", (), 0, None,
     [("CDG 79, Niort", 15)], None),
)  # fmt: skip


def _weekday(day: dt.date) -> dt.date:
    """The Tuesday or Thursday on or after ``day``: network meetings avoid Mondays and Fridays."""
    while day.weekday() not in (1, 3):
        day += dt.timedelta(days=1)
    return day


def events_demo(app: App, members: dict[str, str], path: Path) -> None:
    import rsgm_core

    today = app.today()
    clock = Clock(app.now())

    def at(day: dt.date) -> None:
        clock.set(dt.datetime.combine(day, dt.time(9, 0), app.settings.zone))

    with rsgm_core.open(app.storage.url, settings=app.settings, clock=clock) as past:
        ids = list(members.values())
        for offset, title, kind, fmt, topics, cost, host, places, share in EVENTS:
            day = _weekday(today + dt.timedelta(days=offset))
            planned_on = day - dt.timedelta(days=60) if offset < 0 else today
            at(min(planned_on, today))
            plans = [
                SessionPlan(day + dt.timedelta(days=7 * i), place, capacity=capacity)
                for i, (place, capacity) in enumerate(places)
            ]
            planned = past.events.plan(
                title, kind, fmt, plans, topics=topics, cost=Decimal(cost), host_commune=host
            )
            event = planned.event
            if offset > 0 or share is None:
                continue  # still ahead: invitations leave on their timeline
            at(day - dt.timedelta(days=32))
            past.event_mail.send_invitations(event.id)
            at(day - dt.timedelta(days=20))
            for i, member_id in enumerate(ids):
                session = planned.sessions[i % len(planned.sessions)]
                past.registrations.register(session.id, member_id)
            at(day - dt.timedelta(days=15))
            past.event_mail.send_reminders(event.id)
            for session in planned.sessions:
                at(session.date)
                regs = past.registrations.list_registrations(session_id=session.id)
                confirmed = [r.member_id for r in regs if r.status is RegistrationStatus.CONFIRMED]
                present = confirmed[: max(1, round(len(confirmed) * share))]
                past.registrations.attend(session.id, present)
            last = planned.sessions[-1].date
            at(last + dt.timedelta(days=1))
            survey = past.surveys.send("questionnaire de satisfaction", event_id=event.id)
            attendees = past.registrations.list_certificates(event_id=event.id)
            for n, row in enumerate(attendees):
                if n % 4 != 3:  # three answers in four
                    past.surveys.answer(survey.id, score=(5, 4, 2)[n % 3], member_id=row.member.id)
            if host:
                past.event_mail.thank_host(event.id, "mairie@example.org", signatory="Le CDG 79")
            at(last + dt.timedelta(days=7))
            past.event_mail.send_certificates(event.id)
            at(last + dt.timedelta(days=14))
            past.event_mail.send_minutes(
                event.id, "Merci à tous ; le support est sur la plateforme."
            )
            at(last + dt.timedelta(days=21))  # EVT-2: the mayors informed hear how it went
            past.elus.send_letters("retour aux élus", by=ADMIN_EMAIL, event_id=event.id)
        at(_weekday(today - dt.timedelta(days=200)))
        past.events.add_series(
            "Matinale mensuelle des SGM", "matinale", "distanciel", clock.now().replace(hour=9),
            "FREQ=MONTHLY;BYDAY=1TH;COUNT=12", minutes=90, place="Visioconférence", force=True,
        )  # fmt: skip
        at(today.replace(day=1))
        past.surveys.newsletter("Les infos des SGM", "Au sommaire : le calendrier électoral.")
    _report(app, path)


def _report(app: App, path: Path) -> None:
    locale = app.settings.locale
    rows = app.events.list_tracking_rows()
    print(f"\n8. une année d'événements : {len(rows)} événements, tableau de suivi (EVT-7) :\n")
    _print_table(
        ("événement", "dates", "participation", "coût/présent"),
        [(r.title, ", ".join(format_date(d, locale, "short") for d in r.dates),
          "" if r.participation is None else format_percent(r.participation, locale, 1),
          format_money(r.cost_per_attendee, locale) if r.cost_per_attendee is not None else "")
         for r in rows],
    )  # fmt: skip
    surveys = app.surveys.list_surveys()
    print(f"\n   {len(surveys)} questionnaires de satisfaction ; à faire dans les 6 semaines :\n")
    start = app.today()
    items = app.events.todo(period=Period(start, start + dt.timedelta(days=42)))
    _print_table(
        ("échéance", "événement", "tâche"),
        [
            (format_date(i.task.due, locale, "short"), i.event.title, i.task.label)
            for i in items
            if not i.overdue
        ],
    )
    agenda = path.with_name(path.stem + "-agenda.ics")
    agenda.write_bytes(app.events.feed())
    print(f"\n   agenda du réseau (iCalendar) : {agenda} ; « rsgm events todo --db {path} »")


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain aligned table (the command line's own printer is a layer above the demo)."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    for line in (list(headers), ["-" * w for w in widths], *cells):
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
