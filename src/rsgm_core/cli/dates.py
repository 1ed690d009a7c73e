"""argparse ``type=`` for a day written ``AAAA-MM-JJ``, refused in French naming the value."""

from __future__ import annotations

import argparse
import datetime as dt

__all__ = ["iso_date"]


def iso_date(value: str) -> dt.date:
    """``2026-03-02`` -> a date; anything else a French parsing error naming the value."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide : {value!r} (format attendu : AAAA-MM-JJ, par exemple 2026-03-02)"
        ) from None
