"""Personal signatures, mandates, the EPCI's side and re-sign or inform versions of the usage
charter, on the pure domain (CHA-1, CHA-8)."""

from __future__ import annotations

import datetime as dt

import pytest

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.charters import (
    Capacity,
    CharterVersion,
    Signatories,
    Signature,
    SpaceKind,
    check_signature,
    lapse_of,
    missing_signatures,
    next_general_renewal,
    next_version,
    status_of,
    valid_from,
)
from rsgm_core.domain.profile import CharterChange

V1 = CharterVersion(1, dt.date(2025, 1, 6), "Charte", "Texte")
ON = dt.date(2025, 2, 1)
DEPT, COMMUNITY = SpaceKind.DEPARTMENTAL, SpaceKind.COMMUNITY
#: Claire (m1) and Paul (m2) hold a position in Aubigny; Rémi (r1) is the EPCI's referent.
BOTH = Signatories(staff=frozenset({"m1", "m2"}), referents=frozenset({"r1"}))


def signature(
    capacity: Capacity,
    member_id: str | None = None,
    *,
    key: str = "s",
    version: int = 1,
    space: SpaceKind = DEPT,
    mandate_end: dt.date | None = None,
    signer: str = "Claire Martin",
) -> Signature:
    return Signature(
        key, "79019", version, signer, capacity, ON, space,
        member_id=member_id, mandate_end=mandate_end,
    )  # fmt: skip


MAYOR = signature(Capacity.MAYOR, key="maire", signer="Jean Dupont")


