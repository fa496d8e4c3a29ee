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

__all__ = ["format_value", "is_percent_column", "table_html"]


def is_percent_column(name: str) -> bool:
    """Whether a column holds a share/rate in [0, 1] to show as a percentage."""
    name = str(name).lower()
    return (
        name.startswith("share")
        or name.endswith(("_rate", "rate", "_share", "_pct"))
        or any(hint in name for hint in ("share_of", "probability", "_ratio"))
    )


def format_value(value: object, *, percent: bool = False, decimals: int | None = None) -> str:
    """Format one cell for display (not escaped)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "✓" if value else "✗"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
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
    """
    data = frame.reset_index() if index else frame
    shown = data.head(max_rows)
    percent_cols = set(percent) if percent is not None else {c for c in data.columns if is_percent_column(c)}
    decimals = dict(decimals or {})
    names = translate_columns(list(data.columns), lang)
    names = [headers.get(c, n) if headers else n for c, n in zip(data.columns, names)]
    numeric = [
        pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])
        for c in data.columns
    ]
    parts = ['<table class="pmkt-table">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(
            f'<th class="{"num" if num else "txt"}">{html.escape(str(n))}</th>'
            for n, num in zip(names, numeric)
        )
        + "</tr></thead><tbody>"
    )
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for col, value, num in zip(data.columns, row, numeric):
            text = format_value(value, percent=col in percent_cols, decimals=decimals.get(col))
            cells.append(f'<td class="{"num" if num else "txt"}">{html.escape(text)}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    if len(data) > max_rows and total_note:
        parts.append(f'<p class="pmkt-table-note">{html.escape(total_note)}</p>')
    return "".join(parts)
