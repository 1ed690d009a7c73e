"""``Repository.instants``: stored datetimes as POSIX timestamps, the very floats of
``datetime.timestamp()`` on every backend (the answer times of CNS-2 are read this way)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rsgm_core import App, ValidationError
from rsgm_core.domain.advice import AdviceRequest, Channel
from rsgm_core.plugins.sql.backend import SqlStorage

PARIS = ZoneInfo("Europe/Paris")
ZONES = [
    PARIS,
    ZoneInfo("UTC"),
    ZoneInfo("America/Cayenne"),
    ZoneInfo("Indian/Reunion"),
    ZoneInfo("Asia/Kolkata"),  # a half-hour offset
    ZoneInfo("Pacific/Chatham"),  # a 45-minute offset
    dt.UTC,  # a fixed offset, stored without a zone name
    dt.timezone(-dt.timedelta(hours=3, minutes=30)),
]


def asked(n: int, received: dt.datetime, answered: dt.datetime | None = None) -> AdviceRequest:
    return AdviceRequest(
        id=f"a{n:03d}", commune="79019", requester="Demandeur", channel=Channel.EMAIL,
        theme="Voirie", question="Q ?", received_at=received, answered_at=answered,
        answer="R." if answered else None,
    )  # fmt: skip


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStorage]:
    opened = SqlStorage(f"sqlite:///{tmp_path_factory.mktemp('instants') / 'rsgm.db'}")
    yield opened
    opened.close()


moments = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
    timezones=st.sampled_from(ZONES),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(moments, min_size=1, max_size=20))
@example([dt.datetime(1900, 1, 1, tzinfo=PARIS)])  # LMT, +00:09:21: read in Python instead
@example([dt.datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=PARIS)])  # the second 2:30
@example([dt.datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)])  # beyond 2**53 µs
@example([dt.datetime(1, 1, 2, 0, 0, 0, 1, tzinfo=dt.UTC)])
def test_sqlite_gives_the_timestamps_python_gives_CNS_2(
    storage: SqlStorage, moments: list[dt.datetime]
) -> None:
    with storage.unit_of_work() as uow:  # never committed: each example starts empty
        uow.advice_requests.add_all(asked(n, m) for n, m in enumerate(moments))
        got = uow.advice_requests.instants(("received_at", "answered_at"))
    assert got == [(m.timestamp(), None) for m in moments]


def test_instants_on_every_backend_CNS_2(app: App) -> None:
    received = dt.datetime(2025, 3, 29, 23, 0, 0, 250, tzinfo=PARIS)
    answered = dt.datetime(2025, 3, 30, 4, 0, tzinfo=PARIS)  # across the spring change
    with app.storage.unit_of_work() as uow:
        uow.advice_requests.add_all([asked(1, received, answered), asked(2, received)])
        uow.commit()
    with app.storage.unit_of_work(read_only=True) as uow:
        rows = uow.advice_requests.instants(("received_at", "answered_at"))
        assert rows == [
            (received.timestamp(), answered.timestamp()),
            (received.timestamp(), None),
        ]
        assert uow.advice_requests.instants(("received_at",), {"id": "a002"}) == [
            (received.timestamp(),)
        ]
        assert (rows[0][1] - rows[0][0]) / 3600 == pytest.approx(4 - 250e-6 / 3600)
        with pytest.raises(ValidationError, match="theme"):
            uow.advice_requests.instants(("theme",))  # not a datetime
        with pytest.raises(ValidationError, match="arrival"):
            uow.advice_requests.instants(("arrival",))


def test_text_written_by_another_tool_is_read_in_python_CNS_2(storage: SqlStorage) -> None:
    with storage.unit_of_work() as uow:  # never committed
        uow.advice_requests.add(asked(1, dt.datetime(2025, 3, 14, 9, 0, tzinfo=PARIS)))
        uow.conn.exec_driver_sql(  # a fraction of three digits, no zone name
            "UPDATE advice_requests SET received_at = '2025-03-14T09:00:00.250+01:00'"
        )
        [(received, _)] = uow.advice_requests.instants(("received_at", "answered_at"))
    assert received == dt.datetime(2025, 3, 14, 8, 0, 0, 250000, tzinfo=dt.UTC).timestamp()
