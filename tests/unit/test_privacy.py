"""MEM-11: every collection says what it holds on people, so none is forgotten by the export and
the erasure; the pure erasure engine (``rsgm_core.domain.privacy``)."""

from __future__ import annotations

import re
import typing
from typing import Any

import attrs
import pytest

from rsgm_core.domain.privacy import (
    ANONYMOUS_NAME,
    Designation,
    Erasure,
    Identity,
    Personal,
    erase,
    mentions,
)
from rsgm_core.records import COLLECTIONS

#: A field whose name says it may designate a person.
PERSON_LIKE = re.compile(
    r"member|author|referent|successor_id|mail|phone|name|signer|requester|recipient|holder|"
    r"person|contact|_by$|lead|referred|photo|users|suspended|unsubscribe"
)
#: A text field whose name says it holds a code or an identifier (unless it is PERSON_LIKE).
CODE_LIKE = re.compile(
    r"^(id|code|insee|siren|siret|commune|former|departement|departements|region|"
    r"arrondissement|epci|host_commune|media_type|postcodes|vintage|key|version|platform|role|space|theme|themes|"
    r"topics|software|done|rule|grant_ids|[a-z_]+_id)$"
)


def _texty(kind: Any) -> bool:
    if kind in (str, bytes):
        return True
    return any(_texty(arg) for arg in typing.get_args(kind) if arg is not type(None))


def _nested(kind: Any) -> list[type]:
    if attrs.has(kind):
        return [kind]
    return [c for arg in typing.get_args(kind) for c in _nested(arg)]


def _leaves(record: type, prefix: str = "") -> list[str]:
    """Every field path of ``record`` holding text: a person-like name, or not a code."""
    attrs.resolve_types(record)
    found = []
    for field in attrs.fields(record):
        path = prefix + field.name
        nested = _nested(field.type)
        for inner in nested:
            found += _leaves(inner, path + ".")
        named = PERSON_LIKE.search(field.name) or not CODE_LIKE.match(field.name)
        if not nested and _texty(field.type) and named:  # a date, a count, a flag: no one
            found.append(path)
    return found


def _covered(path: str, declared: frozenset[str]) -> bool:
    parts = path.split(".")
    return any(".".join(parts[:n]) in declared for n in range(1, len(parts) + 1))


@pytest.mark.parametrize("collection", COLLECTIONS, ids=lambda c: c.name)
def test_every_collection_declares_its_personal_and_text_fields_MEM_11(collection: Any) -> None:
    assert isinstance(collection.personal, Personal), (
        f"{collection.name}: declare personal=Personal(...) next to the collection (MEM-11)"
    )
    declared = collection.personal.declared
    missing = [p for p in _leaves(collection.record) if not _covered(p, declared)]
    assert missing == [], f"{collection.name}: classify {missing} in records.py (MEM-11)"
    for path, designation in collection.personal.subject + collection.personal.actors:
        assert path in declared and isinstance(designation, Designation)


def test_the_check_sees_a_new_personal_field_MEM_11() -> None:
    @attrs.frozen
    class Note:
        id: str
        written_by: str
        body: str
        commune: str

    assert _leaves(Note) == ["written_by", "body"]
    declared = Personal(Erasure.NONE, text=("body",)).declared
    assert [p for p in _leaves(Note) if not _covered(p, declared)] == ["written_by"]


WHO = Identity(
    "m-1", first_name="Zoé", last_name="Bernard", emails=("zoe.bernard@example.org",),
    phones=("05 49 12 34 56",),
)  # fmt: skip


def test_the_person_is_found_by_id_name_email_or_phone_MEM_11() -> None:
    assert WHO.designated_by("m-1", Designation.MEMBER_ID)
    assert WHO.designated_by("ZOE BERNARD", Designation.NAME)
    assert WHO.designated_by("Bernard Zoé", Designation.ANY)
    assert WHO.designated_by("m-1", Designation.ANY)  # by id, though they have a phone
    assert WHO.designated_by("Zoe.Bernard@example.org", Designation.EMAIL)
    assert WHO.designated_by("+33 5 49 12 34 56", Designation.PHONE)
    assert not WHO.designated_by("Zoé Martin", Designation.NAME)
    text = "Appeler Mme BERNARD Zoé au 05.49.12.34.56 ou zoe.bernard@example.org ; Bernard"
    assert WHO.redact(text) == "Appeler Mme [effacé] au [effacé] ou [effacé] ; Bernard"
    assert WHO.redact(text, strict=True).endswith("; [effacé]")


