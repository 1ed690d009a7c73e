"""Property-based fuzzing of the public surface (issue 18, item 7): every public method of every
service of ``App`` and every ``rsgm`` command, driven with generated and hostile values, either
succeeds or refuses with an ``RsgmError`` (the CLI: exit 0 or 2, never 1, never a traceback), and a
refusal leaves storage exactly as it was (a dump of every collection: memory, SQLite, and
PostgreSQL when ``RSGM_TEST_POSTGRES_URL`` names a server).

Both run on the demo network (``rsgm demo``: census sample, members, events, access, toolbox), so
ids of existing records can be drawn beside unknown ones. ``RSGM_FUZZ_EXAMPLES`` raises the number
of examples per method and per command (default 3 per method, 2 per command: about a minute
on a quiet machine) and lets hypothesis draw new ones at each run.
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, RsgmError
from rsgm_core.cli import main
from rsgm_core.profile_file import example_profile
from tests.helpers import CDG79, with_log_transport
from tests.property import values
from tests.property.surface import (
    EXCLUDED,
    cli_commands,
    dump_app,
    dump_sqlite,
    known_ids,
    parameters,
    service_methods,
)

RAISED = os.environ.get("RSGM_FUZZ_EXAMPLES")
_COMMON = {
    "deadline": None,
    "derandomize": not RAISED,  # the default run is reproducible; a raised one explores
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
    "database": None,
    "print_blob": True,
}
FUZZ = settings(max_examples=int(RAISED or 3), **_COMMON)  # per service method
FUZZ_CLI = settings(max_examples=int(RAISED or 2), **_COMMON)  # per command: each opens the base


@attrs.define
class Target:
    """An app under fuzzing, its dump function and its last known dump."""

    app: App
    dump: Any
    folder: Path
    pool: tuple[str, ...]
    state: Any = None


@pytest.fixture(scope="module")
def fuzz_postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty PostgreSQL database for the module, dropped at its end."""
    admin = request.getfixturevalue("postgres_admin")
    name = f"rsgm_fuzz_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    scope="module",
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def target(
    request: pytest.FixtureRequest, demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    db = folder / "fuzz.db"
    shutil.copyfile(demo_db, db)
    settings_ = with_log_transport(CDG79, folder / "mails.txt")
    source = rsgm_core.open(f"sqlite:///{db}", settings=settings_)
    if request.param == "sqlite":
        app, dump = source, lambda: dump_sqlite(db)
    else:  # the demo's records copied into the backend, compared through its repositories
        url = "memory://"
        if request.param == "postgresql":
            url = request.getfixturevalue("fuzz_postgres_url")
        app = rsgm_core.open(url, settings=settings_)
        records = dump_app(source)
        with app.storage.unit_of_work() as uow:
            for repo in uow.repositories():
                repo.add_all(records[repo.collection.name])
            uow.commit()
        source.close()
        dump = lambda: dump_app(app)  # noqa: E731
    cwd = Path.cwd()
    os.chdir(folder)  # a relative path written by a call lands here
    try:
        fuzzed = Target(app, dump, folder, known_ids(app))
        fuzzed.state = dump()
        yield fuzzed
    finally:
        os.chdir(cwd)
        app.close()


def _strategy(service: str, method: str, fuzzed: Target) -> st.SearchStrategy[dict[str, Any]]:
    function = getattr(type(getattr(fuzzed.app, service)), method)
    drawn: dict[str, st.SearchStrategy[Any]] = {}
    for parameter, hint in parameters(function):
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise values.Unsupported(f"{service}.{method}: *{parameter.name}")
        if ("Callable" in str(hint) or "Progress" in str(hint)) and parameter.default is None:
            drawn[parameter.name] = st.none()  # a progress callback: none given
            continue
        strategy = values.for_type(hint, fuzzed.pool, fuzzed.folder)
        if parameter.default is not parameter.empty:
            strategy = st.one_of(st.just(parameter.default), strategy)
        drawn[parameter.name] = strategy
    return st.fixed_dictionaries(drawn)


def _call_text(service: str, method: str, kwargs: dict[str, Any]) -> str:
    shown = {
        k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in kwargs.items()
    }
    return f"app.{service}.{method}(**{shown!r})"


@pytest.mark.parametrize(("service", "method"), [m for m in service_methods() if m not in EXCLUDED])
def test_every_public_method_succeeds_or_refuses_without_writing(
    target: Target, service: str, method: str
) -> None:
    strategy = _strategy(service, method, target)

    @FUZZ
    @given(strategy)
    def call(kwargs: dict[str, Any]) -> None:
        refused = [v for v in kwargs.values() if isinstance(v, values.Refused)]
        if refused:  # an argument's own constructor refused it: a typed error, nothing called
            return
        function = getattr(getattr(target.app, service), method)
        positional = [
            kwargs.pop(p.name)
            for p, _ in parameters(getattr(type(getattr(target.app, service)), method))
            if p.kind is p.POSITIONAL_ONLY
        ]
        text = _call_text(service, method, kwargs)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # old names call the new
                result = function(*positional, **kwargs)
                if isinstance(result, Iterator):
                    list(result)
        except RsgmError as exc:
            after = target.dump()
            assert after == target.state, f"{text} refused ({exc}) but storage changed"
        except Exception as exc:
            pytest.fail(f"{text} raised {type(exc).__name__}: {exc}", pytrace=False)
        else:
            target.state = target.dump()

    call()


def test_excluded_methods_exist_and_every_service_has_methods() -> None:
    methods = set(service_methods())
    assert set(EXCLUDED) <= methods, set(EXCLUDED) - methods
    assert len(methods) > 200
    for (service, method), why in EXCLUDED.items():
        assert why, (service, method)


# -- the command line ---------------------------------------------------------------------------

COMMANDS = cli_commands()


def _option_values(action: Any, folder: Path, pool: tuple[str, ...]) -> st.SearchStrategy[str]:
    kind = getattr(action.type, "__name__", "") if action.type else ""
    texts = values.text(pool).filter(lambda s: "\x00" not in s)  # argv cannot carry NUL
    if action.choices:
        return st.one_of(st.sampled_from([str(c) for c in action.choices]), texts)
    if kind == "int":
        return st.one_of(values.ints().map(str), texts)
    if kind in ("fromisoformat", "_date", "_day"):
        return st.one_of(values.dates().map(dt_text), texts)
    if kind == "Path" or action.dest in ("sortie", "output", "dossier", "source", "csv", "json"):
        return st.one_of(values.paths(folder).map(str), texts)
    return texts


def dt_text(day: Any) -> str:
    return day.isoformat()


@st.composite
def _argv(
    draw: st.DrawFn, parser: Any, db: Path, profile: Path, pool: tuple[str, ...]
) -> list[str]:
    folder = db.parent
    argv: list[str] = []
    positionals: list[str] = []
    for action in parser._actions:
        if not action.option_strings:
            count = {"?": (0, 1), "*": (0, 3), "+": (1, 3)}.get(str(action.nargs), (1, 1))
            n = draw(st.integers(*count))
            positionals += [draw(_option_values(action, folder, pool)) for _ in range(n)]
            continue
        flag = action.option_strings[-1]
        if flag in ("-h", "--help", "--version"):
            continue
        if flag == "--db":
            argv += [flag, str(db)]
            continue
        if flag == "--config":
            argv += [flag, str(profile)]
            continue
        if not (action.required or draw(st.booleans())):
            continue
        if action.nargs == 0:
            argv.append(flag)
        elif action.nargs in ("+", "*"):
            argv += [
                flag,
                *draw(st.lists(_option_values(action, folder, pool), min_size=1, max_size=3)),
            ]
        else:
            argv += [flag, draw(_option_values(action, folder, pool))]
    return [*argv, "--", *positionals] if positionals else argv


@pytest.fixture(scope="module")
def cli_db(
    demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path, tuple[str, ...]]]:
    folder = tmp_path_factory.mktemp("fuzz-cli")
    db = folder / "cli.db"
    shutil.copyfile(demo_db, db)
    profile = folder / "rsgm.toml"
    text = example_profile("cdg79").read_text(encoding="utf-8")
    profile.write_text(
        text + f'\n[extensions.log]\npath = "{folder / "mails.txt"}"\n', encoding="utf-8"
    )
    with rsgm_core.open(f"sqlite:///{db}") as app:
        pool = known_ids(app)
    cwd = Path.cwd()
    os.chdir(folder)
    saved = {k: os.environ.pop(k) for k in ("RSGM_CONFIG", "RSGM_DB") if k in os.environ}
    try:
        yield db, profile, pool
    finally:
        os.chdir(cwd)
        os.environ.update(saved)


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_command_exits_0_or_2_and_a_refusal_writes_nothing(
    cli_db: tuple[Path, Path, tuple[str, ...]],
    path: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, profile, pool = cli_db
    parser = dict(COMMANDS)[path]
    target_db = db if path != ("demo",) else db.with_name("demo-again.db")

    @FUZZ_CLI
    @given(_argv(parser, target_db, profile, pool))
    def run(argv: list[str]) -> None:
        before = dump_sqlite(db)
        command = ["rsgm", *path, *argv]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                code = main([*path, *argv])
        except SystemExit as exit_:  # argparse: usage errors
            code = int(exit_.code or 0)
        except Exception as exc:
            pytest.fail(f"{command!r} raised {type(exc).__name__}: {exc}", pytrace=False)
        _, err = capsys.readouterr()
        assert "Traceback" not in err, (command, err)
        assert code in (0, 2), (command, code, err)
        if code == 2:
            assert dump_sqlite(db) == before, f"{command!r} refused ({err.strip()}) but wrote"

    run()
