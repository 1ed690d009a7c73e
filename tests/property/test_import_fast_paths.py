"""The member import's quick paths give what the slow ones give (MEM-1, MEM-2, CHA-6).

* A plain address judged without email-validator (its verdict kept per domain) is accepted and
  normalised as email-validator and ``validate_email`` would.
* The quick shared-mailbox pre-check never passes an address ``validate_email`` refuses.
* The records the import makes without their validators equal those their ``__init__`` makes.
* On every backend, a random sheet imports into records that their own ``__init__`` accepts
  unchanged, with each row's address as ``validate_email`` (strict, the commune's name) gives it
  and each refused address reported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import email_validator
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rsgm_core import App
from rsgm_core.domain.members import (
    Function,
    Lifecycle,
    Member,
    Position,
    Status,
    plain_email,
    validate_email,
)
from rsgm_core.errors import RsgmError
from rsgm_core.services.import_records import maker
from rsgm_core.services.import_rows import _surely_personal
from rsgm_core.services.member_import import _MEMBER_FIELDS, _POSITION_FIELDS
from tests.conftest import SAMPLE

ATEXT = "abcxyzABZ019!#$%&'*+/=?^_`{|}~-"
WORDS = ["mairie", "accueil", "contact", "info", "ville", "commune", "secretariat", "jean",
         "martin", "claire", "niort", "melun", "dupont", "de", "la", "rh", "dgs"]  # fmt: skip
locals_ = st.one_of(
    st.text(alphabet=ATEXT + ".", min_size=1, max_size=70),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).flatmap(
        lambda words: st.sampled_from([".", "-", "_", "", "+"]).map(lambda sep: sep.join(words))
    ),
)
labels = st.text(alphabet="abcXYZ019-", min_size=1, max_size=12)
SAMPLED_DOMAINS = ["example.org", "EXAMPLE.ORG", "b.c", "a.test", "localhost",
                   "xn--bcher-kva.ch", "xn--abc.fr", "mairie-niort.fr", "a..b.fr", "-a.fr"]  # fmt: skip
domains = st.one_of(
    st.lists(labels, min_size=1, max_size=4).map(".".join), st.sampled_from(SAMPLED_DOMAINS)
)


def _judge(address: str) -> str | None:
    try:
        return str(email_validator.validate_email(address, check_deliverability=False).normalized)
    except email_validator.EmailNotValidError:
        return None


@settings(max_examples=400, deadline=None)
@given(locals_, domains)
def test_a_plain_address_is_judged_as_email_validator_judges_it_MEM_2(
    local: str, domain: str
) -> None:
    address = f"{local}@{domain}"
    quick = plain_email(address)
    if quick is not None:
        assert quick == _judge(address)
    try:
        strict = validate_email(address, strict=True, generic_local_parts=())
    except RsgmError:
        assert quick is None
    else:
        assert quick in (None, strict)


@settings(max_examples=400, deadline=None)
@given(locals_, st.sampled_from(["Niort", "Melun", "Saint-Pierre-lès-Nemours", "Ville"]))
def test_the_quick_check_never_passes_a_shared_mailbox_CHA_6(local: str, town: str) -> None:
    import re

    from rsgm_core.domain.directory import fold
    from rsgm_core.domain.mailboxes import shared_mailbox
    from rsgm_core.domain.members import GENERIC_LOCAL_PARTS

    if plain_email(f"{local}@example.org") is None:
        return  # only plain addresses reach the pre-check
    squeezed = re.sub(r"[^a-z0-9]+", "", fold(town))
    if _surely_personal(local, (squeezed,)):
        assert local.lower() not in GENERIC_LOCAL_PARTS
        assert shared_mailbox(local, [town]) is None
    if _surely_personal(local, ()):
        assert shared_mailbox(local, []) is None


def _outcome(address: str, **options: object) -> str:
    try:
        return validate_email(address, **options)  # type: ignore[arg-type]
    except RsgmError as exc:
        return f"{type(exc).__name__} {exc.rule}"


@settings(max_examples=400, deadline=None)
@given(locals_, domains, st.booleans())
def test_validate_email_with_its_quick_path_says_what_the_judge_says_CHA_6(
    local: str, domain: str, strict: bool
) -> None:
    from rsgm_core.domain.members import GENERIC_LOCAL_PARTS

    address = f"{local}@{domain}"
    judged = _outcome(address, strict=strict, generic_local_parts=set(GENERIC_LOCAL_PARTS))
    assert _outcome(address, strict=strict) == judged


names = st.text(alphabet="abcdeéèçABCÉ -'", min_size=1, max_size=20).filter(str.strip)
days = st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2100, 1, 1)))


@given(
    st.uuids().map(str), names, names, st.one_of(st.none(), st.just("claire.martin@example.org")),
    st.one_of(st.none(), st.just("+33549123456")), days, st.booleans(),
    st.one_of(st.none(), st.integers(1930, 2010)), days,
)  # fmt: skip
def test_a_member_made_without_validators_is_the_members_own_MEM_1(
    new: str, first: str, last: str, email: str | None, phone: str | None,
    arrival: dt.date | None, helper: bool, birth_year: int | None, retirement_on: dt.date | None,
) -> None:  # fmt: skip
    values = (new, first.strip(), last.strip(), email, phone, Lifecycle.ACTIVE, arrival, helper,
              True, birth_year, retirement_on)  # fmt: skip
    quick = maker(Member, _MEMBER_FIELDS)(*values)
    assert type(quick) is Member
    assert quick == Member(**dict(zip(_MEMBER_FIELDS, values, strict=True)))
    assert attrs.asdict(quick, recurse=False) == attrs.asdict(Member(**attrs.asdict(quick)))


@given(
    st.uuids().map(str), st.uuids().map(str), st.sampled_from(["79191", "2A004", "77288"]),
    st.sampled_from(Function), st.integers(1, 10000).map(lambda n: Decimal(n) / 10000),
    st.sampled_from(Status), st.booleans(), days,
)  # fmt: skip
def test_a_position_made_without_validators_is_the_positions_own_MEM_1(
    new: str, member: str, commune: str, function: Function, work_time: Decimal,
    status: Status, permanent: bool, start: dt.date | None,
) -> None:  # fmt: skip
    values = (new, member, commune, function, work_time, status, permanent, start)
    quick = maker(Position, _POSITION_FIELDS)(*values)
    own = Position(**dict(zip(_POSITION_FIELDS, values, strict=True)))
    assert quick == own and type(quick.work_time) is type(own.work_time)


@pytest.fixture
def census_app(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    return app


CELLS = st.fixed_dictionaries(
    {
        "first": st.sampled_from(["Camille", "Zoé", "", "Jean-Pierre", "Anne Marie"]),
        "last": st.sampled_from(["Martin", "Lefèvre", "O'Neil", "Mairie", ""]),
        "local": locals_,
        "domain": domains,
        "code": st.sampled_from(["79191", "79049", "99999", "79001", ""]),
        "function": st.sampled_from(["SGM", "Secrétaire générale de mairie", "Cuisinier", ""]),
        "status": st.sampled_from(["Titulaire", "Contractuelle", "CDD", "x"]),
        "work_time": st.sampled_from(["1", "0,5", "80 %", "17,5/35", "2", "abc"]),
    }
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(CELLS, min_size=1, max_size=12))
def test_a_random_sheet_imports_records_their_own_init_accepts_MEM_1(
    census_app: App, tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    sheet = tmp_path / "agents.csv"
    lines = ["Prénom;Nom;Courriel;Code INSEE;Fonction;Statut;Quotité"]
    lines += [
        f"{r['first']};{r['last']};{r['local']}@{r['domain']};{r['code']};{r['function']};"
        f"{r['status']};{r['work_time']}"
        for r in rows
        if ";" not in r["local"] and '"' not in r["local"]
    ]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = {m.id for m in census_app.members.list_members()}
    report = census_app.members.import_members(sheet, partial=True)
    communes = {c.code: c.name for c in census_app.census.communes()}
    for line, result in zip(lines[1:], report.rows, strict=True):
        email, code = line.split(";")[2], line.split(";")[3]
        try:
            names = [communes[code]] if code in communes else []
            expected: str | None = validate_email(email, strict=True, commune_names=names)
        except RsgmError:
            expected = None
        refused = any(i.kind in ("adresse invalide", "adresse partagée, pas celle d'une personne")
                      for i in result.issues)  # fmt: skip
        assert refused == (expected is None), (email, result.problems)
    added = [m for m in census_app.members.list_members() if m.id not in before]
    for member in added:
        assert Member(**attrs.asdict(member, recurse=False)) == member
        for position in census_app.members.list_positions(member_id=member.id):
            assert Position(**attrs.asdict(position, recurse=False)) == position
    by_email = {m.email: m for m in added}
    for line, result in zip(lines[1:], report.rows, strict=True):
        if not result.problems and result.action == "nouveau membre":
            email = line.split(";")[2]
            code = line.split(";")[3]
            names = [communes[code]] if code in communes else []
            assert validate_email(email, strict=True, commune_names=names) in by_email


LAYOUT_FIELDS = ["first_name", "last_name", "email", "phone", "commune", "commune_name",
                 "function", "status", "work_time", "permanent"]  # fmt: skip
CELL_TEXT = st.sampled_from(["", " ", "Camille", " Zoé ", "Niort", "79191", " 79049", "SGM",
                             "titulaire ", "0,5", "oui", "a@b.fr", " c.d@mairie-niort.fr",
                             "0549123456", "abc"])  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(LAYOUT_FIELDS), min_size=1, max_size=8),  # doubles allowed
    st.dictionaries(st.sampled_from(["function", "status", "work_time", "email"]),
                    st.sampled_from(["SGM", "titulaire", "1", "x@y.fr"]), max_size=2),
    st.lists(st.lists(CELL_TEXT, max_size=10), min_size=1, max_size=15),
)  # fmt: skip
def test_a_row_read_by_index_is_the_row_read_through_its_cells_MEM_1(
    census_app: App, fields: list[str], defaults: dict[str, str], raws: list[list[str]]
) -> None:
    """The quick path (cells by index, the place by its raw cells, shared between rows) gives
    the very row the cell dictionary gives, whatever the layout, widths and defaults."""
    from rsgm_core.domain.commune_names import CommuneIndex
    from rsgm_core.services.import_rows import RowChecker

    with census_app.deps.read() as uow:
        communes = uow.communes.list()
    columns = dict(enumerate(fields))

    def checker() -> RowChecker:
        return RowChecker(
            index=CommuneIndex(communes, ("79",)), fields=set(fields), defaults=defaults,
            thesaurus=census_app.deps.hooks.expertise_thesaurus(),
            tools=census_app.deps.hooks.business_software(), departements=("79",),
            today=dt.date(2026, 6, 1),
        )  # fmt: skip

    quick, slow = checker(), checker()
    for line, raw in enumerate(raws * 2, start=2):  # twice: the second time from the caches
        assert quick.check(line, list(raw), columns) == slow._check(line, list(raw), columns)


@settings(max_examples=500, deadline=None)
@given(locals_, domains, st.sampled_from(["Niort", "Melun", "Saint-Pierre-lès-Nemours", ""]))
def test_the_usual_address_is_one_the_quick_checks_pass_as_written_CHA_6(
    local: str, domain: str, town: str
) -> None:
    """An address the import keeps as written without the full pre-check is one that
    plain_email_parts and surely_personal pass unchanged."""
    import re

    from rsgm_core.domain.directory import fold
    from rsgm_core.domain.members import plain_email_parts, surely_personal
    from rsgm_core.services.import_layout import UsualAddress

    usual = UsualAddress()
    towns = (re.sub(r"[^a-z0-9]+", "", fold(town)),)
    variants = (local, local.lower(), local.upper(), local.title())
    for address in [f"{v}@{d}" for v in variants for d in (domain, domain.lower())]:
        if usual(address, towns):
            parts = plain_email_parts(address)
            assert parts is not None and f"{parts[0]}@{parts[1]}" == address
            assert surely_personal(parts[0], towns)
