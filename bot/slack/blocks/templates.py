"""The create form's templates: ready-made questions whose words come from the catalogs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.domain.model import Question, QuestionKind
from bot.i18n import t
from bot.slack import ids

BLANK_TEMPLATE: Final = ids.BLANK_TEMPLATE


@dataclass(frozen=True, slots=True)
class _TemplateQuestion:
    """A template question; its text and options (one per line) come from the catalogs."""

    key: str
    kind: QuestionKind
    has_options: bool = False


_TEMPLATES: Final[dict[str, tuple[_TemplateQuestion, ...]]] = {
    BLANK_TEMPLATE: (),
    "event": (
        _TemplateQuestion("template.event.kind", QuestionKind.SINGLE, has_options=True),
        _TemplateQuestion("template.event.time", QuestionKind.SINGLE, has_options=True),
        _TemplateQuestion("template.event.topics", QuestionKind.TEXT),
    ),
    "feedback": (
        _TemplateQuestion("template.feedback.satisfaction", QuestionKind.RATING),
        _TemplateQuestion("template.feedback.improve", QuestionKind.MULTI, has_options=True),
        _TemplateQuestion("template.feedback.other", QuestionKind.TEXT),
    ),
}
TEMPLATES: Final = tuple(_TEMPLATES)


def template_questions(template: str, lang: str) -> tuple[Question, ...]:
    """The questions a template fills in, in lang (none for blank or an unknown template)."""
    return tuple(
        Question(
            text=t(lang, item.key),
            kind=item.kind,
            options=tuple(t(lang, f"{item.key}.options").splitlines()) if item.has_options else (),
        )
        for item in _TEMPLATES.get(template, ())
    )
