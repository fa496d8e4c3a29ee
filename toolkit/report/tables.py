"""Render a DataFrame as a readable, escaped HTML table for a report.

Pure formatting: numbers get thousands separators, shares and rates become
percentages, dates lose their time when it is midnight, and every value
coming from data is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from toolkit.i18n import translate_columns
from toolkit.report.marks import marks_html

__all__ = ["format_value", "is_money_column", "is_percent_column", "is_p_value_column", "table_html"]

_MONEY_WORDS = {
    "monetary",
    "revenue",
    "spend",
    "spent",
    "profit",
    "cost",
    "costs",
    "price",
    "amount",
    "value",
    "clv",
    "budget",
    "sales",
    "aov",
    "margin_value",
}
_NOT_MONEY_WORDS = {"share", "rate", "score", "rank", "index", "ratio", "count", "pct", "lift", "roi"}


def is_percent_column(name: str) -> bool:
    """Whether a column holds a share/rate in [0, 1] to show as a percentage."""
    name = str(name).lower()
    return (
        name.startswith("share")
        or name.endswith(("_rate", "rate", "_share", "_pct"))
        or any(hint in name for hint in ("share_of", "probability", "_ratio"))
    )


def is_money_column(name: str) -> bool:
    """Whether a column holds money amounts, judged by the words of its canonical name.

    ``mean_monetary``, ``expected_profit`` and ``profit_low`` are money;
    ``share_of_revenue``, ``m_score`` and ``revenue_rank`` are not.
    """
    words = set(str(name).lower().replace("-", "_").split("_"))
    return bool(words & _MONEY_WORDS) and not words & _NOT_MONEY_WORDS


def is_p_value_column(name: str) -> bool:
    """Whether a column holds p-values (shown as "< 0.001", never "0.000")."""
    name = str(name).lower()
    return name in {"p", "p_value", "pvalue", "p>|z|", "p>|t|"} or name.endswith(("_p_value", "_pvalue"))


def format_value(
    value: object,
    *,
    percent: bool = False,
    decimals: int | None = None,
    p_value: bool = False,
    lang: str = "en",
) -> str:
    """Format one cell for display (not escaped): "—" when missing, a true minus sign."""
    from toolkit.i18n.numbers import MINUS
    from toolkit.i18n.numbers import p_value as format_p

    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "—"
    if p_value and isinstance(value, (int, float, np.integer, np.floating)):
        return format_p(value)
    text = _format(value, percent=percent, decimals=decimals, lang=lang)
    if text.startswith("-") and isinstance(value, (int, float, np.integer, np.floating)):
        text = (MINUS + text[1:]) if text.strip("-0.,%") else text[1:]
    return text


def _format(value: object, *, percent: bool, decimals: int | None, lang: str = "en") -> str:
    if isinstance(value, (bool, np.bool_)):
        return "✓" if value else "✗"
    if isinstance(value, pd.Timestamp):
        from toolkit.i18n.numbers import date

        day = date(value, lang)
        return day if value == value.normalize() else f"{day} {value:%H:%M}"
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return (
            f"{int(value) * 100:,.{decimals if decimals is not None else 1}f}%"
            if percent
            else f"{int(value):,}"
        )
    if isinstance(value, (float, np.floating)):
        if percent:
            return f"{float(value) * 100:,.{1 if decimals is None else decimals}f}%"
        if decimals is None:
            decimals = 0 if abs(float(value)) >= 1000 else 2
        return f"{float(value):,.{decimals}f}"
    return str(value)


def table_html(
    frame: pd.DataFrame,
    lang: str = "en",
    *,
    caption: str | None = None,
    percent: Iterable[str] | None = None,
    decimals: Mapping[str, int] | None = None,
    headers: Mapping[str, str] | None = None,
    max_rows: int = 25,
    index: bool = False,
    total_note: str | None = None,
    money: Iterable[str] | None = None,
    currency: str = "",
    number_html: str = "",
) -> str:
    """Return an HTML ``<table>`` for a report.

    Parameters
    ----------
    frame : DataFrame
        The table; it is not modified.
    lang : {"en", "zh"}
        Language for translated headers (``common.column.<name>`` catalogue keys).
    caption : str, optional
        Shown above the table.
    percent : iterable of str, optional
        Columns to show as percentages; by default columns whose names
        say share/rate/probability.
    decimals : dict, optional
        Decimal places per column.
    headers : dict, optional
        Explicit header text per column, overriding the catalogue.
    max_rows : int, default 25
        Longer tables are cut, with a note saying so.
    index : bool, default False
        Whether to show the index as the first column.
    total_note : str, optional
        The note shown when the table is cut (already translated).
    money : iterable of str, optional
        Money columns, whose headers name ``currency``; by default the
        columns :func:`is_money_column` recognises. ``[]`` names none.
    currency : str, optional
        ISO code of the money columns.
    number_html : str, optional
        The exhibit number (HTML) put before the caption.
    """
    from toolkit.i18n.numbers import with_currency

    data = frame.reset_index() if index else frame
    shown = data.head(max_rows)
    percent_cols = set(percent) if percent is not None else {c for c in data.columns if is_percent_column(c)}
    decimals = dict(decimals or {})
    names = translate_columns(list(data.columns), lang)
    names = [headers.get(c, n) if headers else n for c, n in zip(data.columns, names)]
    money_cols = set(money) if money is not None else {c for c in data.columns if is_money_column(c)}
    names = [
        with_currency(str(n), currency, lang)
        if c in money_cols and pd.api.types.is_numeric_dtype(data[c])
        else n
        for c, n in zip(data.columns, names)
    ]
    p_cols = {c for c in data.columns if is_p_value_column(c)}
    from toolkit.i18n import t

    totals = {"total", "all", t("common.column.total", "en").lower(), t("common.column.total", lang).lower()}
    numeric = [
        pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])
        for c in data.columns
    ]
    parts = ['<div class="pmkt-table-wrap"><table class="pmkt-table">']
    if caption or number_html:
        text = marks_html(caption or "")
        parts.append(
            f"<caption>{number_html} {text}</caption>" if number_html else f"<caption>{text}</caption>"
        )
    parts.append(
        "<thead><tr>"
        + "".join(
            f'<th class="{"num" if num else "txt"}">{marks_html(str(n))}</th>'
            for n, num in zip(names, numeric)
        )
        + "</tr></thead><tbody>"
    )
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for col, value, num in zip(data.columns, row, numeric):
            text = format_value(
                value,
                percent=col in percent_cols,
                decimals=decimals.get(col),
                p_value=col in p_cols,
                lang=lang,
            )
            cells.append(f'<td class="{"num" if num else "txt"}">{marks_html(text)}</td>')
        total = str(row[0]).strip().lower() in totals if row else False
        parts.append(('<tr class="total">' if total else "<tr>") + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    if len(data) > max_rows and total_note:
        parts.append(f'<p class="pmkt-table-note">{html.escape(total_note)}</p>')
    return "".join(parts)
