"""Town halls in the directory (MEM-2): address, phone and opening days and hours.

Opening hours are read and printed the way a town hall writes them on its door::

    >>> format_hours(parse_hours("Lundi 9h-12h et 14h-17h30, jeu 14h00-18h"))
    'lun. 9h-12h et 14h-17h30, jeu. 14h-18h'

A slot that ends before it starts, or overlaps another slot of the same day, is refused.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import attrs

from rsgm_core.domain.territory import validate_insee_code
from rsgm_core.errors import ValidationError

__all__ = ["DAYS", "Slot", "TownHall", "format_hours", "normalise_hours", "parse_hours"]

DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_DAY_NAMES = {
    "lun": 0, "lundi": 0, "mar": 1, "mardi": 1, "mer": 2, "mercredi": 2, "jeu": 3, "jeudi": 3,
    "ven": 4, "vendredi": 4, "sam": 5, "samedi": 5, "dim": 6, "dimanche": 6,
}  # fmt: skip
_TIME = r"(\d{1,2})\s*(?:h|:)\s*(\d{2})?"
_RANGE = re.compile(rf"{_TIME}\s*(?:-|–|à)\s*{_TIME}")
_GROUP = re.compile(r"^\s*([a-zA-Zéè]+)\.?\s+(.+)$")


@attrs.frozen(order=True)
class Slot:
    """One opening slot: a day (0 = Monday) and minutes since midnight."""

    day: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{DAYS[self.day]} {_clock(self.start)}-{_clock(self.end)}"


def _clock(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def _minutes(hours: str, minutes: str | None, text: str) -> int:
    value = int(hours) * 60 + int(minutes or 0)
    if int(hours) > 24 or int(minutes or 0) > 59 or value > 24 * 60:
        raise ValidationError(
            f"heure invalide dans les horaires : {text!r}", rule="MEM-2", value=text
        )
    return value


def parse_hours(text: str) -> tuple[Slot, ...]:
    """``"lun. 9h-12h, jeu. 14h-18h"`` → slots; several ranges of a day joined by "et" or "/"."""
    slots: list[Slot] = []
    for group in filter(None, (g.strip() for g in re.split(r"[,;]", text or ""))):
        match = _GROUP.match(group)
        day = _DAY_NAMES.get(match.group(1).lower()) if match else None
        if match is None or day is None:
            raise ValidationError(
                f"horaires d'ouverture illisibles : {group!r} (exemple : « lun. 9h-12h, jeu. 14h-18h »)",
                rule="MEM-2",
                value=text,
            )
        ranges = [r.strip() for r in re.split(r"\s+et\s+|/", match.group(2))]
        for part in ranges:
            found = _RANGE.fullmatch(part)
            if found is None:
                raise ValidationError(
                    f"plage horaire illisible : {part!r} dans {text!r} (exemple : 9h-12h)",
                    rule="MEM-2",
                    value=text,
                )
            start = _minutes(found.group(1), found.group(2), part)
            end = _minutes(found.group(3), found.group(4), part)
            if end <= start:
                raise ValidationError(
                    f"horaires d'ouverture : la plage {DAYS[day]} {part} finit avant de commencer",
                    rule="MEM-2",
                    value=text,
                )
            slots.append(Slot(day, start, end))
    slots.sort()
    for before, after in itertools.pairwise(slots):
        if before.day == after.day and after.start < before.end:
            raise ValidationError(
                f"horaires d'ouverture : les plages {before} et {after} se chevauchent",
                rule="MEM-2",
                value=text,
            )
    return tuple(slots)


def format_hours(slots: tuple[Slot, ...]) -> str:
    """``lun. 9h-12h, ven. 9h-12h et 14h-17h``: one group per day, ranges joined by "et"."""
    groups: dict[int, list[str]] = {}
    for slot in sorted(slots):
        groups.setdefault(slot.day, []).append(f"{_clock(slot.start)}-{_clock(slot.end)}")
    return ", ".join(f"{DAYS[day]} {' et '.join(ranges)}" for day, ranges in groups.items())


def normalise_hours(text: str) -> str:
    """The canonical printed form of ``text`` (how it is stored)."""
    return format_hours(parse_hours(text))


def _insee(_: object, __: object, value: str) -> None:
    validate_insee_code(value)


def _address(_: object, __: object, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("adresse de la mairie vide", rule="MEM-2", value=value)


@attrs.frozen
class TownHall:
    """The town hall of a commune, as the directory shows it (MEM-2)."""

    commune: str = attrs.field(validator=_insee)
    address: str = attrs.field(validator=_address)
    opening_hours: str = attrs.field(default="", converter=normalise_hours)
    phone: str | None = None  # E.164
    # The collectivity's contact address (migration 7): the employer told of a revocation or a
    # sanction (CHA-7, CHA-9). A shared mailbox is expected here, unlike a member's address.
    email: str | None = None

    def open_at(self, moment: dt.datetime) -> bool:
        minute = moment.hour * 60 + moment.minute
        return any(
            s.day == moment.weekday() and s.start <= minute < s.end
            for s in parse_hours(self.opening_hours)
        )
