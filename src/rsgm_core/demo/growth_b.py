"""The working groups and suggestions part of ``rsgm demo`` (NET-5, NET-6): a group that wrote
« dix idées de pratiques professionnelles » and presented them to the network (CDG 36's, ``002``),
a group still at work with its restitution on the agenda, and members' suggestions decided by the
follow-up committee and answered, one left for its next meeting, one made through a personal link.

What happened earlier this year is replayed on the same database with a clock set to each day, so
that the year's annual report shows it with real figures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.demo.access import ADMIN_EMAIL
from rsgm_core.domain.events import SessionPlan
from rsgm_core.render.text import print_table
from rsgm_core.testing import Clock

if TYPE_CHECKING:
    from rsgm_core.app import App

__all__ = ["growth_b_demo"]

TEN_IDEAS = (
    "1. Un temps d'échange hebdomadaire entre le maire et le SGM.\n"
    "2. Des délégations écrites et connues de tous.\n"
    "3. Un calendrier partagé des échéances de la commune.\n"
    "…\n"
    "10. Un entretien annuel qui parle aussi des conditions de travail."
)
# (author, text, days ago received, decision, reason, planned in days or None)
SUGGESTIONS = (
    ("Nadia Girard", "Une matinale sur la préparation du budget primitif, avant l'automne.", 50,
     "planifiee", "Le comité l'inscrit au programme de rentrée.", 200),
    ("Paul Moreau", "Un annuaire des logiciels métiers utilisés dans chaque mairie.", 45,
     "acceptee", "La carte des logiciels de la boîte à outils y répond déjà en partie.", None),
    ("Léa Fournier", "Des rencontres le samedi matin pour les SGM à temps partiel.", 40,
     "refusee", "Le samedi n'est pas un jour de travail des agents du CDG ; des visios en fin "
     "de journée sont proposées à la place.", None),
)  # fmt: skip


def growth_b_demo(app: App, members: dict[str, str]) -> None:
    """Two working groups and four suggestions, the year's part of them in the annual report."""
    import rsgm_core

    today = app.today()
    first = dt.date(today.year, 1, 2)

    def back(days: int) -> dt.date:
        """``days`` ago, within this year (the year of the demo's report)."""
        return min(today, max(first, today - dt.timedelta(days=days)))

    admin = app.members.get_by_email(ADMIN_EMAIL).id
    claire = members["Claire Martin"]  # she holds the follow-up committee's SGM seat
    clock = Clock(app.now())
    with rsgm_core.open(app.storage.url, settings=app.settings, clock=clock) as past:

        def at(day: dt.date) -> None:
            clock.set(dt.datetime.combine(day, dt.time(9, 0), app.settings.zone))

        groups = past.working_groups
        at(back(120))
        ideas = groups.create(
            "Coordination élus-secrétaires", theme="Relations avec les élus",
            mandate="Proposer dix idées de pratiques professionnelles pour la coordination entre "
            "l'autorité territoriale et le SGM, puis les présenter au réseau.",
            by=admin, restitution_on=back(7),
        )  # fmt: skip
        for name in ("Claire Martin", "Nadia Girard", "Léa Fournier", "Paul Moreau"):
            groups.add_member(ideas.id, members[name], by=admin)
        met = back(60)
        at(met - dt.timedelta(days=45))  # planned with a month and a half of notice (EVT-3)
        meeting = past.events.plan(
            "Groupe coordination élus-secrétaires", "groupe de travail", "présentiel",
            [SessionPlan(met, "CDG 79, Niort", capacity=12)],
        ).event  # fmt: skip
        groups.add_meeting(ideas.id, meeting.id, by=admin)
        sheet = past.toolbox.add(
            "fiche pratique", "Dix idées de pratiques professionnelles", TEN_IDEAS,
            themes=["Conseil municipal et actes", "RH et paie"], by=admin,
        )  # fmt: skip
        groups.add_deliverable(ideas.id, sheet.id, by=admin)
        at(back(10))
        past.toolbox.publish(sheet.id, by=admin, review_on=today + dt.timedelta(days=365))
        at(back(7))
        groups.deliver(ideas.id, by=admin)

        at(back(30))
        budget = groups.create(
            "Préparation budgétaire", theme="Finances et comptabilité",
            mandate="Un guide pas à pas du budget primitif pour les communes de moins de "
            "1 000 habitants.",
            by=admin, restitution_on=today + dt.timedelta(days=75),
        )  # fmt: skip
        for name in ("Paul Moreau", "Julien Bonnet"):
            groups.add_member(budget.id, members[name], by=admin)
        draft = past.toolbox.add(
            "fiche pratique", "Le budget primitif pas à pas", "1. Le calendrier.\n2. Les votes.",
            themes=["Finances et comptabilité"], by=admin,
        )  # fmt: skip
        groups.add_deliverable(budget.id, draft.id, by=admin)

        # NET-6: the follow-up committee met earlier; its next meeting is planned.
        past.network.record_meeting("suivi", by=admin, on=back(20))
        ideas_by = {}
        for author, text, days, _, _, _ in SUGGESTIONS:
            at(back(days))
            ideas_by[author] = past.suggestions.record(members[author], text, by=members[author])
        at(back(20))
        for author, _, _, outcome, reason, planned in SUGGESTIONS:
            past.suggestions.decide(
                ideas_by[author].id, outcome, by=claire, reason=reason,
                planned_for=today + dt.timedelta(days=planned) if planned else None,
            )  # fmt: skip
    app.network.record_meeting("suivi", by=admin, on=today + dt.timedelta(days=40))
    _by_link(app, members)
    report = app.indicators.annual_report(year=today.year)
    sections = {s.title: s for s in report.sections}
    print(
        "\n12. faire vivre le réseau : groupes de travail (NET-5), à l'agenda du réseau et dans le rapport d'activité :\n"
    )
    groups_section = sections["Groupes de travail"]
    if groups_section.table is not None:
        print_table(groups_section.table.head, groups_section.table.rows, numeric={3, 4})
    agenda = app.suggestions.agenda()
    print(
        f"\n   suggestions des membres (NET-6) : {' '.join(sections['Suggestions des membres'].lines)}"
    )
    print(
        f"   ordre du jour du comité de suivi du {agenda.meeting_on:%d/%m/%Y} : "
        f"{len(agenda.suggestions)} {'suggestion' if len(agenda.suggestions) < 2 else 'suggestions'}"
        " à examiner (« rsgm suggestions agenda »)"
    )


def _by_link(app: App, members: dict[str, str]) -> None:
    """NOT-3: a suggestion made on the member's own page, when the profile can make links."""
    if app.links.missing is not None:
        return
    link = app.links.issue("suggestion", member_id=members["Claire Martin"])
    app.links.use(
        link.token, purpose="suggestion",
        comment="Un kit d'accueil imprimé pour les nouveaux SGM, avec les contacts du CDG.",
    )  # fmt: skip
