"""Toolbox resources, publication, freshness, versions, search; advice requests and FAQ
(KNB-1..KNB-4, CNS-1, CNS-2) on the pure domain."""

from __future__ import annotations

import datetime as dt
import statistics
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.access import Grant, Role, Space
from rsgm_core.domain.activation import Helper
from rsgm_core.domain.advice import (
    AdviceRequest,
    Channel,
    anonymise,
    answer_times,
    choose_referee,
    record_answer,
    to_faq,
)
from rsgm_core.domain.charters import SpaceKind
from rsgm_core.domain.members import Member
from rsgm_core.domain.toolbox import (
    Resource,
    ResourceKind,
    ResourceStatus,
    archive,
    check_edit,
    departmental_role,
    edit,
    propose,
    publish,
    search,
    stale,
)

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2025, 6, 2)


def draft(title: str = "Établir un acte de naissance", **changes: object) -> Resource:
    base = dict(id="r1", version=1, kind=ResourceKind.PRACTICAL_SHEET, title=title,
                body="Pas à pas de l'acte de naissance.", themes=("État civil",), author_id="m1",
                status=ResourceStatus.DRAFT)  # fmt: skip
    return Resource(**{**base, **changes})  # type: ignore[arg-type]


def test_kinds_and_required_theme_KNB_1() -> None:
    assert {k.value for k in ResourceKind} >= {
        "fiche pratique",
        "modèle",
        "veille juridique",
        "tutoriel",
    }
    with pytest.raises(ValidationError) as info:
        draft(themes=())
    assert info.value.rule == "KNB-1"
    with pytest.raises(ValidationError):
        draft(kind=ResourceKind.TUTORIAL)  # a tutorial names its software
    assert draft(kind=ResourceKind.TUTORIAL, software=("Berger-Levrault",)).software


def test_only_animators_publish_contributors_propose_once_open_KNB_2() -> None:
    with pytest.raises(RuleViolation) as info:
        publish(draft(), role=Role.CONTRIBUTOR, on=TODAY, review_on=dt.date(2026, 6, 1))
    assert info.value.rule == "KNB-2"
    published = publish(draft(), role=Role.ANIMATOR, on=TODAY, review_on=dt.date(2026, 6, 1))
    assert published.status is ResourceStatus.PUBLISHED and published.published_on == TODAY
    with pytest.raises(RuleViolation) as closed:
        propose(draft(), role=Role.CONTRIBUTOR, contributions_open=False)
    assert closed.value.rule == "CHA-5"
    assert propose(draft(), role=Role.CONTRIBUTOR, contributions_open=True)
    with pytest.raises(RuleViolation):
        propose(draft(), role=Role.VISITOR, contributions_open=True)


def test_review_date_in_the_past_is_refused_at_publication_KNB_3() -> None:
    with pytest.raises(ValidationError, match="01/06/2025"):
        publish(draft(), role=Role.ANIMATOR, on=TODAY, review_on=dt.date(2025, 6, 1))


def test_stale_versions_and_archive_KNB_3() -> None:
    published = publish(draft(), role=Role.ANIMATOR, on=TODAY, review_on=dt.date(2025, 12, 1))
    assert stale([published], on=dt.date(2025, 12, 1)) == []
    assert stale([published], on=dt.date(2025, 12, 2)) == [published]
    second = edit(published, body="Nouvelle procédure.")
    assert second.version == 2 and published.version == 1  # the previous one stays retrievable
    assert edit(draft(), body="x").version == 1  # a draft is edited in place
    assert edit(published, title=" Nouveau titre ").title == "Nouveau titre"
    assert edit(published, themes=["Élections"]).themes == ("Élections",)
    with pytest.raises(RuleViolation):
        edit(archive(published, role=Role.ANIMATOR), body="x")


