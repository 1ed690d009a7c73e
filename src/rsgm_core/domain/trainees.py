"""Trainees of the CDG's own training programmes and their included accompaniment (TAR-6).

Re-exported by :mod:`rsgm_core.domain.billing`, which bills what lies beyond the allowance.
"""

from datetime import date, datetime, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from rsgm_core.errors import ValidationError

__all__ = ["Trainee", "trainee_window"]


@attrs.frozen
class Trainee:
    """A trainee or student of one of the CDG's own training programmes (TAR-6)."""

    person: str  # the trainee's name, as written on the programme's roll
    first_job_start: date
    programme: str = ""
    id: str = ""  # storage key, given when stored
    #: CHA-2: who recorded the trainee (a member id); None before migration 18.
    recorded_by: str | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.person, str) or not self.person.strip():
            raise ValidationError(
                f"nom du stagiaire manquant : {self.person!r}", rule="TAR-6", value=self.person
            )
        start = self.first_job_start
        if isinstance(start, datetime) or not isinstance(start, date):
            raise ValidationError(
                f"date de prise de poste invalide : {start!r} (une date attendue)",
                rule="TAR-6",
                value=start,
            )


def trainee_window(trainee: Trainee, months: int = 6) -> tuple[date, date]:
    """The included accompaniment as ``(first day, first day after)`` (TAR-6).

    A start on the 29th-31st whose sixth month is shorter ends on that month's last day inclusive
    (started 31 August → included to 28 or 29 February), see :func:`~.conventions.anniversary`.
    """
    start = trainee.first_job_start
    end = start + relativedelta(months=months)
    if end.day != start.day:  # clipped to a shorter month's last day: that day is included
        end += timedelta(days=1)
    return start, end
