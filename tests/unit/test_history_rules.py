"""EVT-12 rules that need no storage: past dates only, the creation date, where a member stood
on a past day, positions in force, and the history files read with every problem at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.events import EventFormat, EventKind
from rsgm_core.domain.history import (
    HistoryKind,
    LifecycleTransition,
    check_creation_date,
    check_not_future,
    in_force,
    lifecycle_on,
    overlaps,
    transitions_of,
)
from rsgm_core.domain.history_import import detect_kind, parse_history
from rsgm_core.domain.members import Function, Lifecycle, Member, Position, Status
from rsgm_core.errors import RuleViolation, ValidationError

TODAY = dt.date(2025, 3, 14)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


@given(days)
def test_a_date_after_the_fact_is_past_or_today_never_future_EVT_12(day: dt.date) -> None:
    if day <= TODAY:
        assert check_not_future(day, today=TODAY, what="date de réception") == day
    else:
        with pytest.raises(ValidationError) as caught:
            check_not_future(day, today=TODAY, what="date de réception")
        assert caught.value.rule == "EVT-12"
        assert day.strftime("%d/%m/%Y") in str(caught.value)
        assert "date de réception dans le futur" in str(caught.value)


def test_the_creation_date_is_never_after_the_first_event_EVT_12() -> None:
    first = dt.date(2023, 9, 14)
    assert check_creation_date(dt.date(2023, 6, 15), today=TODAY, first_activity=first)
    with pytest.raises(RuleViolation, match="postérieure au premier événement") as caught:
        check_creation_date(dt.date(2023, 10, 1), today=TODAY, first_activity=first)
    assert caught.value.rule == "EVT-12" and "14/09/2023" in str(caught.value)
    with pytest.raises(ValidationError, match="dans le futur"):
        check_creation_date(dt.date(2025, 4, 1), today=TODAY, first_activity=None)


def member(**values: object) -> Member:
    return Member("m", "Ana", "Roy", **values)  # type: ignore[arg-type]


def move(to: Lifecycle, on: dt.date) -> LifecycleTransition:
    return LifecycleTransition(f"t{on}{to.value}", "m", to, on)


def test_a_member_on_a_past_day_is_read_from_their_dated_moves_EVT_12() -> None:
    gone = member(lifecycle=Lifecycle.DEPARTED, arrival=dt.date(2023, 6, 1),
                  departed_on=dt.date(2024, 6, 30))  # fmt: skip
    moves = transitions_of(gone, ["a", "b"])
    assert [(t.lifecycle, t.reached_on) for t in moves] == [
        (Lifecycle.ACTIVE, dt.date(2023, 6, 1)), (Lifecycle.DEPARTED, dt.date(2024, 6, 30)),
    ]  # fmt: skip
    assert lifecycle_on(gone, moves, dt.date(2023, 5, 31)) is None
    assert lifecycle_on(gone, moves, dt.date(2023, 12, 31)) is Lifecycle.ACTIVE
    assert lifecycle_on(gone, moves, dt.date(2024, 12, 31)) is Lifecycle.DEPARTED
    # today's active member, invited in 2023, active only from 2024
    now = member(lifecycle=Lifecycle.ACTIVE)
    steps = [
        move(Lifecycle.INVITED, dt.date(2023, 3, 1)),
        move(Lifecycle.ACTIVE, dt.date(2024, 2, 1)),
    ]
    assert lifecycle_on(now, steps, dt.date(2023, 12, 31)) is Lifecycle.INVITED
    assert lifecycle_on(now, steps, dt.date(2024, 12, 31)) is Lifecycle.ACTIVE
    # stored before migration 21 without dates, who left since: active until then
    old = member(lifecycle=Lifecycle.DEPARTED, departed_on=dt.date(2024, 6, 30))
    assert lifecycle_on(old, [move(Lifecycle.DEPARTED, dt.date(2024, 6, 30))],
                        dt.date(2023, 12, 31)) is Lifecycle.ACTIVE  # fmt: skip
    # no dated move at all: the record's own dates
    assert lifecycle_on(member(arrival=dt.date(2024, 1, 1)), [], dt.date(2023, 12, 31)) is None


def test_positions_in_force_on_a_past_day_EVT_12() -> None:
    position = Position("p", "m", "79001", Function.SGM, Decimal(1), Status.TITULAIRE,
                        start=dt.date(2023, 6, 1), end=dt.date(2024, 6, 30))  # fmt: skip
    assert not in_force(position, dt.date(2023, 5, 31))
    assert in_force(position, dt.date(2023, 12, 31))
    assert not in_force(position, dt.date(2024, 12, 31))
    assert overlaps(position, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert not overlaps(position, dt.date(2025, 1, 1), dt.date(2025, 12, 31))


EVENT_HEADERS = ["Date", "Intitulé", "Type", "Format", "Lieu", "Invités", "Présents"]


def test_a_history_file_is_told_by_its_french_headers_EVT_12() -> None:
    assert detect_kind(EVENT_HEADERS) is HistoryKind.EVENTS
    assert detect_kind(["Date d'envoi", "Titre", "Type", "Destinataires", "Réponses"]) is (
        HistoryKind.SURVEYS
    )
    assert detect_kind(
        ["Prénom", "NOM", "Commune", "Fonction", "Quotité", "Statut", "Arrivée"]
    ) is (HistoryKind.MEMBERS)
    with pytest.raises(ValidationError, match="fichier d'historique non reconnu") as caught:
        detect_kind(["A", "B"])
    assert caught.value.rule == "EVT-12"


def test_every_problem_of_every_row_at_once_and_no_event_after_today_EVT_12() -> None:
    rows = [
        ["15/06/2023", "Lancement du réseau", "journée réseau", "présentiel", "Melun", "40",
         "a@x.fr, b@x.fr"],
        ["20/03/2025", "Matinale", "matinale", "visio", "", "", ""],  # after today
        ["31/02/2024", "", "conférence", "présentiel", "", "douze", ""],  # four problems
        ["", "", "", "", "", "", ""],  # an empty row is skipped
    ]  # fmt: skip
    parsed, problems = parse_history(HistoryKind.EVENTS, EVENT_HEADERS, rows, today=TODAY)
    assert len(parsed) == 3  # every row but the empty one, for the checks against storage
    first = parsed[0]
    assert (first.date, first.kind, first.format, first.invited) == (
        dt.date(2023, 6, 15), EventKind.NETWORK_DAY, EventFormat.IN_PERSON, 40,
    )  # fmt: skip
    assert first.attendees == ("a@x.fr", "b@x.fr")
    shown = [str(p) for p in problems]
    assert shown[0].startswith("ligne 3, colonne « Date » : '20/03/2025' : événement après")
    assert all(p.rule == "EVT-12" for p in problems)
    assert {(p.line, p.column) for p in problems} == {
        (3, "Date"),
        (4, "Date"),
        (4, "Titre"),
        (4, "Type"),
        (4, "Invités"),
    }
    assert "valeurs : journée réseau, matinale" in shown[-2] or any(
        "valeurs : journée réseau" in s for s in shown
    )


def test_a_missing_required_column_is_named_with_the_headers_read_EVT_12() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_history(HistoryKind.EVENTS, ["Date", "Titre"], [], today=TODAY)
    assert "colonnes obligatoires absentes : Type, Format" in str(caught.value)
    assert caught.value.rule == "EVT-12"


def test_survey_and_member_rows_EVT_12() -> None:
    headers = [
        "Date",
        "Titre",
        "Type",
        "Destinataires",
        "Réponses",
        "Événement",
        "Note 5",
        "Note 4",
    ]
    parsed, problems = parse_history(HistoryKind.SURVEYS, headers, [
        ["10/10/2023", "Satisfaction", "satisfaction", "30", "12", "Lancement", "5", "4"],
        ["10/11/2023", "Besoins", "besoins", "10", "12", "", "", ""],  # more answers than sent
    ], today=TODAY)  # fmt: skip
    assert parsed[0].scores == ((5, 5), (4, 4)) and parsed[0].answers == 12
    assert [(p.line, p.column) for p in problems] == [(3, "Réponses")]
    headers = ["Prénom", "Nom", "Courriel", "Commune", "Fonction", "Quotité", "Statut",
               "Date d'arrivée", "Date de départ", "Motif"]  # fmt: skip
    parsed, problems = parse_history(HistoryKind.MEMBERS, headers, [
        ["Ana", "Roy", "ana@x.fr", "Melun", "Secrétaire générale de mairie", "50 %",
         "contractuelle", "01/09/2023", "30/06/2024", "mutation"],
        ["Luc", "Roy", "", "77001", "sgm", "1", "titulaire", "01/09/2023", "01/01/2023", ""],
    ], today=TODAY)  # fmt: skip
    assert parsed[0].function is Function.SGM and parsed[0].status is Status.CONTRACTUEL
    assert parsed[0].work_time == Decimal("0.5")
    assert {(p.column, p.rule) for p in problems} == {
        ("Motif de départ", "MEM-4"),
        ("Départ", "MEM-4"),
    }


def test_attendance_needs_its_invited_count_EVT_12_EVT_5() -> None:
    rows = [
        ["15/06/2023", "Lancement", "journée", "présentiel", "", "", "a@x.fr"],
        ["16/06/2023", "Atelier", "atelier", "présentiel", "", "1", "a@x.fr, b@x.fr, A@x.fr"],
    ]
    _, problems = parse_history(HistoryKind.EVENTS, EVENT_HEADERS, rows, today=TODAY)
    assert [(p.line, p.column, p.rule) for p in problems] == [
        (2, "Invités", "EVT-5"), (3, "Invités", "EVT-5"),
    ]  # fmt: skip
    assert "moins d'invités que de présents (2)" in str(problems[1])  # a@x.fr counted once
