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

__all__ = ["Helper", "helper_of", "rank_helpers"]


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
        got_tools = [(tools[k].value, tools[k].mastered) for k in software if k in tools]
        ranked.append(
            helper_of(
                member,
                tuple(f"{c.name} ({c.code})" for c in communes),
                same_epci=same_epci,
                skills=got_skills,
                tools=got_tools,
                same_arrondissement=same_arr,
                same_departement=same_dep,
            )
        )
    ranked.sort(key=lambda h: (tuple(-s for s in h.score), h.member.last_name, h.member.id))
    return ranked


def helper_of(
    member: Member,
    communes: tuple[str, ...],
    *,
    same_epci: bool,
    skills: Sequence[str],
    tools: Sequence[tuple[str, bool]],
    same_arrondissement: bool,
    same_departement: bool,
) -> Helper:
    """MEM-9: one helper, their score and the reasons for it: ``skills`` the labels of the
    expertises asked that they hold, ``tools`` the software asked that they use (label,
    mastered), both in the order asked; ``communes`` where they work ("Aubigny (79019)")."""
    reasons = []
    if same_epci:
        reasons.append("même EPCI")
    if skills:
        reasons.append("expertise : " + ", ".join(skills))
    mastered = 0
    if tools:
        labels = []
        for value, master in tools:
            if master:
                mastered += 1
                labels.append(f"{value} (maîtrisé)")
            else:
                labels.append(f"{value} (utilisé)")
        reasons.append("logiciel : " + ", ".join(labels))
    if same_arrondissement:
        reasons.append("même arrondissement")
    if same_departement:
        reasons.append("même département")
    if not reasons:
        reasons.append("volontaire hors du département")
    score = (
        1 if same_epci else 0,
        len(skills),
        len(tools),
        mastered,
        1 if same_arrondissement else 0,
        1 if same_departement else 0,
    )
    return Helper(member, score, tuple(reasons), communes)
