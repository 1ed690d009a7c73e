"""The progress line of long commands, on a terminal (the CLI side of the progress port,
:class:`rsgm_core.domain.progress.Progress`).

While the census import, a member import, an invitation or newsletter round, an outbox round or
an export runs, standard error shows one line rewritten in place::

    12 500 / 34 935 communes · 4 210/s

and, when a counted step ends, what it did::

    34 935 communes en 8,3 s (4 210/s)

Nothing is written when standard error is not a terminal (a pipe, a log, cron) or with
``--quiet``/``-q``: the command's own output (standard output) is the same either way, and it
still ends by saying what was done.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

__all__ = ["ProgressBar", "TerminalProgress", "add_quiet_option", "progress_line", "thousands"]

#: Erase from the cursor to the end of the line (a shorter line leaves nothing of a longer one).
_CLEAR = "\x1b[K"


def thousands(number: float) -> str:
    """``34935`` → ``34 935``: the French grouping of a whole number."""
    return f"{round(number):,}".replace(",", " ")


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",") + " s"


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """``--quiet``/``-q``: no progress line, even on a terminal."""
    parser.add_argument(
        "-q",
        "--quiet",
        "--silencieux",
        dest="quiet",
        action="store_true",
        help="ne pas afficher la progression (elle ne s'affiche de toute façon que dans un "
        "terminal)",
    )


class TerminalProgress:
    """A :class:`~rsgm_core.domain.progress.Progress` that draws on ``stream`` (standard error)
    when it is a terminal and ``quiet`` is false, and does nothing otherwise.

    Redraws at most every ``interval`` seconds (a call per row costs next to nothing), always at
    the end of a step. Use it as a context manager, or call :meth:`close`, so that the last step
    ends with its summary line and the terminal's cursor is back at the start of a line."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        quiet: bool = False,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.1,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.active = not quiet and bool(isatty and isatty())
        self.clock = clock
        self.interval = interval
        self.step: str | None = None
        self.done = 0
        self.total = 0
        self.started = 0.0
        self.drawn = float("-inf")
        self.lines: list[str] = []  # the summary lines written, for the command and tests

    def __call__(self, step: str, done: int, total: int, /) -> None:
        if not self.active:
            return
        now = self.clock()
        if step != self.step:
            self._end_step(now)
            self.step, self.started = step, now
        self.done, self.total = done, total
        if now - self.drawn < self.interval and not (total and done >= total):
            return
        self.drawn = now
        self._write(f"\r{self.line(now)}{_CLEAR}")

    def line(self, now: float) -> str:
        """The line shown now: count, total and rate of a counted step, else its name."""
        step = self.step or ""
        if self.total == 1 and self.done <= 1:
            return f"{step}…"  # a phase without a count (reading the files)
        count = thousands(self.done)
        if self.total > 1:
            count = f"{count} / {thousands(self.total)}"
        elapsed = now - self.started
        rate = f" · {thousands(self.done / elapsed)}/s" if elapsed >= 0.2 and self.done else ""
        return f"{count} {step}{rate}"

    def _end_step(self, now: float) -> None:
        if self.step is None:
            return
        if self.total == 1 and self.done <= 1:  # a phase: nothing to tell once it is over
            self._write(f"\r{_CLEAR}")
        else:
            elapsed = max(now - self.started, 0.0)
            count = thousands(self.done)
            if self.total > 1 and self.done < self.total:
                count = f"{count} / {thousands(self.total)}"
            rate = f" ({thousands(self.done / elapsed)}/s)" if elapsed >= 0.2 and self.done else ""
            summary = f"{count} {self.step} en {_seconds(elapsed)}{rate}"
            self.lines.append(summary)
            self._write(f"\r{summary}{_CLEAR}\n")
        self.step = None

    def close(self) -> None:
        """End the last step: its summary line, the cursor at the start of a fresh line."""
        if self.active:
            self._end_step(self.clock())

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            self.close()
        elif self.active and self.step is not None:  # the error's message starts a clean line
            self._write(f"\r{_CLEAR}")
            self.step = None


#: The former name, kept for callers of ``rsgm_core.cli.common.ProgressBar``.
ProgressBar = TerminalProgress


def progress_line(args: argparse.Namespace | Any, stream: TextIO | None = None) -> TerminalProgress:
    """The progress line of a command: quiet with ``--quiet`` or off a terminal."""
    return TerminalProgress(stream, quiet=bool(getattr(args, "quiet", False)))
