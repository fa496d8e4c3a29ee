"""Customer, order and product identifiers as text, one value at a time.

Spreadsheets write a numeric id as ``12647.0``; a file may hold ``12647``
on one row and ``12647.0`` or `` 12647 `` on the next. Each value is
normalised on its own, so they are one customer. Leading zeros are part of
an id (``00123`` is not ``123``), and an id with a real fraction
(``12647.5``) stays as written. The pandas and the SQL form give the same
text, so every engine counts the same customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["WHOLE_NUMBER_TEXT", "parse_ids", "id_sql"]

#: A whole number written with a zero fraction: ``12647.0``, ``-3.00``; group 1 is the number.
WHOLE_NUMBER_TEXT = r"^([+-]?[0-9]+)\.0+$"
# what Python's str.strip() removes, as an RE2 class (DuckDB's regexp functions)
_SPACE_SQL = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]"


def parse_ids(values: pd.Series) -> pd.Series:
    """Identifiers as text, each value normalised on its own.

    Parameters
    ----------
    values : Series
        An id column as read: text, whole or fractional floats (Excel,
        Parquet), integers, or a mix (Excel cells of several types).

    Returns
    -------
    Series of string
        Trimmed text; a blank is missing; a whole number written as
        ``12647.0`` (as text or as a float) becomes ``12647``.
    """
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == np.floor(values))
        text = values.astype("string")
        text = text.mask(whole, values.where(whole).astype("Int64").astype("string"))
    elif pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        text = values.astype("string")
    else:
        text = values.astype("string").str.strip()
    text = text.str.replace(WHOLE_NUMBER_TEXT, r"\1", regex=True)
    return text.mask(text == "")


def id_sql(expr: str) -> str:
    """The DuckDB SQL form of :func:`parse_ids` for a VARCHAR expression.

    Parameters
    ----------
    expr : str
        A SQL expression of type VARCHAR.

    Returns
    -------
    str
        A VARCHAR expression: trimmed as Python trims, ``12647.0`` read as
        ``12647``, NULL for a blank.
    """
    trimmed = f"regexp_replace({expr}, '^{_SPACE_SQL}+|{_SPACE_SQL}+$', '', 'g')"
    return f"NULLIF(regexp_replace({trimmed}, '{WHOLE_NUMBER_TEXT}', '\\1'), '')"
