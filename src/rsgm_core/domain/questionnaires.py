"""Questionnaires (SUR-2): a survey's questions, in order, each of one kind (a 1-5 scale, a single
or multiple choice, a number, a free text), optional or required; the answers a person gives to
them, checked against each question. Pure: the service stores the records and reads the files.

A survey recorded before questionnaires existed has no stored question: it is read as the two
questions it always asked (:func:`implicit_questions`): the score (``note``, required for a
satisfaction survey, EVT-9) and the comment (``commentaire``). Those two keys also stay mirrored
on :class:`~rsgm_core.domain.animation.SurveyAnswer` (``score``, ``comment``) so that the
satisfaction rate and everything built on it keep working."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

import attrs

from rsgm_core.errors import ValidationError

__all__ = [
    "COMMENT_KEY",
    "SCORE_KEY",
    "AnswerValue",
    "Question",
    "QuestionFields",
    "QuestionKind",
    "QuestionSpec",
    "SurveyResponse",
    "check_questions",
    "choice_key",
    "implicit_questions",
    "make_spec",
    "parse_value",
    "question_kind",
    "read_answers",
]

RULE = "SUR-2"
#: one answer as a caller gives it: a scale's 1-5, a choice (key, label or code), a list of
#: choices, a number, a text
AnswerValue = str | int | Decimal | Sequence[str]
SCORE_KEY = "note"
COMMENT_KEY = "commentaire"
MAX_TEXT = 2000
_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


class QuestionKind(enum.Enum):
    """SUR-2: the kinds of question (value: the French name)."""

    SCALE = "échelle"
    SINGLE = "choix unique"
    MULTIPLE = "choix multiple"
    NUMBER = "nombre"
    TEXT = "texte libre"


#: a question as a mapping: ``key``, ``text``, ``kind``, ``required``, ``choices``
QuestionFields = Mapping[str, str | bool | Sequence[str] | QuestionKind | None]

_KIND_ALIASES = {
    "echelle": QuestionKind.SCALE, "note": QuestionKind.SCALE, "scale": QuestionKind.SCALE,
    "choix": QuestionKind.SINGLE, "unique": QuestionKind.SINGLE, "single": QuestionKind.SINGLE,
    "multiple": QuestionKind.MULTIPLE, "choix multiples": QuestionKind.MULTIPLE,
    "nombre": QuestionKind.NUMBER, "number": QuestionKind.NUMBER,
    "texte": QuestionKind.TEXT, "text": QuestionKind.TEXT, "texte libre": QuestionKind.TEXT,
}  # fmt: skip


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def choice_key(label: str) -> str:
    """A choice's stable key, from its label: ``"Oui, déjà"`` → ``"oui-deja"``."""
    return re.sub(r"[^a-z0-9]+", "-", _fold(label)).strip("-")


def question_kind(value: QuestionKind | str | None) -> QuestionKind:
    """``value`` as a kind of question; a missing or unknown kind is refused, naming the kinds."""
    if isinstance(value, QuestionKind):
        return value
    text = (value or "").strip()
    for kind in QuestionKind:
        if _fold(text) in (_fold(kind.value), kind.name.lower()):
            return kind
    if _fold(text) in _KIND_ALIASES:
        return _KIND_ALIASES[_fold(text)]
    kinds = ", ".join(k.value for k in QuestionKind)
    what = f"type de question inconnu : « {text} »" if text else "question sans type"
    raise ValidationError(f"{what} ; choisissez parmi : {kinds}", rule=RULE, value=value)


@attrs.frozen
class Question:
    """One question of a survey (SUR-2): ``position`` orders them (from 1), ``key`` names it in
    imports, exports and the national core (stable: ``socle.anciennete``); ``choices`` are the
    labels of a choice question (their keys are :func:`choice_key` of each)."""

    id: str
    survey_id: str
    position: int
    key: str
    text: str
    kind: QuestionKind
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def choice_keys(self) -> tuple[str, ...]:
        return tuple(choice_key(c) for c in self.choices)

    def label_of(self, key: str) -> str:
        """The label of a choice's key (the key itself when unknown)."""
        return dict(zip(self.choice_keys, self.choices, strict=True)).get(key, key)


@attrs.frozen
class SurveyResponse:
    """What one person answered to one question: ``values`` holds the scale's digit, the number,
    or the choices' keys (neutral); ``text`` a free text (the person's words)."""

    id: str
    answer_id: str
    survey_id: str
    question_id: str
    values: tuple[str, ...] = ()
    text: str = ""
    member_id: str | None = None


@attrs.frozen
class QuestionSpec:
    """A question before it belongs to a survey: what a question set file or a caller gives."""

    key: str
    text: str
    kind: QuestionKind = attrs.field(converter=question_kind)
    required: bool = False
    choices: tuple[str, ...] = ()


def make_spec(
    key: str,
    text: str,
    kind: QuestionKind | str | None,
    *,
    required: bool = False,
    choices: Iterable[str] = (),
) -> QuestionSpec:
    """A :class:`QuestionSpec`, a missing or unknown kind refused naming the question."""
    try:
        chosen = question_kind(kind)
    except ValidationError as exc:
        raise ValidationError(
            f"question « {key or text} » : {exc.message}", rule=RULE, value=kind
        ) from None
    return QuestionSpec(key.strip(), text, chosen, required, tuple(str(c) for c in choices))


