"""Any CDG, not just CDG 79: CDG 77 (one department, no pack, self-service, target public under
2,000) and the CIG Grande Couronne (78, 91, 95, a network per department) each run end to end from
their own ``rsgm.toml`` through the ``rsgm`` command line, on the real Etalab data (6.0.0), with
nothing of CDG 79 applied; CDG 79 still runs from its example profile.

The command line runs on the real clock, so event dates are relative to today."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import Settings
from tests.conftest import NEW_VINTAGE
from tests.helpers import CDG77, CIG, run

#: Words that would betray CDG 79 applied to another CDG.
CDG79_TRACES = ("CDG 79", "cdg79", "Deux-Sèvres", "Saint-Maixent", "Lecointe", "28790034400014")


def thursday(days: int) -> str:
    day = dt.date.today() + dt.timedelta(days=days)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    return day.isoformat()


class Cli:
    """``rsgm`` in one CDG's folder, keeping every output to look for CDG 79 in it."""

    def __init__(self, capsys: pytest.CaptureFixture[str], folder: Path) -> None:
        self.capsys, self.folder, self.seen = capsys, folder, ""

    def __call__(self, *argv: str, code: int = 0) -> str:
        got, out, err = run(self.capsys, *argv)
        self.seen += out + err
        assert got == code, (argv, out, err)
        return out if code == 0 else err

    def assert_nothing_of_cdg79(self) -> None:
        for trace in CDG79_TRACES:
            assert trace not in self.seen, trace
        assert "rsgm.toml" in self.seen  # the outputs looked at are real


@pytest.fixture
def cdg_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RSGM_DB", raising=False)
    monkeypatch.delenv("RSGM_CONFIG", raising=False)
    return Cli(capsys, tmp_path)


def set_policies(profile: Path, **values: str) -> None:
    """Edit ``rsgm.toml`` as the CDG would after ``rsgm init``: uncommented keys, new values."""
    lines = profile.read_text(encoding="utf-8").splitlines()
    for key, value in values.items():
        (index,) = [i for i, line in enumerate(lines) if line.startswith(f"{key} = ")]
        lines[index] = f"{key} = {value}"
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")


