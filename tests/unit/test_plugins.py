"""The plugin system: built-ins, the caller's plugins, entry points, blocking, and the hooks'
own hygiene (documented, tested, wrapped), after datasette's and tox's plugin tests."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rsgm_core
from rsgm_core import (
    App,
    CensusChanges,
    CensusImport,
    Member,
    MessageStatus,
    MessageTemplate,
    NotFoundError,
    PluginError,
    RuleViolation,
    hookimpl,
)
from rsgm_core.plugin_manager import Hooks
from rsgm_core.plugins import BUILTIN_PLUGINS
from rsgm_core.plugins.memory import MemoryStorage
from rsgm_core.testing import Clock
from tests.helpers import CDG79_2025

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_NAMES = {
    "memory",
    "sql",
    "decoupage",
    "log_notifier",
    "smtp",
    "templates_fr",
    "holidays_fr",
    "school_calendar_fr",
    "vocabularies",
    "interstis",
}


def open_memory(*plugins: object, **kwargs: Any) -> App:
    return rsgm_core.open("memory://", plugins=plugins, clock=Clock(), **kwargs)


def spec_names() -> list[str]:
    from rsgm_core import hookspecs

    return sorted(n for n, f in vars(hookspecs).items() if hasattr(f, "rsgm_spec"))


def test_builtin_plugins_are_registered_by_name() -> None:
    assert {name.rsplit(".", 1)[-1] for name in BUILTIN_PLUGINS} == BUILTIN_NAMES
    with open_memory() as app:
        assert set(app.hooks.plugin_names()) == BUILTIN_NAMES
        assert app.hooks.pm.get_plugin("sql") is importlib.import_module("rsgm_core.plugins.sql")


def test_a_misspelt_hook_fails_at_open() -> None:
    class Misspelt:
        @hookimpl
        def rsgm_sotrage(self, url: str) -> None: ...

    with pytest.raises(PluginError, match="rsgm_sotrage"):
        open_memory(Misspelt())


def test_a_hookimpl_with_a_wrong_argument_name_fails_at_registration() -> None:
    class WrongArgument:
        @hookimpl
        def rsgm_send(self, message: object, setting: object) -> None: ...

    with pytest.raises(PluginError, match="setting") as caught:
        open_memory(WrongArgument())
    assert "unknown hook" not in str(caught.value)  # refused by register(), not check_pending()


class CdgTemplates:
    """A CDG rewording the welcome message (NOT-2)."""

    @hookimpl
    def rsgm_message_template(self, name: str, locale: str) -> MessageTemplate | None:
        if name == "member_welcome":
            return MessageTemplate(
                name, "Bienvenue, {{ member.first_name }} !", "Le CDG 79 vous salue."
            )
        return None


def test_a_caller_plugin_overrides_a_builtin_firstresult_hook() -> None:
    with open_memory(CdgTemplates()) as app:
        template = app.hooks.message_template("member_welcome", "fr_FR")
        assert template is not None and template.text == "Le CDG 79 vous salue."
        member = Member("m-1", "Élodie", "Rousseau")
        rendered = app.outbox.render("member_welcome", {"member": member})
        assert rendered.subject == "Bienvenue, Élodie !"
        assert (rendered.text, rendered.html) == ("Le CDG 79 vous salue.", None)
        with pytest.raises(NotFoundError):
            app.outbox.template("no_such_message")
    with open_memory() as plain:  # the built-in wording is back for an instance without it
        assert plain.outbox.template("member_welcome").subject.startswith(
            "Bienvenue dans le réseau"
        )


def test_a_failing_hook_becomes_a_plugin_error_naming_it() -> None:
    class Broken:
        @hookimpl
        def rsgm_message_template(self, name: str, locale: str) -> None:
            raise KeyError(name)

    with open_memory(Broken()) as app, pytest.raises(PluginError, match="rsgm_message_template"):
        app.outbox.template("member_welcome")


def test_disabled_builtin_is_not_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RSGM_DISABLE_PLUGINS", "log_notifier, cdg79")
    with open_memory() as app:
        assert app.hooks.pm.is_blocked("log_notifier")
        assert app.hooks.pm.get_plugin("log_notifier") is None
        assert app.hooks.tariff_grids() == []
        app.members.add("Élodie", "Rousseau", email="elodie.rousseau@caunay.fr", welcome=True)
        [message] = app.outbox.list_messages()
        # NOT-1, NOT-3: with no notifier at all the message is kept unsent, with the reason
        assert message.status is MessageStatus.PENDING and message.attempts == 0
        assert message.last_error and "section [smtp]" in message.last_error
        # what `rsgm db info` lists as the plugins in use
        assert set(app.hooks.plugin_names()) == BUILTIN_NAMES - {"log_notifier", "cdg79"}
        assert "log_notifier" not in app.info()["plugins"]


def test_one_plugin_manager_per_instance() -> None:
    with open_memory(CdgTemplates()) as first, open_memory() as second:
        assert first.hooks.pm is not second.hooks.pm
        assert len(first.hooks.pm.get_plugins()) == len(second.hooks.pm.get_plugins()) + 1
        assert second.outbox.template("member_welcome").text != "Le CDG 79 vous salue."


def test_a_caller_storage_plugin_answers_its_own_scheme() -> None:
    class Essai:
        @hookimpl
        def rsgm_storage(self, url: str) -> MemoryStorage | None:
            return MemoryStorage(url) if url.startswith("essai://") else None

    with rsgm_core.open("essai://cdg79", plugins=[Essai()]) as app:
        assert app.storage.info()["url"] == "essai://cdg79"
        assert app.info()["counts"]["communes"] == 0
    with pytest.raises(PluginError, match="ftp://"):
        rsgm_core.open("ftp://cdg79/rsgm.db")


def test_member_added_observer_runs_after_commit_only() -> None:
    seen: list[tuple[str, int]] = []

    class Observer:
        def __init__(self) -> None:
            self.app: App | None = None

        @hookimpl
        def rsgm_on_member_added(self, member: Member) -> None:
            assert self.app is not None
            seen.append((member.last_name, len(self.app.members.list_members())))

    observer = Observer()
    with open_memory(observer) as app:
        observer.app = app
        app.members.add("Élodie", "Rousseau", email="elodie.rousseau@caunay.fr")
        with pytest.raises(RuleViolation):  # CHA-6: same address twice, rolled back
            app.members.add("Élodie", "Doublon", email="elodie.rousseau@caunay.fr")
    assert seen == [("Rousseau", 1)]  # called once, and the member was already committed


def test_census_hooks_are_called(census_data: Path) -> None:
    asked: list[Path] = []
    observed: list[tuple[CensusChanges, CensusImport]] = []

    class Spy:
        name = "spy"

        def detect(self, path: Path) -> bool:
            asked.append(path)
            return False  # let the built-in source read the files

    class Census:
        @hookimpl
        def rsgm_census_sources(self) -> list[Spy]:
            return [Spy()]

        @hookimpl
        def rsgm_on_census_imported(self, changes: CensusChanges, imported: CensusImport) -> None:
            observed.append((changes, imported))

    with open_memory(Census()) as app:
        assert next(s.name for s in app.hooks.census_sources()) == "spy"
        result = app.census.import_(census_data / "4.1.0", ["79"])
    assert asked == [census_data / "4.1.0"]
    assert observed == [(result.changes, result.imported)]
    assert observed[0][1].departements == ("79",)


def test_tariff_grids_hook_joins_every_plugin() -> None:
    class NoGrid:
        @hookimpl
        def rsgm_tariff_grids(self) -> list[Any]:
            return []

    class Cdg79:
        @hookimpl
        def rsgm_tariff_grids(self) -> list[Any]:
            return [CDG79_2025]

    with open_memory(NoGrid(), Cdg79()) as app:
        assert app.hooks.tariff_grids() == [CDG79_2025]


def test_no_builtin_grid_applies_to_a_cdg_TAR_2() -> None:
    """No grid ships as a plugin: without a profile's [[tarifs]] a fee is a clear error."""
    with open_memory() as app:
        assert app.hooks.tariff_grids() == []
        with pytest.raises(NotFoundError, match=r"\[\[tarifs\]\]") as caught:
            app.memberships.grid(year=2025)
        assert caught.value.rule == "TAR-2"


