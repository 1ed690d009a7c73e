"""Messages that ask people to act through their own link (NOT-3): directory consent (MEM-3),
directory update (MEM-2), platform access (CHA-2). Not part of the public API: see
``app.links.send_requests``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rsgm_core.domain.directory import ConsentScope
from rsgm_core.domain.links import LinkPurpose
from rsgm_core.domain.members import Lifecycle
from rsgm_core.errors import ValidationError
from rsgm_core.services.links import LinkMaker, person_of

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["request_links", "send_link_requests"]


def send_link_requests(deps: Deps, purpose: LinkPurpose, member_ids: Iterable[str] | None) -> int:
    """:meth:`LinkService.send_requests`: how many messages were queued."""
    chosen = purpose
    if chosen not in _REQUESTS:
        words = ", ".join(p.value for p in _REQUESTS)
        raise ValidationError(
            f"aucun message de demande pour « {chosen.value} » (au choix : {words})",
            rule="NOT-3",
            value=chosen.value,
        )
    if chosen is LinkPurpose.ACCESS:
        from rsgm_core.domain.access_records import check_requests_allowed

        check_requests_allowed(deps.settings.policies.access)
    from rsgm_core.services.outbox import queue_message

    today = deps.today()
    with deps.transaction() as uow:
        if member_ids is None:
            people = [m for m in uow.members.list({"lifecycle": Lifecycle.ACTIVE})
                      if m.email and not m.erased]  # fmt: skip
            if chosen is LinkPurpose.CONSENT:
                given = {c.member_id for c in uow.consents.list({"scope": ConsentScope.DIRECTORY})
                         if c.current_on(today)}  # fmt: skip
                people = [m for m in people if m.id not in given]
        else:
            people = [person_of(uow, i, chosen) for i in dict.fromkeys(member_ids)]
        maker = LinkMaker(deps)
        sent = 0
        for member in people:
            if not member.email:
                continue
            links = request_links(maker, chosen, member.id)
            queue_message(deps, uow, _REQUESTS[chosen], member.email,
                          {"member": member, "links": links})  # fmt: skip
            sent += 1
    return sent


_REQUESTS = {
    LinkPurpose.CONSENT: "consent_request",
    LinkPurpose.DIRECTORY: "directory_update_request",
    LinkPurpose.ACCESS: "access_invitation",
}


def request_links(maker: LinkMaker, purpose: LinkPurpose, member_id: str) -> dict[str, str]:
    if purpose is LinkPurpose.CONSENT:
        scope = ConsentScope.DIRECTORY.value
        return {
            "consent": maker.url(LinkPurpose.CONSENT, member_id, scope),
            "withdraw": maker.url(LinkPurpose.WITHDRAW_CONSENT, member_id, scope),
        }
    return {
        "directory" if purpose is LinkPurpose.DIRECTORY else "access": maker.url(purpose, member_id)
    }
