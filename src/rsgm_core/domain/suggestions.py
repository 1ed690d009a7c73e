"""Suggestions of members (NET-6): recorded, examined by the follow-up committee, decided,
answered.

Any member's suggestion is recorded, from the command line or the API (by the member or by the
animation team on their behalf) or through the member's personal link (NOT-3). It goes on the
agenda of the follow-up committee (NET-2): its next meeting on or after the day it was received,
or the next one planned when none is yet. It is decided (accepted, planned, or declined with a
reason) by someone who sits on the follow-up committee, or by a CDG administrator recording the
committee's decision; the answer goes back to its author through the outbox (NOT-1).

Source: ``003`` Fiche 3.6 (« en expliquant aux membres comment leurs suggestions sont prises en
compte », « une instance collective … pour traiter les propositions d'amélioration »).
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from rsgm_core.domain.governance import Committee
from rsgm_core.domain.members import Member
from rsgm_core.errors import PermissionDeniedError, ValidationError

__all__ = [
    "MAX_REASON",
    "MAX_SUGGESTION",
    "Suggestion",
    "SuggestionOutcome",
    "SuggestionSource",
    "check_decider",
    "check_decision",
    "next_meeting",
]

#: A suggestion's text: a few paragraphs.
MAX_SUGGESTION = 4_000
#: The committee's reason or answer.
MAX_REASON = 2_000


class SuggestionOutcome(enum.Enum):
    """NET-6: the committee's decision (value: the word of the command line)."""

    ACCEPTED = "acceptee"
    PLANNED = "planifiee"
    DECLINED = "refusee"

    @property
    def label(self) -> str:
        return {"acceptee": "acceptée", "planifiee": "planifiée", "refusee": "refusée"}[self.value]


class SuggestionSource(enum.Enum):
    """How a suggestion came in."""

    RECORDED = "saisie"  # command line or API
    LINK = "lien personnel"  # NOT-3: the member's own page


@attrs.frozen
class Suggestion:
    """NET-6: one member's suggestion. ``departement``: the department of the committee that
    examines it when the profile keeps one per department (TER-7), else ``""``; ``agenda_on``:
    the follow-up committee's meeting it was put on the agenda of (None: the next one, not yet
    planned); ``answer_id``: the outbox message carrying the answer to its author."""

    id: str
    member_id: str
    text: str
    received_on: dt.date
    source: SuggestionSource = SuggestionSource.RECORDED
    departement: str = ""
    agenda_on: dt.date | None = None
    recorded_by: str | None = None
    outcome: SuggestionOutcome | None = None
    reason: str = ""
    planned_for: dt.date | None = None
    decided_on: dt.date | None = None
    decided_by: str | None = None
    answer_id: str | None = None

    @property
    def decided(self) -> bool:
        return self.outcome is not None


def next_meeting(committee: Committee | None, *, on: dt.date) -> dt.date | None:
    """NET-2, NET-6: the committee's first meeting on or after ``on``, None if none is planned."""
    if committee is None:
        return None
    return min((d for d in committee.meetings if d >= on), default=None)


def check_decision(
    outcome: SuggestionOutcome, reason: str, planned_for: dt.date | None, *, on: dt.date
) -> None:
    """NET-6: a declined suggestion says why (the author is told); a planned one may say when,
    not before the decision."""
    if outcome is SuggestionOutcome.DECLINED and not reason:
        raise ValidationError(
            "une suggestion refusée donne sa raison à son auteur (--raison) : décision "
            "« refusee » sans raison",
            rule="NET-6",
            value=outcome.value,
        )
    if planned_for is not None and outcome is not SuggestionOutcome.PLANNED:
        raise ValidationError(
            f"une date de réalisation ({planned_for:%d/%m/%Y}) ne va qu'avec la décision "
            f"« planifiee », pas « {outcome.value} »",
            rule="NET-6",
            value=planned_for,
        )
    if planned_for is not None and planned_for < on:
        raise ValidationError(
            f"date de réalisation passée : le {planned_for:%d/%m/%Y}, avant la décision du "
            f"{on:%d/%m/%Y}",
            rule="NET-6",
            value=planned_for,
        )


def check_decider(
    member: Member, committee: Committee | None, *, administrator: bool, ended: bool
) -> str:
    """NET-6, NET-2: who decides a suggestion sits on the follow-up committee (a referent's or an
    SGM's seat), or is a CDG administrator recording the committee's decision; returns in what
    quality (French). A person whose functions ended decides nothing (CHA-2)."""
    seats = {s.holder for s in committee.seats} if committee is not None else set()
    if not ended and member.id in seats:
        return "membre du comité de suivi"
    if not ended and administrator:
        return "administrateur du CDG, pour le comité de suivi"
    raise PermissionDeniedError(
        f"{member.full_name} ne siège pas au comité de suivi : une suggestion est décidée par "
        "un membre du comité de suivi (ou un administrateur du CDG qui enregistre sa décision)",
        rule="NET-6",
        value=member.id,
    )
