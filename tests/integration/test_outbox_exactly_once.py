"""Mail exactly once (NOT-1, NOT-3) against a real SMTP server (aiosmtpd on 127.0.0.1): each
message is claimed by one compare-and-set before it is sent, so concurrent rounds, in threads or in
processes, on a SQLite file or PostgreSQL, deliver every message once; a commit delivers only the
messages its own transaction queued."""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import rsgm_core
from rsgm_core import App, Member, MessageStatus, Settings
from rsgm_core.services.outbox import queue_message
from rsgm_core.testing import Clock
from tests.smtp_server import Server, server_fixture  # noqa: F401

SENDER = "Réseau SGM <reseau-sgm@cdg79.fr>"
COUNT = 300
ROOT = Path(__file__).resolve().parents[2]


def smtp_settings(port: int, **outbox: Any) -> Settings:
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER}
    return Settings(plugins={"smtp": smtp, "outbox": outbox})


@pytest.fixture
def opened() -> Iterator[list[App]]:
    apps: list[App] = []
    yield apps
    for app in apps:
        app.close()


def open_app(url: str, port: int, opened: list[App], **outbox: Any) -> App:
    app = rsgm_core.open(url, settings=smtp_settings(port, **outbox), clock=Clock())
    opened.append(app)
    return app


def queue_many(app: App, count: int = COUNT) -> list[str]:
    """``count`` messages queued in one transaction and left there (no delivery after commit)."""
    member = Member("m-1", "Élodie", "Rousseau", "elodie.rousseau@caunay.fr")
    with app.deps.transaction() as uow:
        return [
            queue_message(
                app.deps,
                uow,
                "member_welcome",
                f"sgm.{n:03d}@caunay.fr",
                {"member": member, "commune": "Caunay"},
            ).id
            for n in range(count)
        ]


def delivered(handler: Server) -> collections.Counter[str]:
    return collections.Counter(str(mail["Message-ID"]) for mail in handler.received)


