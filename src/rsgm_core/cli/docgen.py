"""``docs/cli.md``'s generated parts, from the parser itself, so that the page cannot drift.

The page is prose written by hand around sections the generator owns, each between two markers::

    <!-- rsgm-cli:commands:begin -->   every command and its actions, the schema version
    <!-- rsgm-cli:db-examples:begin --> the ``rsgm db`` examples, at the current schema version
    <!-- rsgm-cli:reference:begin -->  every command's usage, help and own options

and every ``(schéma N)`` and ``schéma : version N`` of an example shows the current version. After a change of the command
line or a new migration::

    python -m rsgm_core.cli.docgen docs/cli.md           # rewrite the generated parts in place
    python -m rsgm_core.cli.docgen --check docs/cli.md   # exit 1 if they are out of date

(``tests/unit/test_cli_docs.py`` runs the check.) Without a file, the sections are printed.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

from rsgm_core.cli.language import FrenchHelpFormatter

__all__ = ["SECTIONS", "commands_section", "main", "reference_section", "regenerate"]

_WIDTH = 100


def _shared_options() -> dict[str, str | None]:
    """The options every command shares, as their helpers add them (option → help): described
    once in the prose, not repeated under each command. A command's own ``--db`` (``rsgm init``,
    ``rsgm demo``) has its own help, and is shown."""
    from rsgm_core.cli.common import add_db_option
    from rsgm_core.cli.progress import add_quiet_option

    scratch = argparse.ArgumentParser()
    add_db_option(scratch)
    add_quiet_option(scratch)
    return {o: a.help for a in scratch._actions for o in a.option_strings}


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """The sub-commands of ``parser``: (name, parser, help), aliases folded into their command."""
    found: list[tuple[str, argparse.ArgumentParser, str]] = []
    for action in parser._actions:  # argparse keeps its sub-commands there
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        seen: set[int] = set()
        for name, sub in action.choices.items():
            if id(sub) in seen:
                continue  # an alias of a command already listed
            seen.add(id(sub))
            found.append((name, sub, helps.get(name, "")))
    return found


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, str]]:
    for name, sub, text in _subcommands(parser):
        yield (*path, name), sub, text
        yield from _walk(sub, (*path, name))


def _schema_version() -> int | None:
    try:
        from rsgm_core.plugins.sql.migrations import SCHEMA_VERSION
    except ImportError:  # pragma: no cover - without the [sql] extra
        return None
    return SCHEMA_VERSION


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def commands_section(parser: argparse.ArgumentParser) -> str:
    """Every command, its actions and what it is for; the schema version of this release."""
    lines = ["| Command | Actions | What for |", "|---|---|---|"]
    for name, sub, text in _subcommands(parser):
        actions = ", ".join(f"`{a}`" for a, _, _ in _subcommands(sub)) or "—"
        lines.append(f"| `rsgm {name}` | {actions} | {_cell(text)} |")
    version = _schema_version()
    closing = (
        f"{len(lines) - 2} commands. This release reads and writes databases at schema version "
        f"**{version}** (`rsgm db info` shows a database's own; `rsgm db upgrade` brings an older "
        "one up to date). `rsgm COMMANDE ACTION --help` prints the French help of each; the "
        "[command reference](#command-reference) at the end of this page lists them all."
    )
    lines += ["", textwrap.fill(closing, width=_WIDTH)]
    return "\n".join(lines)


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = FrenchHelpFormatter(parser.prog, width=_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    return formatter.format_help().strip()


def _options(parser: argparse.ArgumentParser) -> list[str]:
    formatter = FrenchHelpFormatter(parser.prog, width=_WIDTH)
    shared = _shared_options()
    lines = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        if "-h" in action.option_strings:
            continue
        if any(shared.get(o, "") == action.help for o in action.option_strings):
            continue
        invocation = formatter._format_action_invocation(action)
        lines.append(f"  {invocation}")
        if action.help:
            lines.append(f"      {' '.join(formatter._expand_help(action).split())}")
    return lines


def reference_section(parser: argparse.ArgumentParser) -> str:
    """For each command and action: its usage, what it does and its own options (``--db``,
    ``--config``, ``-q`` and ``-h`` are everywhere and told once)."""
    out: list[str] = []
    for path, sub, text in _walk(parser):
        if _subcommands(sub):
            out += ["", f"**`rsgm {' '.join(path)}`**: {_cell(text)}"]
            continue
        out += ["", "```text", _usage(sub), f"  {_cell(text)}", *_options(sub), "```"]
    return "\n".join(out).strip()


def _db_examples() -> str:
    from rsgm_core.plugins.sql.migrations import MIGRATIONS, SCHEMA_VERSION

    last = MIGRATIONS[-1]
    before = last.version - 1
    return f"""```console
$ rsgm db init --db cdg79.db
base créée : sqlite:///cdg79.db (schéma {SCHEMA_VERSION})
$ rsgm db init --db cdg79.db
base prête : sqlite:///cdg79.db (schéma {SCHEMA_VERSION})
```

