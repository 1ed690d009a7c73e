"""Answers collected elsewhere, imported from a CSV or XLSX file (SUR-2): a LimeSurvey export
(responses with question codes as headings: ``id``, ``submitdate``, ``lastpage``,
``startlanguage``, ``seed``, then one column per question code, a multiple choice as one column
per option ``CODE[SQ001]`` holding ``Y`` or nothing) or a plain file with one row per answer and
one column per question key (a multiple choice's keys separated by ``;``), with an optional
``email`` column naming who answered. Every row is checked against the questions; any problem
refuses the whole file, every problem named, nothing written."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from rsgm_core.domain.questionnaires import AnswerValue, Question, QuestionKind
from rsgm_core.errors import RsgmError, SourceDataError, ValidationError
from rsgm_core.render.french import plural
from rsgm_core.services.questionnaires import answer_in, questions_in
from rsgm_core.services.spreadsheet import read_rows

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["SurveyImport", "import_answers"]

RULE = "SUR-2"
#: LimeSurvey's response metadata columns (not questions)
LIMESURVEY_META = frozenset({
    "id", "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate", "datestamp",
    "ipaddr", "refurl", "interviewtime",
})  # fmt: skip
_PLAIN_META = frozenset({"email", "courriel", "adresse", "date", "horodatage"})
_SUB = re.compile(r"^(?P<code>[^\[\]]+)\[(?P<option>[^\[\]]+)\]$")


@attrs.frozen
class SurveyImport:
    """What an import did (or would do, ``dry_run``): the answers read, the layout recognised
    (``limesurvey`` or ``simple``), the rows left out as incomplete (LimeSurvey's unsubmitted
    responses) and the columns ignored (metadata)."""

    survey_id: str
    layout: str
    answers: int
    incomplete: int
    ignored: tuple[str, ...]
    dry_run: bool


def _columns(
    header: Sequence[str], questions: Sequence[Question], layout: str
) -> dict[int, tuple[str, str | None]]:
    """Column index → (question key, option) ; columns matching no question refused, named."""
    by_key = {q.key.lower(): q for q in questions}
    meta = LIMESURVEY_META if layout == "limesurvey" else _PLAIN_META
    found: dict[int, tuple[str, str | None]] = {}
    unknown = []
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name or name.lower() in meta:
            continue
        sub = _SUB.match(name)
        if sub and sub.group("code").lower() in by_key:
            question = by_key[sub.group("code").lower()]
            option = sub.group("option")
            if question.kind is QuestionKind.MULTIPLE:
                found[index] = (question.key, option)
                continue
        if name.lower() in by_key:
            found[index] = (by_key[name.lower()].key, None)
            continue
        unknown.append(name)
    if unknown:
        raise ValidationError(
            f"{'colonnes' if len(unknown) > 1 else 'colonne'} sans question correspondante dans "
            "ce questionnaire : "
            f"{', '.join(unknown)} ; ses questions sont : {', '.join(q.key for q in questions)}",
            rule=RULE, value=unknown[0],
        )  # fmt: skip
    return found


def import_answers(
    deps: Deps, survey_id: str, path: Path, *, dry_run: bool = False
) -> SurveyImport:
    """Import the answers of ``path`` into the survey (SUR-2), all or nothing."""
    try:
        rows = list(read_rows(path))
    except FileNotFoundError:
        raise SourceDataError(f"fichier introuvable : {path}", source=str(path), rule=RULE,
                              value=str(path)) from None  # fmt: skip
    if not rows or not any(h.strip() for h in rows[0]):
        raise SourceDataError("fichier vide (aucune ligne d'en-tête)", source=str(path), rule=RULE,
                              value=str(path))  # fmt: skip
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    lowered = {h.lower() for h in header}
    layout = "limesurvey" if {"id", "submitdate", "lastpage"} <= lowered else "simple"
    try:
        return _import(deps, survey_id, path, header, rows, layout, dry_run=dry_run)
    except _DryRun as done:
        return done.result


class _DryRun(Exception):
    """Leaves the unit of work without committing: what a dry run would have written."""

    def __init__(self, result: SurveyImport) -> None:
        super().__init__("dry run")
        self.result = result


def _import(
    deps: Deps, survey_id: str, path: Path, header: list[str], rows: list[list[str]],
    layout: str, *, dry_run: bool,
) -> SurveyImport:  # fmt: skip
    email_column = next(
        (i for i, h in enumerate(header) if h.lower() in ("email", "courriel")), None
    )
    submitted = (
        header.index(next(h for h in header if h.lower() == "submitdate"))
        if layout == "limesurvey"
        else None
    )
    with deps.transaction() as uow:
        survey = uow.surveys.get(survey_id)
        questions = questions_in(uow, survey)
        columns = _columns(header, questions, layout)
        members = (
            {m.email.lower(): m.id for m in uow.members.list() if m.email}
            if email_column is not None
            else {}
        )
        problems: list[str] = []
        done = incomplete = 0
        for line, row in enumerate(rows[1:], start=2):
            cells = [*row, *[""] * (len(header) - len(row))]
            if not any(c.strip() for c in cells):
                continue
            if submitted is not None and not cells[submitted].strip():
                incomplete += 1  # LimeSurvey: a response never submitted
                continue
            given: dict[str, AnswerValue] = {}
            for index, (key, option) in columns.items():
                value = cells[index].strip()
                if option is not None:
                    if value.upper() in ("Y", "O", "OUI", "1", "X"):
                        given[key] = [*given.get(key, []), option]  # type: ignore[misc]
                elif value:
                    given[key] = value
            member_id = None
            if email_column is not None and cells[email_column].strip():
                member_id = members.get(cells[email_column].strip().lower())
                if member_id is None:
                    problems.append(
                        f"ligne {line} : adresse inconnue « {cells[email_column].strip()} »"
                    )
                    continue
            try:
                answer_in(deps, uow, survey.id, member_id=member_id, responses=given)
                done += 1
            except RsgmError as exc:
                problems.append(f"ligne {line} : {exc.message}")
        if problems:
            shown = problems[:20]
            more = f" ; et {plural(len(problems) - 20, 'autre')}" if len(problems) > 20 else ""
            refused = plural(len(problems), "ligne refusée", "lignes refusées")
            raise ValidationError(
                f"{refused}, rien n'est importé : {' ; '.join(shown)}{more}",

                rule=RULE, value=str(path),
            )  # fmt: skip
        ignored = tuple(h for i, h in enumerate(header) if h and i not in columns)
        result = SurveyImport(survey.id, layout, done, incomplete, ignored, dry_run)
        if dry_run:
            raise _DryRun(result)
    return result
