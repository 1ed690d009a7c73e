"""argparse in French: its own texts (usage, headings, ``-h``, every error), one option spelling per
concept with today's other spellings kept as hidden aliases, and French names for option values.

argparse looks its texts up through ``gettext`` at the moment it uses them (``argparse._``); a
:class:`FrenchParser` swaps in the French catalogue below while it builds itself, formats its help
and parses, and puts argparse's own lookup back afterwards, so other parsers of the process keep
their language. A text argparse would show that the catalogue lacks stays English, and the test of
the whole command line (``tests/unit/test_cli_language.py``) finds it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

__all__ = [
    "ALIASES",
    "METAVARS",
    "OWN_CONCEPT",
    "SPELLINGS",
    "FrenchHelpFormatter",
    "FrenchParser",
    "french_argparse",
]

EXIT_ERROR = 2

#: argparse's texts (Python 3.11 to 3.13) and their French.
CATALOG = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "optional arguments": "options",
    "options": "options",
    "subcommands": "sous-commandes",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue %(parser_name)r (au choix : %(choices)s)"
    ),
    'argument "-" with mode %r': "« - » ne peut pas s'ouvrir en mode %r",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "not allowed with argument %s": "ne va pas avec l'argument %s",
    "ignored explicit argument %r": "cette option ne prend pas de valeur (%r donné)",
    "the following arguments are required: %s": "argument obligatoire manquant : %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (au choix : %(choices)s)"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s : attention : %(message)s\n",
    "option '%(option)s' is deprecated": "l'option « %(option)s » est dépréciée",
    "argument '%(argument_name)s' is deprecated": "l'argument « %(argument_name)s » est déprécié",
    "command '%(parser_name)s' is deprecated": "la commande « %(parser_name)s » est dépréciée",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): (
        "%s valeur attendue",
        "%s valeurs attendues",
    ),
}

#: One French spelling per concept: the spelling, what it names (the table of docs/cli.md).
SPELLINGS = {
    "--annee": "a year (an exercise, the year of a report or a listing)",
    "--le": "the date of an act (departure, signature, membership, intervention…)",
    "--du": "the first day of a period",
    "--au": "the last day of a period, or the day one looks from",
    "--sortie": "the file written (else standard output); also -o",
    "--niveau": "how a table is grouped",
    "--type": "the kind of an event, a resource, a billed service",
    "--statut": "the state a listing keeps (message, request, commune)",
    "--perimetre": "the scope of a computation (cdg, departement:CODE, epci:SIREN)",
    "--depuis-dernier": "only what changed since the last export",
    "--par": "who acts (CHA-2)",
    "--partie": "the party who acts in an agreement or a notice",
    "--duree": "a duration in minutes",
    "--stagiaire": "a trainee accompanied",
    "--reference": "a reference (convention, order form, ticket)",
    "--demandeur": "who asked",
    "--demande-le": "the date of the request",
    "--debut": "the first day or instant",
    "--jours": "a horizon in days",
    "--sur-place": "on site",
    "--contexte": "the values a message template is shown with",
    "--echec": "the messages that failed for good",
    "--espace": "a space of the platform",
    "--adresse": "the address a server listens on",
    "--fichier-texte": "the file holding a text (charter, newsletter, resource)",
    "--date-deliberation": "the date of the town council's deliberation",
    "--numero-deliberation": "the number of that deliberation",
}

#: Today's other spellings, kept working but not shown: alias -> the spelling shown.
ALIASES = {
    "--year": "--annee",
    "--date": "--le",
    "--from": "--du",
    "--to": "--au",
    "--output": "--sortie",
    "--level": "--niveau",
    "--kind": "--type",
    "--status": "--statut",
    "--etat": "--statut",
    "--scope": "--perimetre",
    "--since-last": "--depuis-dernier",
    "--by": "--partie",
    "--minutes": "--duree",
    "--trainee": "--stagiaire",
    "--ref": "--reference",
    "--requested-by": "--demandeur",
    "--requested-on": "--demande-le",
    "--start": "--debut",
    "--days": "--jours",
    "--on-site": "--sur-place",
    "--context": "--contexte",
    "--dead": "--echec",
    "--id": "--espace",
    "--host": "--adresse",
    "--deliberation-date": "--date-deliberation",
    "--deliberation-number": "--numero-deliberation",
    "--texte": "--fichier-texte",  # only beside it: « rsgm toolbox add --texte » is the text itself
}

#: Spellings of :data:`ALIASES` that name another concept where their French spelling is absent.
OWN_CONCEPT = frozenset({"--texte"})

#: The value's name shown beside a spelling, when the command gives none.
METAVARS = {
    "--annee": "AAAA",
    "--le": "AAAA-MM-JJ",
    "--du": "AAAA-MM-JJ",
    "--au": "AAAA-MM-JJ",
    "--demande-le": "AAAA-MM-JJ",
    "--date-deliberation": "AAAA-MM-JJ",
    "--sortie": "FICHIER",
    "--par": "PERSONNE",
    "--duree": "MINUTES",
    "--jours": "JOURS",
    "--perimetre": "PÉRIMÈTRE",
}

#: What a value of an argparse ``type=`` looks like, for the French error on a bad one.
_EXPECTED = {
    "int": "un nombre entier est attendu",
    "float": "un nombre est attendu",
    "fromisoformat": "une date AAAA-MM-JJ est attendue",
    "Path": "un chemin de fichier est attendu",
}


def _hidden(spelling: str, spellings: Sequence[str]) -> bool:
    """An alias is hidden beside the spelling it stands for."""
    return ALIASES.get(spelling) in spellings


def _action_name(argument: argparse.Action | None) -> str | None:
    """How an error names an argument: its shown spellings (``--annee``, not ``--annee/--year``),
    else its value's name."""
    if argument is None:
        return None
    if argument.option_strings:
        return "/".join(
            s for s in argument.option_strings if not _hidden(s, argument.option_strings)
        )
    if argument.metavar not in (None, argparse.SUPPRESS):
        return str(argument.metavar)
    if argument.dest not in (None, argparse.SUPPRESS):
        return str(argument.dest)
    if argument.choices:
        return "{" + ",".join(str(c) for c in argument.choices) + "}"
    return None