def missing(signed: list[Signature], **options: object) -> list[frozenset[Capacity]]:
    return missing_signatures(
        signed, commune="79019", space=DEPT, population=800, version=1,
        on=dt.date(2025, 3, 1), signatories=BOTH, **options,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_sgm_s_signature_is_personal_CHA_1() -> None:
    claire = signature(Capacity.SGM, "m1")
    assert missing([MAYOR, claire], member_id="m1") == []
    # A colleague in the same commune does not get access on Claire's signature: he signs.
    assert missing([MAYOR, claire], member_id="m2") == [frozenset({Capacity.SGM})]
    paul = signature(Capacity.SGM, "m2", key="p", signer="Paul Roy")
    assert missing([MAYOR, claire, paul], member_id="m2") == []


def test_the_sgm_s_signature_lapses_with_the_position_CHA_1() -> None:
    claire = signature(Capacity.SGM, "m1")
    successor_only = Signatories(staff=frozenset({"m3"}))
    assert "n'occupe plus de poste" in (lapse_of(claire, on=ON, signatories=successor_only) or "")
    assert lapse_of(claire, on=ON, signatories=BOTH) is None
    gone = missing_signatures(
        [MAYOR, claire], commune="79019", space=DEPT, population=800, version=1, on=ON,
        signatories=successor_only, member_id="m3",
    )  # fmt: skip
    assert gone == [frozenset({Capacity.SGM})]


def test_a_signature_by_someone_without_a_position_is_refused_CHA_1() -> None:
    check_signature(signature(Capacity.SGM, "m1"), versions=[V1], population=800, signatories=BOTH)
    for nobody in (signature(Capacity.SGM, "x9"), signature(Capacity.SGM, None)):
        with pytest.raises(RuleViolation, match=r"n'occupe aucun poste.*\[CHA-1\]"):
            check_signature(nobody, versions=[V1], population=800, signatories=BOTH)
    referent = signature(Capacity.COMMUNITY_REFERENT, "m1", space=COMMUNITY)
    with pytest.raises(RuleViolation, match=r"pas référent communautaire.*\[CHA-1\]"):
        check_signature(referent, versions=[V1], population=800, signatories=BOTH)
    ok = signature(Capacity.COMMUNITY_REFERENT, "r1", space=COMMUNITY)
    assert check_signature(ok, versions=[V1], population=800, signatories=BOTH) is ok


def test_the_commune_s_dgs_never_signs_for_the_epci_CHA_1() -> None:
    groups = missing_signatures(
        [MAYOR, signature(Capacity.DGS, "m1")], commune="79019", space=COMMUNITY,
        population=4_000, version=1,
    )  # fmt: skip
    assert groups == [
        frozenset({Capacity.EPCI_PRESIDENT}),
        frozenset({Capacity.COMMUNITY_REFERENT, Capacity.EPCI_DGS}),
    ]
    commune_dgs = signature(Capacity.EPCI_DGS, "m1", space=COMMUNITY)
    with pytest.raises(RuleViolation, match=r"le DGS de la commune ne signe pas pour l'EPCI"):
        check_signature(commune_dgs, versions=[V1], population=4_000, signatories=BOTH)
    epci_dgs = signature(Capacity.EPCI_DGS, space=COMMUNITY, signer="Hélène Faure")
    check_signature(epci_dgs, versions=[V1], population=4_000, signatories=BOTH)


def test_the_mayor_signs_for_the_length_of_the_mandate_CHA_1() -> None:
    assert next_general_renewal(dt.date(2025, 2, 1)) == dt.date(2026, 3, 31)
    assert next_general_renewal(dt.date(2026, 3, 31)) == dt.date(2026, 3, 31)
    assert next_general_renewal(dt.date(2026, 4, 1)) == dt.date(2032, 3, 31)
    assert next_general_renewal(dt.date(2019, 6, 1)) == dt.date(2020, 3, 31)
    assert MAYOR.mandate_until == dt.date(2026, 3, 31)  # older records: the default
    assert lapse_of(MAYOR, on=dt.date(2026, 3, 31), signatories=BOTH) is None
    assert "mandat terminé le 31/03/2026 (Jean Dupont)" in (
        lapse_of(MAYOR, on=dt.date(2026, 4, 1), signatories=BOTH) or ""
    )
    early = signature(Capacity.MAYOR, mandate_end=dt.date(2025, 6, 30), signer="Jean Dupont")
    assert early.mandate_until == dt.date(2025, 6, 30)
    assert signature(Capacity.SGM, "m1").mandate_until is None
    with pytest.raises(ValidationError, match=r"mandat.*\[CHA-1\]"):
        check_signature(
            signature(Capacity.MAYOR, mandate_end=dt.date(2025, 1, 31)),
            versions=[V1], population=800, signatories=BOTH,
        )  # fmt: skip


def test_a_signature_naming_nobody_is_reported_as_needing_a_personal_one_CHA_1() -> None:
    legacy = signature(Capacity.SGM, None, key="old")
    status = status_of(
        "79019", versions=[V1], signatures=[MAYOR, legacy], population=800,
        on=dt.date(2025, 3, 1), signatories=BOTH,
    )  # fmt: skip
    assert [s.id for s in status.needs_personal] == ["old"] and legacy.needs_personal
    assert "en personne" in status.lapsed["old"]
    assert not status.complete and status.missing[DEPT] == [frozenset({Capacity.SGM})]


def test_a_version_says_re_sign_or_inform_CHA_8() -> None:
    informing = next_version([V1], "Charte", "Coquille", on=dt.date(2025, 3, 1),
                             change=CharterChange.INFORM)  # fmt: skip
    assert informing.change is CharterChange.INFORM and informing.version == 2
    assert valid_from([V1, informing]) == 1  # the earlier signatures stay valid
    claire = signature(Capacity.SGM, "m1")
    assert missing([MAYOR, claire], member_id="m1") == []
    substantive = next_version([V1, informing], "Charte", "Fond", on=dt.date(2025, 6, 1))
    assert substantive.change is CharterChange.RESIGN
    assert valid_from([V1, informing, substantive]) == 3
    status = status_of(
        "79019", versions=[V1, informing, substantive], signatures=[MAYOR, claire],
        population=800, on=dt.date(2025, 7, 1), signatories=BOTH,
    )  # fmt: skip
    assert len(status.missing[DEPT]) == 2 and "à signer de nouveau" in status.lapsed["s"]
    first = next_version([], "Charte", "Texte", on=ON, change=CharterChange.INFORM)
    assert first.change is CharterChange.RESIGN  # the first version is always signed