def uncomment(profile: Path, **values: str) -> None:
    """Give a commented-out key of ``rsgm init``'s profile its value, as the CDG would."""
    lines = profile.read_text(encoding="utf-8").splitlines()
    for key, value in values.items():
        (index,) = [i for i, line in enumerate(lines) if line.startswith(f"# {key} = ")]
        lines[index] = f"{key} = {value}"
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_members(folder: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path = folder / "membres.csv"
    path.write_text(
        "Prénom;Nom;Courriel;Code INSEE\n" + "".join(";".join(row) + "\n" for row in rows),
        encoding="utf-8",
    )
    return path


def invitation_round(rsgm: Cli, title: str, place: str, commune: str) -> list[str]:
    """Plan an event, send its invitation; the addresses invited, from the outbox."""
    out = rsgm("events", "plan", title, "--type", "journée réseau", "--format", "présentiel",
               "--seance", f"{thursday(60)};{place};40;09:30-16:30", "--commune", commune)  # fmt: skip
    event_id = out.split(":")[1].split()[0]
    out = rsgm("events", "invite", event_id[:8])
    assert "invitation envoyée" in out
    with rsgm_core.open(settings=Settings.from_file(rsgm.folder / "rsgm.toml")) as app:
        messages = app.outbox.list_messages()
    invited = sorted(m.recipient for m in messages if m.subject.startswith("Invitation"))
    for message in messages:
        for trace in CDG79_TRACES:
            assert trace not in message.subject + message.body_text, trace
    return invited


def test_cdg77_end_to_end_from_its_own_profile_TER_3_TER_7_CHA_2(
    cdg_folder: Cli, census_data: Path
) -> None:
    rsgm = cdg_folder
    out = rsgm("init", "--cdg", "CDG 77", "--departements", "77",
               "--administrateur", "marie.durand@cdg77.fr", "--nom",
               "Centre de gestion de la fonction publique territoriale de Seine-et-Marne")  # fmt: skip
    assert "premier administrateur : Marie Durand" in out
    profile = rsgm.folder / "rsgm.toml"
    set_policies(profile, public_cible="2000", acces_plateforme='"demande"',
                 nouvelle_version_charte='"informer"')  # fmt: skip
    uncomment(profile, lieu='"Lieusaint"', signataire='"Marie Durand"',
              qualite_signataire='"Présidente du CDG 77"')  # fmt: skip
    settings = Settings.from_file(profile)
    assert settings.policies == CDG77.policies  # the same CDG as tests/profiles/cdg77.toml
    assert settings.departements == CDG77.departements and settings.grids == ()

    out = rsgm("census", "import", "--source", str(NEW_VINTAGE))  # the profile's departments
    assert out.startswith("millésime 6.0.0 importé : 507 communes, 23 EPCI, département 77")
    # TER-7: the EPCIs across the border come whole, their other communes hors ressort
    assert "41 communes hors ressort (EPCI à cheval sur le territoire), comptées à part" in out
    out = rsgm("census", "report", "--level", "departement")
    assert "Seine-et-Marne" in out and "418" in out  # communes under 3,500: the legal scope
    rsgm("db", "info")

    members = write_members(rsgm.folder, [
        ("Sophie", "Lefèvre", "sophie.lefevre@acheres-la-foret.fr", "77001"),
        ("Thomas", "Girard", "thomas.girard@amillis.fr", "77002"),
        ("Nadia", "Benali", "nadia.benali@amponville.fr", "77003"),
        ("Paul", "Morel", "paul.morel@annet-sur-marne.fr", "77005"),  # 3,408: outside the target
    ])  # fmt: skip
    assert "4 membres et 4 postes seraient importés" in rsgm(
        "members", "import", str(members), "--essai"
    )
    assert "4 membres et 4 postes importés" in rsgm("members", "import", str(members))

    # MEM-14, TER-3: SGMs of the census who are not members yet: inside and outside the target
    rsgm("members", "add", "Léa", "Blanc", "--email", "lea.blanc@andrezel.fr",
         "--commune", "77004", "--etape", "prospect")  # Andrezel, 260 inhabitants  # fmt: skip
    rsgm("members", "add", "Marc", "Noel", "--email", "marc.noel@bourron-marlotte.fr",
         "--commune", "77048", "--etape", "prospect")  # 2,774: legal scope, not the target  # fmt: skip

    out = rsgm("network", "create", "Réseau des SGM de Seine-et-Marne")
    assert "réseau départemental créé : Réseau des SGM de Seine-et-Marne, département 77" in out
    assert "Réseau des SGM de Seine-et-Marne" in rsgm("network", "status")
    err = rsgm("network", "create", "Un second réseau", code=2)
    assert "[NET-1]" in err

    # CHA-2: CDG 77's self-service form; the administrator validates after the signatures
    rsgm("access", "space")
    (rsgm.folder / "charte.txt").write_text("Article 1. Un compte par personne.\n", "utf-8")
    rsgm("charter", "publish", "--titre", "Charte d'utilisation", "--texte", "charte.txt")
    err = rsgm("access", "request", "mairie@acheres-la-foret.fr", "--prenom", "Sophie",
               "--nom", "Lefèvre", "--commune", "77001", code=2)  # fmt: skip
    assert "[CHA-6]" in err
    out = rsgm("access", "request", "sophie.lefevre@acheres-la-foret.fr", "--prenom", "Sophie",
               "--nom", "Lefèvre", "--commune", "77001")  # fmt: skip
    request_id = out.split(" : ")[1].split()[0]
    rsgm("charter", "sign", "77001", "--signataire", "Jean Maire", "--qualite", "maire")
    rsgm("charter", "sign", "77001", "--signataire", "sophie.lefevre@acheres-la-foret.fr",
         "--qualite", "sgm")  # fmt: skip
    out = rsgm("access", "accept", request_id, "--par", "marie.durand@cdg77.fr")
    assert "demande acceptée" in out

    invited = invitation_round(rsgm, "Journée réseau de printemps", "Lieusaint", "77001")
    assert {"sophie.lefevre@acheres-la-foret.fr", "thomas.girard@amillis.fr",
            "nadia.benali@amponville.fr", "lea.blanc@andrezel.fr"} <= set(invited)  # fmt: skip
    assert "marc.noel@bourron-marlotte.fr" not in invited  # outside CDG 77's target public
    assert "paul.morel@annet-sur-marne.fr" not in invited  # 3,408: a member, not the target
    assert "marie.durand@cdg77.fr" not in invited  # CDG staff organise

    out = rsgm("report", "annual", "--year", str(dt.date.today().year), "--format", "md")
    assert "du réseau des SGM — CDG 77 (Seine-et-Marne)" in out.splitlines()[0]

    err = rsgm("membership", "join", "77002", "--year", str(dt.date.today().year), code=2)
    assert "aucune grille tarifaire configurée pour le CDG « cdg77 »" in err
    assert "[[tarifs]]" in err and "[TAR-2]" in err
    err = rsgm("tariffs", "show", "--year", "2025", code=2)
    assert "[[tarifs]] dans le profil rsgm.toml du CDG" in err
    rsgm.assert_nothing_of_cdg79()


def test_cig_grande_couronne_end_to_end_from_its_own_profile_TER_7(
    cdg_folder: Cli, census_data: Path
) -> None:
    rsgm = cdg_folder
    out = rsgm("init", "--cdg", "CIG Grande Couronne", "--departements", "78", "91", "95",
               "--administrateur", "jean.martin@cigversailles.fr", "--nom",
               "Centre interdépartemental de gestion de la Grande Couronne de la région "
               "d'Île-de-France")  # fmt: skip
    assert "--departement 78 --departement 91 --departement 95" in out
    profile = rsgm.folder / "rsgm.toml"
    set_policies(profile, lundi_de_pentecote_travaille="true")
    settings = Settings.from_file(profile)
    assert settings.departements == CIG.departements == ("78", "91", "95")
    assert settings.policies == CIG.policies  # a network per department, by invitation, no pack

    out = rsgm("census", "import", "--source", str(NEW_VINTAGE),
               "--departement", "78", "--departement", "91", "--departement", "95")  # fmt: skip
    assert "636 communes" in out and "départements 78, 91, 95" in out
    assert "hors ressort" in out  # CA Roissy Pays de France's 17 communes in 77, among others
    out = rsgm("census", "report", "--level", "departement")
    for name in ("Yvelines", "Essonne", "Val-d'Oise"):
        assert name in out

    members = write_members(rsgm.folder, [
        ("Claire", "Petit", "claire.petit@adainville.fr", "78006"),
        ("Hugo", "Roux", "hugo.roux@abbeville-la-riviere.fr", "91001"),
        ("Inès", "Fontaine", "ines.fontaine@aincourt.fr", "95008"),
    ])  # fmt: skip
    assert "3 membres et 3 postes importés" in rsgm("members", "import", str(members))

    for code, name in (("78", "Yvelines"), ("91", "Essonne"), ("95", "Val-d'Oise")):
        out = rsgm("network", "create", f"Réseau des SGM ({name})", "--departement", code)
        assert f"département {code}" in out  # NET-1, TER-7: one network per department
    err = rsgm("network", "create", "Un autre réseau", "--departement", "78", code=2)
    assert "[NET-1]" in err and "Yvelines" in err
    err = rsgm("network", "create", "Réseau de Seine-et-Marne", "--departement", "77", code=2)
    assert "[TER-7]" in err
    out = rsgm("network", "status", "--departement", "91")
    assert "Réseau des SGM (Essonne)" in out and "Yvelines" not in out

    invited = invitation_round(rsgm, "Matinée des SGM", "Versailles", "78006")
    assert {"claire.petit@adainville.fr", "hugo.roux@abbeville-la-riviere.fr",
            "ines.fontaine@aincourt.fr"} <= set(invited)  # fmt: skip

    out = rsgm("report", "annual", "--year", str(dt.date.today().year), "--format", "md",
               "--departement", "91")  # fmt: skip
    assert "CIG Grande Couronne" in out.splitlines()[0] and "Essonne" in out.splitlines()[0]

    err = rsgm("membership", "join", "78006", "--year", str(dt.date.today().year), code=2)
    assert "« ciggrandecouronne »" in err and "[[tarifs]]" in err
    rsgm.assert_nothing_of_cdg79()


def test_cdg79_still_runs_from_its_example_profile_TAR_1(
    cdg_folder: Cli, census_data: Path
) -> None:
    rsgm = cdg_folder
    rsgm("init", "--profil", "cdg79", "--administrateur", "claire.martin@cdg79.fr")
    rsgm("census", "import", "--source", str(NEW_VINTAGE), "--departement", "79")
    out = rsgm("tariffs", "show", "--year", "2025")
    for fee in ("100", "150", "200", "300"):
        assert fee in out
    out = rsgm("membership", "join", "79002", "--year", "2025", "--date", "2025-01-15")
    assert "100" in out  # Adilly, 310 inhabitants: the first stratum of CDG 79's grid
