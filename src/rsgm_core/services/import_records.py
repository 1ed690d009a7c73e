"""Records made from values the member import has already checked (MEM-1).

The import checks every cell of every row against the rules the records' validators enforce (a
name is not blank, a commune's INSEE code comes from the census, a work time went through
:func:`~rsgm_core.domain.members.validate_work_time`), before anything is written. Building each
``Member`` and ``Position`` through its attrs ``__init__`` would run those validators (and the work
time's converter) a second time for every row: :func:`maker` gives a function that sets the
fields named, the others at their defaults, and runs nothing else. Only for values already
checked by the same rules; a property test compares its records with the class's own on random
values (tests/property/test_import_records.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from rsgm_core.slot_builder import slot_builder

__all__ = ["maker"]

T = TypeVar("T")


@functools.cache
def maker(cls: type[T], names: tuple[str, ...]) -> Callable[..., T]:
    """A function taking the values of the fields ``names`` of the attrs class ``cls``, in that
    order, and giving the record, every other field at its default (a factory called), without
    the class's validators or converters."""
    fields = {f.name: f for f in attrs.fields(cls)}  # type: ignore[arg-type]
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        raise TypeError(f"{cls.__name__} runs code on init: build it with its __init__")
    unknown = [n for n in names if n not in fields]
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {unknown[0]!r}")
    builder = slot_builder(cls)
    namespace: dict[str, Any] = {
        "new": object.__new__, "cls": cls, "bind": object.__setattr__, "builder": builder
    }  # fmt: skip
    if builder is None:
        lines = ["    self = new(cls)", "    _set = bind.__get__(self)"]
        store = "    _set({0!r}, {1})"
    else:
        lines = ["    self = new(builder)"]
        store = "    self.{0} = {1}"
    for name, field in fields.items():
        if name in names:
            lines.append(store.format(name, name))
            continue
        default = field.default
        if default is attrs.NOTHING:
            raise TypeError(f"{cls.__name__}.{name} has no default: name it")
        namespace[f"d_{name}"] = default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                raise TypeError(f"{cls.__name__}.{name}: a factory taking self: name it")
            namespace[f"d_{name}"] = default.factory
            lines.append(store.format(name, f"d_{name}()"))
        else:
            lines.append(store.format(name, f"d_{name}"))
    if builder is not None:
        lines.append("    self.__class__ = cls")
    source = f"def make({', '.join(names)}):\n" + "\n".join(lines) + "\n    return self\n"
    exec(compile(source, f"<unchecked maker for {cls.__name__}>", "exec"), namespace)
    make: Callable[..., T] = namespace["make"]
    return make
