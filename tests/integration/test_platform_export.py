"""``app.platform``: the Interstis export and the ``rsgm_platform_exporters`` hook: content, the delta's
idempotence, formula neutralisation, configurable columns (CHA-2..CHA-7, CHA-9)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest

import rsgm_core
from rsgm_core import App, ConfigurationError, NotFoundError, PlatformState, Settings, hookimpl
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import administrator
from tests.integration.test_access_service import AUBIGNY, PUBLISHED


def setup(app: App, first_name: str = "Claire") -> SimpleNamespace:
    app.census.import_(SAMPLE, ["79"])
    admin = app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
    app.access.add_staff(admin.id, administrator=True)
    claire = app.members.add(first_name, "Martin", email="claire.martin@example.org")
    app.members.add_position(claire.id, AUBIGNY, "sgm")
    space = app.access.create_departmental_space("Espace départemental", by=administrator(app))
    app.charters.publish("Charte", "Texte", by=administrator(app), on=PUBLISHED)
    app.charters.sign(AUBIGNY, "Jean Dupont", "maire")
    app.charters.sign(AUBIGNY, claire.id, "sgm")
    app.access.grant(claire.id, space.id, "contributeur", by=admin.id)
    return SimpleNamespace(admin=admin.id, claire=claire.id, space=space.id)


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_full_snapshot_lists_accounts_and_memberships_CHA_2(app: App) -> None:
    setup(app)
    rows = read_csv(
        app.platform.export_accounts("interstis", by=administrator(app), format="csv").text
    )
    assert rows == [
        {"Action": "créer le compte", "Adresse électronique": "claire.martin@example.org",
         "Prénom": "Claire", "Nom": "Martin", "Collectivité": "Aubigny", "Espace": "",
         "Rôle": ""},
        {"Action": "ajouter à l'espace", "Adresse électronique": "claire.martin@example.org",
         "Prénom": "Claire", "Nom": "Martin", "Collectivité": "",
         "Espace": "Espace départemental — CDG 79", "Rôle": "contributeur"},
    ]  # fmt: skip
    as_json = json.loads(
        app.platform.export_accounts("interstis", by=administrator(app), format="json").text
    )
    assert as_json["export"] == "complet" and len(as_json["lignes"]) == 2
    assert as_json["lignes"][0]["Collectivité"] == "Aubigny"


def test_the_delta_is_idempotent_and_follows_revocations_CHA_7(app: App) -> None:
    net = setup(app)
    first = app.platform.export_accounts(
        "interstis", by=administrator(app), since_last=True, format="csv"
    )
    assert not first.empty and len(read_csv(first.text)) == 2
    again = app.platform.export_accounts(
        "interstis", by=administrator(app), since_last=True, format="csv"
    )
    assert again.empty and read_csv(again.text) == []  # run twice: nothing the second time
    assert len(app.platform.list_exports(platform="interstis")) == 1  # an empty delta: nothing
    app.members.depart(net.claire, reason="mutation")
    gone = read_csv(
        app.platform.export_accounts(
            "interstis", by=administrator(app), since_last=True, format="csv"
        ).text
    )
    assert [(r["Action"], r["Adresse électronique"]) for r in gone] == [
        ("suspendre le compte", "claire.martin@example.org")
    ]
    assert app.platform.export_accounts(
        "interstis", by=administrator(app), since_last=True, format="json"
    ).state.empty


def test_read_only_phase_exports_contributors_as_visitors_CHA_5(app: App) -> None:
    net = setup(app)
    app.access.set_read_only(net.space, True, by=administrator(app))
    state = app.platform.export_accounts("interstis", by=administrator(app), format="csv").state
    assert [m.role for m in state.memberships] == ["visiteur"]


def test_formula_cells_are_neutralised_in_csv(app: App) -> None:
    setup(app, first_name='=HYPERLINK("http://evil.example","x")')
    text = app.platform.export_accounts("interstis", by=administrator(app), format="csv").text
    assert ';"\'=HYPERLINK(""http://evil.example"",""x"")";' in text
    assert [r["Prénom"] for r in read_csv(text)] == ['\'=HYPERLINK("http://evil.example","x")'] * 2


def test_columns_are_configurable_and_checked_at_open(rsgm_clock: Clock) -> None:
    settings = Settings(plugins={"interstis": {"columns": {"email": "Email", "space": "Groupe"}}})
    with rsgm_core.open("memory://", clock=rsgm_clock, settings=settings) as app:
        setup(app)
        header = app.platform.export_accounts(
            "interstis", by=administrator(app), format="csv"
        ).text.splitlines()[0]
    assert header == "\ufeffAction;Email;Prénom;Nom;Collectivité;Groupe;Rôle"
    bad = Settings(plugins={"interstis": {"columns": {"courriel": "Email"}}})
    with pytest.raises(ConfigurationError, match="champ inconnu"):
        rsgm_core.open("memory://", settings=bad)


class FakePlatform:
    name = "fake"
    formats = ("txt",)

    def render(
        self, state: PlatformState, *, format: str, full: bool, options: Mapping[str, Any]
    ) -> str:
        return f"{len(state.users)} compte(s), complet={full}, {dict(options)}"


class FakePlugin:
    @hookimpl
    def rsgm_platform_exporters(self) -> list[FakePlatform]:
        return [FakePlatform()]


def test_rsgm_platform_exporters_joins_plugins_and_records_per_platform(
    rsgm_clock: Clock,
) -> None:
    settings = Settings(plugins={"fake": {"x": 1}})
    with rsgm_core.open(
        "memory://", plugins=[FakePlugin()], clock=rsgm_clock, settings=settings
    ) as app:
        assert {e.name for e in app.hooks.platform_exporters()} == {"fake", "interstis"}
        assert app.platform.list_platforms() == ["fake", "interstis"]
        setup(app)
        assert (
            app.platform.export_accounts("fake", by=administrator(app), format="txt").text
            == "1 compte(s), complet=True, {'x': 1}"
        )
        # Each platform keeps its own history: Interstis has not been given anything yet.
        assert not app.platform.export_accounts(
            "interstis", by=administrator(app), since_last=True
        ).empty
        assert [e.platform for e in app.platform.list_exports()] == ["fake", "interstis"]
        [fake] = app.platform.list_exports(platform="fake")
        assert fake.full and fake.exported_at == rsgm_clock.now()
        with pytest.raises(NotFoundError, match="plateforme inconnue"):
            app.platform.export_accounts("autre", by=administrator(app))
