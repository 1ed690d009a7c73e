"""The command line speaks French throughout (issue 20, item 7): argparse's own texts, every
command's ``--help``, its errors; one French spelling per concept, today's English spellings kept
as hidden aliases; French names for the values."""

from __future__ import annotations

import argparse
import errno
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from rsgm_core.cli import build_parser, main, os_error_text
from rsgm_core.cli.language import ALIASES, CATALOG, METAVARS, OWN_CONCEPT, SPELLINGS

#: argparse's English phrases: none may reach an animator.
ARGPARSE_ENGLISH = (
    "usage:", "positional arguments", "optional arguments", "options:", "show this help",
    "show program", "default:", "(default", "required", "invalid choice", "choose from",
    "expected one argument", "subcommands", "unrecognized arguments", "not allowed with",
    "ambiguous option", "the following arguments", "is required", "error:",
)  # fmt: skip
#: English words that betrayed an untranslated text (whole words, any case).
ENGLISH_WORDS = (
    "the", "and", "with", "from", "for", "of", "to", "file", "output", "year", "level", "kind",
    "status", "default", "since", "show", "exit", "topics", "cost", "scope",
    "trainee", "requested", "days", "start", "context", "dead", "host", "pending", "sending",
    "sent", "last", "site", "number", "choices", "value",
)  # fmt: skip


def parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and action of ``rsgm``, once each."""
    seen: set[int] = set()

    def walk(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:  # fmt: skip
        if id(parser) in seen:
            return
        seen.add(id(parser))
        yield path, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from walk(child, f"{path} {name}")

    yield from walk(build_parser(), "rsgm")


PARSERS = list(parsers())
#: The commands' own names (``members``, ``add``…) are identifiers, not text.
COMMAND_NAMES = {
    name
    for _, parser in PARSERS
    for action in parser._actions
    if isinstance(action, argparse._SubParsersAction)
    for name in action.choices
}


def _text_of(help_text: str) -> str:
    text = help_text.replace("--help", "")
    for name in sorted(COMMAND_NAMES, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", text)
    return text


def _english(text: str) -> list[str]:
    found = [phrase for phrase in ARGPARSE_ENGLISH if phrase in text]
    for word in ENGLISH_WORDS:
        if re.search(rf"(?<![\w'’-]){word}(?![\w'’-])", text, flags=re.IGNORECASE):
            found.append(word)
    return found


@pytest.mark.parametrize(("path", "parser"), PARSERS, ids=[p for p, _ in PARSERS])
def test_the_help_of_every_command_is_french(path: str, parser: argparse.ArgumentParser) -> None:
    text = parser.format_help()
    assert text.startswith("usage : "), path
    assert not _english(_text_of(text)), (path, _english(_text_of(text)), text)
    for heading in re.findall(r"^(\S.*):$", text, flags=re.MULTILINE):
        assert heading.endswith(" "), f"{path}: « {heading}: » wants a space before the colon"


def test_no_command_shows_an_alias_and_every_alias_stands_beside_its_spelling() -> None:
    used: set[str] = set()
    for path, parser in PARSERS:
        help_text = parser.format_help()
        for action in parser._actions:
            strings = action.option_strings
            for spelling in strings:
                if spelling in ALIASES and spelling not in OWN_CONCEPT:
                    assert ALIASES[spelling] in strings, f"{path}: {spelling} without its French"
            shown = [s for s in strings if ALIASES.get(s) not in strings]
            used.update(shown)
            assert not [s for s in shown if _english(s.strip("-").replace("-", " "))], (path, shown)
            if strings and ALIASES.get(strings[0]) in strings:
                pytest.fail(f"{path}: {strings[0]} shown first in the usage line")
            for spelling in strings:
                if ALIASES.get(spelling) in strings:
                    assert not re.search(rf"{re.escape(spelling)}(?![\w-])", help_text), (path, spelling)  # fmt: skip
    assert not set(SPELLINGS) - used, "a spelling of the table no command uses"


#: Spellings whose value differs in kind from one command to another (a code or a name...).
SEVERAL_VALUES = {"--commune", "--epci", "--debut", "--cdg", "--texte"}


def test_one_spelling_names_one_kind_of_value() -> None:
    """One spelling per concept: the same option shows the same value's name everywhere."""
    metavars: dict[str, set[str]] = defaultdict(set)
    for _, parser in PARSERS:
        for action in parser._actions:
            if action.option_strings and action.nargs != 0 and action.choices is None:
                for spelling in action.option_strings:
                    if spelling.startswith("--") and ALIASES.get(spelling) not in action.option_strings:  # fmt: skip
                        metavars[spelling].add(str(action.metavar))
    several = {s: m for s, m in metavars.items() if len(m) > 1 and s not in SEVERAL_VALUES}
    assert not several
    for spelling, metavar in METAVARS.items():
        assert metavars.get(spelling, {metavar}) == {metavar}, spelling


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["indicators", "show", "--year", "2024"], ["indicators", "show", "--annee", "2024"]),
        (["indicators", "show", "--from", "2024-01-01", "--to", "2024-03-31"],
         ["indicators", "show", "--du", "2024-01-01", "--au", "2024-03-31"]),
        (["report", "annual", "--year", "2024", "--scope", "cdg", "--output", "r.html"],
         ["report", "annual", "--annee", "2024", "--perimetre", "cdg", "-o", "r.html"]),
        (["members", "export", "x@example.org", "--output", "f.json"],
         ["members", "export", "x@example.org", "--sortie", "f.json"]),
        (["census", "report", "--level", "departement"], ["census", "report", "--niveau", "departement"]),
        (["interventions", "add", "79191", "--date", "2025-03-01", "--kind", "conseil",
          "--minutes", "30", "--on-site", "--trainee", "3f2a9c1b", "--ref", "B-12",
          "--requested-by", "le maire", "--requested-on", "2025-02-27"],
         ["interventions", "add", "79191", "--le", "2025-03-01", "--type", "conseil",
          "--duree", "30", "--sur-place", "--stagiaire", "3f2a9c1b", "--reference", "B-12",
          "--demandeur", "le maire", "--demande-le", "2025-02-27"]),
        (["convention", "notice", "79191", "--date", "2025-03-01", "--by", "cdg"],
         ["convention", "notice", "79191", "--le", "2025-03-01", "--partie", "cdg"]),
        (["convention", "due", "--days", "30"], ["convention", "due", "--jours", "30"]),
        (["tariffs", "show", "--year", "2025"], ["tariffs", "show", "--annee", "2025"]),
        (["outbox", "list", "--status", "dead"], ["outbox", "list", "--statut", "echec"]),
        (["outbox", "retry", "--dead", "3f2a9c1b"], ["outbox", "retry", "--echec", "3f2a9c1b"]),
        (["export", "interstis", "--since-last", "--output", "x.csv"],
         ["export", "interstis", "--depuis-dernier", "--sortie", "x.csv"]),
        (["access", "requests", "--etat", "en attente"], ["access", "requests", "--statut", "en attente"]),
        (["newsletter", "send", "Mars", "--texte", "lettre.md"],
         ["newsletter", "send", "Mars", "--fichier-texte", "lettre.md"]),
        (["serve", "--host", "0.0.0.0"], ["serve", "--adresse", "0.0.0.0"]),
    ],
)  # fmt: skip
def test_the_old_spellings_still_work(old: list[str], new: list[str]) -> None:
    assert vars(PARSERS[0][1].parse_args(old)) == vars(PARSERS[0][1].parse_args(new))


