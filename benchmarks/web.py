"""A personal link verified and a registration recorded through the web page, beside the same use
case called directly (NOT-3, EVT-4), on a department-size database.

Builds a SQLite file with the Deux-Sèvres census (the bundled sample: 256 communes), 400 SGMs with
a position each and 20 events in the coming months, each person already registered to 3 of them
(1,200 registrations), through the public API. Then, for ``--runs`` pairs of runs, alternated and
in an order that changes from run to run:

* page: ``GET /i/<token>`` (the link verified and its form shown: ``app.links.verify`` and the
  sessions) then ``POST /i/<token>`` with the session and the form's CSRF token (the registration
  recorded: ``app.links.use``), on the application of ``rsgm_core.web.create_app``, called in this
  process through ASGI: the time measured is the server's, from the request to the last byte of
  the response, with Starlette's routing, middleware, form parsing, thread hop and templates, and
  no client nor socket;
* direct: ``app.links.verify(token)`` then ``app.links.use(token, session_id=…)``.

Each run registers a person not yet registered to that event, with a token issued beforehand
(outside the timing); afterwards the script checks that both sides recorded the same thing (a
confirmed registration per run). The rate limit of the link pages is off (a benchmark, never in
production). Prints the median and 95th percentile of each side and the median of the runs'
ratios. Targets: ≤ 20 ms at the 95th percentile through the page, ≤ 2× the direct call.

    python benchmarks/web.py [--runs 150] [--members 400] [--events 20]

Needs the ``web`` extra (``pip install -e ".[web]"``); without it the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs

from _common import (
    SRC,
    Paired,
    render,
    result,
)  # first: this working tree's code, built-in plugins only
from rsgm_core import App, LinkPurpose, RegistrationStatus, RsgmError, SessionPlan, Settings
from rsgm_core import open as open_rsgm
from rsgm_core.profile_file import example_profile
from rsgm_core.testing import PARIS, Clock

SAMPLE = SRC / "rsgm_core" / "data" / "sample" / "79"
BASE = "https://reseau-sgm.cdg79.example"
SECRET = "secret-du-banc-d-essai-des-pages-web-0123456789"
TARGET_P95_MS = 20.0
TARGET_RATIO = 2.0
CPU: list[tuple[float, float]] = []  # per run, the CPU time of the page side and the direct one
HOPS: list[float] = []  # the worker thread's round trips, in ms: what a busy machine adds
START = dt.datetime(2025, 3, 14, 10, 30, tzinfo=PARIS)


def settings() -> Settings:
    """CDG 79's example profile with a ``[web]`` section."""
    base = Settings.from_file(example_profile("cdg79"))
    web = {"public_url": BASE, "secret": SECRET, "previous_secrets": ()}
    return attrs.evolve(base, plugins={**base.plugins, "web": web})


def build(app: App, members: int, events: int, seed: int) -> tuple[list[str], list[str]]:
    """The census, ``members`` SGMs, ``events`` events with room for all; each person registered
    to 3 events. Returns the people's ids and the events' ids."""
    rng = random.Random(seed)
    app.census.import_(SAMPLE, ["79"])
    with app.deps.read() as uow:
        small = [c.code for c in uow.communes.list() if c.active]
    people = []
    for n in range(members):
        member = app.members.add(f"Prénom{n}", f"Nom{n:04d}", email=f"sgm{n}@mairie.example.fr")
        app.members.add_position(member.id, small[n % len(small)], "sgm")
        people.append(member.id)
    planned = []
    for n in range(events):
        day = START.date() + dt.timedelta(days=45 + 7 * n)
        day += dt.timedelta(days=(3 - day.weekday()) % 7)  # a Thursday
        for shift in range(0, 28, 7):
            try:
                made = app.events.plan(
                    f"Journée réseau n° {n + 1}", "journée réseau", "présentiel",
                    [SessionPlan(day + dt.timedelta(days=shift), "Salle des fêtes")],
                    topics=["élections"],
                )  # fmt: skip
            except RsgmError:
                continue  # a public holiday: the next week
            planned.append(made.event.id)
            break
    sessions = {e: app.events.get(e).sessions[0].id for e in planned}
    for person in people:
        for event in rng.sample(planned, 3):
            app.registrations.register(sessions[event], person)
    return people, planned


# A minimal ASGI client: one request, the response's status, headers and body -------------------


async def call(
    web: Any, method: str, path: str, *, body: bytes = b"", cookie: str = ""
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    headers = [(b"host", b"reseau-sgm.cdg79.example")]
    if body:
        headers += [(b"content-type", b"application/x-www-form-urlencoded"),
                    (b"content-length", str(len(body)).encode())]  # fmt: skip
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "https", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 443),
    }  # fmt: skip
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"], answer["headers"] = message["status"], message["headers"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await web(scope, receive, send)
    return answer["status"], answer["headers"], answer["body"]


