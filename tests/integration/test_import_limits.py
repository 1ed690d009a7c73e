"""Member imports stream within documented limits (MEM-1, docs/limits.md; issue 18: a 297 KB XLSX
drove the import to 3.8 GB of memory). Each hostile spreadsheet is imported in a fresh process
whose peak memory (``ru_maxrss``) is measured: refused or imported, it stays far below 300 MB."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import App
from rsgm_core.errors import SourceDataError
from tests.xlsx_bombs import header_row, member_rows, wide_row, with_header, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
PEAK_MB = 300

_IMPORT = """
import sys
import rsgm_core
try:
    with rsgm_core.open("memory://") as app:
        report = app.members.import_members(sys.argv[1], dry_run=True)
    print(f"imported {len(report.rows)}")
except rsgm_core.RsgmError as exc:
    print(f"refused {exc}")
"""
# Linux keeps the peak of the memory a process replaces when it execs: a child started straight
# from pytest (hundreds of MB by then) would report pytest's peak. A small launcher starts the
# import and reads its peak with RUSAGE_CHILDREN: the import's own, plus the launcher's few MB.
_LAUNCH = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]], capture_output=True,
                      text=True, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
print(done.stdout.strip() or done.stderr.strip()[-2000:])
"""


def import_in_a_process(path: Path) -> tuple[int, str]:
    """Peak memory in MB and the outcome of a dry-run import of ``path`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, _IMPORT, str(path)],
        capture_output=True, text=True, timeout=300, check=True,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}", "RSGM_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )  # fmt: skip
    peak, outcome = done.stdout.split("\n", 1)
    return int(peak), outcome.strip()


def unpacked(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(item.file_size for item in archive.infolist())


def test_a_300_kb_sheet_of_400_000_rows_is_refused_in_bounded_memory_MEM_1(tmp_path: Path) -> None:
    bomb = write_xlsx(tmp_path / "bombe.xlsx", with_header(member_rows(400_000)))
    assert bomb.stat().st_size < 400_000 and unpacked(bomb) > 60_000_000
    peak, outcome = import_in_a_process(bomb)
    assert peak < PEAK_MB, outcome
    assert (
        outcome.startswith("refused") and "100\u202f000 lignes" in outcome and "[MEM-1]" in outcome
    )


def test_an_xlsx_unpacking_beyond_100_mb_is_refused_before_reading_MEM_1(tmp_path: Path) -> None:
    long_text = "x" * 2000
    rows = (f'<row><c t="inlineStr"><is><t>{long_text}</t></is></c></row>' for _ in range(70_000))
    bomb = write_xlsx(tmp_path / "bombe.xlsx", with_header(rows))
    assert bomb.stat().st_size < 1_000_000 and unpacked(bomb) > 100 * 1024 * 1024
    peak, outcome = import_in_a_process(bomb)
    assert peak < PEAK_MB and "se décompresse en" in outcome and "[MEM-1]" in outcome


@pytest.mark.parametrize(
    ("name", "rows", "dimension", "expected"),
    [
        ("wide", wide_row(1_000_000), None, "de plus de 1\u202f000 cellules"),
        ("last_row", iter([header_row(), '<row r="1048576"><c><v>1</v></c></row>']), None,
         "ligne 1\u202f048\u202f576"),
        ("dimension", with_header(member_rows(2)), "A1:XFD1048576", "imported 2"),
    ],
)  # fmt: skip
def test_wide_rows_far_rows_and_false_dimensions_keep_memory_bounded_MEM_1(
    tmp_path: Path, name: str, rows: object, dimension: str | None, expected: str
) -> None:
    bomb = write_xlsx(tmp_path / f"{name}.xlsx", rows, dimension=dimension)  # type: ignore[arg-type]
    peak, outcome = import_in_a_process(bomb)
    assert peak < PEAK_MB and expected in outcome


def test_more_data_rows_than_the_limit_are_refused_MEM_1(tmp_path: Path) -> None:
    bomb = write_xlsx(tmp_path / "grand.xlsx", with_header(member_rows(20_001)))
    with rsgm_core.open("memory://") as app, pytest.raises(SourceDataError) as caught:
        app.members.import_members(bomb, dry_run=True)
    assert "plus de 20\u202f000 lignes de données" in caught.value.message
    assert caught.value.rule == "MEM-1"


def test_the_row_limit_counts_data_rows_not_blank_ones_MEM_1(
    tmp_path: Path, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rsgm_core.services.spreadsheet.MAX_IMPORT_ROWS", 3)
    path = tmp_path / "membres.csv"
    path.write_text("Prénom;Nom\n" + "Claire;Martin\n\n;\n" * 3, encoding="utf-8")
    assert len(app.members.import_members(path, dry_run=True).rows) == 3
    path.write_text("Prénom;Nom\n" + "Claire;Martin\n" * 4, encoding="utf-8")
    with pytest.raises(SourceDataError, match="plus de 3 lignes de données"):
        app.members.import_members(path, dry_run=True)


def test_a_csv_over_20_mb_is_refused_before_reading_MEM_1(tmp_path: Path, app: App) -> None:
    path = tmp_path / "membres.csv"
    with path.open("wb") as out:
        out.write(b"Pr\xc3\xa9nom;Nom\n")
        out.truncate(21 * 1024 * 1024)  # sparse: 21 MB of zeros after the header
    with pytest.raises(SourceDataError) as caught:
        app.members.import_members(path, dry_run=True)
    assert "au-delà de 20,0 Mo" in caught.value.message and str(path) in str(caught.value)


def test_a_csv_line_longer_than_64_kib_is_refused_MEM_1(tmp_path: Path, app: App) -> None:
    path = tmp_path / "membres.csv"
    path.write_text("Prénom;Nom\n" + "a;" * 40_000 + "\n", encoding="utf-8")
    with pytest.raises(SourceDataError, match="ligne 2 de plus de 65\u202f536 caractères"):
        app.members.import_members(path, dry_run=True)


def test_a_csv_neither_utf8_nor_windows_1252_is_a_french_error_MEM_1(
    tmp_path: Path, app: App
) -> None:
    path = tmp_path / "membres.csv"
    path.write_bytes("Prénom;Nom\n".encode("cp1252") + b"Ana\x81s;Martin\n")  # 0x81: no cp1252
    with pytest.raises(SourceDataError, match="ni UTF-8 ni Windows-1252 \\(octet 0x81"):
        app.members.import_members(path, dry_run=True)
    assert app.members.list_members() == []


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken"])
def test_a_broken_workbook_is_a_french_error_MEM_1(
    tmp_path: Path, app: App, content: bytes
) -> None:
    path = tmp_path / "membres.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceDataError, match=r"classeur XLSX|illisible"):
        app.members.import_members(path, dry_run=True)


def test_an_ordinary_workbook_still_imports(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "membres.xlsx", with_header(member_rows(3)))
    with rsgm_core.open("memory://") as app:
        report = app.members.import_members(path, dry_run=True)
    assert [r.name for r in report.rows] == ["Marie Durand"] * 3