BAD = [
    (["membrs"], "argument COMMANDE : choix invalide : 'membrs' (au choix : 'init'"),
    (["members", "ajouter"], "choix invalide : 'ajouter'"),
    (["members", "depart", "3f2a9c1b"], "argument obligatoire manquant : --motif"),
    (["convention", "sign"], "arguments obligatoires manquants : CODE_INSEE, --le"),
    (
        ["census", "import", "--departement", "79", "--france"],
        "ne va pas avec l'argument --departement",
    ),
    (
        ["events", "list", "--annee", "deux"],
        "valeur invalide : 'deux' (un nombre entier est attendu)",
    ),
    (
        ["members", "depart", "x", "--motif", "retraite", "--le", "2025-13-45"],
        "valeur invalide : '2025-13-45' (une date AAAA-MM-JJ est attendue)",
    ),
    (["members", "list", "--inconnue"], "arguments non reconnus : --inconnue"),
    (["events", "list", "--annee"], "argument --annee : une valeur est attendue"),
    (["members", "add", "A", "B", "--e", "x"], "option ambiguë : --e peut désigner"),
    (
        ["members", "depart", "x", "--motif", "fâché"],
        "choix invalide : 'fâché' (au choix : 'mutation'",
    ),
    (["outbox", "list", "--statut", "dead", "--echec"], "ne va pas avec l'argument --statut"),
]


@pytest.mark.parametrize(("argv", "expected"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_argparse_errors_are_french(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert expected in err and " : erreur : " in err, err
    assert not [p for p in ARGPARSE_ENGLISH if p in err], err


def test_every_argparse_text_has_its_french() -> None:
    """The catalogue covers the texts argparse looks up (those of this Python included)."""
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    looked_up = set(re.findall(r"\b_\((['\"])(.+?)\1\)", source))
    internal = {  # a defect of the program, never shown to an animator
        "'required' is an invalid argument for positionals", ".__call__() not defined",
        "cannot merge actions - two groups are named %r", "%r is not callable",
        "mutually exclusive arguments must be optional", "conflicting subparser: %s",
        "conflicting subparser alias: %s", "invalid conflict_resolution value: %r",
        "dest= is required for options like %r", "cannot have multiple subparser arguments",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    }  # fmt: skip
    missing = {text.replace("\\n", "\n") for _, text in looked_up} - set(CATALOG) - internal
    assert not {m for m in missing if not m.startswith("invalid option string")}, missing


def test_the_operating_system_is_answered_in_french() -> None:
    assert os_error_text(FileNotFoundError(errno.ENOENT, "No such file or directory")) == (
        "fichier ou dossier introuvable"
    )
    rare = OSError(errno.ENOLINK, "Link has been severed")
    assert os_error_text(rare) == "erreur du système (ENOLINK)"
    assert os_error_text(OSError("something")) == "erreur du système"


def test_a_missing_file_is_a_french_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["outbox", "preview", "member_welcome", "--contexte", str(tmp_path / "absent.json")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "fichier ou dossier introuvable" in err and "No such file" not in err


def test_docs_cli_lists_every_spelling_and_alias() -> None:
    text = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("### One spelling per concept", 1)[1].split("\n### ", 1)[0]
    for spelling, what in SPELLINGS.items():
        olds = sorted(a for a, new in ALIASES.items() if new == spelling)
        row = f"| `{spelling}` | {what} | " + ", ".join(f"`{o}`" for o in olds) + " |"
        assert row in section, row
