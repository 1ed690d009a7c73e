"""``rsgm charter``, ``rsgm access`` and ``rsgm export interstis`` as an administrator uses them
(CHA-1..CHA-9): French output, one-line errors naming the rule."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import rsgm_core
from tests.conftest import SAMPLE
from tests.helpers import administrator, cli_administrator, run


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cdg.db")
    with rsgm_core.open(f"sqlite:///{path}") as app:
        app.census.import_(SAMPLE, ["79"])
        app.members.add("Anne", "Chevalier", email="anne.chevalier@cdg79.fr")
        claire = app.members.add("Claire", "Martin", email="claire.martin@example.org")
        app.members.add_position(claire.id, "79019", "sgm")
    return path


def test_charter_access_and_export_from_the_command_line_CHA_1_CHA_2_CHA_7(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / "charte.txt"
    text.write_text("Accès sur invitation, comptes nominatifs.", encoding="utf-8")
    publish = ("charter", "publish", "--db", db, "--titre", "Charte", "--texte", str(text))
    code, out, err = run(capsys, *publish)  # CHA-2: nobody named, nothing done
    assert code == 2 and out == "" and "[CHA-2]" in err and "--par PERSONNE" in err
    assert "$RSGM_ACTEUR" in err and "[animation]" in err
    code, out, _ = run(capsys, "access", "staff", "anne.chevalier@cdg79.fr", "--administrateur", "--db", db)  # fmt: skip
    assert code == 0 and "administrateur" in out
    code, _, err = run(capsys, *publish, "--par", "claire.martin@example.org")
    assert code == 2 and "Claire Martin ne peut pas publier une version de la charte" in err
    code, out, _ = run(capsys, *publish, "--par", "anne.chevalier@cdg79.fr")
    assert code == 0 and "version 1 publiée" in out
    monkeypatch.setenv("RSGM_ACTEUR", "anne.chevalier@cdg79.fr")  # who acts from now on
    code, out, _ = run(capsys, "access", "space", "--db", db)
    assert code == 0 and "espace departemental" in out
    invite = ("access", "grant", "claire.martin@example.org", "--espace", "departemental",
              "--role", "contributeur", "--par", "anne.chevalier@cdg79.fr", "--db", db)  # fmt: skip
    code, _, err = run(capsys, *invite)
    assert code == 2 and "[CHA-1]" in err and "Traceback" not in err  # before the signatures
    code, out, _ = run(capsys, "access", "explain", "claire.martin@example.org", "--espace", "departemental", "--role", "contributeur", "--db", db)  # fmt: skip
    assert code == 1 and out.startswith("[CHA-1]")
    code, _, err = run(capsys, "charter", "sign", "79019", "--signataire", "Paul Roy", "--qualite", "dgs", "--db", db)  # fmt: skip
    assert code == 2 and "[CHA-1]" in err
    for capacity, name in (("maire", "Jean Dupont"), ("sgm", "Claire Martin")):
        code, out, _ = run(capsys, "charter", "sign", "79019", "--signataire", name, "--qualite", capacity, "--db", db)  # fmt: skip
        assert code == 0 and "signature enregistrée" in out
    code, out, _ = run(capsys, "charter", "status", "79019", "--db", db)
    assert code == 0 and "espace départemental : complet" in out and "Jean Dupont" in out
    code, out, _ = run(capsys, *invite)
    assert code == 0 and "accès accordé" in out
    admin_role = list(invite)
    admin_role[admin_role.index("contributeur")] = "administrateur"
    code, _, err = run(capsys, *admin_role)
    assert code == 2 and "[CHA-2]" in err

    output = tmp_path / "interstis.csv"
    code, out, _ = run(capsys, "export", "interstis", "--since-last", "--format", "csv", "--output", str(output), "--db", db)  # fmt: skip
    assert code == 0 and "export différentiel" in out
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [r["Action"] for r in rows] == ["créer le compte", "ajouter à l'espace"]
    code, out, _ = run(
        capsys, "export", "interstis", "--since-last", "--format", "json", "--db", db
    )
    assert code == 0 and json.loads(out)["lignes"] == []  # idempotent

    code, _, err = run(capsys, "access", "revoke", "inconnu@example.org", "--par", "anne.chevalier@cdg79.fr", "--db", db)  # fmt: skip
    assert code == 2 and "[CHA-7]" in err and "personne inconnue" in err
    code, out, _ = run(capsys, "access", "revoke", "claire.martin@example.org", "--par", "anne.chevalier@cdg79.fr", "--db", db)  # fmt: skip
    assert code == 0 and "1 accès révoqué" in out
    code, out, _ = run(capsys, "export", "interstis", "--since-last", "--format", "csv", "--db", db)
    assert "suspendre le compte;claire.martin@example.org" in out


def test_sanctions_are_listed_and_lifted_from_the_command_line_CHA_9(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        app.access.add_staff("anne.chevalier@cdg79.fr", administrator=True)
        app.access.create_departmental_space(by=administrator(app))
        app.charters.publish("Charte", "Accès sur invitation.", by=administrator(app))
        app.charters.sign("79019", "Jean Dupont", "maire")
        app.charters.sign("79019", "Claire Martin", "sgm")
        app.directory.set_town_hall("79019", "1 place de la Mairie", email="mairie@aubigny.fr")
        app.access.grant(
            "claire.martin@example.org", "departemental", "contributeur",
            by="anne.chevalier@cdg79.fr",
        )  # fmt: skip
    admin = ("--par", "anne.chevalier@cdg79.fr", "--db", db)
    code, out, _ = run(capsys, "access", "sanction", "claire.martin@example.org", "--mesure", "restriction des droits", "--motif", "propos injurieux", *admin)  # fmt: skip
    assert code == 0 and "sanction enregistrée : restriction des droits (identifiant " in out
    sanction_id = out.split("identifiant ")[1].split(")")[0]
    code, out, _ = run(capsys, "access", "sanctions", "--en-vigueur", "--db", db)
    assert code == 0 and sanction_id in out and "claire.martin@example.org" in out

    code, _, err = run(capsys, "access", "lift", sanction_id, "--par", "claire.martin@example.org", "--motif", "x", "--db", db)  # fmt: skip
    assert code == 2 and "[CHA-9]" in err and "il faut être administrateur du CDG" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "access", "lift", "s-inconnue", "--motif", "x", *admin)
    assert code == 2 and "aucune sanction n'a l'identifiant « s-inconnue » [CHA-9]" in err
    code, out, _ = run(capsys, "access", "lift", sanction_id, "--motif", "excuses présentées", *admin)  # fmt: skip
    assert code == 0 and "sanction levée : restriction des droits" in out
    assert "accès en cours : departemental (contributeur)" in out
    code, _, err = run(capsys, "access", "lift", sanction_id, "--motif", "encore", *admin)
    assert code == 2 and "déjà été levée" in err and "[CHA-9]" in err
    code, out, _ = run(capsys, "access", "sanctions", "claire.martin@example.org", "--db", db)
    assert code == 0 and "excuses présentées" in out and "propos injurieux" in out
    code, out, _ = run(capsys, "access", "sanctions", "--en-vigueur", "--db", db)
    assert code == 0 and sanction_id not in out

    code, out, _ = run(capsys, "access", "sanction", "claire.martin@example.org", "--mesure", "suppression de l'accès", "--motif", "récidive", *admin)  # fmt: skip
    removal_id = out.split("identifiant ")[1].split(")")[0]
    code, out, _ = run(capsys, "access", "lift", removal_id, "--motif", "décision annulée", *admin)
    assert code == 0 and "l'accès n'est pas rétabli" in out and "rsgm access grant" in out
    with rsgm_core.open(f"sqlite:///{db}") as app:
        [told] = [m for m in app.outbox.list_messages() if m.template == "access_sanction_lifted"
                  and "décision annulée" in m.body_text]  # fmt: skip
    assert told.recipient == "mairie@aubigny.fr" and "nouvelle invitation" in told.body_text
    code, out, _ = run(capsys, "outbox", "preview", "access_sanction_lifted")
    assert code == 0 and "Levée d'une sanction" in out and "sont rétablis" in out


def test_demo_shows_the_platform_part_CHA_1_CHA_7(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "demo", "--db", str(tmp_path / "demo.db"))
    assert code == 0 and "plateforme collaborative : charte version 1 publiée" in out
    assert "[CHA-1]" in out and "suspendre le compte;nadia.girard@example.org" in out


def test_agreements_for_a_non_sgm_from_the_command_line_CHA_4(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    gatine = "200041333"  # the EPCI of Aubigny (79019)
    with rsgm_core.open(f"sqlite:///{db}") as app:
        app.access.add_staff("anne.chevalier@cdg79.fr", administrator=True)
        app.access.create_community_space(gatine, by=administrator(app))
        app.network.create_departmental_network(
            "Réseau des SGM des Deux-Sèvres", by=administrator(app)
        )
        by_email = {m.email: m.id for m in app.members.list_members()}
        app.network.create_community_network(
            gatine, by=administrator(app), referent_id=by_email["claire.martin@example.org"]
        )
        agent = app.members.add("Lucie", "Noir", email="lucie.noir@example.org")
        app.members.add_position(agent.id, "79019", "responsable_des_services")
    agree = ("access", "agree", "lucie.noir@example.org", "--espace", f"epci-{gatine}", "--db", db)
    code, out, _ = run(capsys, *agree, "--partie", "administrateur", "--par", "anne.chevalier@cdg79.fr")  # fmt: skip
    assert code == 0 and "accord enregistré : administrateur" in out
    assert "manque encore : [CHA-4]" in out  # the referent's agreement is still missing
    code, _, err = run(capsys, *agree, "--partie", "référent", "--par", "anne.chevalier@cdg79.fr")  # fmt: skip
    assert code == 2 and "[CHA-4]" in err and "Traceback" not in err  # not the referent
    code, out, _ = run(capsys, *agree, "--partie", "référent", "--par", "claire.martin@example.org")  # fmt: skip
    assert code == 0 and "accord enregistré : référent" in out
    assert "[CHA-4]" not in out


PROFILES = Path(__file__).resolve().parents[1] / "profiles"


def test_self_service_requests_from_the_command_line_as_cdg_77_CHA_2_CHA_6(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, census_data: Path
) -> None:
    from tests.conftest import NEW_VINTAGE
    from tests.helpers import CDG77

    db = str(tmp_path / "cdg77.db")
    with rsgm_core.open(f"sqlite:///{db}", settings=CDG77) as app:
        app.census.import_(NEW_VINTAGE, ["77"])
        admin = app.members.add("Marie", "Durand", email="marie.durand@cdg77.fr")
        app.access.add_staff(admin.id, administrator=True)
        app.charters.publish(
            "Charte", "Accès sur demande validée par le CDG.", by=administrator(app)
        )
    cdg77 = ("--config", str(PROFILES / "cdg77.toml"), "--db", db)
    code, out, _ = run(capsys, "access", "space", "--par", "marie.durand@cdg77.fr", *cdg77)
    assert code == 0 and "Espace départemental" in out
    ask = ("access", "request", "--prenom", "Élodie", "--nom", "Rousseau", "--commune", "77527")
    code, _, err = run(capsys, *ask, "mairie.voinsles@orange.fr", *cdg77)
    assert code == 2 and "[CHA-6]" in err and "Traceback" not in err
    code, out, _ = run(capsys, *ask, "elodie.rousseau@example.org", *cdg77)
    assert code == 0 and "demande enregistrée" in out
    request_id = out.split("demande enregistrée : ")[1].split(" ")[0]
    code, out, _ = run(capsys, "access", "requests", "--etat", "en attente", *cdg77)
    assert code == 0 and request_id in out and "elodie.rousseau@example.org" in out
    accept = ("access", "accept", request_id, "--par", "marie.durand@cdg77.fr", *cdg77)
    code, _, err = run(capsys, *accept)
    assert code == 2 and "[CHA-1]" in err  # the charter first
    for capacity, name in (("maire", "Maire de Voinsles"), ("sgm", "Élodie Rousseau")):
        code, out, _ = run(capsys, "charter", "sign", "77527", "--signataire", name, "--qualite", capacity, *cdg77)  # fmt: skip
        assert code == 0, out
    code, out, _ = run(capsys, *accept)
    assert code == 0 and "demande acceptée" in out
    code, out, _ = run(capsys, "export", "interstis", "--par", "marie.durand@cdg77.fr", *cdg77)
    assert "Espace départemental — CDG 77" in out
    # With CDG 79's profile (by invitation), a request is refused, naming the policy.
    cdg79 = ("--config", str(Path(rsgm_core.__file__).parent / "profiles" / "cdg79.toml"))
    code, _, err = run(capsys, *ask, "paul.roy@example.org", *cdg79, "--db", db)
    assert code == 2 and "[CHA-2]" in err and "invitation" in err


def test_suspend_reinvite_signatures_and_mandates_from_the_command_line_CHA_1_CHA_8_CHA_10(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        app.access.add_staff("anne.chevalier@cdg79.fr", administrator=True)
        app.access.create_departmental_space(by=administrator(app))
        app.charters.publish("Charte", "Accès sur invitation.", by=administrator(app))
    code, out, _ = run(capsys, "charter", "sign", "79019", "--signataire", "Jean Dupont", "--qualite", "maire", "--fin-mandat", "2032-03-31", "--db", db)  # fmt: skip
    assert code == 0 and "jusqu'au 31 mars 2032" in out
    code, _, err = run(capsys, "charter", "sign", "79019", "--signataire", "Paul Roy", "--qualite", "sgm", "--db", db)  # fmt: skip
    assert code == 2 and "n'occupe aucun poste" in err and "[CHA-1]" in err
    code, out, _ = run(capsys, "charter", "sign", "79019", "--signataire", "claire.martin@example.org", "--qualite", "sgm", "--db", db)  # fmt: skip
    assert code == 0 and "Claire Martin" in out
    code, out, _ = run(capsys, "charter", "signatures", "--a-refaire", "--db", db)
    assert code == 0 and "Claire Martin" not in out
    text = tmp_path / "v2.txt"
    text.write_text("Coquilles corrigées.", encoding="utf-8")
    code, out, _ = run(capsys, "charter", "publish", "--titre", "Charte", "--texte", str(text), "--nature", "informer", "--par", "anne.chevalier@cdg79.fr", "--db", db)  # fmt: skip
    assert code == 0 and "les signatures restent valables" in out
    admin = ("--par", "anne.chevalier@cdg79.fr", "--db", db)
    code, out, _ = run(capsys, "access", "grant", "claire.martin@example.org", "--espace", "departemental", "--role", "contributeur", *admin)  # fmt: skip
    assert code == 0 and "accès accordé" in out
    run(capsys, "export", "interstis", "--since-last", *admin)
    code, out, _ = run(capsys, "access", "suspend", "claire.martin@example.org", *admin)
    assert code == 0 and "compte suspendu (1 accès)" in out
    code, out, _ = run(capsys, "export", "interstis", "--since-last", *admin)
    assert "suspendre le compte;claire.martin@example.org" in out
    code, out, _ = run(capsys, "access", "reinvite", "claire.martin@example.org", *admin)
    assert code == 0 and "nouvelle invitation envoyée : departemental (contributeur)" in out
    code, _, err = run(capsys, "access", "reinvite", "claire.martin@example.org", *admin)
    assert code == 2 and "[CHA-10]" in err


def test_departmental_spaces_per_department_from_the_command_line_TER_7(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cig.db"
    cig = ("--config", str(PROFILES / "cig_grande_couronne.toml"), "--db", str(path))
    cli_administrator(monkeypatch, path)  # CHA-2: the commands act as the CDG's administrator
    code, out, _ = run(capsys, "access", "space", "--departement", "91", *cig)
    assert code == 0 and "espace departemental-91 : Espace départemental (91)" in out
    code, _, err = run(capsys, "access", "space", "--departement", "91", *cig)
    assert code == 2 and "[TER-7]" in err and "existe déjà" in err
    code, _, err = run(capsys, "access", "space", *cig)
    assert code == 2 and "[TER-7]" in err
