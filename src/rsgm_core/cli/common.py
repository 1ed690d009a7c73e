"""Pieces every sub-command shares: the --db option, opening the app, tables, progress.

``print_table`` lives in :mod:`rsgm_core.render.text`, which ``rsgm demo`` shares; it stays
importable from here."""

from __future__ import annotations

import argparse
import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsgm_core.cli.progress import ProgressBar  # the progress line lives in .progress
from rsgm_core.errors import ValidationError
from rsgm_core.render.text import print_table

if TYPE_CHECKING:  # imported when a command opens its database (issue 24: start-up)
    from rsgm_core.app import App
    from rsgm_core.settings import Settings

ENV_CONFIG = "RSGM_CONFIG"
#: CHA-2: who acts, when ``--par`` is not given (before the profile's ``[animation] acteur``).
ENV_ACTOR = "RSGM_ACTEUR"

__all__ = [
    "ProgressBar",
    "actor",
    "add_actor_option",
    "add_db_option",
    "check_output",
    "decimal_number",
    "load_settings",
    "open_app",
    "print_table",
    "whole_number",
]


def decimal_number(text: str) -> Decimal:
    """argparse ``type=`` for a number written the French way (``350,50``, ``1 200``): NaN,
    infinities and text that is not a number are refused at parsing, in French; the range is
    the domain's to check (docs/limits.md), so the API and the command line refuse alike."""
    from rsgm_core.domain.bounds import parse_decimal
    from rsgm_core.errors import RsgmError

    try:
        return parse_decimal(text, what="nombre", rule=None)
    except RsgmError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def whole_number(text: str) -> int:
    """argparse ``type=`` for a whole number: ``nan``, ``inf``, ``1e3``, ``12,5`` and garbage are
    refused in French, naming the value; ``1 000`` is read as 1000."""
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?[0-9]{1,18}", cleaned):
        raise argparse.ArgumentTypeError(
            f"valeur invalide {text!r} (un nombre entier est attendu, par exemple 90)"
        )
    return int(cleaned)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="CHEMIN",
        help="fichier SQLite ou URL de base (défaut : $RSGM_DB, sinon la base du profil, "
        "sinon le dossier de données)",
    )
    parser.add_argument(
        "--config",
        metavar="PROFIL",
        help="profil du CDG (défaut : $RSGM_CONFIG, sinon rsgm.toml du dossier courant s'il existe)",
    )


def load_settings(args: argparse.Namespace) -> Settings:
    """The CDG's profile: ``--config``, else ``$RSGM_CONFIG``, else ``rsgm.toml`` of the current
    folder if there is one, else the defaults (no identity, no grid). A profile named on the
    command line or in the environment that does not exist is an error, never a silent default."""
    from rsgm_core.profile_file import PROFILE_NAME, read_profile
    from rsgm_core.settings import Settings

    if getattr(args, "config", None):
        return read_profile(Path(args.config), named_by="--config")
    if os.environ.get(ENV_CONFIG):
        return read_profile(Path(os.environ[ENV_CONFIG]), named_by=f"${ENV_CONFIG}")
    if Path(PROFILE_NAME).is_file():
        return read_profile(Path(PROFILE_NAME))
    return Settings()


def add_actor_option(parser: argparse.ArgumentParser, what: str = "qui agit") -> None:
    """CHA-2: ``--par PERSONNE``, the person doing an administrative act."""
    parser.add_argument(
        "--par",
        dest="by",
        metavar="PERSONNE",
        help=f"{what} : identifiant (ou ses 8 premiers caractères) ou adresse d'un membre ; "
        f"défaut : ${ENV_ACTOR}, sinon « acteur » de la section [animation] du profil",
    )


def actor(args: argparse.Namespace) -> str:
    """CHA-2: who does the act: ``--par``, else ``$RSGM_ACTEUR``, else the profile's
    ``[animation] acteur``; nobody named is an error (exit 2) saying how to name oneself."""
    from rsgm_core.profile_file import profile_actor

    given = getattr(args, "by", None) or os.environ.get(ENV_ACTOR, "").strip()
    if not given:
        given = profile_actor(load_settings(args).source) or ""
    if not given:
        raise ValidationError(
            "cette commande d'administration nomme qui la fait (CHA-2) : ajoutez « --par "
            f"PERSONNE » (identifiant ou adresse d'un membre), ou définissez ${ENV_ACTOR}, ou "
            "la clé « acteur » de la section [animation] du profil rsgm.toml",
            rule="CHA-2",
        )
    return given


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


def open_app(args: argparse.Namespace, *, create: bool = False, **options: Any) -> App:
    """The app on the command's database (``--db``, ``$RSGM_DB``, the profile's, the default
    one): an existing database, unless ``create`` (``rsgm db init``); see :mod:`.database`."""
    import rsgm_core
    from rsgm_core.cli.database import chosen_database

    options.setdefault("settings", load_settings(args))
    url = chosen_database(args, options["settings"], create=create)
    return rsgm_core.open(url, **options)


def check_output(output: str | None) -> None:
    """Before a command that records something (an export's state) writes to ``--output``: the
    file must be writable, or the command stops before acting (a folder, a missing folder, no
    permission: the ``OSError`` is the command's French error, exit status 2). An existing file
    is left as it is; a new one is removed again."""
    if output is None:
        return
    path = Path(output)
    existed = path.exists()
    with path.open("a", encoding="utf-8"):
        pass
    if not existed:
        path.unlink()


def write_output(data: str | bytes, output: str | None) -> None:
    """``data`` to standard output, or to the file ``output`` (saying where it was written)."""
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    path = Path(output)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")
    print(f"écrit : {path}")
