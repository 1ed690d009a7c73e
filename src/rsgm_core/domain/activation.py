"""Network activation (MEM-9): who can help a collectivity in difficulty, and why in that order.

Helpers are active members who opted in. They are ranked by, in this order: same EPCI as the
collectivity, number of expertises asked that they have, number of software asked that they use
(mastered counts before used), same arrondissement, same department. Each helper comes with the
reasons, in French, that put them where they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from rsgm_core.domain.directory import DirectoryFact, FactKind, facts_by_member
from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.domain.territory import Commune

__all__ = ["Helper", "rank_helpers"]


@attrs.frozen
class Helper:
    member: Member
    score: tuple[int, ...]
    reasons: tuple[str, ...]
    communes: tuple[str, ...]  # where the helper works


def rank_helpers(
    target: Commune,
    members: Iterable[Member],
    places: Mapping[str, Sequence[Commune]],
    facts: Iterable[DirectoryFact],
    *,
    expertises: Sequence[str] = (),
    software: Sequence[str] = (),
) -> list[Helper]:
    """MEM-9: ``places`` maps a member id to the communes of their current positions;
    ``expertises``/``software`` are folded keys."""
    held = facts_by_member(facts)
    ranked = []
    for member in members:
        communes = [c for c in places.get(member.id, ()) if c.code != target.code]
        if (
            not member.helper
            or member.lifecycle is not Lifecycle.ACTIVE
            or member.erased
            or not communes
        ):
            continue
        mine = held.get(member.id, {})
        skills = mine.get(FactKind.EXPERTISE, {})
        tools = mine.get(FactKind.SOFTWARE, {})
        same_epci = target.epci is not None and any(c.epci == target.epci for c in communes)
        same_arr = target.arrondissement is not None and any(
            c.arrondissement == target.arrondissement for c in communes
        )
        same_dep = any(c.departement == target.departement for c in communes)
        got_skills = [skills[k].value for k in expertises if k in skills]
        got_tools = [tools[k] for k in software if k in tools]
        mastered = sum(1 for f in got_tools if f.mastered)
        reasons = []
        if same_epci:
            reasons.append("même EPCI")
        if got_skills:
            reasons.append("expertise : " + ", ".join(got_skills))
        if got_tools:
            reasons.append("logiciel : " + ", ".join(f.software_label for f in got_tools))
        if same_arr:
            reasons.append("même arrondissement")
        if same_dep:
            reasons.append("même département")
        if not (same_epci or got_skills or got_tools or same_arr or same_dep):
            reasons.append("volontaire hors du département")
        score = (
            int(same_epci),
            len(got_skills),
            len(got_tools),
            mastered,
            int(same_arr),
            int(same_dep),
        )
        ranked.append(
            Helper(
                member,
                score,
                tuple(reasons),
                tuple(f"{c.name} ({c.code})" for c in communes),
            )
        )
    ranked.sort(key=lambda h: (tuple(-s for s in h.score), h.member.last_name, h.member.id))
    return ranked
