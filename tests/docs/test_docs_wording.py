"""The console examples of the documentation show what the commands print today: counted words
agree with their number (« 3 communes », never « commune(s) ») and dates read as French
(« 1er décembre 2026 », « 01/12/2026 »), never as ISO dates. Every console session of
README.md and docs/**/*.md is read (a ```console block, or a ```text one that starts with
``$ ``); its output lines are checked, not the command lines
(``$ rsgm …`` and their continuations) nor what is a machine format: CSV lines, JSON, iCalendar,
the output of a command that writes one (``--format csv``, ``cat export.json``) and file names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_cli_wording import ISO_DATE as PRINTED_ISO_DATE
from tests.e2e.test_cli_wording import OPTIONAL_ENDING

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

#: An ISO date as :data:`tests.e2e.test_cli_wording.ISO_DATE` finds it, except in a path or a
#: file name (``/2026-12-08/``, ``rapport-2026-12-08.html``, ``2026-12-08.csv``).
ISO_DATE = re.compile(PRINTED_ISO_DATE.pattern.replace("(?<![\\w-])", "(?<![\\w/-])") + r"(?!\.\w)")
assert ISO_DATE.pattern != PRINTED_ISO_DATE.pattern, "mirror the printed ISO_DATE's look-behind"

FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\S*)")
#: A command whose output is a machine format: CSV, JSON or iCalendar, on standard output.
MACHINE_COMMAND = re.compile(
    r"--format[ =](?:csv|json|ics)\b|\b(?:cat|head|tail|less|jq)\b.*\.(?:csv|json|ics|jsonl)\b"
)
#: A CSV row: a semicolon with no space on one side (French prose writes « a ; b »).
CSV_LINE = re.compile(r"\S;|;\S")
#: JSON (a brace, a bracket or a quoted key) or an iCalendar property (``DTSTART;TZID=…:``).
MACHINE_LINE = re.compile(r'^\s*(?:[{}\[\]]|"[^"]*"\s*:)|^[A-Z][A-Z-]*[:;]')


def console_blocks(page: Path) -> Iterator[list[tuple[int, str]]]:
    """Each console session of ``page`` as its (line number, line) pairs: a ```console block,
    or a ```text block that starts with a command line (``$ rsgm …``)."""
    block: list[tuple[int, str]] | None = None
    fence = language = ""
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        found = FENCE.match(line)
        if block is None:
            if found:
                block, fence, language = [], found.group(1), found.group(2)
        elif found and found.group(1).startswith(fence) and not found.group(2):
            if language == "console" or (
                language in ("text", "") and block and block[0][1].startswith("$ ")
            ):
                yield block
            block = None
        else:
            block.append((number, line))


def output_lines(block: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """The lines of ``block`` a command printed and a person reads."""
    continued = False
    machine = False
    for number, line in block:
        if continued:
            continued = line.rstrip().endswith("\\")
            continue
        if line.startswith(("$ ", "# ")) or line == "$":
            continued = line.rstrip().endswith("\\")
            machine = bool(MACHINE_COMMAND.search(line))
            continue
        if machine or CSV_LINE.search(line) or MACHINE_LINE.search(line):
            continue
        yield number, line


def wording_problems(page: Path, name: str) -> list[str]:
    """``name:line: text`` for each output line of ``page`` with an optional ending or an ISO
    date."""
    return [
        f"{name}:{number}: {line.strip()}"
        for block in console_blocks(page)
        for number, line in output_lines(block)
        if OPTIONAL_ENDING.search(line) or ISO_DATE.search(line)
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_console_examples_print_what_the_commands_print(page: Path) -> None:
    problems = wording_problems(page, page.relative_to(ROOT).as_posix())
    assert not problems, "output written the old way:\n" + "\n".join(problems)


def test_the_reader_finds_the_lines_it_must_find(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n"
        "$ rsgm census communes --annee 2026-01-01 \\\n"
        "    --commune 79001(s)\n"
        "3 commune(s)\n"
        "préavis du 2027-02-20 trop tardif\n"
        "79001;L'Absie(s);2026-01-01\n"
        "écrit dans export-2026-12-08.csv, puis 2026-12-08.json, puis /srv/2026-12-08/\n"
        '  "date": "2026-12-08",\n'
        "DTSTART;VALUE=DATE:2026-12-08\n"
        "$ rsgm events list --format json\n"
        "[{\n"
        "  commune(s) 2026-12-08\n"
        "$ rsgm events list\n"
        "Aubigné : 2 communes le 08/12/2026 ; seul(e)\n"
        "```\n"
        "```text\n"
        "1 commune(s)\n"
        "```\n"
        "```text\n"
        "$ rsgm census communes\n"
        "1 commune(s)\n"
        "```\n",
        encoding="utf-8",
    )
    blocks = list(console_blocks(page))
    assert len(blocks) == 2
    assert [line for _, line in output_lines(blocks[0])] == [
        "3 commune(s)",
        "préavis du 2027-02-20 trop tardif",
        "écrit dans export-2026-12-08.csv, puis 2026-12-08.json, puis /srv/2026-12-08/",
        "Aubigné : 2 communes le 08/12/2026 ; seul(e)",
    ]
    assert [problem.split(": ", 1)[0] for problem in wording_problems(page, "page.md")] == [
        "page.md:4",
        "page.md:5",
        "page.md:14",
        "page.md:21",
    ]
