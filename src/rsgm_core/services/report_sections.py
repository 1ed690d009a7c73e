"""The annual report's sections contributed by the parts of the network with their own records
(IND-2). Each source reads, in the report's own unit of work (one snapshot), what it needs for
the report's period and scope, and returns a :class:`ReportSection`, or ``None`` when the subject
does not apply to this CDG. A new part adds its source to :data:`REPORT_SECTIONS`: the report,
its renderers and the demo then show it without other change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rsgm_core.domain.indicators import Period, Scope
from rsgm_core.domain.report_sections import ReportSection
from rsgm_core.services.ages import report_section as ages_section
from rsgm_core.services.elu_report import elus_section
from rsgm_core.services.group_report import suggestions_section, working_groups_section
from rsgm_core.services.local_networks import local_network_section
from rsgm_core.services.means_report import MEANS_SECTIONS, sharing
from rsgm_core.services.tutorship import tutorship_section

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["REPORT_SECTIONS", "SectionSource", "collect_sections"]

#: a section's source: (dependencies, the report's reading unit of work, period, scope)
SectionSource = Callable[["Deps", "UnitOfWork", Period, Scope], "ReportSection | None"]

#: the sources, in the order their sections are printed within each part
REPORT_SECTIONS: list[SectionSource] = [
    ages_section,  # IND-4
    elus_section,  # MEM-12, EVT-2
    local_network_section,  # NET-7
    tutorship_section,  # MEM-13
    working_groups_section,  # NET-5
    suggestions_section,  # NET-6
    *MEANS_SECTIONS,  # NET-8: budget, venues and speakers, animators' time
]


def collect_sections(
    deps: Deps, uow: UnitOfWork, period: Period, scope: Scope
) -> tuple[ReportSection, ...]:
    """Every source's section for the report of ``period`` over ``scope``."""
    with sharing():  # the means' three sections read the year's means once
        found = [source(deps, uow, period, scope) for source in REPORT_SECTIONS]
    return tuple(section for section in found if section is not None)
