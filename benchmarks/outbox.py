"""Outbox throughput against a local SMTP server, beside a raw ``smtplib`` loop in the same run.

Starts an aiosmtpd server on 127.0.0.1 (a free port), in its own process so that it does not share
the interpreter lock with what is measured, that accepts and discards every message. Then:

* **setup** (not timed): N welcome messages rendered from the French template and queued with
  ``queue_message`` in one transaction (delivery after commit off) in a SQLite file, copied and
  opened once per run;
* **project**: one ``app.outbox.deliver_due()`` round through the built-in SMTP plugin on a fresh
  copy: read the due messages, claim a batch, build each mail, send it on one connection, record
  the batch's outcomes (NOT-1), the SMTP connection opened and closed inside the run;
* **baseline**: the same N messages (read from the outbox beforehand) built the way a script would
  with the standard library alone (``EmailMessage``: the same From, To, Subject, Date, Message-ID,
  text and HTML parts) and sent with ``smtplib.SMTP.send_message`` on one connection: no storage,
  no claim, no record.

Before the runs, the mail the plugin builds and the baseline's are compared (bytes, Date and MIME boundary aside):
the two sides send the same mail. Runs alternate (``_common.paired``); the ratio is project time /
baseline time, so a throughput of at least 0.8× the baseline's is a time ratio of at most 1.25.

    python benchmarks/outbox.py [--messages 500] [--repeat 3] [--batch-size 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import _common
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


def settings(port: int, batch_size: int) -> rsgm_core.Settings:
    return rsgm_core.Settings(
        plugins={
            "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER},
            "outbox": {"deliver_after_commit": False, "batch_size": batch_size},
        }
    )


def prepare(path: Path, port: int, n: int, batch_size: int) -> list[OutboxMessage]:
    """A SQLite file holding ``n`` queued welcome messages; the messages."""
    with rsgm_core.open(f"sqlite:///{path}", settings=settings(port, batch_size)) as app:
        with app.deps.transaction() as uow:
            for i in range(n):
                member = Member(f"m-{i}", "Élodie", f"Rousseau{i}", f"agent{i}@caunay.fr")
                queue_message(
                    app.deps,
                    uow,
                    "member_welcome",
                    member.email or "",
                    {"member": member} | {"commune": None},
                )
        return app.outbox.list_messages()


def raw_mail(message: OutboxMessage) -> EmailMessage:
    """The mail a script would build with the standard library for ``message``."""
    mail = EmailMessage()
    mail["From"] = SENDER
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = message.message_id
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    return mail


def without_date(mail: EmailMessage) -> bytes:
    """The mail's bytes, its Date and its random MIME boundary set aside."""
    del mail["Date"]
    text = mail.as_bytes()
    boundary = mail.get_boundary()
    return text.replace(boundary.encode(), b"BOUNDARY") if boundary else text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=20)
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
    n = args.messages
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            template = folder / "queued.db"
            messages = prepare(template, port, n, args.batch_size)
            config = smtp.load_config(settings(port, args.batch_size))
            assert config is not None
            ours, theirs = smtp.build_message(messages[0], config), raw_mail(messages[0])
            if without_date(ours) != without_date(theirs):
                raise SystemExit("the baseline does not build the mail the plugin builds")
            by_id = {m.id: (m.recipient, m.message_id) for m in messages}
            apps = []
            for run in range(args.repeat + 1):  # opened before the clock starts, one per run
                path = folder / f"run-{run}.db"
                shutil.copyfile(template, path)
                apps.append(rsgm_core.open(f"sqlite:///{path}", settings=settings(port, args.batch_size)))  # fmt: skip
            fresh = iter(apps)

            def project() -> list[tuple[str, str | None]]:
                report = next(fresh).outbox.deliver_due()
                smtp.close_connections()
                assert len(report.sent) == n, report
                return sorted(by_id[key] for key in report.sent)

            def baseline() -> list[tuple[str, str | None]]:
                done = []
                with smtplib.SMTP("127.0.0.1", port) as client:
                    for message in messages:
                        client.send_message(raw_mail(message))
                        done.append((message.recipient, message.message_id))
                return sorted(done)

            cpu: dict[str, list[float]] = {"project": [], "baseline": []}

            def cpu_timed(side: str, action: Callable[[], object]) -> Callable[[], object]:
                def run() -> object:
                    start = time.process_time()
                    try:
                        return action()
                    finally:
                        cpu[side].append(time.process_time() - start)

                return run

            measure, _ = _common.paired(
                cpu_timed("project", project), cpu_timed("baseline", baseline), args.repeat
            )
            for app in apps:
                app.close()
    finally:
        smtp.close_connections()
        server.terminate()
        server.wait()
    print(
        f"outbox benchmark: {n} messages, batches of {args.batch_size}, {args.repeat} paired "
        f"runs, Python {platform.python_version()}"
    )
    per_second = [f"{n / (measure.project_ms / 1000):.0f}", f"{n / (measure.baseline_ms / 1000):.0f}"]  # fmt: skip
    print(
        _common.render(
            ["measure", "project ms", "raw smtplib ms", "ratio (min–max)", "msg/s", "raw msg/s"],
            [[f"deliver {n} messages", *measure.cells(), *per_second]],
        )
    )
    print(f"throughput: {1 / measure.ratio:.2f}× raw smtplib (goal ≥ 0.8×)")
    cpu_ratio = statistics.median(cpu["project"]) / statistics.median(cpu["baseline"])
    print(
        f"CPU time of this process (the server's aside): project {statistics.median(cpu['project']) * 1000 / n:.2f} ms "
        f"a message, baseline {statistics.median(cpu['baseline']) * 1000 / n:.2f} ms: {cpu_ratio:.2f}×; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    _common.result(
        "outbox.deliver",
        measure,
        "ratio<=1.25",
        f"deliver {n} messages over SMTP (throughput >= 0.8x raw smtplib)",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