def test_erase_removes_anonymises_blanks_or_coarsens_as_declared_MEM_11() -> None:
    fact = Personal(Erasure.REMOVE, subject={"member_id": Designation.MEMBER_ID})
    assert erase({"member_id": "m-1"}, fact, WHO) is None
    assert erase({"member_id": "m-2"}, fact, WHO) == {"member_id": "m-2"}
    report = Personal(
        Erasure.ANONYMISE,
        subject={"member_id": Designation.MEMBER_ID},
        actors={"by": Designation.ANY},
        text=("reason",),
    )
    assert erase({"member_id": "m-1", "by": "x", "reason": "Zoé Bernard"}, report, WHO) == {
        "member_id": "m-1", "by": "x", "reason": "",
    }  # fmt: skip
    assert erase({"member_id": "m-2", "by": "zoe bernard", "reason": "vu Zoé Bernard"}, report, WHO) == {
        "member_id": "m-2", "by": ANONYMOUS_NAME, "reason": "vu [effacé]",
    }  # fmt: skip
    position = Personal(
        Erasure.COARSEN,
        subject={"member_id": Designation.MEMBER_ID},
        coarsen=(("start", False), ("end", True)),
    )
    assert erase({"member_id": "m-1", "start": "2021-09-01", "end": None}, position, WHO) == {
        "member_id": "m-1", "start": "2021-01-01", "end": None,
    }  # fmt: skip
    state = Personal(
        Erasure.ANONYMISE,
        subject={
            "users.email": Designation.EMAIL, "users.last_name": Designation.NAME,
            "suspended": Designation.EMAIL,
        },
    )  # fmt: skip
    data = {
        "users": [
            {"email": "zoe.bernard@example.org", "last_name": "Bernard"},
            {"email": "paul@example.org", "last_name": "Roy"},
        ],
        "suspended": ["zoe.bernard@example.org", "paul@example.org"],
    }
    assert mentions(data, state, WHO)
    assert erase(data, state, WHO) == {
        "users": [
            {"email": WHO.alias, "last_name": ANONYMOUS_NAME},
            {"email": "paul@example.org", "last_name": "Roy"},
        ],
        "suspended": [WHO.alias, "paul@example.org"],
    }


def test_erase_detaches_the_commune_or_the_member_from_a_record_about_them_MEM_11() -> None:
    grant = Personal(
        Erasure.ANONYMISE, subject={"member_id": Designation.MEMBER_ID}, detach=(("commune", None),)
    )
    assert erase({"member_id": "m-1", "commune": "79019"}, grant, WHO) == {
        "member_id": "m-1", "commune": None,
    }  # fmt: skip
    assert erase({"member_id": "m-2", "commune": "79019"}, grant, WHO) == {
        "member_id": "m-2", "commune": "79019",
    }  # fmt: skip
    signature = Personal(
        Erasure.ANONYMISE,
        subject={"member_id": Designation.MEMBER_ID, "signer": Designation.NAME},
        detach=(("member_id", None),),
    )
    assert erase({"member_id": "m-1", "signer": "Zoé Bernard", "commune": "79019"}, signature, WHO) == {
        "member_id": None, "signer": ANONYMOUS_NAME, "commune": "79019",
    }  # fmt: skip
    billed = Personal(
        Erasure.REDACT,
        subject={"trainee.person": Designation.NAME, "request.by": Designation.ANY},
        detach=(("request.by", ANONYMOUS_NAME),),
    )
    # the person was the requester (by member id): detached; a trainee: the requester stays
    assert erase({"trainee": {"person": "x"}, "request": {"by": "m-1"}}, billed, WHO) == {
        "trainee": {"person": "x"}, "request": {"by": ANONYMOUS_NAME},
    }  # fmt: skip
    assert erase({"trainee": {"person": "Zoé Bernard"}, "request": {"by": "m-2"}}, billed, WHO) == {
        "trainee": {"person": ANONYMOUS_NAME}, "request": {"by": "m-2"},
    }  # fmt: skip


def test_a_declaration_about_someone_needs_an_erasure_and_its_subject() -> None:
    with pytest.raises(ValueError):
        Personal(Erasure.ANONYMISE)
    with pytest.raises(ValueError):
        Personal(Erasure.NONE, subject={"member_id": Designation.MEMBER_ID})


def _documented_rows() -> dict[str, tuple[set[str], set[str]]]:
    """docs/rgpd.md's table of collections: by collection, its subject and actor fields."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "rgpd.md").read_text(encoding="utf-8")
    rows: dict[str, tuple[set[str], set[str]]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([a-z_]+)`", cells[0].split("(")[0])
        fields = [set(re.findall(r"`([a-z_.*]+)`", cell)) for cell in cells[1:3]]
        for name in names:
            rows[name] = (fields[0], fields[1])
    return rows


@pytest.mark.parametrize("collection", COLLECTIONS, ids=lambda c: c.name)
def test_docs_rgpd_lists_every_collection_with_its_actors_MEM_11(collection: Any) -> None:
    rows = _documented_rows()
    assert collection.name in rows, f"docs/rgpd.md ne décrit pas {collection.name}"
    _, actors = rows[collection.name]
    declared = {path for path, _ in collection.personal.actors}
    assert declared <= actors, (collection.name, declared - actors)
