"""IND-2, EVT-6: the documented command that regenerates the screenshots of the annual report and
of a certificate, as Chromium renders them (python -m rsgm_core.demo.screenshots DOSSIER)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rsgm_core.demo import screenshots

CHROMIUM = os.environ.get("RSGM_TEST_CHROMIUM", "/usr/bin/chromium")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.rule("IND-2")
def test_the_demo_documents_name_their_cdg_IND_2_EVT_6(tmp_path: Path) -> None:
    pages = screenshots.write_documents(tmp_path)
    report = pages["rapport-annuel"].read_text(encoding="utf-8")
    certificate = pages["attestation"].read_text(encoding="utf-8")
    for html in (report, certificate):
        assert "Centre de gestion de la fonction publique territoriale des Deux-Sèvres" in html
        assert "Alain Lecointe" in html
    assert 'id="graphique-participation"' in report and "Attestation de présence" in certificate


@pytest.mark.rule("IND-2")
def test_the_command_writes_small_screenshots_IND_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing (in CI the screenshots must be made)")
        pytest.skip(f"needs Debian's chromium ({CHROMIUM}): sudo apt-get install chromium")
    monkeypatch.setenv("RSGM_CHROMIUM", CHROMIUM)
    assert screenshots.main([str(tmp_path / "img")]) == 0
    for name in ("rapport-annuel.png", "attestation.png"):
        shot = tmp_path / "img" / name
        assert shot.read_bytes().startswith(PNG)
        assert shot.stat().st_size < 200_000, shot.stat().st_size
    assert "capture écrite" in capsys.readouterr().out
