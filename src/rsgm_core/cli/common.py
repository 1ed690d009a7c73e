"""Pieces every sub-command shares: the --db option, opening the app, tables, progress.

``print_table`` lives in :mod:`rsgm_core.render.text`, which ``rsgm demo`` shares; it stays
importable from here."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rsgm_core.app import App
from rsgm_core.render.text import print_table

__all__ = ["ProgressBar", "add_db_option", "open_app", "print_table"]


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="CHEMIN",
        help="fichier SQLite ou URL de base (défaut : $RSGM_DB, sinon le dossier de données)",
    )


def add_group(commands: Any, name: str, help: str) -> Any:
    """A command ``name`` whose actions (``rsgm name ACTION``) are added to what it returns."""
    group = commands.add_parser(name, help=help)
    actions = group.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    return actions


def add_action(actions: Any, name: str, help: str, handler: Any) -> argparse.ArgumentParser:
    """A subcommand ``name`` of ``actions`` that runs ``handler`` and takes ``--db``."""
    parser = actions.add_parser(name, help=help)
    add_db_option(parser)
    parser.set_defaults(handler=handler)
    return parser


def open_app(args: argparse.Namespace, **options: Any) -> App:
    import rsgm_core

    url = args.db
    if url and "://" not in url:
        url = f"sqlite:///{url}"
    return rsgm_core.open(url, **options)


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
