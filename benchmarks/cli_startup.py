"""Start-up of the ``rsgm`` command, whole process, beside the least a Python process costs.

Each measure runs a fresh interpreter (``sys.executable``, this checkout's ``src`` first on the
path, byte-code cached in a temporary folder as for an installed package, the entry-point plugins
loaded as for a user) and times it from the start of the process to its exit:

* ``rsgm --help``, against a baseline process that writes the same text (``python -c`` with the
  text in the command): the interpreter's own start-up, its ``site`` and the writing, what no
  Python command can go under. Goal: ≤ 100 ms whole process (issue 24).
* ``rsgm census report`` on a database holding one department (the Etalab vintage 6.0.0 of
  département 79 when the shared data is there, else the bundled Deux-Sèvres sample), against a
  baseline process that opens the same SQLite file with ``sqlite3``, reads the communes, their
  populations, EPCI and the positions held (the rows the report is made of) and writes the same text. The baseline
  does not group or format: that part costs well under a millisecond here; what the ratio
  shows is the price of loading rsgm_core, SQLAlchemy and the plugins. Goal: ≤ 250 ms.
* For reference, ``python -c "import sqlalchemy"`` alone: the floor of any command that opens a
  SQL database through SQLAlchemy; and how many of the record classes of
  ``rsgm_core.records.COLLECTIONS`` the report built (each is built on first use: a command
  should build the classes of the collections it reads, not all of them).

Both sides' outputs are checked equal before the runs (``_common.paired``); the runs alternate.

    python benchmarks/cli_startup.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _common

CENSUS = _common.DATA / "decoupage-administratif" / "6.0.0"
ENTRY = "import sys; from rsgm_core.cli import main; sys.exit(main())"  # the console script
#: The same, saying on standard error how many record classes the command built.
COUNTED = (
    "import sys; from rsgm_core.cli import main; from rsgm_core.records import COLLECTIONS\n"
    "code = main()\n"
    "sys.stderr.write(f'{sum(c.loaded for c in COLLECTIONS)} {len(COLLECTIONS)}')\n"
    "sys.exit(code)"
)


def environment(pycache: Path) -> dict[str, str]:
    """As a user runs it: byte-code cached (and written), the plugins' entry points read."""
    env = {**os.environ, "PYTHONPATH": str(_common.SRC), "PYTHONPYCACHEPREFIX": str(pycache)}
    for name in ("PYTHONDONTWRITEBYTECODE", "RSGM_DISABLE_PLUGIN_AUTOLOAD", "RSGM_DB"):
        env.pop(name, None)
    return env


def process(argv: list[str], env: dict[str, str], cwd: Path) -> Callable[[], str]:
    def run() -> str:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, check=True)
        return done.stdout

    return run


def prepare_database(folder: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A SQLite file with one department's census; what it holds, in words."""
    database = folder / "d79.db"
    rsgm = [sys.executable, "-c", ENTRY]
    subprocess.run([*rsgm, "db", "init", "--db", str(database)], env=env, check=True, capture_output=True)  # fmt: skip
    source = ["--source", str(CENSUS)] if CENSUS.is_dir() else []
    subprocess.run(
        [*rsgm, "census", "import", "--db", str(database), *source, "--departement", "79", "-q"],
        env=env,
        check=True,
        capture_output=True,
    )
    return database, "Etalab 6.0.0, département 79" if source else "the bundled sample"


BASELINE_REPORT = """import sqlite3, sys
connection = sqlite3.connect({path!r})
rows = connection.execute(
    "SELECT c.code, c.name, c.epci, e.name, p.vintage, p.municipale, p.totale FROM communes c "
    "LEFT JOIN epcis e ON e.siren = c.epci LEFT JOIN populations p ON p.commune = c.code "
    "WHERE c.departement = '79'"
).fetchall()
positions = connection.execute("SELECT commune, function, status FROM positions").fetchall()
sys.stdout.write({text!r})
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = environment(folder / "pycache")
        rsgm = [sys.executable, "-c", ENTRY]
        database, holding = prepare_database(folder, env)

        help_text = process([*rsgm, "--help"], env, folder)()
        floor = process([sys.executable, "-c", f"import sys; sys.stdout.write({help_text!r})"], env, folder)  # fmt: skip
        helped, _ = _common.paired(process([*rsgm, "--help"], env, folder), floor, args.repeat)

        report = [*rsgm, "census", "report", "--db", str(database)]
        text = process(report, env, folder)()
        raw = BASELINE_REPORT.format(path=str(database), text=text)
        reported, _ = _common.paired(
            process(report, env, folder),
            process([sys.executable, "-c", raw], env, folder),
            args.repeat,
        )
        counted = subprocess.run(
            [sys.executable, "-c", COUNTED, *report[3:]],
            capture_output=True, text=True, env=env, cwd=folder, check=True,
        )  # fmt: skip
        built, declared = counted.stderr.split()[-2:]
        sqlalchemy_ms = statistics.median(
            _timed(process([sys.executable, "-c", "import sqlalchemy"], env, folder))
            for _ in range(args.repeat)
        )
    print(
        f"command start-up, whole process: {args.repeat} paired runs, Python "
        f"{platform.python_version()}, census: {holding}"
    )
    print(
        _common.render(
            ["command", "rsgm ms", "baseline ms", "ratio (min–max)", "goal"],
            [
                ["rsgm --help", *helped.cells(), "≤ 100 ms"],
                ["rsgm census report (one department)", *reported.cells(), "≤ 250 ms"],
                ["python -c 'import sqlalchemy'", f"{sqlalchemy_ms:.2f}", "", "", ""],
            ],
        )
    )
    print(f"record classes built by rsgm census report: {built} of {declared}")
    _common.result("cli.help", helped, "ms<=100", "rsgm --help, whole process (baseline: python writing the same text)")  # fmt: skip
    _common.result(
        "cli.census_report",
        reported,
        "ms<=250",
        "rsgm census report on one department, whole process (baseline: python + sqlite3 "
        "reading the rows, writing the same text)",
    )
    _common.result("cli.import_sqlalchemy", sqlalchemy_ms, "-", "python -c 'import sqlalchemy' alone, whole process (reference)")  # fmt: skip
    return 0


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
