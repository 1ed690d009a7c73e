"""Records made by plain slot stores, then given their class.

A frozen attrs class guards each field with a call (``__setattr__`` refuses, so a builder calls
each slot's ``__set__``); a subclass adding no slot and allowing assignment lets ``o.x = v`` run
as a direct slot store, after which ``o.__class__ = cls`` (allowed between these two identical
layouts) makes ``o`` an ordinary record of ``cls``. The storage's bulk reader
(:mod:`rsgm_core.plugins.sql.rows`) and the member import's record maker
(:mod:`rsgm_core.services.import_records`) build their records this way; each is compared with
the validating constructor by a property test.
"""

from __future__ import annotations

from typing import Any

__all__ = ["slot_builder"]


def slot_builder(cls: type) -> type | None:
    """The assignable subclass of the slotted ``cls``; ``None`` for a class without slots, or
    when the interpreter refuses the ``__class__`` assignment (callers then use each slot's
    ``__set__``)."""
    if "__slots__" not in cls.__dict__:
        return None
    builder = type(
        f"_{cls.__name__}Builder",
        (cls,),
        {
            "__slots__": (),
            "__module__": __name__,
            "__setattr__": object.__setattr__,  # both: they share the one type slot
            "__delattr__": object.__delattr__,
        },
    )
    try:
        probe: Any = object.__new__(builder)
        probe.__class__ = cls
    except TypeError:
        return None
    return builder