def _gettext(message: str) -> str:
    return CATALOG.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    french = PLURALS.get((singular, plural))
    if french is None:
        return singular if n == 1 else plural
    return french[0] if n == 1 else french[1]


@contextmanager
def french_argparse() -> Iterator[None]:
    """argparse's own texts in French inside the block (nested blocks are fine)."""
    saved = argparse._, argparse.ngettext, argparse._get_action_name  # type: ignore[attr-defined]
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    argparse._get_action_name = _action_name
    try:
        yield
    finally:
        argparse._, argparse.ngettext, argparse._get_action_name = saved  # type: ignore[attr-defined]


class FrenchHelpFormatter(argparse.HelpFormatter):
    """Help that shows one spelling per option: the aliases of :data:`ALIASES` stay hidden."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        shown = [s for s in action.option_strings if not _hidden(s, action.option_strings)]
        if not action.option_strings or len(shown) == len(action.option_strings) or not shown:
            return super()._format_action_invocation(action)
        hidden = action.option_strings
        action.option_strings = shown
        try:
            return super()._format_action_invocation(action)
        finally:
            action.option_strings = hidden


class FrenchParser(argparse.ArgumentParser):
    """argparse speaks English; animators read French."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        with french_argparse():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        # The spelling shown first, the old ones after it (argparse's usage line shows the first).
        args = tuple(sorted(args, key=lambda s: _hidden(s, args)))
        long = next((a for a in args if a.startswith("--")), None)
        if kwargs.get("action") == "version":
            kwargs.setdefault("help", CATALOG["show program's version number and exit"])
        # An option's value is named after the option, in French (--prenom PRENOM), not after
        # the English attribute it is stored in (FIRST_NAME).
        takes_value = kwargs.get("action") in (None, "store", "append", "extend")
        if takes_value and "metavar" not in kwargs and "choices" not in kwargs and long:
            kwargs["metavar"] = METAVARS.get(long, long.lstrip("-").upper().replace("-", "_"))
        with french_argparse():
            return super().add_argument(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with french_argparse():
            return super().add_subparsers(**kwargs)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with french_argparse():
            return super().parse_args(args, namespace)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with french_argparse():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with french_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with french_argparse():
            text = super().format_help()
        # argparse ends a section's heading with a bare colon; French puts a space before it.
        return re.sub(r"^(\S[^\n]*\S):$", r"\1 :", text, flags=re.MULTILINE)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:
            kind = getattr(action.type, "__name__", None)
            if kind in _EXPECTED and exc.message.startswith("valeur invalide"):
                raise argparse.ArgumentError(
                    action, f"valeur invalide : {arg_string!r} ({_EXPECTED[kind]})"
                ) from None
            raise

    def error(self, message: str) -> NoReturn:
        found = re.match(r"argument obligatoire manquant : (.*)$", message)
        if found and ", " in found.group(1):  # agreement: several are missing
            message = f"arguments obligatoires manquants : {found.group(1)}"
        self.exit(EXIT_ERROR, f"{self.prog} : erreur : {message}\n")


def date_value(text: str) -> dt.date:
    """argparse ``type=`` for a date as an animator types it: ``2025-04-02`` or ``02/04/2025``."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"date illisible : {text!r} (AAAA-MM-JJ ou JJ/MM/AAAA attendu)"
    )
