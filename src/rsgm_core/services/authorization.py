"""CHA-2: the one check every administrative use case makes first, inside its own unit of work:
:func:`authorize` finds the acting person ``by``, reads what their roles rest on at the date of
the act (their CDG staff record, the community networks and their referents) and applies the
matrix of :mod:`rsgm_core.domain.authorization`. A refusal raises before anything is written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rsgm_core.domain.authorization import (
    RULES,
    ActorRole,
    Operation,
    actor_roles,
    check_allowed,
    referent_epcis,
)
from rsgm_core.errors import ValidationError
from rsgm_core.services.naming import find

if TYPE_CHECKING:
    from rsgm_core.domain.members import Member
    from rsgm_core.ports import UnitOfWork

__all__ = ["authorize", "roles_of"]


def _actor(uow: UnitOfWork, by: str | None, *, rule: str) -> Member:
    """The acting person named the one way: id, id prefix (8 characters or more) or e-mail
    address (:func:`rsgm_core.services.naming.find`)."""
    ref = (by or "").strip() if isinstance(by, str) or by is None else None
    if ref is None:
        raise ValidationError(
            f"qui agit (« par ») doit être un identifiant ou une adresse : {by!r}",
            rule=rule,
            value=by,
        )
    if not ref:
        raise ValidationError(
            "tout acte d'administration nomme qui le fait (« par » : identifiant ou adresse "
            "d'un membre)",
            rule=rule,
            value=by,
        )
    found: Member = find(uow, "members", ref, rule=rule)
    return found


def roles_of(uow: UnitOfWork, member: Member, *, on: dt.date) -> frozenset[ActorRole]:
    """CHA-2: the roles ``member`` holds on ``on``, read from storage."""
    epcis = referent_epcis(
        member.id,
        uow.networks.list(),
        uow.network_roles.list({"member_id": member.id}),
        on=on,
    )
    return actor_roles(member, uow.cdg_staff.find(member.id), referent_of=epcis, on=on)


def authorize(
    uow: UnitOfWork,
    by: str | None,
    operation: Operation,
    *,
    on: dt.date,
    rule: str | None = None,
) -> Member:
    """CHA-2: the person ``by`` (id, id prefix or e-mail) may do ``operation`` on ``on``; their
    member record, else a :class:`~rsgm_core.errors.PermissionDeniedError` naming them, the role
    they lack and the rule (``rule`` where another rule than CHA-2 says who acts)."""
    member = _actor(uow, by, rule=rule or RULES.get(operation, "CHA-2"))
    return check_allowed(member, roles_of(uow, member, on=on), operation, on=on, rule=rule)