def test_only_animators_archive_and_edit_published_resources_KNB_2() -> None:
    published = publish(draft(), role=Role.ANIMATOR, on=TODAY, review_on=dt.date(2026, 6, 1))
    with pytest.raises(RuleViolation) as info:
        archive(published, role=Role.CONTRIBUTOR)
    assert info.value.rule == "KNB-2"
    assert archive(published, role=Role.ADMINISTRATOR).status is ResourceStatus.ARCHIVED
    with pytest.raises(RuleViolation) as info:
        check_edit(published, role=Role.CONTRIBUTOR, contributions_open=True)
    assert info.value.rule == "KNB-2"
    check_edit(published, role=Role.ANIMATOR, contributions_open=False)
    check_edit(draft(), role=Role.CONTRIBUTOR, contributions_open=True)
    with pytest.raises(RuleViolation) as info:
        check_edit(draft(), role=Role.CONTRIBUTOR, contributions_open=False)
    assert info.value.rule == "CHA-5"


def test_the_role_in_the_departmental_space_KNB_2() -> None:
    space = Space("s1", SpaceKind.DEPARTMENTAL, "Réseau 79")
    community = Space("s2", SpaceKind.COMMUNITY, "Gâtine", epci="200000000")

    def grant(role: Role, space_id: str = "s1", revoked: bool = False) -> Grant:
        return Grant(f"g-{role.name}", "m1", space_id, role, TODAY, "admin",
                     revoked_on=TODAY if revoked else None)  # fmt: skip

    with pytest.raises(RuleViolation, match="aucun espace départemental") as info:
        departmental_role("m1", [community], administrator=True, grants=[])
    assert info.value.rule == "KNB-2"
    assert departmental_role("m1", [space], administrator=True, grants=[]) == (
        Role.ADMINISTRATOR,
        True,
    )
    grants = [grant(Role.CONTRIBUTOR), grant(Role.ANIMATOR), grant(Role.ADMINISTRATOR, "s2")]
    assert departmental_role("m1", [community, space], administrator=False, grants=grants) == (
        Role.ANIMATOR,
        True,
    )
    read_only = Space("s1", SpaceKind.DEPARTMENTAL, "Réseau 79", read_only=True)
    assert departmental_role("m1", [read_only], administrator=False, grants=grants)[1] is False
    for without in ([], [grant(Role.ANIMATOR, revoked=True)], [grant(Role.ANIMATOR, "s2")]):
        with pytest.raises(RuleViolation, match="n'a pas accès") as info:
            departmental_role("m1", [space], administrator=False, grants=without)
        assert info.value.rule == "KNB-2" and info.value.value == "m1"


def library() -> list[Resource]:
    review = dict(role=Role.ANIMATOR, on=TODAY, review_on=dt.date(2026, 6, 1))
    return [
        publish(draft(), **review),  # type: ignore[arg-type]
        publish(
            draft(
                "Recensement citoyen",
                id="r2",
                body="état civil et recensement",
                themes=("Élections",),
            ),
            **review,
        ),
        publish(
            draft(
                "Tutoriel paie",
                id="r3",
                kind=ResourceKind.TUTORIAL,
                body="bulletin",
                software=("Berger-Levrault",),
                themes=("RH et paie",),
            ),
            **review,
        ),
        draft("Acte de décès (brouillon)", id="r4"),
    ]


def test_search_is_accent_and_case_insensitive_ranked_and_filtered_KNB_4() -> None:
    hits = search(library(), "ETAT civil")
    assert [h.resource.id for h in hits] == ["r1", "r2"]  # theme and title outrank a body mention
    assert hits[0].score > hits[1].score
    assert [h.resource.id for h in search(library(), "naiss")] == ["r1"]  # word prefixes
    assert [h.resource.id for h in search(library(), software="berger-levrault")] == ["r3"]
    assert [h.resource.id for h in search(library(), theme="elections")] == ["r2"]
    assert search(library(), "décès") == []  # drafts are not searchable


def request(**changes: object) -> AdviceRequest:
    base = dict(id="q1", commune="79307", requester="Claire Martin", channel=Channel.PHONE,
                theme="État civil", question="Comment transcrire un acte pour Claire Martin ?",
                received_at=dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS))  # fmt: skip
    return AdviceRequest(**{**base, **changes})  # type: ignore[arg-type]


def test_request_log_validates_its_times_CNS_1() -> None:
    with pytest.raises(ValidationError) as info:
        request(answered_at=dt.datetime(2025, 3, 2, 9, 0, tzinfo=PARIS), answer="…")
    assert info.value.rule == "CNS-1"
    with pytest.raises(ValidationError):
        request(minutes_spent=-5)


