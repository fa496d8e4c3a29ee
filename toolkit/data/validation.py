"""Turn a user's raw table into the canonical transaction frame.

Validation fails loudly and precisely: a missing column lists what is
available and how to map it; unparseable dates or numbers name the column,
the count and a few row numbers with their values.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.data.formats import (
    OUT_OF_RANGE,
    NumberDecision,
    bad_values_error,
    decide_dates,
    decide_file_numbers,
    decide_number_format,
    in_year_range,
    parse_date_text,
    parse_number_text,
)
from toolkit.data.ids import parse_ids
from toolkit.data.mapping import CANONICAL_COLUMNS, REQUIRED_COLUMNS, resolve_mapping
from toolkit.data.options import split_options
from toolkit.data.readers import SourceInfo
from toolkit.errors import DataError

__all__ = ["resolve_columns", "to_canonical", "parse_dates", "parse_numbers", "parse_ids"]

NUMERIC_COLUMNS = ("amount", "quantity", "unit_price")
TEXT_COLUMNS = ("order_id", "product_id", "product_name", "channel", "region")
# The pattern the DuckDB engine (toolkit.data.duckdb.lines) strips from numbers until it reads them with
# toolkit.data.formats.number_sql; the pandas core no longer uses it.
NUMBER_NOISE = re.compile(r"[,\s¥￥$€£元]")


def _split_cells(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The cells stored as numbers (float) and the cells stored as text (str) of one column.

    Text files give text only; Parquet and database columns are typed; an
    Excel column (read as objects) can mix numbers, dates and text.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64"), values.iloc[:0].astype("string")
    if values.dtype != object:
        return values.iloc[:0].astype("float64"), values.astype("string")
    is_number = values.map(
        lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
    ).astype(bool)
    return values[is_number].astype("float64"), values[~is_number].astype("string")


def _number_text(numbers: pd.Series) -> pd.Series:
    """Numbers as the text a spreadsheet shows: 40517 for 40517.0."""
    whole = numbers == np.floor(numbers)
    return pd.Series(
        np.where(whole, numbers.map(lambda v: f"{v:.0f}"), numbers.map(repr)),
        index=numbers.index,
        dtype="string",
    ).where(numbers.notna())


def _check_finite(numbers: pd.Series, info: SourceInfo, canonical: str, column: str) -> None:
    bad = numbers[np.isinf(numbers)]
    if len(bad):
        raise bad_values_error(
            "are not finite numbers", bad, fix="blank them or fix them", **_where(info, canonical, column)
        )


def _where(info: SourceInfo, canonical: str, column: str) -> dict:
    return dict(source=info.name, column=column, canonical=canonical, row_offset=info.row_offset)


def parse_dates(
    values: pd.Series,
    info: SourceInfo,
    canonical: str,
    column: str,
    *,
    date_format: str | None = None,
    dayfirst: bool | None = None,
) -> pd.Series:
    """Parse a date column read one way for the whole column; blanks stay missing, anything else must parse.

    Cells stored as dates are taken as they are; numbers are Excel serial
    dates; text is read as :func:`toolkit.data.formats.decide_dates`
    decides. The decision is recorded in ``info.formats[canonical]``.

    Parameters
    ----------
    values : Series
        The column as read.
    info : SourceInfo
        Where it came from (name, row numbers); gets the decision.
    canonical, column : str
        The canonical name and the file's column name.
    date_format : str, optional
        An explicit ``strftime`` format (``--date-format``).
    dayfirst : bool, optional
        The order of numeric dates (``--dayfirst``).

    Returns
    -------
    Series of datetime64[ns]

    Raises
    ------
    DataError
        Naming the column, how many values failed and a few of them.
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps, rest = values, values.iloc[:0]
    elif values.dtype == object:
        is_stamp = values.map(lambda v: isinstance(v, (datetime.date, np.datetime64))).astype(bool)
        stamps, rest = values[is_stamp], values[~is_stamp]
    else:
        stamps, rest = values.iloc[:0], values
    described = []
    if len(stamps):
        stamps = pd.to_datetime(stamps)
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        outside = stamps[stamps.notna() & ~in_year_range(stamps)]
        if len(outside):
            raise bad_values_error(
                OUT_OF_RANGE,
                outside.astype(str),
                fix="blank them or fix them",
                **_where(info, canonical, column),
            )
        out[stamps.index] = stamps.astype("datetime64[ns]")
        described.append("stored as dates")
    if len(rest):
        numbers, text = _split_cells(rest)
        if len(numbers):
            text = pd.concat([text, _number_text(numbers)]).sort_index()
        decision = decide_dates(
            text, date_format=date_format, dayfirst=dayfirst, **_where(info, canonical, column)
        )
        out[text.index] = parse_date_text(text, decision)
        if text.notna().any():
            described.append(decision.description)
    info.formats[canonical] = "; ".join(described) or "no dates"
    return out


