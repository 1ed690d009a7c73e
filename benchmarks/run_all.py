"""Run every benchmark script and gather their ``RESULT`` lines into one table.

    python benchmarks/run_all.py                                  # print the table
    python benchmarks/run_all.py --write docs/performance.md      # regenerate its figures
    python benchmarks/run_all.py --quick --only outbox,cli_startup

Each script runs in its own process (``python benchmarks/<script>.py``, its documented defaults,
or smaller sizes with ``--quick`` where the script is known to take them), one after the other so
that they do not share the cores. Only the ``RESULT`` lines are read (their format is in
``_common.py``); a script that fails or prints none is listed as such, never silently dropped.

``--write FILE`` replaces what stands between ``<!-- benchmarks:begin -->`` and
``<!-- benchmarks:end -->`` in FILE: the machine, the date, the commit, the load average, and one
row per measure with the figures of the previous generation beside the new ones (read back from
the hidden block the previous generation left at the end of that section). The rest of the file,
written by hand (method, history, analyses), is kept as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _common import DATA, ROOT

BEGIN, END = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"

#: Every script, with its smaller sizes for ``--quick``. The order is the table's.
SCRIPTS: tuple[tuple[str, list[str]], ...] = (
    ("storage", ["--rows", "5000"]),
    ("members_add", ["--calls", "100", "--repeat", "3"]),
    ("members_import", ["--rows", "5000", "--repeat", "3"]),
    ("directory", ["--repeat", "5"]),
    ("events", ["--repeat", "3"]),
    ("report", ["--repeat", "3"]),
    ("toolbox", ["--resources", "500", "--requests", "5000", "--repeat", "3"]),
    ("outbox", ["--messages", "100", "--repeat", "3"]),
    ("web", ["--runs", "30"]),
    ("api_script", ["--repeat", "2"]),
    ("census", ["--quick", "--repeat", "3"]),
    ("cli_startup", ["--repeat", "5"]),
)


@dataclass(frozen=True)
class Result:
    name: str
    project: str
    baseline: str
    ratio: str
    low: str
    high: str
    goal: str
    label: str

    @classmethod
    def parse(cls, line: str) -> Result | None:
        parts = line.split(" ", 8)
        if len(parts) < 9 or parts[0] != "RESULT":
            return None
        return cls(*parts[1:9])

    def line(self) -> str:
        fields = [self.project, self.baseline, self.ratio, self.low, self.high, self.goal]
        return " ".join(["RESULT", self.name, *fields, self.label])

    @property
    def unit(self) -> str:
        return "MB" if self.goal.startswith("mb<=") else "ms"

    def met(self) -> str:
        """Whether the goal is met: on the ratio's median, or on the project's median."""
        if self.goal == "-":
            return ""
        match = re.fullmatch(r"(ratio|ms|mb)(<=|>=)([0-9.]+)", self.goal)
        if match is None:
            return "?"
        kind, sign, bound = match[1], match[2], float(match[3])
        value = self.ratio if kind == "ratio" else self.project
        if value == "-":
            return "?"
        ok = float(value) <= bound if sign == "<=" else float(value) >= bound
        return "met" if ok else "**missed**"

    def figure(self) -> str:
        """The headline figure: the ratio with its spread, or the project's median alone."""
        if self.ratio != "-" and "-" in (self.low, self.high):
            return f"{float(self.ratio):.2f}×"
        if self.ratio != "-":
            return f"{float(self.ratio):.2f}× ({float(self.low):.2f}–{float(self.high):.2f})"
        return f"{_number(self.project)} {self.unit}"

    def goal_text(self) -> str:
        if self.goal == "-":
            return ""
        match = re.fullmatch(r"(ratio|ms|mb)(<=|>=)([0-9.]+)", self.goal)
        if match is None:
            return self.goal
        sign = "≤" if match[2] == "<=" else "≥"
        unit = {"ratio": "×", "ms": " ms", "mb": " MB"}[match[1]]
        return f"{sign} {match[3]}{unit}" if unit != "×" else f"{sign} {match[3]}×"


def _number(text: str) -> str:
    if text == "-":
        return "—"
    value = float(text)
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"


@dataclass
class Run:
    script: str
    seconds: float
    status: int
    results: list[Result]
    tail: str


def run(script: str, options: list[str], data: Path) -> Run:
    env = {**os.environ, "RSGM_BENCH_DATA": str(data)}
    path = ROOT / "benchmarks" / f"{script}.py"
    print(f"running {path.name} {' '.join(options)}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(path), *options], capture_output=True, text=True, env=env, cwd=ROOT
    )
    seconds = time.perf_counter() - start
    lines = done.stdout.splitlines()
    results = [r for r in map(Result.parse, lines) if r is not None]
    shown = "\n".join(line for line in lines if not line.startswith("RESULT "))
    tail = (done.stderr.strip().splitlines() or [""])[-1] if done.returncode else ""
    print(shown, file=sys.stderr, flush=True)
    return Run(script, seconds, done.returncode, results, tail)


