"""The annual report's extension seam (IND-2): a part of the network's life that has its own
records (élus, tutorships, working groups, suggestions, local networks, means, ages) adds a
:class:`ReportSection` to one of the report's three parts rather than a field to
:class:`~rsgm_core.domain.indicators.AnnualReport`. Values only: the renderers of
:mod:`rsgm_core.render.report` write every section the same way in Markdown, HTML and PDF."""

from __future__ import annotations

import enum

import attrs

__all__ = ["ReportPart", "ReportSection", "ReportTable"]


class ReportPart(enum.Enum):
    """The guide's three parts of the report (Fiche 3.6)."""

    DESCRIPTION = "description"  # "Description du réseau"
    ACTIONS = "actions"  # "Actions menées et évaluation"
    PROJECTS = "projets"  # "Projets pour l'année à venir"


def _texts(values: object) -> tuple[str, ...]:
    return tuple(str(v) for v in values)  # type: ignore[attr-defined]


def _rows(values: object) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(c) for c in row) for row in values)  # type: ignore[attr-defined]


@attrs.frozen
class ReportTable:
    """A table of already formatted French cells; columns from ``numeric_from`` on are
    right-aligned (figures)."""

    head: tuple[str, ...] = attrs.field(converter=_texts)
    rows: tuple[tuple[str, ...], ...] = attrs.field(converter=_rows)
    numeric_from: int | None = None

    @rows.validator
    def _same_width(self, _: object, rows: tuple[tuple[str, ...], ...]) -> None:
        for row in rows:
            if len(row) != len(self.head):
                raise ValueError(f"row {row!r} has {len(row)} cells for {len(self.head)} columns")


@attrs.frozen
class ReportSection:
    """One titled section of the report: sentences (shown as a list), an optional table, and
    what to say when there is nothing to show (``empty``: the section is still printed, so
    a reader sees the subject was looked at)."""

    part: ReportPart
    title: str
    lines: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    table: ReportTable | None = None
    empty: str = "Rien à signaler cette année."

    @property
    def is_empty(self) -> bool:
        return not self.lines and (self.table is None or not self.table.rows)
