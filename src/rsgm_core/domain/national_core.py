"""The national common core of questions (SUR-2, IND-3): what one CDG's campaigns of the
ANDCDG's shared questionnaire contribute to the national export, with no personal data. The
questionnaires themselves are surveys (:mod:`rsgm_core.services.surveys`); the export suppresses
small cells and compares each campaign with the baseline one (T0) of the same core."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["CoreCampaign"]


def _counts(value: Mapping[str, Mapping[str, int]]) -> Mapping[str, Mapping[str, int]]:
    return {str(q): {str(c): int(n) for c, n in per.items()} for q, per in value.items()}


@attrs.frozen
class CoreCampaign:
    """One campaign of the national core: how many persons were asked and answered, and for each
    core question (its stable key, shared by every CDG), how many persons gave each answer
    (a choice's key, or a band for a number or a scale). Free texts never enter it."""

    label: str  # "Campagne nationale 2025 (T0)"
    year: int
    baseline: bool  # the first campaign of the core, against which later ones are compared
    invited: int
    respondents: int
    answers: Mapping[str, Mapping[str, int]] = attrs.field(converter=_counts, factory=dict)
