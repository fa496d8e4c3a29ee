"""Figures computed on bundled or illustrative data, never presented as the user's.

Some lessons show a method on a bundled public case (the Hillstrom e-mail
test, the UCI bank telemarketing calls, the textbook's table, an example
self-assessment) because a transaction file cannot hold what the method
needs. Such a result is always labelled with its source. When the report
runs on the bundled data (``data`` empty) the labelled result may be a key
finding; when it runs on the user's file it is shown where it is computed,
labelled, and kept out of the executive summary (summary.json lists it
under the metric ``illustrative_findings``).
"""

from __future__ import annotations

from typing import Any

from toolkit.errors import check_choice
from toolkit.i18n import t

__all__ = ["SOURCES", "on_user_data", "source_label", "illustrative_finding"]

SOURCES: tuple[str, ...] = ("hillstrom", "bank_marketing", "textbook", "example_answers")


def on_user_data(data: Any) -> bool:
    """Whether a notebook's ``data`` parameter names the user's own file (empty means bundled data)."""
    return bool(str(data or "").strip())


def source_label(source: str, lang: str) -> str:
    """The label naming a bundled source, e.g. "on the bundled Hillstrom e-mail test, not your data"."""
    check_choice("source", source, list(SOURCES))
    return t(f"illustrative.source.{source}", lang)


def illustrative_finding(rpt: Any, *, user_data: bool, source: str, en: str, zh: str) -> str:
    """Record a result computed on bundled data, labelled with its source.

    Parameters
    ----------
    rpt : Report
        The notebook's report.
    user_data : bool
        True when the report runs on the user's file (see :func:`on_user_data`):
        the result is then shown in place, not put in the executive summary.
    source : str
        One of :data:`SOURCES`.
    en, zh : str
        The finding in both languages, with real numbers.

    Returns
    -------
    str
        The labelled text in the report language.
    """
    text = t(
        "illustrative.note.labelled", rpt.lang, label=source_label(source, rpt.lang), text=rpt.pick(en, zh)
    )
    if user_data:
        rpt.text(en=text, zh=text)
        rpt.metric("illustrative_findings", list(rpt.metrics.get("illustrative_findings", [])) + [text])
    else:
        rpt.finding(text)
    return text
