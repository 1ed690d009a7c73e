"""One way to name a record (issue 20, item 2), on every backend: ``app.records.resolve`` takes a
full id, an id prefix of 8 characters or more that no other record shares, or a person's e-mail;
a shorter prefix is refused, an ambiguous one lists the candidates by name."""

from __future__ import annotations

import contextlib

import pytest

from rsgm_core.app import App
from rsgm_core.domain.members import Member
from rsgm_core.errors import NotFoundError, ValidationError
from tests.conftest import SAMPLE
from tests.helpers import give_id, snapshot

PREFIX = "3f2a9c1b-77"


def _twins(app: App) -> tuple[Member, Member]:
    """Two people whose ids share their first 11 characters, one with a position in Niort."""
    app.census.import_(SAMPLE, ["79"])
    marie = app.members.add("Marie", "Dupont", email="Marie.Dupont@example.org", welcome=False)
    marc = app.members.add("Marc", "Dupont", email="marc.dupont@example.org", welcome=False)
    with app.deps.transaction() as uow:
        for member, tail in ((marie, "aa"), (marc, "bb")):
            give_id(uow, member, f"{PREFIX}{tail}-4000-8000-000000000000")
    marie = app.members.get(f"{PREFIX}aa-4000-8000-000000000000")
    app.members.add_position(marie.id, "79191", "sgm")
    return marie, app.members.get(f"{PREFIX}bb-4000-8000-000000000000")


def test_a_member_by_full_id_prefix_or_e_mail(app: App) -> None:
    marie, marc = _twins(app)
    assert app.records.resolve("members", marie.id).id == marie.id
    assert app.records.resolve("members", marc.id[:13]).id == marc.id
    found = app.records.resolve("members", "marie.dupont@EXAMPLE.org")  # case ignored
    assert found.id == marie.id and found.name == "Marie Dupont (Niort, 79191)"
    assert app.records.resolve("members", marc.id).name == "Marc Dupont"


def test_a_prefix_shorter_than_8_characters_is_refused_whatever_it_matches(app: App) -> None:
    marie, _ = _twins(app)
    with pytest.raises(ValidationError) as refused:
        app.records.resolve("members", marie.id[:7])
    assert "« 3f2a9c1 » est trop court pour nommer un membre" in refused.value.message
    assert "au moins ses 8 premiers caractères" in refused.value.message
    assert "adresse électronique" in refused.value.message  # a person: the e-mail too
    with pytest.raises(ValidationError) as session_error:
        app.records.resolve("sessions", "3f2a")
    assert "pour nommer une séance" in session_error.value.message
    assert "adresse" not in session_error.value.message


def test_an_ambiguous_prefix_lists_the_candidates_by_name(app: App) -> None:
    _twins(app)
    with pytest.raises(ValidationError) as refused:
        app.records.resolve("members", PREFIX[:9])
    message = refused.value.message
    assert message.startswith("« 3f2a9c1b- » est ambigu : 2 membres y correspondent : ")
    assert "Marie Dupont (Niort, 79191) (3f2a9c1b-77a)" in message
    assert "Marc Dupont (3f2a9c1b-77b)" in message  # each with what tells it apart


def test_unknown_records_and_kinds_say_so_in_french(app: App) -> None:
    _twins(app)
    with pytest.raises(NotFoundError, match="personne inconnue : aucun membre n'a l'adresse"):
        app.records.resolve("members", "personne@example.org")
    with pytest.raises(NotFoundError, match="aucune séance n'a l'identifiant « 0123456789 »"):
        app.records.resolve("sessions", "0123456789")
    with pytest.raises(NotFoundError, match=r"aucun événement .* \[EVT-4\]"):
        app.records.resolve("events", "0123456789", rule="EVT-4")
    with pytest.raises(ValidationError, match="sorte d'enregistrement inconnue : 'gens'"):
        app.records.resolve("gens", "0123456789")
    with pytest.raises(ValidationError, match="identifiant attendu"):
        app.records.resolve("members", "  ")


def test_naming_writes_nothing(app: App) -> None:
    _twins(app)
    before = snapshot(app)
    for ref in ("3f2a", PREFIX[:9], "nobody@example.org", PREFIX + "aa"):
        with contextlib.suppress(ValidationError, NotFoundError):
            app.records.resolve("members", ref)
    assert snapshot(app) == before


def test_every_kind_names_its_records(app: App) -> None:
    """A toolbox resource (a draft: its versions share one id), a space, a partner: by prefix or
    full id, with a name a person reads."""
    from tests.helpers import administrator

    admin = administrator(app)
    space = app.access.create_departmental_space(by=admin)
    assert app.records.resolve("spaces", space.id).name == space.name
    resource = app.toolbox.add(
        "fiche pratique", "Tenir l'état civil", "Corps.", themes=["état civil"], by=admin
    )
    named = app.records.resolve("resources", resource.id[:8])
    assert named.id == resource.id and named.name == "« Tenir l'état civil »"
    partner = app.partners.add("Jeanne Roy", "URSSAF", "administration")
    assert app.records.resolve("partners", partner.id[:10]).name == "Jeanne Roy (URSSAF)"