def parse_numbers(
    values: pd.Series,
    info: SourceInfo,
    canonical: str,
    column: str,
    *,
    decision: NumberDecision | None = None,
    decimal: str | None = None,
) -> pd.Series:
    """Parse a numeric column, its text read with one decimal mark, and record how.

    Cells stored as numbers are taken as they are (an infinite one is an
    error); text may carry thousands separators, blanks and currency signs,
    and is read as :func:`toolkit.data.formats.decide_number_format`
    decides (or as ``decision`` says). The decision is recorded in
    ``info.formats[canonical]``.

    Parameters
    ----------
    values : Series
        The column as read.
    info : SourceInfo
        Where it came from; gets the decision.
    canonical, column : str
        The canonical name and the file's column name.
    decision : NumberDecision, optional
        Already decided (for the whole file, by :func:`to_canonical`).
    decimal : {".", ","}, optional
        The user's decimal mark, when ``decision`` is not given.

    Returns
    -------
    Series of float64

    Raises
    ------
    DataError
        Values that are not numbers, that do not fit the decimal mark, or
        that are infinite.
    """
    numbers, text = _split_cells(values)
    _check_finite(numbers, info, canonical, column)
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    out[numbers.index] = numbers
    described = ["stored as numbers"] if numbers.notna().any() else []
    if len(text) and text.notna().any():
        if decision is None:
            decision = decide_number_format(text, given=decimal, **_where(info, canonical, column))
        out[text.index] = parse_number_text(text, decision.decimal)
        described.append(decision.description)
    info.formats[canonical] = "; ".join(described) or "no numbers"
    return out


def resolve_columns(available: list[str], mapping: Mapping[str, str] | None, source: str) -> dict[str, str]:
    """The mapping resolved against a file's columns, checked before any value is read.

    Parameters
    ----------
    available : list of str
        The file's column names.
    mapping : dict, optional
        ``{canonical: user column}``; exact names and known aliases are
        added. Reading options in it (``decimal``, ``dayfirst`` ...; see
        :mod:`toolkit.data.options`) are left out.
    source : str
        The file's name, for error messages.

    Returns
    -------
    dict
        ``{canonical: column}`` for every column found.

    Raises
    ------
    DataError
        A mapped column that is not in the file, no column for a required
        canonical column, or neither an amount nor both quantity and unit
        price.
    """
    used = resolve_mapping(available, split_options(mapping)[0])
    hint = "Map it with --map {c}=<your column> (in a notebook: columns={{'{c}': '<your column>'}})."
    for canonical, column in used.items():
        if column not in available:
            raise DataError(
                f"column {column!r} (mapped to {canonical}) not found; available: {available}.",
                source=source,
                column=column,
            )
    for canonical in REQUIRED_COLUMNS:
        if canonical not in used:
            raise DataError(
                f"no column for {canonical} ({CANONICAL_COLUMNS[canonical]}); available: {available}. "
                + hint.format(c=canonical),
                source=source,
                column=canonical,
            )
    if "amount" not in used and not {"quantity", "unit_price"} <= used.keys():
        raise DataError(
            f"no column for amount, nor for both quantity and unit_price; available: {available}. "
            + hint.format(c="amount"),
            source=source,
            column="amount",
        )
    return used


def to_canonical(
    frame: pd.DataFrame, info: SourceInfo, mapping: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Validate a raw table and return it with canonical columns.

    Parameters
    ----------
    frame : DataFrame
        The table as read by :func:`toolkit.data.read_table`.
    info : SourceInfo
        Where it came from (for messages and row numbers).
    mapping : dict, optional
        ``{canonical: user column}``; exact names and known aliases are
        added automatically. It may also hold the reading options
        ``decimal``, ``date_format`` and ``dayfirst``
        (:func:`toolkit.data.options.split_options`), which override the
        decisions taken from the values.

    Returns
    -------
    canonical : DataFrame
        ``customer_id`` (string), ``order_date`` (datetime64[ns]),
        ``amount`` (float) and whichever optional columns were found. The
        index is the row position in the file.
    mapping_used : dict
        The complete column mapping (no options), for the report's
        appendix. How each column's values were read is recorded in
        ``info.formats``.

    Raises
    ------
    DataError
        Missing required columns or values that cannot be parsed.
    """
    options = split_options(mapping)[1]
    used = resolve_columns([str(c) for c in frame.columns], mapping, info.name)
    out = pd.DataFrame(index=frame.index)
    out["customer_id"] = parse_ids(frame[used["customer_id"]])
    out["order_date"] = parse_dates(
        frame[used["order_date"]],
        info,
        "order_date",
        used["order_date"],
        date_format=options.date_format,
        dayfirst=options.dayfirst,
    )
    numeric = [c for c in NUMERIC_COLUMNS if c in used]
    texts = {c: _split_cells(frame[used[c]])[1] for c in numeric}
    decisions = decide_file_numbers(
        {c: t for c, t in texts.items() if t.notna().any()},
        source=info.name,
        columns=used,
        given=options.decimal,
        row_offset=info.row_offset,
    )
    for canonical in numeric:
        out[canonical] = parse_numbers(
            frame[used[canonical]], info, canonical, used[canonical], decision=decisions.get(canonical)
        )
    if "amount" not in out:
        out["amount"] = out["quantity"] * out["unit_price"]
    for canonical in TEXT_COLUMNS:
        if canonical in used:
            out[canonical] = parse_ids(frame[used[canonical]])
    return out, {k: used[k] for k in CANONICAL_COLUMNS if k in used}