# Third-party plugins installed through the `rsgm` entry-point group.

FAKE_MODULE = """
from rsgm_core import MessageTemplate, hookimpl


@hookimpl
def rsgm_message_template(name, locale):
    if name == "fake_hello":
        return MessageTemplate(name, "Bonjour", "Bonjour {{ who }} !")
    return None
"""


@pytest.fixture
def installed_fake_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "rsgm_fake_plugin.py").write_text(FAKE_MODULE, encoding="utf-8")
    dist_info = tmp_path / "rsgm_fake_plugin-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: rsgm_fake_plugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(
        "[rsgm]\nfake = rsgm_fake_plugin\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield tmp_path
    sys.modules.pop("rsgm_fake_plugin", None)


def test_an_entry_point_plugin_is_loaded(installed_fake_plugin: Path) -> None:
    with open_memory(autoload=True) as app:
        assert "fake" in app.hooks.plugin_names()
        [(plugin, dist)] = [(p, d) for p, d in app.hooks.pm.list_plugin_distinfo()]
        assert plugin.__name__ == "rsgm_fake_plugin"
        assert dist.metadata["Name"] == "rsgm_fake_plugin"
        assert app.outbox.render("fake_hello", {"who": "Caunay"}).text == "Bonjour Caunay !"


def test_entry_point_plugins_skipped_when_autoload_is_disabled(
    installed_fake_plugin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RSGM_DISABLE_PLUGIN_AUTOLOAD", "1")
    with open_memory() as app:
        assert "fake" not in app.hooks.plugin_names()
        with pytest.raises(NotFoundError):
            app.outbox.template("fake_hello")
    monkeypatch.setenv("RSGM_DISABLE_PLUGINS", "fake")
    with open_memory(autoload=True) as blocked:
        assert blocked.hooks.pm.is_blocked("fake")
        assert blocked.hooks.pm.list_plugin_distinfo() == []


# Hygiene of the hooks themselves (datasette's test_plugin_hooks_*).


def test_every_hook_is_named_rsgm_and_has_a_docstring() -> None:
    from rsgm_core import hookspecs

    names = spec_names()
    assert len(names) >= 7
    for name in names:
        assert name.startswith("rsgm_"), name
        doc = inspect.getdoc(getattr(hookspecs, name))
        assert doc and len(doc) > 40, f"{name} has no docstring"


def test_every_hook_has_a_typed_method_on_hooks() -> None:
    for name in spec_names():
        method = getattr(Hooks, name.removeprefix("rsgm_"), None)
        assert callable(method), f"Hooks has no method for {name}"
        assert "return" in inspect.get_annotations(method), name


def test_hooks_call_every_hook_by_attribute_through_the_typed_relay() -> None:
    """The type checker sees each hook call: ``Hooks`` reads ``pm.hook`` through a protocol with
    one method per spec, keyword-only with the spec's parameter names, and never by a string."""
    from rsgm_core import hookspecs, plugin_manager
    from rsgm_core.plugin_manager import _HookRelay

    relay = {n for n in vars(_HookRelay) if n.startswith("rsgm_")}
    assert relay == set(spec_names())
    for name in spec_names():
        spec = inspect.signature(getattr(hookspecs, name))
        typed = inspect.signature(getattr(_HookRelay, name))
        params = list(typed.parameters.values())[1:]  # self
        assert [p.name for p in params] == list(spec.parameters), name
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), name
    source = inspect.getsource(plugin_manager)
    assert "getattr(self.pm.hook" not in source
    called = set(re.findall(r"self\._hook\.(rsgm_\w+)\(", source))
    assert called == set(spec_names())


def test_every_hook_is_documented_in_docs_plugins_md() -> None:
    doc = ROOT / "docs" / "plugins.md"
    assert doc.is_file(), f"{doc} is missing"
    text = doc.read_text(encoding="utf-8")
    undocumented = [n for n in spec_names() if not re.search(rf"\b{n}\b", text)]
    assert undocumented == []


def test_every_hook_is_exercised_by_a_test() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    untested = [n for n in spec_names() if not re.search(rf"\b{n}\b", text)]
    assert untested == []


def test_a_caller_plugin_is_listed_by_its_name_not_its_id() -> None:
    class CdgNotifier:
        @hookimpl
        def rsgm_on_member_added(self, member: object) -> None:
            """Observes; nothing to do."""

    with rsgm_core.open("memory://", plugins=[CdgNotifier()]) as app:
        names = app.hooks.plugin_names()
    assert "CdgNotifier" in names
    assert not any(name.isdigit() for name in names)