def cookie_of(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == b"set-cookie":
            return value.decode().split(";", 1)[0]
    return ""


def field(page: bytes, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.decode())
    if found is None:
        raise SystemExit(f"the page has no field {name!r}:\n{page.decode()[:2000]}")
    return html.unescape(found[1])


# The two sides ------------------------------------------------------------------------------------


async def through_page(web: Any, token: str) -> tuple[float, float]:
    """GET then POST of the registration page: the server's time of each, in ms."""
    start = time.perf_counter()
    status, headers, page = await call(web, "GET", f"/i/{token}")
    shown = (time.perf_counter() - start) * 1000
    if status != 200:
        raise SystemExit(f"GET /i/… answered {status}:\n{page.decode()[:2000]}")
    form = f"csrf={field(page, 'csrf')}&seance={field(page, 'seance')}".encode()
    cookie = cookie_of(headers)
    start = time.perf_counter()
    status, _, page = await call(web, "POST", f"/i/{token}", body=form, cookie=cookie)
    posted = (time.perf_counter() - start) * 1000
    if status != 200 or "enregistrée".encode() not in page:
        raise SystemExit(f"POST /i/… answered {status}:\n{page.decode()[:2000]}")
    return shown, posted


def direct(app: App, token: str) -> tuple[float, float]:
    """``app.links.verify`` then ``app.links.use``: the time of each, in ms."""
    start = time.perf_counter()
    check = app.links.verify(token, purpose=LinkPurpose.REGISTER)
    verified = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    app.links.use(token, purpose=LinkPurpose.REGISTER, session_id=check.choices[0].id)
    used = (time.perf_counter() - start) * 1000
    return verified, used


async def alternate(
    app: App, web: Any, pairs: list[tuple[str, str]], runs: int, warmup: int
) -> tuple[list[float], list[float], list[float], list[float], list[float]]:
    """``runs`` pairs of runs after ``warmup``, the side going first alternating: the page's GET
    and POST times, the direct verify and use times, and each run's ratio page / direct."""
    from starlette.concurrency import run_in_threadpool

    page_get, page_post, direct_verify, direct_use, ratios = [], [], [], [], []
    for run in range(runs + warmup):
        start = time.perf_counter()
        await run_in_threadpool(int)  # a worker thread's round trip, doing nothing
        HOPS.append((time.perf_counter() - start) * 1000)
        (p1, e1), (p2, e2) = pairs[2 * run], pairs[2 * run + 1]
        t_page = app.links.issue("inscription", member_id=p1, object_id=e1).token
        t_direct = app.links.issue("inscription", member_id=p2, object_id=e2).token
        cpu = {}
        for side in ("page", "direct") if run % 2 else ("direct", "page"):
            began = time.process_time()  # every thread of the process: the server's CPU
            if side == "page":
                page = await through_page(web, t_page)
            else:
                call_ = direct(app, t_direct)
            cpu[side] = (time.process_time() - began) * 1000
        if run < warmup:
            continue
        CPU.append((cpu["page"], cpu["direct"]))
        page_get.append(page[0])
        page_post.append(page[1])
        direct_verify.append(call_[0])
        direct_use.append(call_[1])
        ratios.append(sum(page) / sum(call_))
    return page_get, page_post, direct_verify, direct_use, ratios


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=150, help="pairs of runs (default 150)")
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=10, help="pairs not counted (default 10)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--inline", action="store_true",
        help="diagnostic: run the pages' use cases on the event loop's thread instead of a worker "
        "thread (what the page costs without the thread hop; never how the application runs)",
    )  # fmt: skip
    options = parser.parse_args()
    try:
        from rsgm_core.web import RateLimit, create_app
    except ModuleNotFoundError as exc:
        print(f'needs the web extra (pip install -e ".[web]"): {exc.name} is missing')
        return 0
    needed = 2 * (options.runs + options.warmup)
    if needed > options.members * (options.events - 3):
        raise SystemExit(f"{needed} registrations need more members or events")

    folder = Path(tempfile.mkdtemp(prefix="rsgm-web-bench-"))
    clock = Clock(START)
    started = time.perf_counter()
    with open_rsgm(f"sqlite:///{folder / 'rsgm.db'}", clock=clock, settings=settings()) as app:
        people, events = build(app, options.members, options.events, options.seed)
        built = time.perf_counter() - started
        taken = {(r.member_id, r.event_id) for r in registrations(app)}
        pairs = [(p, e) for e in events for p in people if (p, e) not in taken]
        random.Random(options.seed).shuffle(pairs)
        web = create_app(app, rate_limit=RateLimit(per_minute=0))
        if options.inline:
            inline_use_cases()
        # One event loop for every request, as under uvicorn (its worker threads stay warm).
        measured = asyncio.run(alternate(app, web, pairs, options.runs, options.warmup))
        made = [r for r in registrations(app) if r.status is RegistrationStatus.CONFIRMED]
        expected = options.members * 3 + 2 * (options.runs + options.warmup)
        same = len(made) == expected

    page_get, page_post, direct_verify, direct_use, ratios = measured
    page_total = [g + p for g, p in zip(page_get, page_post, strict=True)]
    direct_total = [v + u for v, u in zip(direct_verify, direct_use, strict=True)]
    rows = [
        ["link verified (GET /i/… | links.verify)", *figures(page_get, direct_verify)],
        ["registration recorded (POST /i/… | links.use)", *figures(page_post, direct_use)],
        ["both", *figures(page_total, direct_total)],
    ]
    print(f"rsgm_core web pages, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
          f"Python {platform.python_version()}, {platform.machine()}, "
          f"{len(people)} members, {len(events)} events, {options.members * 3} registrations "
          f"before, database built in {built:.1f} s; {options.runs} runs per side after "
          f"{options.warmup} of warm-up, alternated; load average {load()}"
          f"{'; use cases inline (diagnostic)' if options.inline else ''}")  # fmt: skip
    print()
    print(render(["ms", "page median", "page p95", "direct median", "direct p95", "ratio"], rows))
    print()
    ratio = statistics.median(ratios)
    worst = max(p95(page_get), p95(page_post))
    print(f"median ratio page / direct (both steps, per run): {ratio:.2f}× "
          f"(target ≤ {TARGET_RATIO:.0f}×: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")  # fmt: skip
    print(f"95th percentile through the page: GET {p95(page_get):.1f} ms, POST "
          f"{p95(page_post):.1f} ms (target ≤ {TARGET_P95_MS:.0f} ms each: "
          f"{'met' if worst <= TARGET_P95_MS else 'MISSED'})")  # fmt: skip
    page_cpu, direct_cpu = [c[0] for c in CPU], [c[1] for c in CPU]
    cpu_ratio = statistics.median(p / d for p, d in CPU if d > 0)
    print(f"CPU time of both steps (all threads): page median {statistics.median(page_cpu):.2f} ms, "
          f"direct median {statistics.median(direct_cpu):.2f} ms, median ratio {cpu_ratio:.2f}×")  # fmt: skip
    print(f"a worker thread's round trip alone (a page makes one per request): median "
          f"{statistics.median(HOPS):.2f} ms, p95 {p95(HOPS):.2f} ms")  # fmt: skip
    print(f"both sides recorded the same registrations: {'yes' if same else 'NO'}")
    both = Paired(
        statistics.median(page_total),
        statistics.median(direct_total),
        ratio,
        min(ratios),
        max(ratios),
    )
    label = f"registration through the link page, GET + POST ({options.runs} runs)"
    result("web.link_page", both, f"ratio<={TARGET_RATIO}", f"{label}, vs links.verify + use")
    result("web.link_page_p95", worst, f"ms<={TARGET_P95_MS}", f"{label}, worst p95 of GET, POST")
    return 0


def inline_use_cases() -> None:
    """``--inline``: the link pages call their use cases on the loop's own thread."""
    from rsgm_core.web import link_pages

    async def inline(function: Any, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    link_pages.run_in_threadpool = inline  # type: ignore[assignment]


def load() -> str:
    """The machine's load average over 1, 5 and 15 minutes, and its CPUs: a page runs its use
    cases on a worker thread, which a busy machine wakes late (the direct call does not hop)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} CPUs"


def figures(page: list[float], call: list[float]) -> list[str]:
    ratio = statistics.median(page) / statistics.median(call)
    return [f"{statistics.median(page):.2f}", f"{p95(page):.2f}",
            f"{statistics.median(call):.2f}", f"{p95(call):.2f}", f"{ratio:.2f}×"]  # fmt: skip


def registrations(app: App) -> list[Any]:
    with app.deps.read() as uow:
        sessions = {s.id: s.event_id for s in uow.sessions.list()}
        return [
            _WithEvent(r.member_id, sessions[r.session_id], r.status)
            for r in uow.registrations.list()
        ]


@attrs.frozen
class _WithEvent:
    member_id: str
    event_id: str
    status: RegistrationStatus


if __name__ == "__main__":
    sys.exit(main())
