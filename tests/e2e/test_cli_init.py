"""``rsgm init``: a new CDG's commented profile and database in one command, with its first
administrator (CHA-2); never over an existing profile or database."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import Settings
from rsgm_core.profile_file import example_profile
from tests.helpers import run

INIT_77 = (
    "init", "--cdg", "CDG 77", "--departements", "77",
    "--administrateur", "marie.durand@cdg77.fr",
    "--nom", "Centre de gestion de la fonction publique territoriale de Seine-et-Marne",
)  # fmt: skip


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RSGM_DB", raising=False)
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    return tmp_path


def test_init_writes_a_loading_profile_and_names_the_administrator_CHA_2(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, out, err = run(capsys, *INIT_77)
    assert code == 0, err
    profile = here / "rsgm.toml"
    assert profile.is_file() and (here / "rsgm.db").is_file()
    assert out.splitlines()[:3] == [
        "profil du CDG 77 écrit : rsgm.toml",
        f"base créée : sqlite:///{(here / 'rsgm.db').resolve()} (schéma "
        + out.split("(schéma ")[1].split(")")[0]
        + ")",
        "premier administrateur : Marie Durand <marie.durand@cdg77.fr>, agent du CDG (CHA-2)",
    ]
    assert "rsgm census import --source DOSSIER_ETALAB --departement 77" in out
    assert "rsgm members import membres.csv --essai" in out
    assert "docs/configuration.md" in out and "cd " not in out
    settings = Settings.from_file(profile)
    assert settings.cdg is not None
    assert (settings.cdg.short_name, settings.cdg.code) == ("CDG 77", "cdg77")
    assert settings.cdg.name.endswith("de Seine-et-Marne")
    assert settings.departements == ("77",) and settings.grids == ()
    assert settings.database == f"sqlite:///{(here / 'rsgm.db').resolve()}"
    text = profile.read_text(encoding="utf-8")
    for key in ("lieu", "signataire", "qualite_signataire", "adresse", "siret", "logo",
                "[smtp]", "hote", "[envoi]", "heures", "[[tarifs]]", "strates",
                "taux_horaire_adherent", "prestations_horaires"):  # fmt: skip
        assert f"# {key}" in text, key  # present, commented, explained
    for rule in ("TER-3", "TER-7", "CHA-2", "CHA-3", "CHA-8", "EVT-3", "TAR-1"):
        assert rule in text
    # nothing of CDG 79 (the generated link secret is random text: it may hold "79")
    chosen = "\n".join(line for line in text.splitlines() if not line.startswith("secret ="))
    assert "79" not in chosen.replace("2079", "")
    # Every later command in this folder uses the profile and its [base] url.
    with rsgm_core.open(settings=settings) as app:
        (admin,) = app.members.list_members()
        assert (admin.full_name, admin.email) == ("Marie Durand", "marie.durand@cdg77.fr")
        (staff,) = app.access.list_staff()
        assert staff.member_id == admin.id and staff.administrator
    code, out, _ = run(capsys, "members", "list")
    assert code == 0 and "marie.durand@cdg77.fr" in out
    code, _, err = run(capsys, "tariffs", "show", "--year", "2026")
    assert code == 2 and "aucune grille tarifaire configurée pour le CDG « cdg77 »" in err
    assert "[[tarifs]]" in err


def test_the_written_profile_has_every_key_of_the_reader(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    from rsgm_core import profile_file

    assert run(capsys, *INIT_77)[0] == 0
    text = (here / "rsgm.toml").read_text(encoding="utf-8")
    written = {line.lstrip("# ").split(" = ")[0] for line in text.splitlines() if " = " in line}
    keys = {
        *profile_file._SMTP_KEYS, *profile_file._OUTBOX_KEYS, *profile_file._GRID_KEYS,
        "nom", "nom_court", "code", "lieu", "signataire", "qualite_signataire", "adresse",
        "siret", "courriel", "logo", "signature", "departements", "public_cible",
        "reseau_par_departement", "acces_plateforme", "pack_pour_espace_communautaire",
        "nouvelle_version_charte", "lundi_de_pentecote_travaille", "langue", "fuseau", "url",
    }  # fmt: skip
    assert keys - written == set()
    for section in profile_file._SECTIONS:
        assert f"[{section}" in text or f"[[{section}]]" in text, section


def test_the_commented_sections_load_once_filled_in(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    assert run(capsys, *INIT_77)[0] == 0
    lines = (here / "rsgm.toml").read_text(encoding="utf-8").splitlines()
    start = lines.index("# [[tarifs]]")
    grid = [line.removeprefix("# ") for line in lines[start:]]
    smtp = [line.removeprefix("# ") for line in lines[lines.index("# [smtp]") :][:10]]
    envoi = [line.removeprefix("# ") for line in lines[lines.index("# [envoi]") :][:11]]
    filled = "\n".join([*lines[:start], *smtp, *envoi, *grid]).replace('"…"', '"100"')
    (here / "rempli.toml").write_text(filled, "utf-8")
    settings = Settings.from_file(here / "rempli.toml")
    (read,) = settings.grids
    assert read.exercise == 2026 and read.rounding.increment_minutes == 15
    assert settings.plugin("smtp")["host"] == "smtp.example.fr"
    assert settings.plugin("outbox")["days"] == "lun-ven"


def test_init_never_overwrites_a_profile_or_a_database(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    assert run(capsys, *INIT_77)[0] == 0
    before = (here / "rsgm.toml").read_bytes(), (here / "rsgm.db").read_bytes()
    code, out, err = run(capsys, *INIT_77)
    assert code == 2 and out == ""
    assert err == (
        "rsgm : erreur : un profil existe déjà : rsgm.toml ; rsgm init ne le remplace pas "
        "(supprimez-le ou choisissez un autre --dossier)\n"
    )
    (here / "rsgm.toml").unlink()
    code, _, err = run(capsys, *INIT_77)
    assert code == 2 and "une base existe déjà" in err and "rsgm db upgrade" in err
    assert not (here / "rsgm.toml").exists()
    assert (here / "rsgm.db").read_bytes() == before[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--cdg", "CDG 77", "--departements", "99", "--administrateur", "m.d@cdg77.fr"),
         "territoire.departements[0] : département inconnu : '99'"),
        (("--cdg", "CDG 77", "--departements", "77", "--administrateur", "accueil@cdg77.fr",
          "--administrateur-nom", "Accueil CDG"), "[CHA-6]"),
        (("--cdg", "CDG 77", "--departements", "77", "--administrateur", "marie@cdg77.fr"),
         '--administrateur-nom "Prénom Nom" [CHA-2]'),
        (("--departements", "77", "--administrateur", "m.d@cdg77.fr"), "précisez --cdg"),
        (("--profil", "cdg77", "--administrateur", "m.d@cdg77.fr"),
         "profil d'exemple inconnu : 'cdg77' (disponibles : cdg79)"),
    ],
)  # fmt: skip
def test_bad_input_writes_nothing(
    capsys: pytest.CaptureFixture[str], here: Path, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "init", *argv)
    assert code == 2 and out == "" and message in err, err
    assert len(err.splitlines()) == 1
    assert list(here.iterdir()) == []


def test_init_from_the_cdg79_example_takes_the_given_identity(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, out, err = run(
        capsys, "init", "--profil", "cdg79", "--cdg", "CIG Grande Couronne",
        "--departements", "78,91,95", "--administrateur", "jean.martin@cig-gc.fr",
        "--dossier", "cig",
    )  # fmt: skip
    assert code == 0, err
    assert "cd cig" in out
    assert "--departement 78 --departement 91 --departement 95" in out
    profile = here / "cig" / "rsgm.toml"
    settings = Settings.from_file(profile)
    assert settings.cdg is not None and settings.cdg.short_name == "CIG Grande Couronne"
    assert settings.departements == ("78", "91", "95")
    assert settings.database == f"sqlite:///{(here / 'cig' / 'rsgm.db').resolve()}"
    example = Settings.from_file(example_profile("cdg79"))
    assert settings.policies == example.policies  # copied: the reader reviews them
    assert [g.strata for g in settings.grids] == [g.strata for g in example.grids]
    assert settings.grids[0].cdg == settings.cdg.code  # under the new CDG's own code
    text = profile.read_text(encoding="utf-8")
    assert text.startswith("# Copié du profil d'exemple « cdg79 »")
    assert "Alain Lecointe" not in text and 'Deux-Sèvres"' not in text
    assert tomllib.loads(text)["base"] == {"url": "rsgm.db"}


def test_init_as_cdg79_keeps_the_example_whole(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, _, err = run(
        capsys, "init", "--profil", "cdg79", "--administrateur", "claire.martin@cdg79.fr"
    )
    assert code == 0, err
    settings = Settings.from_file(here / "rsgm.toml")
    example = Settings.from_file(example_profile("cdg79"))
    assert (settings.cdg, settings.departements, settings.policies, settings.grids) == (
        example.cdg, example.departements, example.policies, example.grids
    )  # fmt: skip


def test_a_missing_input_file_is_told_in_french(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    code, out, err = run(capsys, "charter", "publish", "--titre", "Charte", "--texte", "absent.md")
    assert (code, out) == (2, "")
    assert err == "rsgm : erreur : fichier ou dossier introuvable : absent.md\n"


def test_a_short_name_with_accents_gives_a_plain_code(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "init", "--cdg", "CDG Côte-d'Or", "--departements", "21",
                       "--administrateur", "paul.roy@cdg21.fr")  # fmt: skip
    assert code == 0, err
    settings = Settings.from_file(here / "rsgm.toml")
    assert settings.cdg is not None and settings.cdg.code == "cdgcote-dor"
    assert settings.cdg.short_name == "CDG Côte-d'Or"


def test_the_profile_names_the_first_administrator_as_the_actor_CHA_2(
    capsys: pytest.CaptureFixture[str], here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[animation] acteur``: who acts without --par nor $RSGM_ACTEUR; --par and the variable
    come first, and a profile naming nobody makes every administrative command refuse."""
    monkeypatch.delenv("RSGM_ACTEUR", raising=False)
    assert run(capsys, *INIT_77)[0] == 0
    profile = here / "rsgm.toml"
    data = tomllib.loads(profile.read_text(encoding="utf-8"))
    assert data["animation"] == {"acteur": "marie.durand@cdg77.fr"}
    text = here / "charte.md"
    text.write_text("Accès sur demande.", encoding="utf-8")
    publish = ("charter", "publish", "--titre", "Charte", "--texte", str(text))
    code, out, err = run(capsys, *publish)
    assert code == 0 and "version 1 publiée" in out, err
    with rsgm_core.open(Settings.from_file(profile).database) as app:
        claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
    monkeypatch.setenv("RSGM_ACTEUR", claire.id[:8])  # the variable before the profile
    code, _, err = run(capsys, *publish)
    assert code == 2 and "Claire Martin ne peut pas publier une version de la charte" in err
    code, out, _ = run(capsys, *publish, "--par", "marie.durand@cdg77.fr")  # --par first
    assert code == 0 and "version 2 publiée" in out
    monkeypatch.delenv("RSGM_ACTEUR")
    profile.write_text(
        profile.read_text(encoding="utf-8").replace(
            'acteur = "marie.durand@cdg77.fr"', 'acteur = ""'
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, *publish)
    assert (code, out) == (2, "") and "[animation]" in err and "[CHA-2]" in err
    profile.write_text(
        profile.read_text(encoding="utf-8").replace('acteur = ""', "acteur = 3"), encoding="utf-8"
    )
    code, _, err = run(capsys, *publish)
    assert code == 2 and "animation.acteur" in err
