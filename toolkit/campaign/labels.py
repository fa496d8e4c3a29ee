"""Readable names for model columns, category levels and model terms, in both languages.

A response model names its columns after the data: ``month=mar``,
``education=university.degree``, ``emp.var.rate``. A report shows them as a
client reads them: "Month: March" / "月份：3月", "Education: university
degree" / "教育程度：大学学历". The names live in the catalogue under
``campaign.feature.<column>`` and ``campaign.level.<column>.<level>`` (the
column and level written as a slug, see :func:`slug`). A user's own column
or level without an entry is shown as it is and passed through ``mark``, so
the notebook can mark it as a data value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from toolkit.campaign.design import MISSING, OTHER
from toolkit.i18n import has, t

__all__ = ["slug", "feature_label", "level_label", "term_label", "feature_list"]

_SPECIAL_LEVELS = {OTHER: "campaign.level.pooled_other", MISSING: "campaign.level.missing"}


def _same(text: str) -> str:
    return text


def slug(value: object) -> str:
    """A catalogue key part: lower case, other characters than letters and digits as ``_``.

    "university.degree" -> "university_degree", "Mens E-Mail" -> "mens_e_mail".
    """
    return re.sub(r"[^0-9a-z]+", "_", str(value).lower()).strip("_")


def feature_label(column: str, lang: str, mark: Callable[[str], str] = _same) -> str:
    """The readable name of a data column ("month" -> "Month" / "月份")."""
    key = f"campaign.feature.{slug(column)}"
    return t(key, lang) if has(key) else mark(str(column))


def level_label(column: str, level: object, lang: str, mark: Callable[[str], str] = _same) -> str:
    """The readable name of one category of a column ("month", "mar" -> "March" / "3月")."""
    text = str(level)
    if text in _SPECIAL_LEVELS:
        return t(_SPECIAL_LEVELS[text], lang)
    key = f"campaign.level.{slug(column)}.{slug(text)}"
    return t(key, lang) if has(key) else mark(text)


def term_label(term: str, lang: str, mark: Callable[[str], str] = _same) -> str:
    """The readable name of a model term: a column, or ``column=level`` for a category.

    "month=mar" -> "Month: March" / "月份：3月"; "emp.var.rate" ->
    "Employment variation rate" / "就业人数变化率".
    """
    column, sep, level = str(term).partition("=")
    if not sep:
        return feature_label(column, lang, mark)
    return t(
        "campaign.term.level",
        lang,
        feature=feature_label(column, lang, mark),
        level=level_label(column, level, lang, mark),
    )


def feature_list(columns: Iterable[str], lang: str, mark: Callable[[str], str] = _same) -> list[str]:
    """Readable names of several columns, in order."""
    return [feature_label(c, lang, mark) for c in columns]