def check_question(spec: QuestionSpec, taken: Iterable[str] = ()) -> None:
    """SUR-2: a key of lower-case letters, digits, ``_ . -`` not already in the survey; a text;
    choices (two at least, distinct) for a choice question and only there."""
    if not _KEY.match(spec.key):
        raise ValidationError(
            f"clé de question invalide : « {spec.key} » (lettres minuscules sans accent, "
            "chiffres, « _ », « . » ou « - », 40 caractères au plus)",
            rule=RULE, value=spec.key,
        )  # fmt: skip
    if spec.key in set(taken):
        raise ValidationError(
            f"la question « {spec.key} » existe déjà dans ce questionnaire", rule=RULE,
            value=spec.key,
        )  # fmt: skip
    if not spec.text.strip() or len(spec.text) > 500:
        raise ValidationError(
            f"question « {spec.key} » sans intitulé ou de plus de 500 caractères", rule=RULE,
            value=spec.key,
        )  # fmt: skip
    choosing = spec.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    keys = [choice_key(c) for c in spec.choices]
    if choosing and (len(keys) < 2 or len(set(keys)) != len(keys) or not all(keys)):
        raise ValidationError(
            f"la question « {spec.key} » ({spec.kind.value}) demande au moins deux choix "
            f"distincts : {', '.join(spec.choices) or 'aucun donné'}",
            rule=RULE, value=spec.key,
        )  # fmt: skip
    if not choosing and spec.choices:
        raise ValidationError(
            f"la question « {spec.key} » ({spec.kind.value}) n'a pas de choix à proposer",
            rule=RULE, value=spec.key,
        )  # fmt: skip


def check_questions(specs: Sequence[QuestionSpec]) -> None:
    taken: list[str] = []
    for spec in specs:
        check_question(spec, taken)
        taken.append(spec.key)


def implicit_questions(survey_id: str, *, score_required: bool) -> tuple[Question, ...]:
    """The questions a survey without stored questions asks: its score and its comment."""
    return (
        Question("", survey_id, 1, SCORE_KEY, "Votre note, de 1 (faible) à 5 (excellente)",
                 QuestionKind.SCALE, required=score_required),
        Question("", survey_id, 2, COMMENT_KEY, "Votre commentaire", QuestionKind.TEXT),
    )  # fmt: skip


_CODE = re.compile(r"^(?:a|ao|sq)0*(\d+)$")


def _choice(question: Question, raw: str) -> str:
    """A choice's key from its key, its label, or a positional answer code (``A1``, ``AO01``,
    ``SQ001``: LimeSurvey's codes by default)."""
    folded = _fold(raw)
    keys = question.choice_keys
    if choice_key(raw) in keys:
        return choice_key(raw)
    match = _CODE.match(folded.replace(" ", ""))
    if match and 1 <= int(match.group(1)) <= len(keys):
        return keys[int(match.group(1)) - 1]
    raise ValidationError(
        f"« {raw} » n'est pas un choix de la question « {question.key} » : "
        f"{' ; '.join(question.choices)}",
        rule=RULE, value=raw,
    )  # fmt: skip


def parse_value(question: Question, raw: AnswerValue | None) -> tuple[tuple[str, ...], str]:
    """One answer to ``question`` as (values, text); ``((), "")`` when not answered. Refused: a
    scale outside 1-5, a choice not offered, a number that is not one, a text over 2,000
    characters."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return (), ""
    if isinstance(raw, (list, tuple, set, frozenset)) and not raw:
        return (), ""
    kind = question.kind
    if kind is QuestionKind.TEXT:
        text = str(raw).strip()
        if len(text) > MAX_TEXT:
            raise ValidationError(
                f"réponse trop longue à « {question.key} » : {len(text)} caractères pour "
                f"{MAX_TEXT} au plus", rule=RULE, value=question.key,
            )  # fmt: skip
        return (), text
    if kind is QuestionKind.MULTIPLE:
        items = (
            [str(r) for r in raw]
            if isinstance(raw, (list, tuple, set, frozenset))
            else [p for p in re.split(r"[;\n|]", str(raw)) if p.strip()]
        )
        keys = [_choice(question, item.strip()) for item in items]
        return tuple(k for k in question.choice_keys if k in keys), ""
    text = str(raw).strip()
    if kind is QuestionKind.SINGLE:
        return (_choice(question, text),), ""
    if kind is QuestionKind.SCALE:
        if text not in {"1", "2", "3", "4", "5"}:
            raise ValidationError(
                f"réponse hors de l'échelle de 1 à 5 à « {question.key} » : {text}", rule=RULE,
                value=text,
            )  # fmt: skip
        return (text,), ""
    try:
        number = Decimal(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > Decimal(10) ** 9:
        raise ValidationError(
            f"« {text} » n'est pas un nombre (question « {question.key} »)", rule=RULE,
            value=text,
        )  # fmt: skip
    return (format(number.normalize(), "f"),), ""


def read_answers(
    questions: Sequence[Question], given: Mapping[str, AnswerValue | None]
) -> dict[str, tuple[tuple[str, ...], str]]:
    """SUR-2: ``given`` (question key → raw answer) checked against ``questions``: every key a
    question, every value of its kind, every required question answered. Returns the answered
    questions' (values, text) by key."""
    by_key = {q.key: q for q in questions}
    unknown = sorted(k for k in given if k not in by_key)
    if unknown:
        raise ValidationError(
            f"{'questions inconnues' if len(unknown) > 1 else 'question inconnue'} de ce "
            f"questionnaire : {', '.join(unknown)} ; ses questions "

            f"sont : {', '.join(by_key)}", rule=RULE, value=unknown[0],
        )  # fmt: skip
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    for question in questions:
        values, text = parse_value(question, given.get(question.key))
        if values or text:
            found[question.key] = (values, text)
        elif question.required:
            raise ValidationError(
                f"la question « {question.text} » ({question.key}) est obligatoire",
                rule=RULE, value=question.key,
            )  # fmt: skip
    return found
