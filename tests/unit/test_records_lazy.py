"""Record classes are built when first used (issue 24, item 5): :data:`rsgm_core.records.COLLECTIONS`
names each record class by where it is defined, ``collection.record`` imports it on first read,
and a command builds the classes of the collections it touches, not all of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from rsgm_core import records
from rsgm_core.domain.members import Member
from rsgm_core.domain.toolbox import SEARCH_FIELDS
from rsgm_core.domain.toolbox_records import ResourceAttachment
from rsgm_core.ports import UnitOfWork
from rsgm_core.records import COLLECTION_NAMED, COLLECTION_OF, COLLECTIONS, Collection

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _run(code: str) -> Any:
    """What ``code`` prints last, as JSON, run in a fresh interpreter (this checkout's ``src``)."""
    env = {**os.environ, "PYTHONPATH": SRC, "RSGM_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _record_modules(loaded: list[str]) -> set[str]:
    declared = {c.record_path.partition(":")[0] for c in COLLECTIONS}
    return declared & set(loaded)


def test_declaring_the_collections_imports_no_record_module() -> None:
    loaded = _run(
        "import json, sys\nimport rsgm_core.ports, rsgm_core.records\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    assert _record_modules(loaded) == set()
    assert [m for m in loaded if m.startswith("rsgm_core.domain.")] == ["rsgm_core.domain.privacy"]


def test_each_collection_names_its_class_where_it_is_defined() -> None:
    for collection in COLLECTIONS:
        record = collection.record
        assert collection.record_path == f"{record.__module__}:{record.__qualname__}"
        assert COLLECTION_OF[record] is collection
        assert collection.loaded


def test_the_record_classes_stay_importable_from_records() -> None:
    from rsgm_core.records import Member as Imported

    assert Imported is records.Member is Member
    assert records.Attachment is records.ResourceAttachment is ResourceAttachment
    hints = typing.get_type_hints(UnitOfWork)
    for name, hint in hints.items():
        if typing.get_origin(hint) is not None and name in COLLECTION_NAMED:
            [record] = typing.get_args(hint)
            assert record is COLLECTION_NAMED[name].record
    with pytest.raises(AttributeError, match="Nothing"):
        records.Nothing  # noqa: B018


def test_the_toolbox_weights_are_the_domains_KNB_3() -> None:
    assert records.TOOLBOX_SEARCH == SEARCH_FIELDS
    assert COLLECTION_NAMED["resources"].search_fields == SEARCH_FIELDS


def test_a_collection_by_its_record_class_is_that_very_class() -> None:
    assert COLLECTION_OF.get(Member) is COLLECTION_NAMED["members"]
    assert Member in COLLECTION_OF and str not in COLLECTION_OF and "members" not in COLLECTION_OF
    assert COLLECTION_OF.get(str) is None
    look_alike = type("Member", (), {"__module__": "rsgm_core.domain.members"})
    with pytest.raises(KeyError):
        COLLECTION_OF[look_alike]
    assert len(COLLECTION_OF) == len(COLLECTIONS) == len(set(COLLECTION_OF))


def test_a_named_class_is_checked_against_its_entry_when_first_read() -> None:
    named = Collection("odd", "rsgm_core.domain.members:Member", "id", indexes=("nope",))
    assert not named.loaded
    with pytest.raises(ValueError, match="nope"):
        named.record  # noqa: B018
    with pytest.raises(ValueError, match="module:Name"):
        Collection("odd", "rsgm_core.domain.members.Member", "id")
    with pytest.raises(ValueError, match="nope"):  # a class given itself: at once
        Collection("odd", Member, "id", indexes=("nope",))


def test_a_collection_is_the_same_before_and_after_its_class_is_built() -> None:
    lazy = Collection("members", "rsgm_core.domain.members:Member", "id", label="membre")
    given = Collection("members", Member, "id", label="membre")
    before = hash(lazy)
    assert lazy == given and lazy.record_path == given.record_path
    assert lazy.record is Member and hash(lazy) == before and lazy == given


def test_a_census_report_builds_the_classes_of_its_collections_only() -> None:
    """The memory backend opens, imports the bundled census, reports it: the collections read
    are the only ones whose classes exist (the SQL read path gives the same, see its tests)."""
    built = _run(
        "import json, rsgm_core\nfrom rsgm_core.profile_file import sample_census\n"
        "from rsgm_core.records import COLLECTIONS\n"
        "with rsgm_core.open('memory://') as app:\n"
        "    app.census.import_(sample_census(), ['79'])\n"
        "    app.ages.of_census(app.census.report())\n"
        "print(json.dumps(sorted(c.name for c in COLLECTIONS if c.loaded)))"
    )
    census = {"meta", "census_imports", "departements", "arrondissements", "epcis", "communes"}
    report = {"populations", "positions", "members", "networks", "local_networks"}
    assert set(built) == census | report
