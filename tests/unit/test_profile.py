"""The CDG profile file (``rsgm.toml``): every key read, every bad value refused with a French
ConfigurationError naming the file, the key's path, the reason and the rule it serves."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import ConfigurationError, Settings
from rsgm_core.cli import build_parser
from rsgm_core.domain.profile import AccessMode, CdgIdentity, CharterChange
from rsgm_core.domain.tariffs import ServiceKind
from rsgm_core.profile_file import example_profile, parse_profile, rule_of
from tests.helpers import run

FULL = '''
[cdg]
nom = "Centre de gestion de la fonction publique territoriale de Seine-et-Marne"
nom_court = "CDG 77"
code = "cdg77"
siret = "287 700 018 00016"
adresse = """
10 points de vue
77564 Lieusaint Cedex"""
lieu = "Lieusaint"
signataire = "Marie Durand"
qualite_signataire = "Présidente du CDG 77"
courriel = "reseau-sgm@cdg77.fr"
logo = "logo.png"
signature = "signature.png"

[territoire]
departements = ["77"]
public_cible = 2000
reseau_par_departement = false

[politiques]
acces_plateforme = "demande"
pack_pour_espace_communautaire = false
nouvelle_version_charte = "informer"

[calendrier]
lundi_de_pentecote_travaille = true

[regional]
langue = "fr_FR"
fuseau = "Europe/Paris"

[base]
url = "cdg77.db"

[smtp]
hote = "smtp.cdg77.fr"
port = 587
securite = "starttls"
utilisateur = "rsgm"
mot_de_passe = "secret"
expediteur = "Réseau des SGM <rsgm@cdg77.fr>"
repondre_a = "reseau-sgm@cdg77.fr"
delai = 20
certificats_ca = "ca.pem"

[envoi]
heures = "08:00-19:00"
jours = "lun-ven"
max_par_heure = 200
domaine = "cdg77.fr"
tentatives_max = 5
premier_delai_secondes = 30
facteur_delai = 2
delai_max_secondes = 3600
bail_secondes = 300

[extensions.journal]
chemin = "envoi.log"

[[tarifs]]
exercice = 2026
adopte_par = "délibération du 1er décembre 2025"
taux_horaire_adherent = "40"
taux_horaire_non_adherent = "80.50"
arrondi_minutes = 15
stagiaires_mois = 3
stagiaires_demi_journees_sur_site = 1
demi_journee_minutes = 180
prestations_horaires = ["intervention_specifique"]
articles = { intervention_specifique = "2.7" }
strates = [
    { de = 0, a = 999, cotisation = "120" },
    { de = 1000, a = 1999, cotisation = "180.50" },
]
'''


def load(text: str, folder: Path | None = None) -> Settings:
    return parse_profile(text, folder=folder or Path("."), name="rsgm.toml")


def refused(text: str, path: str, *why: str, rule: str | None = None) -> ConfigurationError:
    """``text`` is refused naming the file, the key ``path``, each of ``why`` and ``rule``."""
    with pytest.raises(ConfigurationError) as caught:
        load(text)
    message = str(caught.value)
    assert message.startswith(f"profil rsgm.toml : {path} : "), message
    for part in why:
        assert part in message, message
    assert caught.value.rule == rule, message
    if rule:
        assert message.endswith(f"[{rule}]"), message
    return caught.value


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("logo.png", "signature.png", "ca.pem"):
        (tmp_path / name).write_bytes(b"x")
    return tmp_path


def test_every_key_of_every_section_is_read(folder: Path) -> None:
    settings = load(FULL, folder)
    assert settings.cdg == CdgIdentity(
        name="Centre de gestion de la fonction publique territoriale de Seine-et-Marne",
        short_name="CDG 77",
        code="cdg77",
        place="Lieusaint",
        signatory_name="Marie Durand",
        signatory_title="Présidente du CDG 77",
        address="10 points de vue\n77564 Lieusaint Cedex",
        siret="28770001800016",
        email="reseau-sgm@cdg77.fr",
        logo=(folder / "logo.png").resolve(),
        signature_image=(folder / "signature.png").resolve(),
    )
    assert settings.cdg.address_lines == ("10 points de vue", "77564 Lieusaint Cedex")
    assert settings.departements == ("77",)
    policies = settings.policies
    assert (policies.target_below, policies.per_departement) == (2000, False)
    assert (policies.access, policies.charter_change) == (AccessMode.REQUEST, CharterChange.INFORM)
    assert (policies.community_space_needs_pack, policies.whit_monday_worked) == (False, True)
    assert (settings.locale, settings.timezone) == ("fr_FR", "Europe/Paris")
    assert settings.database == f"sqlite:///{(folder / 'cdg77.db').resolve()}"
    assert settings.plugin("smtp") == {
        "host": "smtp.cdg77.fr", "port": 587, "security": "starttls", "username": "rsgm",
        "password": "secret", "sender": "Réseau des SGM <rsgm@cdg77.fr>",
        "reply_to": "reseau-sgm@cdg77.fr", "timeout": 20, "ca_file": "ca.pem",
    }  # fmt: skip
    assert settings.plugin("outbox") == {
        "hours": "08:00-19:00", "days": "lun-ven", "max_per_hour": 200, "domain": "cdg77.fr",
        "max_attempts": 5, "retry_base_seconds": 30, "retry_factor": 2,
        "retry_cap_seconds": 3600, "lease_seconds": 300,
    }  # fmt: skip
    assert settings.plugin("journal") == {"chemin": "envoi.log"}
    (grid,) = settings.grids
    assert (grid.cdg, grid.exercise, grid.adopted_by) == (
        "cdg77", 2026, "délibération du 1er décembre 2025"
    )  # fmt: skip
    assert (grid.member_hourly_rate, grid.non_member_hourly_rate) == (
        Decimal("40.00"), Decimal("80.50")
    )  # fmt: skip
    assert grid.rounding.increment_minutes == 15
    assert (grid.trainee_months, grid.trainee_onsite_half_days, grid.half_day_minutes) == (
        3, 1, 180
    )  # fmt: skip
    assert [(s.low, s.high, s.fee) for s in grid.strata] == [
        (0, 999, Decimal("120.00")), (1000, 1999, Decimal("180.50"))
    ]  # fmt: skip
    hourly = {service.kind for service in grid.catalogue if service.hourly}
    assert hourly == {ServiceKind("intervention_specifique")}
    articles = {service.kind.value: service.article for service in grid.catalogue}
    assert articles["intervention_specifique"] == "2.7"


def test_an_empty_profile_gives_the_cautious_defaults() -> None:
    settings = load("")
    assert settings == Settings(source=None)
    assert (settings.cdg, settings.departements, settings.grids, settings.database) == (
        None, (), (), None
    )  # fmt: skip
    assert settings.policies.access is AccessMode.INVITATION
    assert settings.policies.target_below == 3500
    assert not settings.policies.community_space_needs_pack


def test_the_shipped_and_test_profiles_load() -> None:
    cdg79 = Settings.from_file(example_profile("cdg79"))
    assert cdg79.cdg is not None and cdg79.cdg.code == "cdg79" and len(cdg79.grids) == 1
    profiles = Path(__file__).parents[1] / "profiles"
    cdg77 = Settings.from_file(profiles / "cdg77.toml")
    assert cdg77.departements == ("77",) and cdg77.grids == ()
    cig = Settings.from_file(profiles / "cig_grande_couronne.toml")
    assert cig.departements == ("78", "91", "95") and cig.policies.per_departement


def test_an_example_name_that_is_not_shipped_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"profil d'exemple inconnu : 'cdg77'.*cdg79"):
        example_profile("cdg77")
    with pytest.raises(ConfigurationError, match="inconnu"):
        example_profile("_nouveau")  # the template of rsgm init is not an example


def test_relative_paths_start_from_the_profile_folder(tmp_path: Path) -> None:
    (tmp_path / "rsgm.toml").write_text('[base]\nurl = "data/cdg.db"\n', encoding="utf-8")
    settings = Settings.from_file(tmp_path / "rsgm.toml")
    assert settings.database == f"sqlite:///{(tmp_path / 'data' / 'cdg.db').resolve()}"
    assert settings.source == (tmp_path / "rsgm.toml").resolve()
    url = Settings.from_toml('[base]\nurl = "postgresql+psycopg://u@h/rsgm"').database
    assert url == "postgresql+psycopg://u@h/rsgm"


def test_a_profile_without_signatory_loads_and_refuses_to_sign() -> None:
    settings = load('[cdg]\nnom = "CDG 77"\nnom_court = "CDG 77"\n')
    assert settings.cdg is not None and settings.cdg.code == "cdg77"
    with pytest.raises(ConfigurationError, match=r"cdg\.lieu, cdg\.signataire, cdg\.qualite"):
        settings.cdg.signature_block()
    full = Settings.from_file(example_profile("cdg79")).cdg
    assert full is not None
    assert full.signature_block() == (
        "Saint-Maixent-l'École", "Alain Lecointe", "Président du CDG 79"
    )  # fmt: skip


# Refusals: (profile text, key path, words of the reason, rule)
BAD = [
    ("[cdgg]\n", "cdgg", ("clé inconnue", "cdg, territoire"), None),
    ('[cdg]\nnom = "x"\nnom_court = "x"\ncouleur = "bleu"\n', "cdg.couleur", ("clé inconnue",), None),
    ('[territoire]\npublic = 2000\n', "territoire.public", ("clé inconnue",), None),
    ('[cdg]\nnom = "x"\n', "cdg.nom_court", ("clé obligatoire manquante",), None),
    ('[cdg]\nnom = 3\nnom_court = "x"\n', "cdg.nom", ("un texte entre guillemets", "3"), None),
    ('[cdg]\nnom = " "\nnom_court = "x"\n', "cdg.nom", ("texte vide",), None),
    ('[cdg]\nnom = "x"\nnom_court = "x"\nsiret = "12345678901234"\n', "cdg.siret",
     ("SIRET invalide", "clé de contrôle"), "TAR-4"),
    ('[cdg]\nnom = "x"\nnom_court = "x"\nlogo = "absent.png"\n', "cdg.logo",
     ("fichier introuvable",), None),
    ("cdg = 3\n", "cdg", ("une table est attendue",), None),
    ('[territoire]\ndepartements = "77"\n', "territoire.departements", ("une liste",), "TER-7"),
    ("[territoire]\ndepartements = [77]\n", "territoire.departements[0]",
     ("un code entre guillemets",), "TER-7"),
    ('[territoire]\ndepartements = ["77", "99"]\n', "territoire.departements[1]",
     ("département inconnu : '99'",), "TER-7"),
    ('[territoire]\ndepartements = ["78", "91", "78"]\n', "territoire.departements[2]",
     ("département en double",), "TER-7"),
    ("[territoire]\npublic_cible = 5000\n", "territoire.public_cible",
     ("public cible invalide : 5000",), "TER-3"),
    ('[territoire]\npublic_cible = "2000"\n', "territoire.public_cible",
     ("un nombre entier",), "TER-3"),
    ("[territoire]\npublic_cible = 3.5\n", "territoire.public_cible", ("un nombre entier",), "TER-3"),
    ("[territoire]\nreseau_par_departement = 1\n", "territoire.reseau_par_departement",
     ("true ou false",), "TER-7"),
    ('[politiques]\nacces_plateforme = "libre"\n', "politiques.acces_plateforme",
     ("valeur inconnue 'libre'", "« invitation », « demande »"), "CHA-2"),
    ('[politiques]\npack_pour_espace_communautaire = "oui"\n',
     "politiques.pack_pour_espace_communautaire", ("true ou false",), "CHA-3"),
    ('[politiques]\nnouvelle_version_charte = "ignorer"\n', "politiques.nouvelle_version_charte",
     ("valeur inconnue", "« resigner », « informer »"), "CHA-8"),
    ('[calendrier]\nlundi_de_pentecote_travaille = "non"\n',
     "calendrier.lundi_de_pentecote_travaille", ("true ou false",), "EVT-3"),
    ('[regional]\nlangue = "français"\n', "regional.langue", ("langue invalide",), None),
    ('[regional]\nfuseau = "Mars/Olympus"\n', "regional.fuseau", ("fuseau horaire inconnu",), None),
    ("[base]\nurl = 1\n", "base.url", ("un texte",), None),
    ('[smtp]\nserveur = "x"\n', "smtp.serveur", ("clé inconnue", "hote"), None),
    ('[envoi]\nheures = "19h-8h"\n', "envoi.heures", ("plage illisible",), None),
    ('[envoi]\njours = "lundi-dimanche, fériés"\n', "envoi.jours", ("jour inconnu",), None),
    ("[envoi]\nmax_par_heure = -3\n", "envoi.max_par_heure", ("nombre positif",), None),
    ('[extensions]\nsmtp = { host = "x" }\n', "extensions.smtp", ("section [smtp]",), None),
    ("[extensions]\njournal = 3\n", "extensions.journal", ("une table",), None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "path", "why", "rule"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_value_is_refused_with_its_path_and_rule(
    text: str, path: str, why: tuple[str, ...], rule: str | None
) -> None:
    refused(text, path, *why, rule=rule)


def test_unreadable_toml_is_refused_naming_the_file() -> None:
    with pytest.raises(ConfigurationError, match=r"profil rsgm\.toml : TOML illisible"):
        load("[cdg\n")


CDG = '[cdg]\nnom = "CDG 77"\nnom_court = "CDG 77"\n'


REQUIRED_GRID_KEYS = {
    "prestations_horaires": '["intervention_specifique"]',
    "stagiaires_mois": "6",
    "stagiaires_demi_journees_sur_site": "2",
}


def grid(strata: str, **keys: str) -> str:
    extra = "".join(f"{key} = {value}\n" for key, value in keys.items())
    rates = 'taux_horaire_adherent = "35"\ntaux_horaire_non_adherent = "75"\n'
    if "taux_horaire_adherent" in keys:
        rates = 'taux_horaire_non_adherent = "75"\n'
    for key, value in REQUIRED_GRID_KEYS.items():  # what a grid must say (never CDG 79's)
        if key not in keys:
            rates += f"{key} = {value}\n"
    return f"{CDG}[[tarifs]]\nexercice = 2026\n{rates}{extra}strates = [{strata}]\n"


GOOD = '{ de = 0, a = 999, cotisation = "100" }, { de = 1000, a = 3500, cotisation = "200" }'

BAD_GRIDS = [
    (grid('{ de = 0, a = 999, cotisation = "100" }, { de = 900, a = 3500, cotisation = "200" }'),
     "tarifs[0]", ("se chevauchent",), "TAR-1"),
    (grid('{ de = 0, a = 999, cotisation = "100" }, { de = 1200, a = 3500, cotisation = "200" }'),
     "tarifs[0]", ("trou de 1000 à 1199",), "TAR-1"),
    (grid('{ de = 100, a = 3500, cotisation = "100" }'), "tarifs[0]", ("trou de 0 à 99",), "TAR-1"),
    (grid(""), "tarifs[0]", ("sans strate",), "TAR-1"),
    (grid('{ de = 999, a = 0, cotisation = "100" }'), "tarifs[0].strates[0]", ("strate vide",),
     "TAR-1"),
    (grid('{ de = 0, a = 3500, cotisation = 100.5 }'), "tarifs[0].strates[0].cotisation",
     ("nombre à virgule", "« 100.5 »"), "TAR-1"),
    (grid('{ de = 0, a = 3500, cotisation = "0" }'), "tarifs[0].strates[0].cotisation",
     ("un montant positif",), "TAR-1"),
    (grid('{ de = 0, a = 3500, cotisation = "-5" }'), "tarifs[0].strates[0].cotisation",
     ("un montant positif",), "TAR-1"),
    (grid('{ de = 0, a = 3500 }'), "tarifs[0].strates[0].cotisation", ("obligatoire",), "TAR-1"),
    (grid('{ de = 0, a = 3500, cotisation = "100", note = "x" }'), "tarifs[0].strates[0].note",
     ("clé inconnue",), "TAR-1"),
    (grid(GOOD, taux_horaire_adherent="0"), "tarifs[0].taux_horaire_adherent",
     ("un montant positif",), "TAR-5"),
    (grid(GOOD, taux_horaire_adherent="35.5"), "tarifs[0].taux_horaire_adherent",
     ("nombre à virgule",), "TAR-5"),
    (grid(GOOD, prestations_horaires='["jardinage"]'), "tarifs[0].prestations_horaires[0]",
     ("prestation inconnue 'jardinage'",), "TAR-5"),
    (grid(GOOD, remise='"10"'), "tarifs[0].remise", ("clé inconnue",), "TAR-2"),
    (grid(GOOD).replace(CDG, ""), "tarifs[0]", ("ajoutez la section [cdg]",), "TAR-2"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "path", "why", "rule"), BAD_GRIDS)
def test_an_invalid_grid_is_refused_with_its_path_TAR_1_TAR_2(
    text: str, path: str, why: tuple[str, ...], rule: str | None
) -> None:
    refused(text, path, *why, rule=rule)


def test_a_valid_grid_is_read_TAR_1() -> None:
    (read,) = load(grid(GOOD)).grids
    assert [(s.low, s.high, s.fee) for s in read.strata] == [
        (0, 999, Decimal("100.00")), (1000, 3500, Decimal("200.00"))
    ]  # fmt: skip


@st.composite
def valid_strata(draw: st.DrawFn) -> list[tuple[int, int, Decimal]]:
    """Contiguous strata from 0 to a ceiling, each with a positive fee to the cent."""
    bounds = sorted(draw(st.sets(st.integers(1, 3_500), min_size=0, max_size=6)))
    highs = [b - 1 for b in bounds] + [draw(st.integers(max([0, *bounds]), 3_500))]
    lows = [0, *bounds]
    fees = draw(
        st.lists(
            st.decimals(Decimal("0.01"), Decimal("9999.99"), places=2),
            min_size=len(lows),
            max_size=len(lows),
        )
    )
    return list(zip(lows, highs, fees, strict=True))


def as_toml(strata: list[tuple[int, int, Decimal]]) -> str:
    rows = ", ".join(f'{{ de = {lo}, a = {hi}, cotisation = "{fee}" }}' for lo, hi, fee in strata)
    return grid(rows)


@settings(max_examples=60, deadline=None)
@given(valid_strata())
def test_a_valid_generated_grid_round_trips_TAR_1(strata: list[tuple[int, int, Decimal]]) -> None:
    (read,) = load(as_toml(strata)).grids
    assert [(s.low, s.high, s.fee) for s in read.strata] == strata
    for low, high, fee in strata:
        assert next(s for s in read.strata if s.contains(low)).fee == fee
        assert next(s for s in read.strata if s.contains(high)).fee == fee


@settings(max_examples=60, deadline=None)
@given(valid_strata(), st.data())
def test_a_broken_generated_grid_is_refused_with_its_path_TAR_1(
    strata: list[tuple[int, int, Decimal]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(strata) - 1))
    low, high, fee = strata[index]
    damage = data.draw(st.sampled_from(["gap", "overlap", "zero", "float", "negative"]))
    broken = list(strata)
    path = "tarifs[0]"
    if damage == "gap" and (index > 0 or low < high):
        broken[index] = (low + 1, max(high, low + 1), fee)  # nobody of `low` inhabitants
    elif damage == "overlap" and index > 0:
        broken[index] = (low - 1, high, fee)
    else:
        damage = damage if damage in ("zero", "float", "negative") else "zero"
        fees = {"zero": '"0"', "float": "12.5", "negative": '"-1"'}
        rows = [f'{{ de = {lo}, a = {hi}, cotisation = "{f}" }}' for lo, hi, f in strata]
        rows[index] = f"{{ de = {low}, a = {high}, cotisation = {fees[damage]} }}"
        path = f"tarifs[0].strates[{index}].cotisation"
        with pytest.raises(ConfigurationError) as caught:
            load(grid(", ".join(rows)))
        assert str(caught.value).startswith(f"profil rsgm.toml : {path} : ")
        assert caught.value.rule == "TAR-1"
        return
    with pytest.raises(ConfigurationError) as caught:
        load(as_toml(broken))
    assert str(caught.value).startswith(f"profil rsgm.toml : {path}")
    assert caught.value.rule == "TAR-1"


def test_rules_follow_the_key_path() -> None:
    assert rule_of("tarifs[3].strates[1].cotisation") == "TAR-1"
    assert rule_of("tarifs[0].exercice") == "TAR-2"
    assert rule_of("politiques.acces_plateforme") == "CHA-2"
    assert rule_of("regional.langue") is None


# The profile on the command line: --config, $RSGM_CONFIG, ./rsgm.toml


def test_a_missing_profile_named_by_config_stops_any_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (("db", "info"), ("census", "report"), ("members", "list"), ("tariffs", "show")):
        code, out, err = run(capsys, *argv, "--config", "missing.toml")
        assert code == 2 and out == ""
        assert err.splitlines() == [
            "rsgm : erreur : profil introuvable : missing.toml (nommé par --config) ; "
            "vérifiez le chemin, ou créez le profil avec « rsgm init »"
        ]
    monkeypatch.setenv("RSGM_CONFIG", str(tmp_path / "absent.toml"))
    code, _, err = run(capsys, "members", "list")
    assert code == 2 and "absent.toml (nommé par $RSGM_CONFIG)" in err
    assert len(err.splitlines()) == 1


def test_a_bad_profile_stops_any_command_with_one_french_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rsgm.toml").write_text('[politiques]\nacces_plateforme = "libre"\n', "utf-8")
    code, _, err = run(capsys, "members", "list", "--db", str(tmp_path / "x.db"))
    assert code == 2
    assert err.splitlines() == [
        "rsgm : erreur : profil rsgm.toml : politiques.acces_plateforme : valeur inconnue "
        "'libre' (au choix : « invitation », « demande ») [CHA-2]"
    ]
    assert not (tmp_path / "x.db").exists()


def test_the_profile_of_the_current_folder_is_used_with_its_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RSGM_DB", raising=False)
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    (tmp_path / "rsgm.toml").write_text(
        f'{CDG}[territoire]\ndepartements = ["77"]\n[base]\nurl = "cdg77.db"\n', "utf-8"
    )
    code, out, err = run(capsys, "db", "init")
    assert code == 0, err
    assert f"sqlite:///{(tmp_path / 'cdg77.db').resolve()}" in out
    code, _, err = run(capsys, "tariffs", "show", "--year", "2026")
    assert code == 2 and "aucune grille tarifaire configurée pour le CDG « cdg77 »" in err
    assert "[[tarifs]]" in err
    other = tmp_path / "other.db"  # --db wins over [base] url
    code, out, _ = run(capsys, "db", "init", "--db", str(other))
    assert code == 0 and str(other) in out


def test_python_callers_open_with_the_profile(tmp_path: Path) -> None:
    (tmp_path / "rsgm.toml").write_text(f'{CDG}[base]\nurl = "cdg.db"\n', "utf-8")
    settings = Settings.from_file(tmp_path / "rsgm.toml")
    clock = rsgm_core.testing.Clock(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    with rsgm_core.open(settings=settings, clock=clock) as app:
        assert app.settings.cdg_code == "cdg77"
        assert app.storage.info()["url"].endswith("cdg.db")
    assert (tmp_path / "cdg.db").is_file()
    with pytest.raises(ConfigurationError, match="profil introuvable"):
        Settings.from_file(tmp_path / "absent.toml")


#: Values a command checks before it reads the profile (a file to read, a date), given right.
VALID = {"--seance": "2027-03-18;Lieusaint", "--debut": "2027-01-07T09:00",
         "--regle": "FREQ=MONTHLY", "--revue": "2027-01-07", "--texte": __file__,
         "--le": "2023-06-15",
         "--fichier-texte": __file__}  # fmt: skip


def _commands() -> Iterator[list[str]]:
    """Every ``rsgm`` action taking ``--config``, with its required arguments filled in."""

    def children(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return dict(action.choices)
        return {}

    for name, command in children(build_parser()).items():
        for path, parser in [((name, a), p) for a, p in children(command).items()] or [
            ((name,), command)
        ]:
            options = [a for a in parser._actions if a.option_strings]
            if not any("--config" in a.option_strings for a in options):
                continue
            argv = list(path)
            for action in parser._actions:
                if isinstance(action, argparse._HelpAction):
                    continue
                if action.option_strings and action.required:
                    flag = action.option_strings[0]
                    argv.append(flag)
                    if action.nargs != 0:
                        argv.append(VALID.get(flag, str(next(iter(action.choices or ["1"])))))
                elif not action.option_strings and action.nargs not in ("?", "*"):
                    argv.append(str(next(iter(action.choices or ["1"]))))
            yield argv


COMMANDS = list(_commands())


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_every_command_stops_on_a_missing_profile(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv, "--config", "missing.toml")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "rsgm : erreur : profil introuvable : missing.toml (nommé par --config) ; "
        "vérifiez le chemin, ou créez le profil avec « rsgm init »"
    ]
    assert list(tmp_path.iterdir()) == []  # no database created on the way


def test_precedence_config_then_environment_then_current_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RSGM_DB", raising=False)
    for name in ("here", "env", "cli"):
        (tmp_path / f"{name}.toml").write_text(f'[base]\nurl = "{name}.db"\n', "utf-8")
    (tmp_path / "rsgm.toml").write_text('[base]\nurl = "here.db"\n', "utf-8")

    def database(*argv: str) -> str:
        code, out, err = run(capsys, "db", "init", *argv)
        assert code == 0, err
        return out.split("sqlite:///")[1].split(" ")[0]

    assert database() == str((tmp_path / "here.db").resolve())
    monkeypatch.setenv("RSGM_CONFIG", str(tmp_path / "env.toml"))
    assert database() == str((tmp_path / "env.db").resolve())
    assert database("--config", "cli.toml") == str((tmp_path / "cli.db").resolve())
    monkeypatch.setenv("RSGM_DB", str(tmp_path / "from-env.db"))  # $RSGM_DB before [base] url
    assert database("--config", "cli.toml") == str(tmp_path / "from-env.db")
    assert database("--db", str(tmp_path / "flag.db")) == str(tmp_path / "flag.db")


def test_two_grids_for_one_exercise_are_refused_where_written_TAR_2() -> None:
    one = grid(GOOD).removeprefix(CDG)
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_toml(CDG + one + one)
    assert "tarifs[1].exercice" in caught.value.message
    assert "une seule grille par exercice" in caught.value.message


@pytest.mark.parametrize("code", ["CDG 77!", "cdg 77", "Cdg77", "cdg.77"])
def test_a_cdg_code_is_plain_lowercase(code: str) -> None:
    with pytest.raises(ConfigurationError, match=r"cdg\.code") as caught:
        Settings.from_toml(f'{CDG}code = "{code}"\n')
    assert repr(code) in caught.value.message


def test_the_code_derived_from_the_short_name_is_plain() -> None:
    text = '[cdg]\nnom = "CIG"\nnom_court = "CIG Grande Couronne (Île-de-France)"\n'
    assert Settings.from_toml(text).cdg_code == "ciggrandecouronneile-de-france"


def test_a_relative_sqlite_url_starts_from_the_profile_s_folder(tmp_path: Path) -> None:
    for url in ("cdg77.db", "sqlite:///cdg77.db", "sqlite:///cdg77.db?timeout=5"):
        settings = Settings.from_toml(f'[base]\nurl = "{url}"\n', folder=tmp_path)
        assert settings.database is not None
        assert settings.database.startswith(f"sqlite:///{tmp_path.resolve()}/cdg77.db")
    absolute = Settings.from_toml('[base]\nurl = "sqlite:////srv/cdg77.db"\n', folder=tmp_path)
    assert absolute.database == "sqlite:////srv/cdg77.db"


@pytest.mark.parametrize(
    "text, said",
    [
        ("[cdg]\n[cdg]\n", "ligne 2, colonne 5 : section ou clé déclarée deux fois : cdg"),
        ("x = \n", "ligne 1, colonne 5 : valeur illisible (un texte s'écrit entre guillemets)"),
        ('a = "b', "en fin de fichier : guillemet fermant manquant"),
    ],
)
def test_a_toml_error_is_told_in_french_with_its_place(text: str, said: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_toml(text)
    assert caught.value.message.endswith(f"TOML illisible, {said}")


def test_a_profile_saved_with_a_bom_reads() -> None:
    assert Settings.from_toml('\ufeff[territoire]\ndepartements = ["77"]\n').departements == ("77",)
