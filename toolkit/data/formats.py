"""Decimal marks and date orders, decided once per column and parsed one way.

A user's export writes numbers and dates in its own style: ``2,95`` or
``2.95``, ``03/04/2011`` meaning 3 April or 4 March, Excel serial numbers
such as ``40517``. Guessing value by value gives a column that is half one
reading and half the other, so this module decides the reading of a whole
column from the SET of its distinct values, records the decision as a short
sentence, and refuses a column it cannot read one way.

The decision functions (:func:`decide_decimal`, :func:`decide_number_format`,
:func:`decide_file_numbers`, :func:`decide_dates`) do all the checking and
raise :class:`~toolkit.errors.DataError` naming the file, column, rows and
values. The parse functions (:func:`parse_number_text`,
:func:`parse_date_text`) only convert, giving NaN/NaT where a value does not
parse. :func:`number_sql` is the parse of numbers as a DuckDB expression with
the same semantics, so the SQL engine gives the same numbers.

Every decision function takes a Series of text. Its index gives the rows
shown in messages: the 0-based position of the value in the file, shown as
``index + row_offset``. A caller holding only distinct values (the DuckDB
engine) passes them indexed by the first row where each occurs, and
optionally ``counts`` (how many rows hold each), and then gets the same
decisions, descriptions and messages as a caller passing the whole column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError, format_examples

__all__ = [
    "BLANKS",
    "NUMBER_NOISE",
    "OUT_OF_RANGE",
    "SERIAL_RANGE",
    "YEAR_RANGE",
    "DateDecision",
    "NumberDecision",
    "bad_values_error",
    "blank_sql",
    "decide_dates",
    "decide_decimal",
    "decide_file_numbers",
    "decide_number_format",
    "excel_serial_dates",
    "in_year_range",
    "number_sql",
    "parse_date_text",
    "parse_number_text",
]

# ---------------------------------------------------------------------------------------------
# shared: text, rows and messages

# Characters that count as blank, as a regular-expression class body valid in Python's re and in
# RE2 (DuckDB): the ASCII blanks plus the Unicode spaces spreadsheets write (no-break, thin,
# ideographic ...). Listed, not \s, so that both engines agree.
BLANKS = " \\t\\n\\r\\f\\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_CURRENCY = "¥￥$€£元"
# dropped from a number before it is read: blanks (also used as thousands separators, 1 234,50)
# and currency signs
NUMBER_NOISE = re.compile(f"[{BLANKS}{_CURRENCY}]")


def _strip(text: pd.Series) -> pd.Series:
    return text.astype("string").str.replace(f"^[{BLANKS}]+|[{BLANKS}]+$", "", regex=True)


def _distinct(text: pd.Series, counts: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """Distinct non-blank values (stripped), indexed by their first row, and how many rows hold each.

    The result is sorted by first row, so that examples in messages and
    descriptions come in file order whatever order the caller used.
    """
    codes, uniques = pd.factorize(text.astype("string"))
    valid = codes >= 0
    weights = np.ones(len(text)) if counts is None else np.asarray(counts, dtype="float64")
    _, first = np.unique(codes[valid], return_index=True)  # factorize numbers values in order of appearance
    frame = pd.DataFrame(
        {
            "value": _strip(pd.Series(uniques, dtype="string")).to_numpy(),
            "row": text.index.to_numpy()[np.flatnonzero(valid)[first]] if len(first) else [],
            "n": np.bincount(codes[valid], weights=weights[valid], minlength=len(uniques)),
        }
    )
    frame = frame[frame["value"].notna() & (frame["value"] != "")]
    grouped = frame.groupby("value", sort=False).agg(row=("row", "min"), n=("n", "sum")).sort_values("row")
    values = pd.Series(grouped.index.to_numpy(), index=pd.Index(grouped["row"].to_numpy()), dtype="string")
    return values, pd.Series(grouped["n"].to_numpy().astype("int64"), index=values.index)


def _per_distinct(text: pd.Series, convert: Callable[[pd.Series], pd.Series], dtype: str) -> pd.Series:
    """Apply ``convert`` (a function of a Series of stripped distinct values) once per distinct value."""
    codes, uniques = pd.factorize(_strip(text))
    converted = np.asarray(convert(pd.Series(uniques, dtype="string")), dtype=dtype)
    out = np.full(len(text), np.nan if dtype == "float64" else np.datetime64("NaT"), dtype=dtype)
    out[codes >= 0] = converted[codes[codes >= 0]]
    return pd.Series(out, index=text.index)


def _rows(index: pd.Index, row_offset: int) -> list[int]:
    return [int(i) + row_offset for i in index]


def _label(column: str, canonical: str | None) -> str:
    return f"column {column!r}" + (f" (mapped to {canonical})" if canonical else "")


def bad_values_error(
    message: str,
    bad: pd.Series,
    *,
    source: str,
    column: str,
    canonical: str | None = None,
    row_offset: int = 2,
    counts: pd.Series | None = None,
    fix: str = "",
) -> DataError:
    """The DataError for values of a column that cannot be used.

    Parameters
    ----------
    message : str
        What the values are not, e.g. ``"are not numbers"``.
    bad : Series
        The offending values (or distinct values), indexed by row position
        in file order; the first five are shown.
    source, column, canonical, row_offset
        As for :func:`decide_number_format`.
    counts : Series of int, optional
        Rows holding each entry of ``bad`` (default 1 each).
    fix : str, optional
        How to fix it, appended after "; ".

    Returns
    -------
    DataError
        "column 'Price' (mapped to unit_price) has 2 value(s) that are not
        numbers: rows 3, 7 hold 'inf', 'x'; ..."
    """
    rows = _rows(bad.index[:5], row_offset)
    n = len(bad) if counts is None else int(counts.reindex(bad.index).sum())
    text = (
        f"{_label(column, canonical)} has {n:,} value(s) that {message}: "
        f"rows {', '.join(map(str, rows))} hold {format_examples(bad.head(5).tolist())}"
        + (" (row numbers count the header as row 1)" if row_offset == 2 else "")
    )
    return DataError(text + (f"; {fix}" if fix else ""), source=source, column=column, rows=rows)


def _first(values: pd.Series) -> str:
    """The first value (in file order), for a description or message."""
    return str(values.iloc[0])


# ---------------------------------------------------------------------------------------------
# numbers

_MARK_NAME = {".": "decimal point", ",": "decimal comma"}


def _number_pattern(mark: str) -> str:
    """The full-match pattern of a number written with decimal ``mark`` (the other mark groups thousands).

    Thousands groups are strict: 1 to 3 leading digits (not starting with
    0), then groups of exactly 3, so ``1,2,3`` or ``0,125`` never read as
    thousands. An exponent (``1.5e3``) is allowed. Digits are ASCII.
    """
    point, group = (r"\.", ",") if mark == "." else (",", r"\.")
    integer = f"(?:[0-9]+|[1-9][0-9]{{0,2}}(?:{group}[0-9]{{3}})+)"
    return f"[+-]?(?:{integer}(?:{point}[0-9]+)?|{point}[0-9]+)(?:[eE][+-]?[0-9]+)?"


_PATTERN = {mark: _number_pattern(mark) for mark in (".", ",")}


@dataclass(frozen=True)
class NumberDecision:
    """How the numbers of one column are read.

    Attributes
    ----------
    decimal : {".", ","}
        The decimal mark; the other mark separates thousands.
    description : str
        A short sentence for check-data and the report appendix.
    decided_by : {"given", "values", "none", "default", "file"}
        ``given``: the user's ``--decimal``; ``values``: some value fits
        only this mark; ``none``: whole numbers without separators, where
        the mark does not matter; ``default`` / ``file``: no value decides,
        so the common reading (``.``) or the mark proven by the file's
        other numeric columns was used.
    """

    decimal: str
    description: str
    decided_by: str


def _clean_numbers(text: pd.Series) -> pd.Series:
    return text.astype("string").str.replace(NUMBER_NOISE, "", regex=True)


def _fits(cleaned: pd.Series, mark: str) -> pd.Series:
    return cleaned.str.fullmatch(_PATTERN[mark]).fillna(False).astype(bool)


def _thousands_phrase(mark: str, values: pd.Series) -> str:
    other = "," if mark == "." else "."
    grouped = _clean_numbers(values).str.contains(other, regex=False).fillna(False).astype(bool)
    return f" with {'commas' if other == ',' else 'dots'} separating thousands" if grouped.any() else ""


def decide_number_format(
    text: pd.Series,
    *,
    source: str,
    column: str,
    given: str | None = None,
    prefer: str | None = None,
    canonical: str | None = None,
    row_offset: int = 2,
    counts: pd.Series | None = None,
) -> NumberDecision:
    """Decide the decimal mark of a text column from its distinct values, and check every value.

    Rules (blanks and currency signs are dropped first):

    - ``given`` ("." or ","): every value must be a number with that mark.
    - Otherwise a value that reads only with a decimal comma (``2,95``,
      ``1234,5``, ``0,125``, ``2.950,00``) or only with a decimal point
      (``2.5``, ``1,234.50``, ``1,234,567``) decides the column; values of
      both kinds in one column are refused.
    - When no value decides (every comma or dot could be either, as in a
      column holding only ``950`` and ``1,234``), ``prefer`` is used, else
      the decimal point (``1,234`` = 1234, the usual reading of English
      exports); the description says so and how to override it.

    Parameters
    ----------
    text : Series of str
        The column's text (whole column or distinct values; see the module
        docstring for the index and ``counts``).
    source, column : str
        The file's and the column's names, for messages.
    given : {".", ","}, optional
        The user's explicit decimal mark.
    prefer : {".", ","}, optional
        The mark to use when the values do not decide.
    canonical : str, optional
        The canonical column it is mapped to, for messages.
    row_offset : int, default 2
        Added to the index to give the row number a user sees.
    counts : Series of int, optional
        Rows holding each entry of ``text`` (default 1 each).

    Returns
    -------
    NumberDecision

    Raises
    ------
    DataError
        Values that are not numbers in either style (``12 dollars``,
        ``1,2,3``, ``inf``, ``nan``), values that do not fit the given mark,
        or a column mixing both styles.
    """
    values, weights = _distinct(text, counts)
    cleaned = _clean_numbers(values)
    where: dict[str, Any] = dict(source=source, column=column, canonical=canonical, row_offset=row_offset)
    fits = {mark: _number_values(values, mark).notna() for mark in (".", ",")}
    hint = (
        "numbers are written like 1234.5, 1,234.50, 2,95 or 2.950,00, one style per column "
        "(say which with --decimal . or --decimal ,)"
    )
    if given is not None:
        bad = values[~fits[given]]
        if len(bad):
            other = "," if given == "." else "."
            fix = (
                f"they read as numbers with a {_MARK_NAME[other]}: give --decimal {other} or leave --decimal out"
                if fits[other][~fits[given]].all()
                else hint
            )
            raise bad_values_error(
                f"are not numbers with the {_MARK_NAME[given]} given with --decimal {given}",
                bad,
                counts=weights,
                fix=fix,
                **where,
            )
        return NumberDecision(given, f"{_MARK_NAME[given]}, given with --decimal {given}", "given")
    bad = values[~fits["."] & ~fits[","]]
    if len(bad):
        raise bad_values_error("are not numbers", bad, counts=weights, fix=hint, **where)
    only = {".": values[fits["."] & ~fits[","]], ",": values[fits[","] & ~fits["."]]}
    if len(only["."]) and len(only[","]):
        rows = _rows(pd.Index([only[","].index[0], only["."].index[0]]), row_offset)
        raise DataError(
            f"{_label(column, canonical)} mixes decimal commas ({_first(only[','])!r}, row {rows[0]}) and decimal "
            f"points ({_first(only['.'])!r}, row {rows[1]}); write the column in one style, or give --decimal , "
            "or --decimal . to say which is meant (values of the other style are then refused)",
            source=source,
            column=column,
            rows=rows,
        )
    for mark in (",", "."):
        if len(only[mark]):
            return NumberDecision(
                mark,
                f"{_MARK_NAME[mark]}{_thousands_phrase(mark, values)} ({_first(only[mark])}), "
                "decided from the values",
                "values",
            )
    marked = values[cleaned.str.contains(r"[.,]", regex=True).fillna(False).astype(bool)]
    if not len(marked):
        return NumberDecision(".", "whole numbers without separators", "none")
    mark = prefer or "."
    example = _first(marked)
    reading = parse_number_text(marked.head(1), mark).iloc[0]
    other = "," if mark == "." else "."
    why = "the file's other numbers" if prefer else "the usual reading when no value shows the mark"
    return NumberDecision(
        mark,
        f"{_MARK_NAME[mark]} ({example} read as {reading:g}), {why}; give --decimal {other} if that is wrong",
        "file" if prefer else "default",
    )


def decide_decimal(
    text: pd.Series,
    *,
    source: str,
    column: str,
    given: str | None = None,
    prefer: str | None = None,
    canonical: str | None = None,
    row_offset: int = 2,
    counts: pd.Series | None = None,
) -> str:
    """The decimal mark ("." or ",") of a text column; see :func:`decide_number_format`."""
    return decide_number_format(
        text,
        source=source,
        column=column,
        given=given,
        prefer=prefer,
        canonical=canonical,
        row_offset=row_offset,
        counts=counts,
    ).decimal


def decide_file_numbers(
    texts: Mapping[str, pd.Series],
    *,
    source: str,
    columns: Mapping[str, str],
    given: str | None = None,
    row_offset: int = 2,
    counts: Mapping[str, pd.Series] | None = None,
) -> dict[str, NumberDecision]:
    """Decide the decimal mark of every numeric text column of a file.

    Each column is decided by :func:`decide_number_format`. A column whose
    values do not decide follows the mark that the file's other columns
    proved, when they agree; otherwise it gets the decimal point.

    Parameters
    ----------
    texts : dict
        ``{canonical: text Series}`` (whole columns or distinct values).
    source : str
        The file's name.
    columns : dict
        ``{canonical: the file's column name}``, for messages.
    given : {".", ","}, optional
        The user's explicit decimal mark, for every column.
    row_offset : int, default 2
        Added to an index to give the row number a user sees.
    counts : dict, optional
        ``{canonical: counts Series}`` aligned with ``texts``.

    Returns
    -------
    dict
        ``{canonical: NumberDecision}``.
    """
    counts = counts or {}

    def decide(canonical: str, prefer: str | None = None) -> NumberDecision:
        return decide_number_format(
            texts[canonical],
            source=source,
            column=columns[canonical],
            given=given,
            prefer=prefer,
            canonical=canonical,
            row_offset=row_offset,
            counts=counts.get(canonical),
        )

    decisions = {canonical: decide(canonical) for canonical in texts}
    proven = {d.decimal for d in decisions.values() if d.decided_by == "values"}
    if len(proven) == 1:
        (mark,) = proven
        for canonical, decision in decisions.items():
            if decision.decided_by == "default":
                decisions[canonical] = decide(canonical, prefer=mark)
    return decisions


def parse_number_text(text: pd.Series, decimal: str) -> pd.Series:
    """Numbers from text written with decimal mark ``decimal``; NaN where a value is not one.

    Blanks and currency signs are dropped; thousands groups must be exact;
    ``inf``, ``nan`` and values too large for a float give NaN.

    Parameters
    ----------
    text : Series of str
    decimal : {".", ","}

    Returns
    -------
    Series of float64, same index.
    """
    return _per_distinct(text, lambda values: _number_values(values, decimal), "float64")


def _number_values(text: pd.Series, decimal: str) -> pd.Series:
    """Each value read with decimal mark ``decimal`` (NaN where it does not fit or is not finite)."""
    cleaned = _clean_numbers(text)
    good = _fits(cleaned, decimal)
    plain = cleaned.where(good)
    if decimal == ".":
        plain = plain.str.replace(",", "", regex=False)
    else:
        plain = plain.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(plain, errors="coerce").astype("float64")
    return numbers.where(np.isfinite(numbers))


def number_sql(expr: str, decimal: str) -> str:
    """A DuckDB expression reading the VARCHAR ``expr`` as :func:`parse_number_text` does.

    Parameters
    ----------
    expr : str
        A SQL expression (cast to VARCHAR).
    decimal : {".", ","}

    Returns
    -------
    str
        SQL giving a DOUBLE, NULL where :func:`parse_number_text` gives NaN.
    """

    def lit(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    cleaned = f"regexp_replace(CAST({expr} AS VARCHAR), {lit(NUMBER_NOISE.pattern)}, '', 'g')"
    matched = f"regexp_extract({cleaned}, {lit('^(?:' + _PATTERN[decimal] + ')$')})"
    plain = (
        f"replace({matched}, ',', '')"
        if decimal == "."
        else f"replace(replace({matched}, '.', ''), ',', '.')"
    )
    number = f"TRY_CAST({plain} AS DOUBLE)"
    return f"(CASE WHEN isfinite({number}) THEN {number} END)"


def blank_sql(expr: str) -> str:
    """A DuckDB condition true where ``expr`` is NULL or blank, as the pandas functions judge it."""
    return f"({expr} IS NULL OR regexp_full_match(CAST({expr} AS VARCHAR), '[{BLANKS}]*'))"


# ---------------------------------------------------------------------------------------------
# dates

# Excel's 1900 date system: serials in this range are read as dates (1954-10-03 to 2119-01-11)
SERIAL_RANGE = (20_000, 80_000)
# pandas' nanosecond timestamps hold these years fully
YEAR_RANGE = (1678, 2261)
OUT_OF_RANGE = f"are dates outside the years {YEAR_RANGE[0]} to {YEAR_RANGE[1]} that can be analysed"

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}


def _time(sep: str) -> str:
    return (
        f"(?:{sep}(?P<H>[0-9]{{1,2}}):(?P<M>[0-9]{{2}})(?::(?P<S>[0-9]{{2}})(?:[.,](?P<f>[0-9]{{1,9}}))?)?"
        r"\s*(?P<p>[AaPp]\.?[Mm]\.?)?)?Z?"
    )


_T = _time(r"(?:T|\s+)")
# each kind of date text: its pattern and a label for descriptions
_KINDS: dict[str, tuple[re.Pattern[str], str]] = {
    "iso": (
        re.compile(r"(?P<y>[0-9]{4})(?P<s>[-/.])(?P<m>[0-9]{1,2})(?P=s)(?P<d>[0-9]{1,2})" + _T),
        "year-month-day",
    ),
    "numeric": (
        re.compile(r"(?P<a>[0-9]{1,2})(?P<s>[-/.])(?P<b>[0-9]{1,2})(?P=s)(?P<y>[0-9]{4}|[0-9]{2})" + _T),
        "numeric",
    ),
    "compact": (re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"), "yyyymmdd"),
    "chinese": (
        re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日" + _time(r"\s*")),
        "年月日",
    ),
    "day_name": (
        re.compile(
            r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?[ -](?P<n>[A-Za-z]{3,9})\.?,?[ -]"
            r"(?P<y>[0-9]{4}|[0-9]{2})" + _T
        ),
        "day month-name year",
    ),
    "name_day": (
        re.compile(r"(?P<n>[A-Za-z]{3,9})\.? (?P<d>[0-9]{1,2})(?:st|nd|rd|th)?,? (?P<y>[0-9]{4})" + _T),
        "month-name day year",
    ),
}
_SERIAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class DateDecision:
    """How the dates of one column are read.

    Attributes
    ----------
    description : str
        A short sentence for check-data and the report appendix.
    date_format : str or None
        An explicit ``strftime`` format every value must fit.
    dayfirst : bool or None
        For numeric dates such as 03/04/2011: day first (True), month first
        (False), or None when the column has none.
    serial : bool
        Whether the values are Excel serial numbers (1900 date system).
    """

    description: str
    date_format: str | None = None
    dayfirst: bool | None = None
    serial: bool = False


def excel_serial_dates(serials: pd.Series) -> pd.Series:
    """Dates from Excel serial numbers in the 1900 date system.

    Excel counts 1900-01-01 as day 1 and believes 1900 was a leap year, so
    serial 60 is the fictitious 1900-02-29 (NaT here) and serials from 61
    on count from 1899-12-30. A fraction is the time of day (rounded to the
    millisecond).

    Parameters
    ----------
    serials : Series of float

    Returns
    -------
    Series of datetime64[ns]; NaT for blanks, serial 60 and serials below 1.
    """
    s = pd.to_numeric(serials, errors="coerce").astype("float64")
    days = np.floor(s)
    origin = np.where(days >= 61, np.datetime64("1899-12-30", "ms"), np.datetime64("1899-12-31", "ms"))
    valid = (days >= 1) & (days != 60) & np.isfinite(s)
    millis = np.round(np.where(valid, s - days, 0) * 86_400_000).astype("int64")
    whole = np.where(valid, days, 0).astype("int64")
    stamps = origin + whole.astype("timedelta64[D]") + millis.astype("timedelta64[ms]")
    out = pd.Series(stamps.astype("datetime64[ns]"), index=serials.index)
    return out.where(valid)


def _match(values: pd.Series) -> pd.DataFrame:
    """The kind of every value (the first whose pattern matches, else missing) and its pattern's groups."""
    rows = []
    for value in values.tolist():
        for kind, (pattern, _) in _KINDS.items():
            found = pattern.fullmatch(value)
            if found:
                rows.append({"kind": kind, **found.groupdict()})
                break
        else:
            rows.append({"kind": None})
    columns = ["kind", "y", "m", "d", "a", "b", "s", "n", "H", "M", "S", "f", "p"]
    return pd.DataFrame(rows, index=values.index).reindex(columns=columns).astype(object)


def _components(values: pd.Series, dayfirst: bool | None) -> pd.DataFrame:
    """Year, month, day, hour, minute, second, fraction and am/pm of every value; missing where none fits.

    Numeric dates (03/04/2011) get ``dayfirst``'s order, and stay missing
    when it is None.
    """
    parts = _match(values)
    named = parts["n"].notna()
    if named.any():
        parts.loc[named, "m"] = parts.loc[named, "n"].astype("string").str.lower().map(_MONTHS)
    numeric = parts["kind"] == "numeric"
    if dayfirst is None:
        parts.loc[numeric, ["d", "m"]] = None
    else:
        day, month = ("a", "b") if dayfirst else ("b", "a")
        parts.loc[numeric, "d"] = parts.loc[numeric, day]
        parts.loc[numeric, "m"] = parts.loc[numeric, month]
    return parts


def _build(parts: pd.DataFrame) -> pd.Series:
    """Timestamps (unit us, may be outside the ns range) from components; NaT where impossible."""
    num = {c: pd.to_numeric(parts[c], errors="coerce") for c in ("y", "m", "d", "H", "M", "S")}
    year = num["y"].where(num["y"] >= 100, np.where(num["y"] < 69, 2000 + num["y"], 1900 + num["y"]))
    hour, minute, second = num["H"].fillna(0), num["M"].fillna(0), num["S"].fillna(0)
    pm = parts["p"].astype("string").str.lower().str.startswith("p")
    has_p = parts["p"].notna()
    ok = (hour <= 23) & (minute <= 59) & (second <= 59) & (~has_p | hour.between(1, 12))
    hour = hour.where(~has_p, hour % 12 + np.where(pm.fillna(False), 12, 0))
    frame = pd.DataFrame(
        {"year": year, "month": num["m"], "day": num["d"], "hour": hour, "minute": minute, "second": second}
    ).where(ok)
    stamps = pd.to_datetime(frame, errors="coerce") if len(frame) else pd.Series([], dtype="datetime64[us]")
    frac = parts["f"].astype("string").str.ljust(9, "0").str[:6]
    micros = pd.to_numeric(frac, errors="coerce").fillna(0)
    return (stamps + pd.to_timedelta(micros, unit="us")).astype("datetime64[us]")


def _parse(values: pd.Series, decision: DateDecision) -> pd.Series:
    """Parse distinct stripped values (unit us, before the ns-range check)."""
    if not len(values):
        return pd.Series([], dtype="datetime64[us]", index=values.index)
    if decision.date_format:
        return pd.to_datetime(values, format=decision.date_format, errors="coerce").astype("datetime64[us]")
    if decision.serial:
        return excel_serial_dates(
            values.where(values.str.fullmatch(_SERIAL.pattern).fillna(False).astype(bool))
        ).astype("datetime64[us]")
    return _build(_components(values, decision.dayfirst))


def in_year_range(stamps: pd.Series) -> pd.Series:
    """Whether each timestamp's year is one pandas' nanosecond timestamps hold (NaT: False)."""
    return stamps.dt.year.between(*YEAR_RANGE)


def parse_date_text(text: pd.Series, decision: DateDecision) -> pd.Series:
    """Dates from text as ``decision`` says; NaT where a value does not parse.

    Parameters
    ----------
    text : Series of str
    decision : DateDecision
        From :func:`decide_dates`.

    Returns
    -------
    Series of datetime64[ns], same index; NaT for blanks, values that do
    not parse and years outside 1678-2261.
    """

    def convert(values: pd.Series) -> pd.Series:
        parsed = _parse(values, decision)
        return parsed.where(in_year_range(parsed)).astype("datetime64[ns]")

    return _per_distinct(text, convert, "datetime64[ns]")


def _describe_kinds(values: pd.Series, kinds: pd.Series, numeric: str | None) -> list[str]:
    """One phrase per kind of date in the column, in file order; ``numeric`` describes numeric dates."""
    parts: list[str] = []
    for kind in dict.fromkeys(kinds.dropna()):
        example = _first(values[kinds == kind])
        parts.append(str(numeric) if kind == "numeric" else f"{_KINDS[kind][1]} ({example})")
    return parts


def _numeric_order(
    values: pd.Series, matched: pd.DataFrame, dayfirst: bool | None, where: dict
) -> tuple[bool, str]:
    """The order of the numeric dates (a/b/yyyy) of a column, and the phrase describing it.

    Raises
    ------
    DataError
        Values proving both orders, or none proving either (unless
        ``dayfirst`` is given).
    """
    a, b = pd.to_numeric(matched["a"]), pd.to_numeric(matched["b"])
    label, row_offset = _label(where["column"], where["canonical"]), where["row_offset"]
    error = dict(source=where["source"], column=where["column"])
    if dayfirst is not None:
        how = f"given with --dayfirst {'yes' if dayfirst else 'no'}"
    else:
        day_proof, month_proof = values[(a > 12) & (b <= 12)], values[(b > 12) & (a <= 12)]
        if len(day_proof) and len(month_proof):
            rows = _rows(pd.Index([day_proof.index[0], month_proof.index[0]]), row_offset)
            raise DataError(
                f"{label} mixes day/month/year dates ({_first(day_proof)!r}, row {rows[0]}) and month/day/year "
                f"dates ({_first(month_proof)!r}, row {rows[1]}); write the column in one order, or say which is "
                "meant with --date-format %d/%m/%Y or --date-format %m/%d/%Y (values in the other order are then "
                "refused)",
                rows=rows,
                **error,
            )
        if len(day_proof) or len(month_proof):
            dayfirst = bool(len(day_proof))
            proof = day_proof if dayfirst else month_proof
            part = (a if dayfirst else b)[proof.index[0]]
            how = f"decided from the values ({_first(proof)}: {part} cannot be a month)"
        elif (a == b).all():
            dayfirst, how = True, "either order (day and month are equal in every value)"
        else:
            shown = values[a != b]
            rows = _rows(shown.index[:3], row_offset)
            raise DataError(
                f"{label} holds dates such as {format_examples(shown.head(3).tolist(), 3)} (rows "
                f"{', '.join(map(str, rows))}) that read both as day/month/year and as month/day/year, and no value "
                "decides; say which with --date-format %d/%m/%Y (or %m/%d/%Y), or --dayfirst yes|no",
                rows=rows,
                **error,
            )
    sep = matched["s"].iloc[0]
    order = f"day/month/year (%d{sep}%m{sep}%Y)" if dayfirst else f"month/day/year (%m{sep}%d{sep}%Y)"
    return dayfirst, f"{order}, {how}"


def decide_dates(
    text: pd.Series,
    *,
    source: str,
    column: str,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    canonical: str | None = None,
    row_offset: int = 2,
    counts: pd.Series | None = None,
) -> DateDecision:
    """Decide how a text date column is read, from its distinct values, and check every value.

    Accepted: ISO ``2011-12-09`` (also with ``/`` or ``.``, with a time),
    ``20111209``, ``2011年12月9日``, ``9 Dec 2011``, ``Dec 9, 2011``,
    numeric ``a/b/yyyy`` (also ``-`` or ``.``, two-digit years, a time
    with or without AM/PM), and Excel serial numbers when EVERY value is a
    number within :data:`SERIAL_RANGE`.

    Numeric dates get one order for the whole column: day first when some
    value has a first part above 12, month first when some value has a
    second part above 12. Both at once, or neither (every value such as
    03/04/2011 fits both), is an error unless ``dayfirst`` or
    ``date_format`` says which.

    Parameters
    ----------
    text : Series of str
        The column's text (whole column or distinct values; see the module
        docstring).
    source, column : str
        The file's and the column's names, for messages.
    date_format : str, optional
        A ``strftime`` format every value must fit (overrides everything).
    dayfirst : bool, optional
        The order of numeric dates.
    canonical : str, optional
        The canonical column, for messages.
    row_offset : int, default 2
        Added to the index to give the row number a user sees.
    counts : Series of int, optional
        Rows holding each entry of ``text`` (default 1 each).

    Returns
    -------
    DateDecision

    Raises
    ------
    DataError
        Values that are not dates (or do not fit ``date_format``), years
        outside 1678-2261, mixed or undecidable day/month order.
    """
    values, weights = _distinct(text, counts)
    where: dict[str, Any] = dict(source=source, column=column, canonical=canonical, row_offset=row_offset)
    if date_format:
        decision = DateDecision(f"{date_format}, given with --date-format", date_format=date_format)
        try:
            _parse(values.head(1), decision)
        except ValueError as exc:
            raise ParameterError(
                f"The date format {date_format!r} is not one Python can read ({exc}); write it "
                "like %d/%m/%Y or %m/%d/%Y %H:%M."
            ) from None
        _check_dates(
            values,
            weights,
            decision,
            where,
            f"do not fit the date format {date_format} given with --date-format",
            "fix them, or give the format they are written in",
        )
        return decision
    numbers = values.str.fullmatch(_SERIAL.pattern).fillna(False).astype(bool)
    if len(values) and numbers.all():
        serial = pd.to_numeric(values).between(*SERIAL_RANGE)
        if serial.all():
            first = values.iloc[0]
            shown = excel_serial_dates(pd.Series([first])).iloc[0]
            return DateDecision(
                f"Excel serial numbers, 1900 date system ({first} = {shown:%Y-%m-%d}), "
                "decided from the values",
                serial=True,
            )
        if serial.any():
            low, high = excel_serial_dates(pd.Series(SERIAL_RANGE, dtype="float64"))
            raise bad_values_error(
                f"are numbers outside the range of Excel serial dates ({SERIAL_RANGE[0]} to {SERIAL_RANGE[1]}, "
                f"{low:%Y-%m-%d} to {high:%Y-%m-%d}) that the rest of the column holds",
                values[~serial],
                counts=weights,
                fix="blank them or fix them",
                **where,
            )
    matched = _match(values)
    kinds = matched["kind"]
    order = None
    if (kinds == "numeric").any():
        dayfirst, order = _numeric_order(
            values[kinds == "numeric"], matched[kinds == "numeric"], dayfirst, where
        )
    decision = DateDecision("; ".join(_describe_kinds(values, kinds, order)) or "no dates", dayfirst=dayfirst)
    fix = "dates are read as e.g. 2011-12-09, 2011/12/09 12:50, 09/12/2011, 9 Dec 2011 or 2011年12月9日"
    if numbers.any():
        fix += (
            f"; numbers are read as Excel serial dates only when every value of the column is one, between "
            f"{SERIAL_RANGE[0]} and {SERIAL_RANGE[1]}"
        )
    _check_dates(values, weights, decision, where, "are not dates", fix)
    return decision


def _check_dates(
    values: pd.Series, weights: pd.Series, decision: DateDecision, where: dict, message: str, fix: str
) -> None:
    parsed = _parse(values, decision)
    bad = values[parsed.isna().to_numpy()]
    if len(bad):
        raise bad_values_error(message, bad, counts=weights, fix=fix, **where)
    outside = values[~in_year_range(parsed).to_numpy()]
    if len(outside):
        raise bad_values_error(OUT_OF_RANGE, outside, counts=weights, fix="blank them or fix them", **where)
