"""The one cattrs converter of rsgm_core, used by storage and by every export.

Records become plain JSON-compatible values: dates and zoned datetimes as ISO 8601 strings (with
the zone's name, RFC 9557), ``Decimal``
as a string (never a float, TAR-7), enums as their value, tuples and frozensets as lists. Structuring is
strict: unknown keys are refused, a naive datetime is refused, and a failure becomes a
:class:`~rsgm_core.errors.ValidationError` whose message lists every bad field.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import cattrs
from cattrs.preconf.json import make_converter as _make_json_converter

from rsgm_core.errors import RsgmError, ValidationError

__all__ = ["converter", "make_converter", "structure", "unstructure"]

T = TypeVar("T")


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return dt.date.fromisoformat(value)


def structure_datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment, zone = value, ""
    else:
        text, _bracket, zone = str(value).partition("[")
        moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        # A wall-clock time without its zone is ambiguous twice a year in Europe/Paris.
        raise ValueError(f"date et heure sans fuseau horaire : {value!r}")
    if zone:
        moment = moment.astimezone(ZoneInfo(zone.rstrip("]")))
    return moment


def _unstructure_datetime(value: dt.datetime) -> str:
    """ISO 8601 with the offset, then the zone's name as RFC 9557 writes it
    (``2025-10-26T02:30:00+01:00[Europe/Paris]``): the instant and the zone both come back."""
    if value.tzinfo is None:
        raise ValidationError(
            f"date et heure sans fuseau horaire : {value.isoformat()}", value=value
        )
    if isinstance(value.tzinfo, ZoneInfo):
        return f"{value.isoformat()}[{value.tzinfo.key}]"
    return value.isoformat()


def _structure_time(value: Any, _: type) -> dt.time:
    """A wall-clock time (``09:30``) without zone: a session's zone is the CDG's."""
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(value)


def _unstructure_time(value: dt.time) -> str:
    return value.isoformat(timespec="minutes" if not value.second else "seconds")


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, float):
        raise ValueError(f"montant en virgule flottante refusé : {value!r}")
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(f"montant illisible : {value!r}") from None


def make_converter() -> cattrs.Converter:
    """Build the converter. Simple-type hooks are registered first: cattrs captures them when it
    generates the functions for attrs classes, so a hook added later would be ignored."""
    conv = _make_json_converter(forbid_extra_keys=True)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.datetime, structure_datetime)
    conv.register_structure_hook(dt.time, _structure_time)
    conv.register_unstructure_hook(dt.time, _unstructure_time)
    conv.register_unstructure_hook(dt.datetime, _unstructure_datetime)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    return conv


converter = make_converter()


def unstructure(obj: Any) -> Any:
    """Turn a record (or anything the converter knows) into JSON-compatible values."""
    return converter.unstructure(obj)


def _first_rsgm_error(exc: BaseException) -> RsgmError | None:
    """A rule error raised by a validator inside a record is more useful than cattrs' wrapper."""
    if isinstance(exc, RsgmError):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = _first_rsgm_error(inner)
        if found is not None:
            return found
    return None


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from plain values, raising :class:`ValidationError` naming every bad field."""
    try:
        return converter.structure(data, cls)
    except RsgmError:
        raise
    except Exception as exc:  # cattrs raises a tree of errors; flatten it for the user
        own = _first_rsgm_error(exc)
        if own is not None:
            raise own from exc
        details = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        raise ValidationError(f"{cls.__name__} invalide : {details}", value=data) from exc
