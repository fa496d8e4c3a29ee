"""Turn a user's raw table into the canonical transaction frame.

Validation fails loudly and precisely: a missing column lists what is
available and how to map it; unparseable dates or numbers name the column,
the count and a few row numbers with their values.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.data.mapping import CANONICAL_COLUMNS, REQUIRED_COLUMNS, resolve_mapping
from toolkit.data.readers import SourceInfo
from toolkit.errors import DataError, format_examples

__all__ = ["resolve_columns", "to_canonical", "parse_dates", "parse_numbers", "parse_ids"]

NUMERIC_COLUMNS = ("amount", "quantity", "unit_price")
TEXT_COLUMNS = ("order_id", "product_id", "product_name", "channel", "region")
# thousands separators, blanks and currency signs, dropped before a number is read (the DuckDB
# engine's SQL uses the same pattern)
NUMBER_NOISE = re.compile(r"[,\s¥￥$€£元]")
# 2011年12月9日 (optionally followed by a time) -> 2011-12-09, the ISO form pandas infers
_CHINESE_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _bad_value_error(info: SourceInfo, canonical: str, column: str, bad: pd.Series, expected: str) -> DataError:
    rows = info.row_numbers(bad.index[:5])
    return DataError(
        f"column {column!r} (mapped to {canonical}) has {len(bad):,} value(s) that are not {expected}: "
        f"rows {', '.join(map(str, rows))} hold {format_examples(bad.head(5).tolist())}"
        + (" (row numbers count the header as row 1)" if info.row_offset == 2 else ""),
        source=info.name,
        column=column,
        rows=rows,
    )


def parse_dates(values: pd.Series, info: SourceInfo, canonical: str, column: str) -> pd.Series:
    """Parse a date column; blanks stay missing, anything else must parse.

    Raises
    ------
    DataError
        Naming the column, how many values failed and a few of them.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).astype("datetime64[ns]")
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    if text.str.contains("年", regex=False).any():
        text = text.str.replace(_CHINESE_DATE, lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d} ", regex=True).str.strip()
    try:
        with warnings.catch_warnings():
            # an odd first value: pandas parses value by value, which the retry below also does
            warnings.filterwarnings("ignore", message="Could not infer format", category=UserWarning)
            parsed = pd.to_datetime(text, errors="coerce")
    except (ValueError, TypeError):
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    failed = parsed.isna() & text.notna()
    if failed.any() and failed.mean() < 1:
        # a column in one format whose first value misled the inference
        retry = pd.to_datetime(text, errors="coerce", format="mixed")
        if (retry.isna() & text.notna()).sum() < failed.sum():
            parsed, failed = retry, retry.isna() & text.notna()
    if failed.any():
        raise _bad_value_error(info, canonical, column, values[failed], "dates (expected e.g. 2011-12-09 or 2011/12/09 12:50)")
    return parsed.astype("datetime64[ns]")


def parse_numbers(values: pd.Series, info: SourceInfo, canonical: str, column: str) -> pd.Series:
    """Parse a numeric column, accepting thousands separators and currency signs."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    cleaned = text.str.replace(NUMBER_NOISE, "", regex=True)
    parsed = pd.to_numeric(cleaned, errors="coerce")
    failed = parsed.isna() & text.notna()
    if failed.any():
        raise _bad_value_error(info, canonical, column, values[failed], "numbers")
    return parsed.astype("float64")


def parse_ids(values: pd.Series) -> pd.Series:
    """Identifiers as text; whole floats such as 17850.0 become "17850"."""
    if pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        if (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    present = text.dropna()
    if len(present) and present.str.fullmatch(r"-?\d+\.0+").all():
        # ids written out by a spreadsheet as 17850.0
        text = text.str.replace(r"\.0+$", "", regex=True)
    return text


def resolve_columns(available: list[str], mapping: Mapping[str, str] | None, source: str) -> dict[str, str]:
    """The mapping resolved against a file's columns, checked before any value is read.

    Parameters
    ----------
    available : list of str
        The file's column names.
    mapping : dict, optional
        ``{canonical: user column}``; exact names and known aliases are added.
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
    used = resolve_mapping(available, mapping)
    hint = "Map it with --map {c}=<your column> (in a notebook: columns={{'{c}': '<your column>'}})."
    for canonical, column in used.items():
        if column not in available:
            raise DataError(
                f"column {column!r} (mapped to {canonical}) not found; available: {available}.",
                source=source, column=column,
            )
    for canonical in REQUIRED_COLUMNS:
        if canonical not in used:
            raise DataError(
                f"no column for {canonical} ({CANONICAL_COLUMNS[canonical]}); available: {available}. "
                + hint.format(c=canonical),
                source=source, column=canonical,
            )
    if "amount" not in used and not {"quantity", "unit_price"} <= used.keys():
        raise DataError(
            f"no column for amount, nor for both quantity and unit_price; available: {available}. "
            + hint.format(c="amount"),
            source=source, column="amount",
        )
    return used


def to_canonical(frame: pd.DataFrame, info: SourceInfo, mapping: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Validate a raw table and return it with canonical columns.

    Parameters
    ----------
    frame : DataFrame
        The table as read by :func:`toolkit.data.read_table`.
    info : SourceInfo
        Where it came from (for messages and row numbers).
    mapping : dict, optional
        ``{canonical: user column}``; exact names and known aliases are
        added automatically.

    Returns
    -------
    canonical : DataFrame
        ``customer_id`` (string), ``order_date`` (datetime64[ns]),
        ``amount`` (float) and whichever optional columns were found. The
        index is the row position in the file.
    mapping_used : dict
        The complete mapping, for the report's appendix.

    Raises
    ------
    DataError
        Missing required columns or values that cannot be parsed.
    """
    used = resolve_columns([str(c) for c in frame.columns], mapping, info.name)
    out = pd.DataFrame(index=frame.index)
    out["customer_id"] = parse_ids(frame[used["customer_id"]])
    out["order_date"] = parse_dates(frame[used["order_date"]], info, "order_date", used["order_date"])
    for canonical in NUMERIC_COLUMNS:
        if canonical in used:
            out[canonical] = parse_numbers(frame[used[canonical]], info, canonical, used[canonical])
    if "amount" not in out:
        out["amount"] = out["quantity"] * out["unit_price"]
    for canonical in TEXT_COLUMNS:
        if canonical in used:
            out[canonical] = parse_ids(frame[used[canonical]])
    return out, {k: used[k] for k in CANONICAL_COLUMNS if k in used}