def machine() -> list[str]:
    """The machine, the software and the moment, for the page."""
    memory = ""
    with open("/proc/meminfo", encoding="ascii") as info:  # Linux: the reference machine's
        total = next((line for line in info if line.startswith("MemTotal")), "")
        if total:
            memory = f", {int(total.split()[1]) / 1024 / 1024:.0f} GiB"
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), "")
    versions = []
    for package in ("SQLAlchemy", "attrs", "cattrs", "pluggy", "aiosmtpd", "starlette"):
        try:
            from importlib.metadata import version

            versions.append(f"{package} {version(package)}")
        except Exception:  # an extra not installed: not shown
            continue
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return [
        f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.machine()}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        + ", ".join(versions),
        f"commit `{commit or '?'}`",
    ]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def section(runs: list[Run], previous: dict[str, Result], before: str, started: str) -> str:
    """The generated part of docs/performance.md."""
    now = dt.datetime.now(dt.UTC)
    head = machine()
    lines = [
        f"Generated by `python benchmarks/run_all.py --write docs/performance.md` on "
        f"{now:%Y-%m-%d %H:%M} UTC (started {started} UTC), {head[2]}.",
        "",
        f"* Machine: {head[0]}.",
        f"* Software: {head[1]}.",
        f"* Load average (1, 5, 15 min) before: {before}; after: {load()}. The cores are shared "
        "with other work: compare the ratios (both sides ran in the same minutes, alternated), "
        "not the milliseconds.",
        "",
        "| measure | rsgm_core | baseline | ratio (min–max) | goal | | previous | `RESULT` name |",
        "|---|---:|---:|---:|---|---|---:|---|",
    ]
    for done in runs:
        for r in done.results:
            old = previous.get(r.name)
            was = f"{old.figure()} ({old_date})" if old and (old_date := _date(old)) else ""
            if old and not was:
                was = old.figure()
            lines.append(
                f"| {r.label} | {_number(r.project)} {r.unit} | "
                f"{_number(r.baseline) + ' ms' if r.baseline != '-' else '—'} | "
                f"{r.figure() if r.ratio != '-' else '—'} | {r.goal_text()} | {r.met()} | {was} | "
                f"`{r.name}` |"
            )
    names = {r.name for done in runs for r in done.results}
    for name, old in previous.items():
        if name not in names:  # a script not run this time (--only): its last figures, dated
            lines.append(
                f"| {old.label} | not re-run | | | {old.goal_text()} | {old.met()} | "
                f"{old.figure()} ({_date(old) or '?'}) | `{name}` |"
            )
    lines += ["", "| script | seconds | `RESULT` lines | status |", "|---|---:|---:|---|"]
    for done in runs:
        status = "ok" if done.status == 0 else f"**exit {done.status}**: {done.tail}"
        if done.status == 0 and not done.results:
            status = "**no RESULT line** (not yet in the common format)"
        lines.append(
            f"| `{done.script}.py` | {done.seconds:.0f} | {len(done.results)} | {status} |"
        )
    stamp = f"{now:%Y-%m-%d}"
    kept = [r.line() + f" @{stamp}" for done in runs for r in done.results]
    kept += [r.line() + f" @{_date(r) or '?'}" for n, r in previous.items() if n not in names]
    lines += ["", "<!-- results (read back as «previous» by the next generation)", *kept, "-->"]
    return "\n".join(lines)


_DATES: dict[str, str] = {}


def _date(result: Result) -> str:
    return _DATES.get(result.name, "")


def read_previous(text: str) -> dict[str, Result]:
    found = re.search(re.escape(BEGIN) + r"(.*?)" + re.escape(END), text, re.S)
    previous: dict[str, Result] = {}
    if found is None:
        return previous
    for line in found[1].splitlines():
        stamp = ""
        if " @" in line:
            line, stamp = line.rsplit(" @", 1)
        result = Result.parse(line.strip())
        if result is not None:
            previous[result.name] = result
            _DATES[result.name] = stamp.strip()
    return previous


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", type=Path, metavar="FILE", help="regenerate FILE's figures")
    parser.add_argument("--quick", action="store_true", help="smaller sizes where known")
    parser.add_argument("--only", help="scripts to run, comma-separated (default: all)")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    started = f"{dt.datetime.now(dt.UTC):%H:%M}"
    before = load()
    runs = [
        run(script, quick if args.quick else [], args.data)
        for script, quick in SCRIPTS
        if wanted is None or script in wanted
    ]
    text = args.write.read_text(encoding="utf-8") if args.write else ""
    previous = read_previous(text)
    generated = section(runs, previous, before, started)
    if args.write is None:
        print(generated)
        return 0
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{args.write}: markers {BEGIN} … {END} not found")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    args.write.write_text(f"{text[:start]}\n{generated}\n{text[end:]}", encoding="utf-8")
    print(f"{args.write} regenerated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
