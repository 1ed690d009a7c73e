"""The pure rules of members and the directory (MEM-1..MEM-5, CHA-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.directory import (
    Consent,
    ConsentScope,
    FactKind,
    Viewer,
    ViewerRole,
    Vocabulary,
    can_see,
    fold,
    format_phone,
    validate_phone,
)
from rsgm_core.domain.lifecycle import (
    ONBOARDING,
    OnboardingStep,
    OverdueStep,
    announce_departure,
    checklist,
    depart,
    move,
    overdue,
)
from rsgm_core.domain.member_import import parse_fraction
from rsgm_core.domain.members import (
    DepartureReason,
    Function,
    Lifecycle,
    Member,
    Position,
    Status,
    check_can_register,
    check_open_commune,
    validate_email,
    work_time_excess,
    work_time_total,
)
from rsgm_core.domain.territory import Commune, CommuneStatus
from rsgm_core.domain.town_hall import TownHall, format_hours, parse_hours

DAY = dt.date(2025, 3, 14)


def member(i: str = "m-1", **kw: object) -> Member:
    return Member(i, kw.pop("first", "Élodie"), kw.pop("last", "Rousseau"), **kw)  # type: ignore[arg-type]


# MEM-1


def position(q: str, *, permanent: bool = True, i: int = 0) -> Position:
    return Position(f"p-{i}", "m-1", "79019", Function.SGM, Decimal(q), Status.TITULAIRE, permanent)


@pytest.mark.parametrize("bad", ["0", "-0.5", "1.01", "2"])
def test_a_fraction_out_of_0_1_is_refused_naming_it_MEM_1(bad: str) -> None:
    with pytest.raises(ValidationError, match=r"\]0 ; 1\]") as caught:
        position(bad)
    assert caught.value.rule == "MEM-1"


@given(st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=5))
def test_over_115_percent_is_flagged_never_refused_MEM_1(percents: list[int]) -> None:
    held = [position(str(Decimal(p) / 100), i=i) for i, p in enumerate(percents)]
    total = Decimal(sum(percents)) / 100
    assert work_time_total(held, on=DAY) == total
    flag = work_time_excess(member(), held, on=DAY)
    if total <= Decimal("1.15"):
        assert flag is None
    else:
        assert flag is not None and flag.total == total and flag.positions == tuple(held)
        assert "115 %" in flag.message and flag.percent in flag.message
    # non-permanent positions never count
    assert work_time_total([position("1", permanent=False, i=9), *held[:1]], on=DAY) <= 1


def test_the_flag_names_the_total_the_french_way_MEM_1() -> None:
    flag = work_time_excess(member(), [position("0.6", i=1), position("0.575", i=2)], on=DAY)
    assert flag is not None
    assert flag.percent == "117,5 %"
    assert flag.message.startswith("quotités cumulées de 117,5 % au 14/03/2025")


@pytest.mark.parametrize("text, expected", [("50 %", "0.5"), ("0,8", "0.8"), ("17,5/35", "0.5")])
def test_fractions_are_read_the_french_way_MEM_1(text: str, expected: str) -> None:
    assert parse_fraction(text) == Decimal(expected)


# MEM-2, CHA-6


@pytest.mark.parametrize(
    "shared", ["mairie@aubigny.fr", "Accueil@x.fr", "secretariat@x.fr", "contact@x.fr", "info@x.fr"]
)
def test_shared_mailboxes_are_refused_CHA_6(shared: str) -> None:
    with pytest.raises(RuleViolation, match="générique") as caught:
        validate_email(shared, strict=True)
    assert caught.value.rule == "CHA-6" and caught.value.value == shared


def test_email_syntax_is_checked_without_dns_MEM_2() -> None:
    assert validate_email("Claire.Martin@EXAMPLE.org", strict=True) == "Claire.Martin@example.org"
    with pytest.raises(ValidationError, match=r"a@b\.\.fr"):
        validate_email("a@b..fr", strict=True)


def test_phones_are_validated_and_printed_the_french_way_MEM_2() -> None:
    assert validate_phone("05.49.12.34.56") == "+33549123456"
    assert validate_phone("+33 6 12 34 56 78") == "+33612345678"
    assert format_phone("+33549123456") == "05 49 12 34 56"
    assert format_phone("+32 2 123 45 67").startswith("+32")
    for bad in ("pas un numéro", "12", "05 49"):
        with pytest.raises(ValidationError, match="numéro de téléphone invalide") as caught:
            validate_phone(bad)
        assert caught.value.value == bad


def test_folding_ignores_accents_case_and_hyphens_MEM_2() -> None:
    assert fold("État-civil ") == fold("etat civil") == "etat civil"
    assert fold("Ségilog") == "segilog"
    vocabulary = Vocabulary.of(FactKind.EXPERTISE, ["État civil", "etat civil", "Urbanisme"])
    assert vocabulary.terms == ("État civil", "Urbanisme")
    assert vocabulary.resolve("ETAT CIVIL") == "État civil"
    assert vocabulary.matching("civil") == ("etat civil",)
    with pytest.raises(ValidationError, match="Cuisine"):
        vocabulary.resolve("Cuisine")


def test_opening_hours_are_parsed_and_printed_MEM_2() -> None:
    slots = parse_hours("Lundi 9h-12h, jeu 14h00-18h")
    assert format_hours(slots) == "lun. 9h-12h, jeu. 14h-18h"
    assert format_hours(parse_hours("mar. 8h30-12h et 13h30-17h")) == "mar. 8h30-12h et 13h30-17h"
    hall = TownHall("79019", "1 place de la Mairie", "jeu. 14h-18h, lun. 9h-12h")
    assert hall.opening_hours == "lun. 9h-12h, jeu. 14h-18h"
    assert hall.open_at(dt.datetime(2025, 3, 13, 15, 0))  # a Thursday
    assert not hall.open_at(dt.datetime(2025, 3, 13, 12, 0))


@pytest.mark.parametrize(
    "bad, match",
    [
        ("lun. 14h-12h", "finit avant de commencer"),
        ("lun. 9h-9h", "finit avant de commencer"),
        ("lun. 9h-12h et 11h-13h", "se chevauchent"),
        ("tous les jours", "illisibles"),
        ("lun. 25h-26h", "heure invalide"),
    ],
)
def test_bad_opening_hours_are_refused_naming_them_MEM_2(bad: str, match: str) -> None:
    with pytest.raises(ValidationError, match=match) as caught:
        parse_hours(bad)
    assert caught.value.rule == "MEM-2"


@given(st.integers(0, 6), st.integers(0, 23 * 60), st.integers(1, 60))
def test_any_valid_slot_prints_back_to_itself_MEM_2(day: int, start: int, length: int) -> None:
    end = min(start + length, 24 * 60)
    text = format_hours(
        parse_hours(
            f"{['lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim'][day]} "
            f"{start // 60}h{start % 60:02d}-{end // 60}h{end % 60:02d}"
        )
    )
    assert parse_hours(text)[0].start == start and parse_hours(text)[0].end == end


# MEM-3


def test_consent_gives_visibility_and_can_be_withdrawn_MEM_3() -> None:
    given_ = Consent("c-1", "m-1", ConsentScope.DIRECTORY, dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    member_view, animator = Viewer(), Viewer(ViewerRole.ANIMATOR)
    assert can_see(member_view, "m-1", [given_], on=dt.date(2025, 2, 1))
    assert not can_see(member_view, "m-1", [given_], on=dt.date(2025, 3, 1))  # withdrawn
    assert not can_see(member_view, "m-1", [], on=DAY)
    assert can_see(animator, "m-1", [], on=DAY)
    assert can_see(Viewer(ViewerRole.ADMINISTRATOR), "m-1", [], on=DAY)
    assert can_see(Viewer(member_id="m-1"), "m-1", [], on=DAY)  # oneself
    assert not can_see(
        member_view, "m-1", [given_], on=dt.date(2025, 2, 1), scope=ConsentScope.PHOTO
    )
    with pytest.raises(ValidationError, match="antérieur"):
        Consent("c-2", "m-1", ConsentScope.PHOTO, DAY, dt.date(2025, 1, 1))


# MEM-4


def test_the_lifecycle_only_moves_forward_MEM_4() -> None:
    prospect = member(lifecycle=Lifecycle.PROSPECT, platform_access=False)
    invited = move(prospect, Lifecycle.INVITED)
    active = move(invited, Lifecycle.ACTIVE)
    assert (invited.platform_access, active.platform_access) == (False, True)
    with pytest.raises(RuleViolation, match="impossible") as caught:
        move(active, Lifecycle.INVITED)
    assert caught.value.rule == "MEM-4"
    with pytest.raises(RuleViolation, match="motif"):
        move(active, Lifecycle.DEPARTED)
    successor = member("m-2", first="Jean", last="Péroux")
    gone = depart(active, on=DAY, reason=DepartureReason.RETRAITE, successor=successor)
    assert gone.lifecycle is Lifecycle.DEPARTED and not gone.platform_access  # CHA-7
    assert (gone.departed_on, gone.departure_reason, gone.successor_id) == (
        DAY,
        DepartureReason.RETRAITE,
        "m-2",
    )
    with pytest.raises(RuleViolation, match="déjà quitté le réseau"):
        depart(gone, on=DAY, reason=DepartureReason.AUTRE)
    with pytest.raises(RuleViolation, match="propre successeur"):
        depart(active, on=DAY, reason=DepartureReason.AUTRE, successor=active)


# MEM-5


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_onboarding_due_dates_follow_the_arrival_MEM_5(arrival: dt.date) -> None:
    items = checklist("m-1", arrival, [str(i) for i in range(len(ONBOARDING))])
    due = {i.step: i.due for i in items}
    assert due[OnboardingStep.WELCOME_KIT] == arrival - dt.timedelta(days=7)
    assert due[OnboardingStep.WELCOME_MAIL] == arrival
    assert due[OnboardingStep.QUESTIONNAIRE] == arrival + relativedelta(months=3)
    assert due[OnboardingStep.TUTOR_REVIEW] == due[OnboardingStep.QUESTIONNAIRE]
    assert [i.due for i in items] == sorted(i.due for i in items)  # the guide's order
    assert overdue(items, on=arrival) == [i for i in items if i.due < arrival]
    assert overdue(items, on=arrival + relativedelta(months=4)) == items


def test_a_done_item_is_never_overdue_MEM_5() -> None:
    items = checklist("m-1", DAY, [str(i) for i in range(len(ONBOARDING))])
    done = [attr_done(i) for i in items]
    assert overdue(done, on=DAY + relativedelta(years=1)) == []


def attr_done(item: object) -> object:
    import attrs

    return attrs.evolve(item, done_on=DAY)  # type: ignore[misc]


# Rules checked in the domain before anything is stored (MEM-4, TER-5, MEM-5).


def test_a_person_is_not_recorded_as_already_departed_MEM_4() -> None:
    for state in (Lifecycle.PROSPECT, Lifecycle.INVITED, Lifecycle.ACTIVE):
        check_can_register(state)
    with pytest.raises(RuleViolation, match="avant son départ") as caught:
        check_can_register(Lifecycle.DEPARTED)
    assert (caught.value.rule, caught.value.value) == ("MEM-4", "parti")


def test_a_departure_is_announced_for_a_member_still_there_MEM_4() -> None:
    leaving = announce_departure(member(), on=dt.date(2025, 6, 30))
    assert leaving.leaving_on == dt.date(2025, 6, 30)
    gone = depart(member(), on=DAY, reason=DepartureReason.RETRAITE)
    with pytest.raises(RuleViolation, match="déjà quitté le réseau") as caught:
        announce_departure(gone, on=dt.date(2025, 6, 30))
    assert caught.value.rule == "MEM-4"


def test_a_position_goes_to_a_commune_that_still_exists_TER_5() -> None:
    check_open_commune(Commune("79019", "Aubigné", "79", "75"))
    merged = Commune(
        "79018", "Aubigny", "79", "75", status=CommuneStatus.DELEGUEE, successor="79030"
    )
    with pytest.raises(RuleViolation, match="rattachez le poste à 79030") as caught:
        check_open_commune(merged)
    assert (caught.value.rule, caught.value.value) == ("TER-5", "79018")


def test_an_overdue_step_names_its_member_and_item_MEM_5() -> None:
    items = checklist("m-1", dt.date(2025, 1, 6), [f"i-{n}" for n in range(len(ONBOARDING))])
    [first, *_] = overdue(items, on=DAY)
    row = OverdueStep(member(), first)
    assert (row.member_id, row.step, row.due) == ("m-1", first.step, first.due)


@given(st.dates(), st.dates())
def test_a_position_ends_on_or_after_its_start_MEM_1(start: dt.date, end: dt.date) -> None:
    from rsgm_core.domain.members import check_position_dates

    if end < start:
        with pytest.raises(ValidationError, match=r"\[MEM-1\]|ne peut finir"):
            check_position_dates(start, end)
    else:
        check_position_dates(start, end)
    check_position_dates(start, None)
    check_position_dates(None, end)
