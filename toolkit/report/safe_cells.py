"""Result tables that open in Excel as data, never as formulas.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return can be taken by Excel (or LibreOffice) for a formula, and a formula
such as ``=HYPERLINK(...)`` or ``=cmd|...`` in a product name from a client's
file would run when the result file is opened (CSV injection). Following
OWASP's advice, every writer of CSV or Excel files passes its table through
:func:`excel_safe`, which puts a single quote before such text. Numbers are
left alone: a refund of -5 stays the number -5; only text is prefixed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "excel_safe", "safe_text"]

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """``value`` with a leading single quote when it is text Excel could read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_labels(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_safe_labels(level) for level in index.levels])
    if index.dtype == object or isinstance(index.dtype, pd.StringDtype):
        return index.map(safe_text)
    return index


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels cannot become formulas.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame
        The same values, except text starting with one of :data:`FORMULA_STARTS`,
        which gets a leading ``'``.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if (
            column.dtype == object
            or isinstance(column.dtype, pd.StringDtype)
            or isinstance(column.dtype, pd.CategoricalDtype)
        ):
            out.isetitem(position, column.astype(object).map(safe_text))
    out.columns = _safe_labels(out.columns)
    out.index = _safe_labels(out.index)
    return out
