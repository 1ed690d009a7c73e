"""Outbox throughput against a local SMTP server, beside a raw ``smtplib`` loop in the same run.

Starts an aiosmtpd server on 127.0.0.1 (a free port), in its own process so that it does not share
the interpreter lock with what is measured, that accepts and discards every message. Then,
each of ``--repeat`` times, on a fresh SQLite file:

* **queue**: N welcome messages rendered from the French template and queued with
  ``queue_message`` in one transaction (delivery after commit switched off);
* **deliver**: one ``app.outbox.deliver_due()`` round through the built-in SMTP plugin, which
  claims each message, sends it on one reused connection and records the outcome, two small
  transactions per message (NOT-1);
* **raw**: the same N messages (subject, text and HTML taken from the outbox) built as
  ``EmailMessage`` and sent with ``smtplib.SMTP.send_message`` on one connection: no storage, no
  claim, no record.

Reports the best run of each, in messages per second, and the ratio deliver / raw. Exits 0 whatever
the figures: a measurement, not a test.

    PYTHONPATH=src python benchmarks/outbox.py [--messages 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import _common  # noqa: F401 - this working tree's code, built-in plugins only
import rsgm_core
from rsgm_core.domain.members import Member
from rsgm_core.domain.messages import OutboxMessage
from rsgm_core.services.outbox import queue_message

SENDER = "reseau-sgm@cdg79.fr"
SINK = "aiosmtpd.handlers.Sink"  # accepts and discards


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the SMTP server did not start on port {port}")


def run_outbox(folder: Path, port: int, n: int) -> tuple[float, float, list[OutboxMessage]]:
    settings = rsgm_core.Settings(
        plugins={
            "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER},
            "outbox": {"deliver_after_commit": False},
        }
    )
    with rsgm_core.open(f"sqlite:///{folder / 'outbox.db'}", settings=settings) as app:
        started = time.perf_counter()
        with app.transaction() as uow:
            for i in range(n):
                member = Member(f"m-{i}", "Élodie", f"Rousseau{i}", f"agent{i}@caunay.fr")
                queue_message(
                    app.deps,
                    uow,
                    "member_welcome",
                    member.email or "",
                    {"member": member, "commune": None},
                )
        queued = time.perf_counter() - started
        started = time.perf_counter()
        report = app.outbox.deliver_due()
        delivered = time.perf_counter() - started
        assert len(report.sent) == n, report
        return queued, delivered, app.outbox.list_messages()


def run_raw(port: int, messages: list[OutboxMessage]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as server:
        for message in messages:
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = SENDER, message.recipient, message.subject
            mail["Message-ID"] = message.message_id
            mail.set_content(message.body_text)
            if message.body_html:
                mail.add_alternative(message.body_html, subtype="html")
            server.send_message(mail)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        print("aiosmtpd is needed (pip install aiosmtpd, or the dev extra): nothing measured")
        return 0
    from rsgm_core.plugins import smtp

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", SINK]
    )
    wait_for(port)
    best = {"queue": float("inf"), "deliver": float("inf"), "raw": float("inf")}
    try:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                queued, delivered, messages = run_outbox(Path(tmp), port, args.messages)
                smtp.close_connections()
            raw = run_raw(port, messages)
            best = {
                "queue": min(best["queue"], queued),
                "deliver": min(best["deliver"], delivered),
                "raw": min(best["raw"], raw),
            }
    finally:
        smtp.close_connections()
        server.terminate()
        server.wait()
    n = args.messages
    print(
        f"outbox benchmark: {n} messages, best of {args.repeat}, Python {platform.python_version()}"
    )
    print(f"{'step':<28}{'seconds':>10}{'msg/s':>10}")
    rows = [
        ("queue (render + store)", best["queue"]),
        ("deliver (outbox + SMTP)", best["deliver"]),
        ("raw smtplib loop", best["raw"]),
        ("queue + deliver", best["queue"] + best["deliver"]),
    ]
    for name, seconds in rows:
        print(f"{name:<28}{seconds:>10.2f}{n / seconds:>10.0f}")
    print(f"deliver / raw: {best['deliver'] / best['raw']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
