"""CHA-2 in the pure domain: the roles derived from records on a day, the matrix, the refusal's
French message, and docs/security.md true to the matrix."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from rsgm_core import MATRIX, ActorRole, Operation, PermissionDeniedError, RuleViolation
from rsgm_core.domain.access_records import CdgStaff
from rsgm_core.domain.authorization import actor_roles, check_allowed, referent_epcis
from rsgm_core.domain.engagement import NetworkRole, RoleAssignment
from rsgm_core.domain.governance import Network, NetworkKind
from rsgm_core.domain.members import Lifecycle, Member

DAY = dt.date(2025, 3, 14)
SECURITY = Path(__file__).parents[2] / "docs" / "security.md"
A, N, R, M = ActorRole.ADMINISTRATOR, ActorRole.ANIMATOR, ActorRole.REFERENT, ActorRole.MEMBER


def person(**changes: object) -> Member:
    return Member("m-1", "Anne", "Chevalier", **changes)  # type: ignore[arg-type]


def test_roles_are_derived_from_the_staff_record_on_the_day_CHA_2_MEM_6() -> None:
    assert actor_roles(person(), None, on=DAY) == {M}
    assert actor_roles(person(), CdgStaff("m-1", False, DAY), on=DAY) == {N, M}
    assert actor_roles(person(), CdgStaff("m-1", True, None), on=DAY) == {A, N, M}
    tomorrow = CdgStaff("m-1", True, DAY + dt.timedelta(days=1))
    assert actor_roles(person(), tomorrow, on=DAY) == {M}  # not yet staff


def test_a_departed_or_erased_person_holds_no_role_at_all_CHA_2_MEM_4_MEM_11() -> None:
    admin = CdgStaff("m-1", True, None)
    later = DAY + dt.timedelta(days=30)
    departed = person(lifecycle=Lifecycle.DEPARTED, departed_on=later)
    assert actor_roles(departed, admin, referent_of=["200069755"], on=DAY) == frozenset()
    erased = person(erased_on=DAY)
    assert actor_roles(erased, admin, on=DAY) == frozenset()
    with pytest.raises(PermissionDeniedError) as caught:
        check_allowed(departed, frozenset(), Operation.GRANT_ACCESS, on=DAY)
    assert caught.value.message == (
        "Anne Chevalier ne peut pas accorder un accès à la plateforme : ses fonctions ont pris "
        "fin le 13/04/2025, et une personne dont les fonctions ont pris fin n'a plus aucun rôle "
        "(il faut être administrateur du CDG, CHA-2)"
    )


def test_the_referent_holds_the_role_of_an_epci_s_community_network_on_the_day_NET_1() -> None:
    networks = [
        Network("n-1", NetworkKind.COMMUNITY, "Mellois", epci="200069755"),
        Network("n-0", NetworkKind.DEPARTMENTAL, "Réseau 79"),
    ]
    roles = [
        RoleAssignment("r-1", "n-1", "m-1", NetworkRole.COMMUNITY_REFERENT, DAY, until=None),
        RoleAssignment("r-2", "n-0", "m-1", NetworkRole.ANIMATOR, DAY),
    ]
    assert referent_epcis("m-1", networks, roles, on=DAY) == {"200069755"}
    assert referent_epcis("m-1", networks, roles, on=DAY - dt.timedelta(days=1)) == frozenset()
    assert referent_epcis("m-2", networks, roles, on=DAY) == frozenset()
    found = referent_epcis("m-1", networks, roles, on=DAY)
    assert actor_roles(person(), None, referent_of=found, on=DAY) == {R, M}


def test_a_refusal_names_the_person_the_role_and_the_rule_CHA_2() -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        check_allowed(person(), frozenset({M}), Operation.BILLING, on=DAY)
    error = caught.value
    assert isinstance(error, RuleViolation) and error.rule == "CHA-2" and error.value == "m-1"
    assert error.message == (
        "Anne Chevalier ne peut pas facturer (stagiaires, interventions, factures) : il faut "
        "être administrateur du CDG ou animateur (agent du CDG) (CHA-2)"
    )
    with pytest.raises(PermissionDeniedError) as sanction:
        check_allowed(person(), frozenset({N, M}), Operation.SANCTION, on=DAY)
    assert sanction.value.rule == "CHA-9" and "(CHA-2, CHA-9)" in sanction.value.message
    assert check_allowed(person(), frozenset({A, N, M}), Operation.ERASE, on=DAY) == person()


def test_docs_security_md_shows_the_matrix_CHA_2() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    header = re.search(r"^\| operation \| (.+?) \| rule \|", text, re.M)
    assert header is not None
    roles = [ActorRole[name.strip().upper()] for name in header.group(1).split("|")]
    assert roles == list(ActorRole)
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| ((?:(?:yes|no) \| )+)", text, re.M))
    assert set(rows) == {op.name for op in Operation}
    for name, cells in rows.items():
        said = [cell.strip() == "yes" for cell in cells.split("|") if cell.strip()]
        assert said == [role in MATRIX[Operation[name]] for role in roles], name
