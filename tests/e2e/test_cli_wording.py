"""What the command line prints reads as French (issue 20, item 7): the demonstration and the
main read commands on its database write no « commune(s) » or « anonymisé(e) » (counted words
agree with their number) and no ISO date (« 2026-12-08 ») in what a person reads; dates are
« 8 décembre 2026 » in prose, « 08/12/2026 » in tables. Machine formats (CSV, JSON,
iCalendar) keep their own forms and are not run here."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

from rsgm_core.cli import main
from tests.helpers import run

#: « commune(s) », « anonymisé(e) », « adjoint(e) », « contractuel(le) », « administrateur(trice) ».
OPTIONAL_ENDING = re.compile(r"\w\((?:s|e|es|x|le|ne|ve|trice|rice)\)")
#: « 2026-12-08 », « 2026-12-08T10:00 »: a date for machines, not for people.
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")

#: Read commands run on the demonstration's database; ``{member}``, ``{newcomer}`` and
#: ``{event}`` are filled from its own records, ``{year}`` is this year.
READ_COMMANDS = (
    "census report",
    "census communes",
    "census reassignments",
    "census orphans",
    "census conflicts",
    "census ages",
    "census population 79018",
    "membership list",
    "convention list",
    "convention status 79307",
    "convention due",
    "outbox list",
    "members list",
    "members show {member}",
    "directory search",
    "network status",
    "network governance",
    "partners list",
    "local-networks list",
    "local-networks epcis",
    "elus list",
    "events list",
    "events todo",
    "events track",
    "events timeline {event}",
    "cdg-calendar list",
    "surveys list",
    "surveys due",
    "charter status 79018",
    "charter versions",
    "charter signatures",
    "access requests",
    "access sanctions",
    "indicators show",
    "report projects list --annee {year}",
    "toolbox search",
    "toolbox stale",
    "software map",
    "advice list",
    "advice stats",
    "groups list",
    "history list",
    "suggestions list",
    "suggestions agenda",
    "budget list --annee {year}",
    "venues list",
    "speakers list",
    "speakers years",
    "animation-time report --annee {year}",
    "means summary --annee {year}",
    "onboarding list {newcomer}",
    "tutors list",
    "tutors candidates {newcomer}",
    "tutors successions",
)


def problems(text: str) -> list[str]:
    """The lines of ``text`` holding an optional ending or an ISO date."""
    return [
        line for line in text.splitlines() if OPTIONAL_ENDING.search(line) or ISO_DATE.search(line)
    ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demonstration's database, built once, and what the demonstration printed."""
    db = tmp_path_factory.mktemp("wording") / "demo.db"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["demo", "--db", str(db)]) == 0
    return db, printed.getvalue()


@pytest.fixture(scope="module")
def names(demo: tuple[Path, str]) -> dict[str, str]:
    """``member``, ``newcomer``, ``event`` and ``year`` taken from the demonstration's data."""
    import datetime as dt

    db, _ = demo
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["members", "list", "--db", str(db)]) == 0
        assert main(["events", "list", "--db", str(db)]) == 0
    lines = out.getvalue().splitlines()
    ids = {
        line[10:27].strip(): line.split()[0] for line in lines if re.match(r"^[0-9a-f]{8} ", line)
    }
    event = next(line.split()[0] for line in lines if "Journée réseau" in line)
    return {
        "member": "nadia.girard@example.org",
        "newcomer": ids["Camille Vidal"],
        "event": event,
        "year": str(dt.date.today().year),
    }


def test_the_demonstration_writes_french(demo: tuple[Path, str]) -> None:
    _, printed = demo
    assert "recensement importé" in printed
    assert problems(printed) == []


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_a_read_command_writes_french(
    command: str,
    demo: tuple[Path, str],
    names: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, _ = demo
    code, out, err = run(capsys, *command.format(**names).split(), "--db", str(db))
    assert code == 0, err
    assert out.strip() or err.strip()
    assert problems(out) == [] and problems(err) == []


def test_planning_an_event_prints_its_dates_in_french(
    demo: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rsgm events plan` says when each session is and until when people may register, as
    « 12 mars 2027 », never « 2027-03-12 »."""
    import datetime as dt

    db = tmp_path / "copy.db"
    shutil.copy(demo[0], db)
    day = dt.date.today() + dt.timedelta(days=90)  # a month of notice and more (EVT-3)
    code, out, err = run(
        capsys, "events", "plan", "Atelier paie", "--type", "atelier thématique",
        "--format", "présentiel", "--seance", f"{day.isoformat()};Mairie d'Aubigné;30",
        "--db", str(db),
    )  # fmt: skip
    assert code == 0, err
    assert problems(out) == [] and problems(err) == []
    from rsgm_core.render.formatting import format_date

    assert f" : {format_date(day)} Mairie d'Aubigné, inscriptions jusqu'au " in out
