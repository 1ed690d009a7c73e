"""The pure rules of tutorship (MEM-13), continuity by expertise (MEM-8), local networks (NET-7)
and the planning checks (EVT-11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import ConfigurationError, RuleViolation, ValidationError
from rsgm_core.domain.engagement import NetworkRole, RoleAssignment, continuity_warnings
from rsgm_core.domain.local_networks import LocalNetworkRelation, relation_of
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.planning_checks import (
    CdgDate,
    Election,
    HolidayPeriod,
    PlanningWarningKind,
    planning_warnings,
    school_year_of,
    school_zone,
)
from rsgm_core.domain.tutorship import check_limit, check_tutor, review_due
from rsgm_core.profile_file import parse_profile

DAY = dt.date(2025, 3, 14)


def member(i: str, **kw: object) -> Member:
    return Member(i, kw.pop("first", "Élodie"), kw.pop("last", i), **kw)  # type: ignore[arg-type]


def test_the_review_falls_three_months_after_arrival_MEM_13() -> None:
    assert review_due(dt.date(2025, 11, 30)) == dt.date(2026, 2, 28)
    assert review_due(DAY) == dt.date(2025, 6, 14)


@given(st.integers(0, 30), st.integers(1, 20), st.booleans())
def test_the_limit_refuses_or_flags_never_both_MEM_13(load: int, limit: int, force: bool) -> None:
    tutor = member("t")
    if load < limit:
        assert check_limit(tutor, load, limit, force=force) is False
    elif force:
        assert check_limit(tutor, load, limit, force=True) is True
    else:
        with pytest.raises(RuleViolation) as caught:
            check_limit(tutor, load, limit, force=False)
        assert caught.value.rule == "MEM-13"
        assert f"la limite est de {limit} par tuteur" in str(caught.value)


def test_a_tutor_is_an_active_member_MEM_13() -> None:
    newcomer = member("n")
    check_tutor(member("t"), newcomer)
    for bad in (member("p", lifecycle=Lifecycle.PROSPECT), member("l", leaving_on=DAY)):
        with pytest.raises(RuleViolation, match="ne peut pas être tuteur"):
            check_tutor(bad, newcomer)
    with pytest.raises(ValidationError, match="son propre tuteur"):
        check_tutor(newcomer, newcomer)


def test_continuity_candidates_by_shared_expertise_not_only_by_role_MEM_8() -> None:
    tutor = member("t", leaving_on=DAY + dt.timedelta(days=10))
    holder = member("h", last="Aubert")  # holds a role, shares nothing
    expert = member("e", last="Zola")  # no role, shares two expertises
    half = member("f", last="Martin")  # no role, shares one
    roles = [
        RoleAssignment("r1", "n", "t", NetworkRole.TUTOR, DAY),
        RoleAssignment("r2", "n", "h", NetworkRole.MEMBER, DAY),
    ]
    members = {m.id: m for m in (tutor, holder, expert, half)}
    skills = {
        "t": {"etat civil", "elections"},
        "e": {"elections", "etat civil"},
        "f": {"elections"},
    }
    [warning] = continuity_warnings("n", roles, members, set(), on=DAY, skills=skills)
    assert warning.role is NetworkRole.TUTOR
    assert warning.candidates == ("e", "f", "h")
    [by_role] = continuity_warnings("n", roles, members, set(), on=DAY)
    assert by_role.candidates == ("h",)  # without expertise: the role holders only, as before


def test_a_relation_is_one_of_three_NET_7() -> None:
    assert relation_of("fédéré") is LocalNetworkRelation.FEDERATED
    assert relation_of("Fusionné") is LocalNetworkRelation.MERGED
    assert relation_of("soutenu").label == "soutenu"
    with pytest.raises(ValidationError) as caught:
        relation_of("absorbé")
    assert caught.value.rule == "NET-7" and "'absorbé'" in str(caught.value)


def test_school_zones_and_years_EVT_11() -> None:
    assert [school_zone(d) for d in ("79", "77", "78", "91", "95", "69", "59")] == [
        "A", "C", "C", "C", "C", "A", "B",
    ]  # fmt: skip
    assert school_zone("2A") is None and school_zone("974") is None
    assert school_year_of(dt.date(2026, 2, 1)) == "2025-2026"
    assert school_year_of(dt.date(2026, 9, 1)) == "2026-2027"


def test_each_warning_names_its_day_and_reason_EVT_11() -> None:
    winter = HolidayPeriod(
        "A", "2025-2026", "Vacances d'hiver", dt.date(2026, 2, 7), dt.date(2026, 2, 23)
    )
    found = planning_warnings(
        [dt.date(2026, 2, 9), dt.date(2026, 2, 23)], zones=["A"], holidays=[winter],
        elections=[Election(dt.date(2026, 3, 15), "municipales")],
        cdg_dates=[CdgDate("c", dt.date(2026, 2, 23), "Jury de concours")],
    )  # fmt: skip
    assert [(w.kind, w.day) for w in found] == [
        (PlanningWarningKind.SCHOOL_HOLIDAYS, dt.date(2026, 2, 9)),
        (PlanningWarningKind.CDG_EVENT, dt.date(2026, 2, 23)),  # classes resume that morning
    ]
    assert planning_warnings([dt.date(2026, 3, 9)], elections=[Election(dt.date(2026, 3, 15), "m")])
    assert not planning_warnings(
        [dt.date(2026, 3, 8)], elections=[Election(dt.date(2026, 3, 15), "m")]
    )
    with pytest.raises(ValidationError) as caught:
        CdgDate("c", DAY, "  ")
    assert caught.value.rule == "EVT-11"


def test_the_tutor_limit_is_a_profile_key_MEM_13(tmp_path: Path) -> None:
    base = '[territoire]\ndepartements = ["79"]\n'
    assert parse_profile(base, folder=tmp_path, name="p").policies.tutor_limit == 2
    three = parse_profile(
        base + "[politiques]\nnouveaux_par_tuteur = 3\n", folder=tmp_path, name="p"
    )
    assert three.policies.tutor_limit == 3
    with pytest.raises(ConfigurationError, match="nouveaux_par_tuteur"):
        parse_profile(base + "[politiques]\nnouveaux_par_tuteur = 0\n", folder=tmp_path, name="p")