def test_answered_request_becomes_an_anonymised_faq_entry_CNS_2() -> None:
    with pytest.raises(RuleViolation) as info:
        to_faq(request(), faq_id="f1", author_id="a1", names=["Sauzé-entre-Bois"])
    assert info.value.rule == "CNS-2"
    answered = request(
        answered_at=dt.datetime(2025, 3, 3, 11, 0, tzinfo=PARIS),
        answer="Appelez-moi au 05 49 12 34 56 ou écrivez à claire.martin@mairie.fr (Sauzé-entre-Bois).",
    )
    faq = to_faq(answered, faq_id="f1", author_id="a1", names=["Sauzé-entre-Bois"])
    assert faq.kind is ResourceKind.FAQ and faq.status is ResourceStatus.DRAFT
    for secret in (
        "Claire Martin",
        "05 49 12 34 56",
        "claire.martin@mairie.fr",
        "Sauzé-entre-Bois",
    ):
        assert secret not in faq.body and secret not in faq.title
    assert anonymise("+33 5 49 12 34 56") == "[téléphone]"


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=60))
def test_median_and_90th_percentile_of_answer_times_CNS_2(delays: list[int]) -> None:
    start = dt.datetime(2025, 1, 6, 9, 0, tzinfo=PARIS)
    requests = [
        request(
            id=f"q{i}", received_at=start, answered_at=start + dt.timedelta(hours=h), answer="ok"
        )
        for i, h in enumerate(delays)
    ] + [request(id="pending")]
    times = answer_times(requests)
    assert times.answered == len(delays) and times.pending == 1
    assert times.median_hours == pytest.approx(statistics.median(delays))
    assert times.p90_hours in delays  # nearest rank: an observed time
    assert sum(d <= times.p90_hours for d in delays) >= 0.9 * len(delays)
    assert answer_times([request()]).median_hours is None  # no figure rather than 0


@pytest.mark.parametrize(
    ("received", "answered", "hours"),
    [
        # The clocks go forward at 2:00 on 30 March 2025 and back at 3:00 on 26 October 2025.
        (dt.datetime(2025, 3, 29, 23, 0), dt.datetime(2025, 3, 30, 4, 0), 4),
        (dt.datetime(2025, 10, 25, 23, 0), dt.datetime(2025, 10, 26, 4, 0), 6),
    ],
)
def test_answer_times_count_real_hours_across_a_clock_change_CNS_2(
    received: dt.datetime, answered: dt.datetime, hours: int
) -> None:
    answered_request = request(
        received_at=received.replace(tzinfo=PARIS),
        answered_at=answered.replace(tzinfo=PARIS),
        answer="ok",
    )
    assert answer_times([answered_request]).median_hours == hours


def test_an_answer_is_recorded_unless_the_request_became_an_faq_CNS_1_CNS_2() -> None:
    at = dt.datetime(2025, 3, 15, 10, tzinfo=PARIS)
    answered = record_answer(request(), " Par jugement. ", minutes_spent=20, at=at)
    assert (answered.answer, answered.answered_at, answered.minutes_spent) == (
        "Par jugement.",
        at,
        20,
    )
    again = record_answer(answered, "Corrigé.", minutes_spent=5, at=at)
    assert again.minutes_spent == 25
    with pytest.raises(ValidationError) as empty:
        record_answer(request(), "  ", minutes_spent=0, at=at)
    assert empty.value.rule == "CNS-1"
    with pytest.raises(RuleViolation) as linked:
        record_answer(attrs.evolve(answered, faq_id="f1"), "Autre.", minutes_spent=0, at=at)
    assert linked.value.rule == "CNS-2" and linked.value.value == answered.id


def test_a_request_goes_to_the_chosen_member_or_the_first_volunteer_CNS_1() -> None:
    paul = Member("m-paul", "Paul", "Roy")
    helpers = [Helper(paul, (0,), ("même EPCI",), ("79019",))]
    assert choose_referee(request(), helpers).referred_to == "m-paul"
    assert choose_referee(request(), helpers, member_id="m-x").referred_to == "m-x"
    assert choose_referee(request(), [], member_id="m-x").referred_to == "m-x"
    with pytest.raises(RuleViolation, match="aucun membre volontaire") as info:
        choose_referee(request(), [])
    assert info.value.rule == "CNS-1"
