"""A small, fully known network history for the indicator tests (IND-1..3), stored directly so
that every figure can be checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rsgm_core import (
    App,
    CommuneStatus,
    Event,
    EventFormat,
    EventKind,
    Function,
    Lifecycle,
    Member,
    Membership,
    Newsletter,
    Position,
    Registration,
    RegistrationStatus,
    Session,
    Status,
    Survey,
    SurveyAnswer,
    SurveyKind,
)

YEAR = 2024
D = dt.date


def small_communes(app: App) -> dict[str, list[str]]:
    """Communes under 3,500 inhabitants of the sample, per EPCI (sorted)."""
    with app.storage.unit_of_work(read_only=True) as uow:
        pops: dict[str, tuple[int, int]] = {}
        for f in uow.populations.list():
            if f.vintage >= pops.get(f.commune, (0, 0))[0]:
                pops[f.commune] = (f.vintage, f.municipale)
        communes = uow.communes.list({"status": CommuneStatus.ACTUELLE})
    out: dict[str, list[str]] = {}
    for c in communes:
        if pops.get(c.code, (0, 10**9))[1] < 3500 and c.epci:
            out.setdefault(c.epci, []).append(c.code)
    return {k: sorted(v) for k, v in sorted(out.items())}


def seed(app: App) -> dict[str, object]:
    """12 members (10 arrived in 2024, 2 departed in 2024) in communes of two EPCI, 2 events in
    2024 (20 invited, 14 registered, 11 present), satisfaction answers, pack memberships."""
    from tests.conftest import SAMPLE

    app.census.import_(SAMPLE, ["79"])
    groups = small_communes(app)
    first, second = list(groups)[:2]
    places = groups[first][:6] + groups[second][:4]  # 10 communes, 6 + 4
    with app.deps.transaction() as uow:
        for i in range(12):
            departed = i >= 10
            uow.members.add(
                Member(
                    f"m{i:02d}", f"Prénom{i}", f"Nom{i}", email=f"agent{i}@example.org",
                    lifecycle=Lifecycle.DEPARTED if departed else Lifecycle.ACTIVE,
                    arrival=D(YEAR, 1 + i % 12, 5) if i < 10 else D(YEAR - 2, 6, 1),
                    departed_on=D(YEAR, 9, 30) if departed else None,
                    platform_access=not departed,
                )
            )  # fmt: skip
            uow.positions.add(
                Position(
                    f"p{i:02d}", f"m{i:02d}", places[i % 10], Function.SECRETAIRE_DE_MAIRIE,
                    Decimal(1), Status.TITULAIRE,
                    end=D(YEAR, 9, 30) if departed else None,
                )
            )  # fmt: skip
        plan = [("e1", D(YEAR, 3, 12), 12, 8, 6), ("e2", D(YEAR, 10, 8), 8, 6, 5)]
        for event_id, day, invited, registered, present in plan:
            uow.events.add(
                Event(event_id, f"Matinale {event_id}", EventKind.MATINALE, EventFormat.IN_PERSON,
                      invited=invited, host_commune=places[0])
            )  # fmt: skip
            uow.sessions.add(Session(f"s-{event_id}", event_id, day, "Mairie", day))
            for rank in range(registered):
                uow.registrations.add(
                    Registration(
                        f"r-{event_id}-{rank}", f"s-{event_id}", f"m{rank:02d}", day - dt.timedelta(days=10),
                        rank + 1, RegistrationStatus.CONFIRMED, attended=rank < present,
                    )
                )  # fmt: skip
        uow.surveys.add(Survey("q1", SurveyKind.SATISFACTION, "Avis e1", D(YEAR, 3, 13), 6, "e1"))
        for n, score in enumerate((5, 4, 4, 2)):  # 3 of 4 satisfied, 4 answers of 6
            uow.survey_answers.add(SurveyAnswer(f"a{n}", "q1", D(YEAR, 3, 14), score))
        uow.newsletters.add(Newsletter("n1", D(YEAR, 4, 2), "Lettre d'avril", 10))
        for insee in groups[first][:3]:  # 3 communes join the pack
            uow.memberships.add(
                Membership(insee, YEAR, Decimal(100), D(YEAR, 1, 10), id=f"ad-{insee}")
            )
    return {"groups": groups, "first": first, "second": second, "places": places}
