"""Pieces every sub-command shares: the --db option, opening the app, tables, progress."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from rsgm_core.app import App


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="CHEMIN",
        help="fichier SQLite ou URL de base (défaut : $RSGM_DB, sinon le dossier de données)",
    )


def open_app(args: argparse.Namespace, **options: Any) -> App:
    import rsgm_core

    url = args.db
    if url and "://" not in url:
        url = f"sqlite:///{url}"
    return rsgm_core.open(url, **options)


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], *, numeric: set[int] = frozenset()
) -> None:
    """A plain aligned table; numbers right-aligned and formatted the French way."""
    from rsgm_core.render.formatting import format_number

    cells = [
        [
            format_number(v)
            if i in numeric and isinstance(v, int)
            else ("" if v is None else str(v))
            for i, v in enumerate(row)
        ]
        for row in rows
    ]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


class ProgressBar:
    """A progress bar on stderr when it is a terminal; silent otherwise (logs, pipes)."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.active or total <= 0:
            return
        width = 30
        filled = int(width * done / total)
        percent = int(100 * done / total)
        self.stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {percent:3d} % {step:<12}")
        if done >= total and step == "populations":
            self.stream.write("\n")
        self.stream.flush()
