"""The former names attached to the areas at run time are declared for type checkers too: a typed
caller still using them gets a ``[deprecated]`` note, never ``attr-defined``."""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api", reason="mypy comes with the dev extra")

OLD_CALLS = """
import rsgm_core

app = rsgm_core.open("memory://")
app.members.list()
app.members.positions(member_id="m-1")
app.members.import_("membres.csv")
app.members.invite("m-1")
app.members.activate("m-1")
app.outbox.list()
app.outbox.deliver_pending()
app.rgpd.export("m-1", by="m-0")
app.rgpd.export_json("m-1", by="m-0")
app.directory.entry("m-1")
app.transaction()
app.events.list()
app.events.register("s", "m")
app.events.tracking()
app.surveys.due()
app.toolbox.list()
app.advice.list()
app.partners.list()
app.partners.stale()
app.network.networks()
app.network.activate("79019")
app.access.export("interstis", by="m-0")
"""


def test_every_former_name_is_typed_and_marked_deprecated(tmp_path: Path) -> None:
    caller = tmp_path / "caller.py"
    caller.write_text(OLD_CALLS, encoding="utf-8")
    out, err, _ = api.run(
        ["--strict", "--enable-error-code", "deprecated", "--cache-dir", str(tmp_path / "cache"),
         "--config-file", "", str(caller)]
    )  # fmt: skip
    errors = [line for line in out.splitlines() if ": error: " in line]
    calls = [line for line in OLD_CALLS.splitlines() if line.startswith("app.")]
    assert len(errors) == len(calls), out + err
    assert all(line.endswith("[deprecated]") for line in errors), out
