"""The examples a CDG's developer starts from (docs/examples): they run, and they need nothing but
``rsgm_core``'s public names (issue #15: "a CDG developer's script and a department plugin use
only names importable from rsgm_core")."""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import rsgm_core
from rsgm_core import ServiceKind, SessionPlan, Settings, TaskKind
from rsgm_core.testing import Clock
from tests.helpers import CDG79, administrator

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SCRIPT = EXAMPLES / "cdg_script.py"
PLUGIN = EXAMPLES / "department_plugin.py"
SAMPLE = Path(rsgm_core.__file__).parent / "data" / "sample" / "79"
ALLOWED_SUBMODULES = {"rsgm_core.testing"}  # the clock a script may run on


def _load_plugin() -> ModuleType:
    spec = importlib.util.spec_from_file_location("department_plugin", PLUGIN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plugin() -> ModuleType:
    return _load_plugin()


# --- The script ---------------------------------------------------------------------------------


def test_the_script_runs_on_a_sqlite_file_and_prints_its_french_summary(tmp_path: Path) -> None:
    db = tmp_path / "cdg79.db"
    env = {
        **os.environ,
        # the rsgm_core these tests import, whether installed or a source tree
        "PYTHONPATH": str(Path(rsgm_core.__file__).resolve().parents[1]),
        "PYTHONIOENCODING": "utf-8",
    }
    done = subprocess.run(
        # every old name warns: the example must use the new ones only
        [sys.executable, "-W", "error::DeprecationWarning", str(SCRIPT), str(db)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines == [
        "Recensement : 252 communes, 8 EPCI",
        "Journée réseau des SGM : 2 inscrits, 1 présent, 1 attestation pour Claire Martin",
        "Adhésion de Sauzé-entre-Bois (2297 hab.) : 300.00 € ; facture 2025 : 352.50 €",
        "Plateforme : Claire Martin, contributeur de « Espace départemental »",
        "Rapport d'activité 2025 : 1 événement, participation 50,0\u00a0%",
    ]
    # What it recorded stays in the file, readable through the same public API.
    with rsgm_core.open(f"sqlite:///{db}", settings=CDG79) as app:
        names = {m.full_name for m in app.members.list_members()}
        assert names == {"Claire Martin", "Julien Bernard", "Anne Chevalier"}
        assert [m.insee for m in app.memberships.list_memberships(year=2025)] == ["79307"]
        assert len(app.access.list_grants(active=True)) == 1


def test_the_script_runs_in_memory_without_argument(capsys: pytest.CaptureFixture[str]) -> None:
    namespace = runpy.run_path(str(SCRIPT))  # its names; "main" is not run under this name
    namespace["main"]([])
    out = capsys.readouterr().out
    assert out.startswith("Recensement : 252 communes") and "facture 2025 : 352.50 €" in out


# --- The plugin ---------------------------------------------------------------------------------


def test_the_plugin_brings_its_grid_used_for_that_years_invoices(plugin: ModuleType) -> None:
    clock = Clock(dt.date(2025, 3, 14))
    with rsgm_core.open(
        "memory://", plugins=[plugin], clock=clock, autoload=False, settings=CDG79
    ) as app:
        assert [g.exercise for g in app.memberships.list_grids()] == [2025, 2026]
        assert app.memberships.grid(year=2026) == plugin.CDG79_2026
        assert app.memberships.grid(year=2025).member_hourly_rate == 35  # the profile's
        app.census.import_(SAMPLE, ["79"])
        app.memberships.sign_convention("79307", by=administrator(app), on=dt.date(2025, 3, 14))
        clock.set(dt.date(2026, 2, 3))
        app.billing.add_intervention(
            "79307", ServiceKind.SPECIFIC_INTERVENTION, 50, by=administrator(app)
        )
        (invoice,) = app.billing.bill(by=administrator(app), year=2026)
    (line,) = invoice.lines
    # the plugin's non-member rate, per started quarter hour: 50 minutes are billed as 60
    assert (line.unit_price, line.billed_minutes, invoice.total) == (77, 60, 77)


def test_without_the_plugin_2026_has_no_grid() -> None:
    with rsgm_core.open("memory://", autoload=False, settings=CDG79) as app:
        assert [g.exercise for g in app.memberships.list_grids()] == [2025]
        with pytest.raises(rsgm_core.NotFoundError, match="2026"):
            app.memberships.grid(year=2026)


@pytest.mark.parametrize("with_plugin", [False, True])
def test_the_plugins_closing_days_move_the_timeline(plugin: ModuleType, with_plugin: bool) -> None:
    clock = Clock(dt.date(2025, 3, 14))
    plugins = [plugin] if with_plugin else []
    with rsgm_core.open("memory://", plugins=plugins, clock=clock, autoload=False) as app:
        app.census.import_(SAMPLE, ["79"])
        calendar = app.events.calendar([2025])
        planned = app.events.plan(
            "Journée réseau",
            "journée réseau",
            "présentiel",
            [SessionPlan(dt.date(2025, 6, 30), "Niort")],
        )
        due = {task.kind: task.due for task in app.events.timeline(planned.event.id)}
    closed = {dt.date(2025, 5, 30), dt.date(2025, 12, 24)}
    if with_plugin:
        assert closed <= calendar.holidays
    else:
        assert not closed & calendar.holidays
    assert dt.date(2025, 5, 29) in calendar.holidays  # Ascension, from the built-in plugin
    # D − 1 month is Friday 30 May: the bridge closes it, and Thursday is Ascension
    assert due[TaskKind.INVITATION] == (
        dt.date(2025, 5, 28) if with_plugin else dt.date(2025, 5, 30)
    )


def test_the_plugin_answers_for_its_department_only(plugin: ModuleType) -> None:
    assert plugin.rsgm_public_holidays(2026, "79", Settings()) == [
        dt.date(2026, 12, 24),
        dt.date(2026, 5, 15),
    ]
    assert plugin.rsgm_public_holidays(2026, "17", Settings()) == []


def test_the_plugins_observer_logs_each_new_member(
    plugin: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="rsgm_cdg79_local")
    with rsgm_core.open("memory://", plugins=[plugin], autoload=False) as app:
        app.members.add("Claire", "Martin")
    assert caplog.messages == ["nouveau membre du réseau : Claire Martin"]


def test_the_plugin_documents_its_entry_point() -> None:
    text = PLUGIN.read_text(encoding="utf-8")
    assert '[project.entry-points.rsgm]\n    cdg79_local = "rsgm_cdg79_local.plugin"' in text


# --- Public names only --------------------------------------------------------------------------


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import of ``path``; a plain ``import x`` gives no names."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, f"{path.name}: relative import"
            found.append((node.module, [alias.name for alias in node.names]))
    return found


@pytest.mark.parametrize("path", [SCRIPT, PLUGIN], ids=lambda p: p.name)
def test_the_examples_import_only_rsgm_core_and_the_standard_library(path: Path) -> None:
    imports = _imports(path)
    assert any(module == "rsgm_core" for module, _ in imports)
    for module, names in imports:
        top = module.partition(".")[0]
        if top != "rsgm_core":
            assert top in sys.stdlib_module_names, f"{path.name} imports {module}"
        elif module != "rsgm_core":
            assert module in ALLOWED_SUBMODULES, f"{path.name} imports the submodule {module}"
        else:
            unknown = set(names) - set(rsgm_core.__all__)
            assert not unknown, f"{path.name} imports names not in rsgm_core.__all__: {unknown}"


@pytest.mark.parametrize("path", [SCRIPT, PLUGIN], ids=lambda p: p.name)
def test_the_examples_reach_no_submodule_through_attributes(path: Path) -> None:
    """``rsgm_core.domain.x`` spelt as attributes is a submodule import all the same."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "rsgm_core"
        ):
            assert node.attr in (*rsgm_core.__all__, "__file__"), f"rsgm_core.{node.attr}"