`db init` and `db upgrade` both open the database with upgrades allowed; `upgrade` lists the
migrations it applied:

```console
$ rsgm db info --db ancienne.db
rsgm : erreur : la base sqlite:///ancienne.db est au schéma {before} ; lancez « rsgm db upgrade » pour la passer au schéma {SCHEMA_VERSION}
$ rsgm db upgrade --db ancienne.db
migration {last.version} appliquée : {last.description}
schéma à jour : version {SCHEMA_VERSION}
$ rsgm db upgrade --db ancienne.db
schéma à jour : version {SCHEMA_VERSION}
```

A database written by a newer `rsgm_core` is refused by every command, untouched:

```console
$ rsgm db upgrade --db recente.db
rsgm : erreur : la base sqlite:///recente.db est au schéma {SCHEMA_VERSION + 1}, plus récent que celui de cette version de rsgm_core ({SCHEMA_VERSION}) : mettez rsgm_core à jour
```"""


#: The generated sections, by marker name.
SECTIONS = {
    "commands": commands_section,
    "db-examples": lambda parser: _db_examples(),
    "reference": reference_section,
}


def regenerate(text: str, parser: argparse.ArgumentParser | None = None) -> str:
    """``text`` (docs/cli.md) with its generated sections and schema versions brought up to date;
    a missing pair of markers is an error (the page would silently stop being checked)."""
    if parser is None:
        from rsgm_core.cli import build_parser

        parser = build_parser()
    for name, make in SECTIONS.items():
        begin, end = f"<!-- rsgm-cli:{name}:begin -->", f"<!-- rsgm-cli:{name}:end -->"
        found = re.search(re.escape(begin) + r".*?" + re.escape(end), text, re.S)
        if found is None:
            raise ValueError(f"docs/cli.md: markers {begin} … {end} not found")
        text = f"{text[: found.start()]}{begin}\n{make(parser)}\n{end}{text[found.end() :]}"
    version = _schema_version()
    if version is not None:
        text = re.sub(r"\(schéma \d+\)", f"(schéma {version})", text)
        text = re.sub(
            r"^schéma( à jour)? : version \d+$", rf"schéma\1 : version {version}", text, flags=re.M
        )
    return text


def main(argv: Sequence[str] | None = None) -> int:
    options = argparse.ArgumentParser(
        prog="python -m rsgm_core.cli.docgen",
        description="Generate the parts of docs/cli.md that come from the parser.",
    )
    options.add_argument("file", nargs="?", type=Path, help="docs/cli.md, rewritten in place")
    options.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = options.parse_args(argv)
    if args.file is None:
        from rsgm_core.cli import build_parser

        parser = build_parser()
        for name, make in SECTIONS.items():
            print(f"<!-- rsgm-cli:{name}:begin -->\n{make(parser)}\n<!-- rsgm-cli:{name}:end -->\n")
        return 0
    current = args.file.read_text(encoding="utf-8")
    fresh = regenerate(current)
    if args.check:
        if fresh != current:
            print(
                f"{args.file} is out of date: run python -m rsgm_core.cli.docgen {args.file}",
                file=sys.stderr,
            )
            return 1
        return 0
    if fresh != current:
        args.file.write_text(fresh, encoding="utf-8")
        print(f"{args.file} regenerated")
    else:
        print(f"{args.file} already up to date")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