def in_threads(*calls: Callable[[], object]) -> list[object]:
    """Run ``calls`` at once (released together by a barrier); their results, or raise."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]
    return results


def test_concurrent_senders_in_threads_deliver_each_message_once_NOT_1_NOT_3(
    url: str, server: tuple[Server, int], opened: list[App]
) -> None:
    """Four rounds at once, each on its own app (its own connections, as a process has) but for
    the memory backend, which lives in one app: 300 messages, each received once."""
    handler, port = server
    first = open_app(url, port, opened, deliver_after_commit=False)
    ids = queue_many(first)
    if url.startswith("memory"):
        senders = [first] * 4  # one storage: its rounds share it, as threads of one process do
    else:
        senders = [open_app(url, port, opened) for _ in range(4)]
    reports = in_threads(*(app.outbox.deliver_due for app in senders))
    counts = delivered(handler)
    assert len(counts) == COUNT and set(counts.values()) == {1}, counts.most_common(3)
    sent = [key for report in reports for key in report.sent]  # type: ignore[attr-defined]
    assert sorted(sent) == sorted(ids)  # each reported sent by exactly one round
    messages = first.outbox.list_messages()
    assert {m.status for m in messages} == {MessageStatus.SENT}
    assert {m.attempts for m in messages} == {1}


def test_concurrent_outbox_send_processes_deliver_each_message_once_NOT_1_NOT_3(
    sql_url: str, server: tuple[Server, int], opened: list[App], tmp_path: Path
) -> None:
    """Three `rsgm outbox send` processes started together on a SQLite file or PostgreSQL."""
    handler, port = server
    app = open_app(sql_url, port, opened, deliver_after_commit=False)
    queue_many(app)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "RSGM_SMTP_HOST": "127.0.0.1",
        "RSGM_SMTP_PORT": str(port),
        "RSGM_SMTP_SECURITY": "none",
        "RSGM_SMTP_SENDER": "reseau-sgm@cdg79.fr",
    }
    env.pop("RSGM_CONFIG", None)
    main = "import sys; from rsgm_core.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", main, "outbox", "send", "--db", sql_url]
    processes = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=300)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    counts = delivered(handler)
    assert len(counts) == COUNT and set(counts.values()) == {1}, counts.most_common(3)
    total = sum(int(re.search(r"(\d+) messages? envoyés?", out)[1]) for out in outputs)
    assert total == COUNT  # what the three commands say they sent adds up to each message once
    assert {m.status for m in app.outbox.list_messages()} == {MessageStatus.SENT}


def test_a_commit_delivers_only_what_it_queued_beside_outbox_send_NOT_3(
    sql_url: str, server: tuple[Server, int], opened: list[App]
) -> None:
    """`members add` beside `outbox send` (the 258 duplicates of issue 18): the commit of each
    member's welcome sends that welcome only, never the round's messages."""
    handler, port = server
    first = open_app(sql_url, port, opened, deliver_after_commit=False)
    ids = queue_many(first)
    sender = open_app(sql_url, port, opened)
    adder = open_app(sql_url, port, opened)  # delivers after its commits, as every command does
    welcomes: list[str] = []

    def add_members() -> None:
        for n in range(20):
            adder.members.add("Jean", f"Péroux{n}", email=f"jean.peroux{n}@caunay.fr", welcome=True)
            report = adder.outbox.last_delivery
            assert report is not None and len(report.sent) == 1  # its own welcome, nothing else
            welcomes.extend(report.sent)

    report, _ = in_threads(sender.outbox.deliver_due, add_members)
    counts = delivered(handler)
    assert set(counts.values()) == {1}, counts.most_common(3)
    assert len(counts) == COUNT + 20
    assert sorted(report.sent) == sorted(ids)  # type: ignore[attr-defined]
    assert not set(welcomes) & set(ids)
    assert {m.status for m in first.outbox.list_messages()} == {MessageStatus.SENT}


def test_after_commit_delivery_leaves_the_rest_of_the_outbox_alone_NOT_3(
    sql_url: str, server: tuple[Server, int], opened: list[App]
) -> None:
    handler, port = server
    quiet = open_app(sql_url, port, opened, deliver_after_commit=False)
    waiting = queue_many(quiet, 5)
    app = open_app(sql_url, port, opened)
    member = app.members.add("Élodie", "Rousseau", email="elodie.rousseau@caunay.fr", welcome=True)
    [welcome] = [m for m in app.outbox.list_messages() if m.id not in waiting]
    assert welcome.status is MessageStatus.SENT and welcome.recipient == member.email
    assert [str(mail["To"]) for mail in handler.received] == [member.email]
    assert {app.outbox.get(key).status for key in waiting} == {MessageStatus.PENDING}
    report = app.outbox.last_delivery
    assert report is not None and report.sent == (welcome.id,) and report.complete


def test_concurrent_rounds_share_the_hourly_limit_NOT_1(
    url: str, server: tuple[Server, int], opened: list[App]
) -> None:
    """Each round reserves its share of the hour before sending: four at once send 50, not 200."""
    handler, port = server
    first = open_app(url, port, opened, deliver_after_commit=False, max_per_hour=50)
    queue_many(first, 120)
    if url.startswith("memory"):
        senders = [first] * 4
    else:
        senders = [open_app(url, port, opened, max_per_hour=50) for _ in range(4)]
    reports = in_threads(*(app.outbox.deliver_due for app in senders))
    counts = delivered(handler)
    assert len(counts) == 50 and set(counts.values()) == {1}
    assert sum(len(r.sent) for r in reports) == 50  # type: ignore[attr-defined]
    assert all(r.deferred for r in reports)  # type: ignore[attr-defined]
    pending = first.outbox.list_messages(status=MessageStatus.PENDING)
    assert len(pending) == 70 and {m.attempts for m in pending} == {0}
