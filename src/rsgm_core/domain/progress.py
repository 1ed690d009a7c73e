"""The progress port: how a long use case tells its caller how far it is.

A use case that walks many things (the national census, a member sheet, an invitation round, an
outbox round, an export) takes an optional ``progress`` callback and calls it as it goes:
``progress(step, done, total)``, where ``step`` names what is counted, in French and plural
(``"communes"``, ``"membres"``, ``"messages"``), ``done`` how many are behind and ``total`` how
many there are in all (``0`` when unknown). A step of ``total`` 1 is a phase without a count
(``"lecture"``). The callback only observes: it must not raise, and the use case's result is the
same with or without it. The command line renders it as a line on a terminal
(:mod:`rsgm_core.cli.progress`); an application may feed a web page or a log.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Progress", "no_progress"]


class Progress(Protocol):
    """``progress(step, done, total)``: ``done`` of ``total`` ``step`` are behind."""

    def __call__(self, step: str, done: int, total: int, /) -> None: ...


def no_progress(step: str, done: int, total: int, /) -> None:
    """The default: tell nobody."""
