"""Screenshots of the printed documents as a browser shows them (IND-2, EVT-6): the demo's annual
activity report and one of its attendance certificates, rendered by Chromium in headless mode.

    python -m rsgm_core.demo.screenshots docs/img/

builds the demo network in a temporary folder (as ``rsgm demo`` does), writes
``rapport-annuel.html`` and ``attestation.html`` there, and asks Chromium for a screenshot of each
(``rapport-annuel.png``, ``attestation.png`` in the given folder). Chromium is Debian's
``/usr/bin/chromium`` unless ``$RSGM_CHROMIUM`` names another; none is a French error, exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import rsgm_core
from rsgm_core.errors import ConfigurationError, RsgmError
from rsgm_core.profile_file import example_profile
from rsgm_core.render.event_documents import certificate_html
from rsgm_core.render.report import render_html
from rsgm_core.settings import Settings

__all__ = ["main", "screenshot", "write_documents"]

#: the browser window: a screen wide enough for the report's 180 mm and the certificate's A4
WIDTH = 900
HEIGHTS = {"rapport-annuel": 6000, "attestation": 1200}  # trimmed to the content


def chromium() -> str:
    """The Chromium to run: ``$RSGM_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on
    the ``PATH``."""
    for candidate in (os.environ.get("RSGM_CHROMIUM"), "/usr/bin/chromium", "chromium"):
        if candidate and (Path(candidate).is_file() or shutil.which(candidate)):
            return candidate
    raise ConfigurationError(
        "Chromium introuvable : installez-le (apt-get install chromium) ou donnez son chemin "
        "dans RSGM_CHROMIUM",
        value="chromium",
    )


def write_documents(folder: Path) -> dict[str, Path]:
    """Build the demo network in ``folder`` and write its annual report and the certificate of
    one attendee of its webinar as HTML (CDG 79's example profile names the CDG)."""
    from rsgm_core.demo import _demo

    database = folder / "demo.db"
    with contextlib.redirect_stdout(io.StringIO()):
        _demo(argparse.Namespace(db=str(database)))
    settings = Settings.from_file(example_profile("cdg79"))
    with rsgm_core.open(f"sqlite:///{database}", settings=settings) as app:
        year = app.today().year
        report = app.indicators.annual_report(year=year)
        events = [d.event for d in app.events.list_events(year=year)]
        rows = {e.id: app.registrations.list_certificates(event_id=e.id) for e in events}
        event = next(e for e in events if rows[e.id])  # the first event held, with attendees
        row = rows[event.id][0]
        certificate = certificate_html(
            event, row.session, row.member, today=row.session.date, cdg=app.settings.cdg
        )
    pages = {"rapport-annuel": render_html(report), "attestation": certificate}
    written = {}
    for name, html in pages.items():
        written[name] = folder / f"{name}.html"
        written[name].write_text(html, encoding="utf-8")
    return written


def screenshot(page: Path, target: Path, *, height: int, browser: str | None = None) -> Path:
    """Chromium's headless screenshot of ``page`` (``WIDTH`` × ``height`` px) into ``target``."""
    command = [
        browser or chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--lang=fr-FR", "--force-device-scale-factor=1",
        f"--window-size={WIDTH},{height}", f"--screenshot={target}", page.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not target.is_file():
        raise ConfigurationError(
            f"Chromium n'a pas fait la capture de {page.name} (code {done.returncode}) : "
            f"{done.stderr.strip()[-300:]}",
            value=str(page),
        )
    _compact(target)
    return target


def _compact(target: Path) -> None:
    """Trim the blank bottom of the capture and store it in 64 colours, when Pillow (a
    dependency of WeasyPrint, the ``pdf`` extra) is there: 128 colours, a few tens of KiB."""
    try:
        from PIL import Image, ImageChops
    except ImportError:  # the capture stays as Chromium wrote it
        return
    with Image.open(target) as opened:
        image = opened.convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box:
        image = image.crop((0, 0, image.width, min(image.height, box[3] + 40)))
    # octree keeps the small areas' colours (the legends' swatches); median cut loses them
    image.quantize(colors=128, method=Image.Quantize.FASTOCTREE).save(target, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rsgm_core.demo.screenshots",
        description="captures d'écran du rapport d'activité et d'une attestation de la "
        "démonstration, rendus par Chromium",
    )
    parser.add_argument("dossier", metavar="DOSSIER", help="dossier des captures (PNG)")
    args = parser.parse_args(argv)
    target = Path(args.dossier)
    try:
        browser = chromium()
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="rsgm-captures-") as work:
            for name, page in write_documents(Path(work)).items():
                shot = screenshot(
                    page, target / f"{name}.png", height=HEIGHTS[name], browser=browser
                )
                print(f"capture écrite : {shot} ({shot.stat().st_size // 1024} Kio)")
    except RsgmError as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
