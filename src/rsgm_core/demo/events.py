"""The events part of ``rsgm demo``: a year of network life (EVT-1..EVT-10, SUR-1), six months
behind and six ahead of today.

Past events are replayed on the same database with a clock set to each step (planning, invitation,
registrations, sign-in, certificates, survey), so every rule applies as it would have on the day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core.cli.common import print_table
from rsgm_core.render.formatting import format_date, format_money, format_percent
from rsgm_core.services.events import SessionPlan

if TYPE_CHECKING:
    from rsgm_core.app import App

# (days from today, title, kind, format, topics, cost, host, [(place, capacity)], attendance)
EVENTS = (
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
    moment = [app.now()]

    def at(day: dt.date) -> None:
        moment[0] = dt.datetime.combine(day, dt.time(9, 0), app.settings.zone)

    with rsgm_core.open(app.storage.url, settings=app.settings, clock=lambda: moment[0]) as past:
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
            if offset > 0:
                continue  # still ahead: invitations leave on their timeline
            at(day - dt.timedelta(days=32))
            past.events.invite(event.id)
            at(day - dt.timedelta(days=20))
            for i, member_id in enumerate(ids):
                session = planned.sessions[i % len(planned.sessions)]
                past.events.register(session.id, member_id)
            at(day - dt.timedelta(days=15))
            past.events.remind(event.id)
            for session in planned.sessions:
                at(session.date)
                regs = [
                    r for r in past.events.registrations(event.id) if r.session_id == session.id
                ]
                confirmed = [r.member_id for r in regs if r.status.value == "inscrit"]
                past.events.attend(session.id, confirmed[: max(1, round(len(confirmed) * share))])
            last = planned.sessions[-1].date
            at(last + dt.timedelta(days=1))
            survey = past.surveys.send("questionnaire de satisfaction", event_id=event.id)
            for n, (member, _r, _s) in enumerate(past.events.certificates(event.id)):
                if n % 4 != 3:  # three answers in four
                    past.surveys.answer(survey.id, score=(5, 4, 2)[n % 3], member_id=member.id)
            if host:
                past.events.thank_host(event.id, "mairie@example.org", signatory="Le CDG 79")
            at(last + dt.timedelta(days=7))
            past.events.send_certificates(event.id)
            at(last + dt.timedelta(days=14))
            past.events.send_minutes(event.id, "Merci à tous ; le support est sur la plateforme.")
            past.events.mark_done(event.id, "information des maires")
            at(last + dt.timedelta(days=21))
            past.events.mark_done(event.id, "retour aux élus")
        at(_weekday(today - dt.timedelta(days=200)))
        past.events.add_series(
            "Matinale mensuelle des SGM", "matinale", "distanciel", moment[0].replace(hour=9),
            "FREQ=MONTHLY;BYDAY=1TH;COUNT=12", minutes=90, place="Visioconférence",
        )  # fmt: skip
        at(today.replace(day=1))
        past.surveys.newsletter("Les infos des SGM", "Au sommaire : le calendrier électoral.")
    _report(app, path)


def _report(app: App, path: Path) -> None:
    locale = app.settings.locale
    rows = app.events.tracking()
    print(f"\n7. une année d'événements : {len(rows)} événements, tableau de suivi (EVT-7) :\n")
    print_table(
        ("événement", "date(s)", "participation", "coût/présent"),
        [(r.title, ", ".join(format_date(d, locale, "short") for d in r.dates),
          "" if r.participation is None else format_percent(r.participation, locale, 1),
          format_money(r.cost_per_attendee, locale) if r.cost_per_attendee is not None else "")
         for r in rows],
    )  # fmt: skip
    surveys = app.surveys.list()
    print(f"\n   {len(surveys)} questionnaires de satisfaction ; à faire dans les 6 semaines :\n")
    start = app.today()
    items = app.events.todo(start, start + dt.timedelta(days=42))
    print_table(
        ("échéance", "événement", "tâche"),
        [(i.task.due.isoformat(), i.event.title, i.task.label) for i in items if not i.overdue],
    )
    agenda = path.with_name(path.stem + "-agenda.ics")
    agenda.write_bytes(app.events.feed())
    print(f"\n   agenda du réseau (iCalendar) : {agenda} ; « rsgm events todo --db {path} »")
