"""An enum member from what a caller or a file gives: the member itself, its value (``"maire"``)
or its name in lower case (``"mayor"``); anything else is refused naming the allowed values."""

from __future__ import annotations

import enum
from typing import TypeVar

from rsgm_core.errors import ValidationError

E = TypeVar("E", bound=enum.Enum)

__all__ = ["read_enum"]


def read_enum(
    kind: type[E],
    value: E | str,
    unknown: str,
    *,
    rule: str | None = None,
    choices: str = "valeurs",
) -> E:
    """``value`` as a member of ``kind``, else a :class:`ValidationError` that reads
    ``"<unknown> : 'x' (<choices> : a, b, c)"`` and names ``rule``."""
    if isinstance(value, kind):
        return value
    for member in kind:
        if value in (member.value, member.name.lower()):
            return member
    allowed = ", ".join(str(m.value) for m in kind)
    raise ValidationError(f"{unknown} : {value!r} ({choices} : {allowed})", rule=rule, value=value)
