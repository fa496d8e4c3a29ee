"""SQL that parses and classifies transaction lines for the DuckDB engine.

:mod:`toolkit.data.duckdb.customers` runs the aggregation; this module writes
the expressions it uses: quoting, parsing ids, numbers and dates the way the
pandas core does (:mod:`toolkit.data.validation`), the flags of a line, and
the cleaning stage of a group of lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from toolkit.data.cleaning import RULES
from toolkit.data.formats import number_sql
from toolkit.data.ids import id_sql


def quote(name: str) -> str:
    """Quote an identifier for SQL."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(text: str) -> str:
    """Quote a string literal for SQL."""
    return "'" + str(text).replace("'", "''") + "'"


def is_numeric(sql_type: str) -> bool:
    """True for DuckDB's integer, decimal and floating-point types."""
    return sql_type.upper().split("(")[0] in {
        "DOUBLE",
        "FLOAT",
        "REAL",
        "DECIMAL",
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    }


def id_expr(column: str, sql_type: str) -> str:
    """An id as text as :func:`toolkit.data.ids.parse_ids` gives it: whole numbers without ".0", trimmed, blank missing."""
    c = quote(column)
    base = sql_type.upper().split("(")[0]
    # the text of a number has no blanks and is never empty, so trimming it changes nothing
    if base in {"DOUBLE", "FLOAT", "REAL", "DECIMAL"}:
        return f"CASE WHEN {c} = floor({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END"
    if is_numeric(sql_type):
        return f"CAST({c} AS VARCHAR)"
    # the core's normalisation of each value (toolkit.data.ids): trimmed, 12647.0 read as 12647
    return id_sql(f"CAST({c} AS VARCHAR)")


# Plain numbers, which a cast reads as parse_number_text does (no sign, blank, separator or exponent);
# everything else goes through toolkit.data.formats.number_sql
_PLAIN_NUMBER = {".": "-?[0-9]{1,15}(\\.[0-9]{1,15})?", ",": "-?[0-9]{1,15}"}
# ISO dates with a valid time, years 1700-2199: a cast reads them as parse_date_text does (a value
# the cast refuses, such as 2011-02-30, is left to the lookup table of parsed distinct values)
ISO_DATE = "(1[7-9]|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}( ([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?"
# the column of the lookup table joined to each line: the order date of a value that is not ISO
LOOKUP_DATE = "ts__"
# whether the lookup table holds the line's date text (else the text is ISO and cast)
LOOKUP_FOUND = "found__"


def number_expr(column: str, sql_type: str, decimal: str = ".") -> str:
    """A column as DOUBLE, text read with decimal mark ``decimal`` as :func:`toolkit.data.formats.parse_number_text` does."""
    c = quote(column)
    if is_numeric(sql_type):
        return f"CAST({c} AS DOUBLE)"
    text = f"CAST({c} AS VARCHAR)"
    # CASE evaluates the ELSE branch only for the lines the plain test leaves
    return (
        f"CASE WHEN regexp_full_match({text}, {literal(_PLAIN_NUMBER[decimal])}) THEN CAST({text} AS DOUBLE) "
        f"ELSE {number_sql(text, decimal)} END"
    )


def iso_date_expr(text: str) -> str:
    """SQL for the TIMESTAMP of an ISO date text, NULL for any other text."""
    return f"CASE WHEN regexp_full_match({text}, {literal(ISO_DATE)}) THEN TRY_CAST({text} AS TIMESTAMP) END"


def date_expr(column: str, sql_type: str, fast: bool = True) -> str:
    """A column as TIMESTAMP: stored dates cast, text from the lookup or (ISO text, when ``fast``) cast."""
    c = quote(column)
    base = sql_type.upper().split("(")[0]
    if base.startswith("TIMESTAMP") or base == "DATE":
        return f"CAST({c} AS TIMESTAMP)"
    if not fast or is_numeric(sql_type):
        return LOOKUP_DATE
    # every text that is not ISO (iso_date_expr) is in the lookup, so the rest casts as the core reads it
    return f"CASE WHEN {LOOKUP_FOUND} THEN {LOOKUP_DATE} ELSE TRY_CAST(CAST({c} AS VARCHAR) AS TIMESTAMP) END"


# Bits of the per-line flags; the first aggregate groups on them, so a group's lines share them.
MISSING_DATE, NEGATIVE, BAD_PRICE, FUTURE = 1, 2, 4, 8
# the flags of the rules implausible_dates (too early, too late), non_merchandise and cancelled_orders
TOO_EARLY, TOO_LATE, NON_MERCHANDISE, CANCELLED = 16, 32, 64, 128


def text_values(used: Mapping[str, str], types: Mapping[str, str]) -> list[str]:
    """SQL for the canonical text of every column but the ids and the parsed ones, for judging duplicates.

    Mapped text columns (product, channel ...) and unmapped columns alike
    are trimmed, an empty value missing (:func:`id_expr`).
    """
    skip = {
        used[c]
        for c in ("customer_id", "order_id", "order_date", "amount", "quantity", "unit_price")
        if c in used
    }
    return [id_expr(c, t) for c, t in types.items() if c not in skip]


def line_sql(
    used: Mapping[str, str],
    types: Mapping[str, str],
    as_of_ts: pd.Timestamp | None,
    decimals: Mapping[str, str],
    fast_dates: bool = True,
    row_hash: str = "hash({})",
    extra_columns: Sequence[str] = (),
    extra_flags: Mapping[int, str] | None = None,
) -> Callable[..., str]:
    """SQL that parses each transaction line once.

    The values were checked before (:mod:`toolkit.data.formats` decided how
    each column is read and refused values that do not parse), so a value
    that gives NULL here is blank.

    Parameters
    ----------
    used : dict
        ``{canonical: file column}`` for the mapped columns.
    types : dict
        ``{file column: DuckDB type}``.
    as_of_ts : Timestamp or None
        A given analysis date (lines on or after it get the ``FUTURE`` flag).
    decimals : dict
        ``{canonical: "." or ","}``, the decimal mark of each numeric text column.
    fast_dates : bool, default True
        Whether ISO date texts are cast in SQL; the other date texts (all of
        them when False) come from the lookup column ``ts__`` of the source.
    row_hash : str, default "hash({})"
        SQL template of the line's hash, given the list of its values.
    extra_columns : list of str
        More ``expression AS name`` items read from the source, for
        ``extra_flags``.
    extra_flags : dict, optional
        ``{flag bit: SQL condition}`` over the parsed columns (``order_date``,
        ``v__<canonical>``) and ``extra_columns``.

    Returns
    -------
    callable
        ``lines(source, carry="")`` wraps a SELECT of raw columns (with
        ``ts__``, ``found__`` and ``h0__``, the hash of :func:`text_values`, plus the
        columns named in ``carry``) into one row per line: the raw customer
        id ``rc`` and order id ``ro`` (the purchase day when there is no
        order id), the parsed ``order_date``, numbers ``v__<canonical>`` and
        ``amount``, ``bits``, the line's flags, and ``h__``, the hash of its
        canonical values but the ids (lines that are duplicates of each other
        have the same). Ids are trimmed later, once per group of lines
        (:func:`classified_sql`).
    """
    numbers = [c for c in ("amount", "quantity", "unit_price") if c in used]
    parsed = [
        f"{quote(used['customer_id'])} AS rc",
        f"{date_expr(used['order_date'], types[used['order_date']], fast_dates)} AS order_date",
    ]
    parsed += [f"{quote(used['order_id'])} AS ro"] if "order_id" in used else []
    parsed += [f"{number_expr(used[c], types[used[c]], decimals.get(c, '.'))} AS v__{c}" for c in numbers]
    parsed += list(extra_columns)
    extra_flags = dict(extra_flags or {})
    amount = "v__amount" if "amount" in used else "(v__quantity * v__unit_price)"
    negative = "v__quantity" if "quantity" in used else amount
    price_test = "v__unit_price <= 0" if "unit_price" in used else f"{amount} = 0"
    # A given analysis date is known before the pass; the default one (midnight after the last
    # order date) lies after every order date, so then no line is a future date.
    future = (
        f"coalesce(order_date >= TIMESTAMP {literal(as_of_ts.strftime('%Y-%m-%d %H:%M:%S'))}, false)"
        if as_of_ts is not None
        else "false"
    )
    bits = [
        f"{MISSING_DATE} * CAST(order_date IS NULL AS INTEGER)",
        f"{NEGATIVE} * CAST(coalesce({negative} < 0, false) AS INTEGER)",
        f"{BAD_PRICE} * CAST(coalesce({price_test}, false) AS INTEGER)",
        f"{FUTURE} * CAST({future} AS INTEGER)",
    ]
    bits += [f"{bit} * CAST(coalesce({test}, false) AS INTEGER)" for bit, test in extra_flags.items()]
    # Most lines raise no flag: one test that implies every flag is clear (an unknown in it means
    # "not sure") spares them the sum of flags, which CASE works out only for the other lines.
    clear = " AND ".join(
        [f"{negative} >= 0", f"NOT ({price_test})", f"NOT ({future})", "order_date IS NOT NULL"]
        + [f"NOT ({test})" for test in extra_flags.values()]
    )
    flags = f"CASE WHEN coalesce({clear}, false) THEN 0 ELSE {' + '.join(bits)} END"
    order = "ro" if "order_id" in used else "CAST(order_date AS DATE)"
    hashed = row_hash.format(", ".join(["h0__", "order_date"] + [f"v__{c}" for c in numbers]))
    outer = (
        f"rc, {order} AS ro, order_date, {amount} AS amount, CAST({flags} AS USMALLINT) AS bits, "
        + "".join(f"v__{c}, " for c in numbers)
        + f"{hashed} AS h__"
    )

    def lines(source: str, carry: str = "") -> str:
        return f"SELECT {outer}{carry} FROM (SELECT {', '.join(parsed)}, h0__{carry} FROM ({source}))"

    return lines


def classified_sql(
    used: Mapping[str, str],
    types: Mapping[str, str],
    actions: Mapping[str, str],
    prefix: str,
    future_bits: int = FUTURE,
) -> Callable[[str], str]:
    """SQL that classifies groups of lines for the cleaning rules.

    Parameters
    ----------
    used, types : dict
        As for :func:`line_sql`.
    actions : dict
        ``{rule: "drop" | "keep"}`` for every rule in ``RULES``.
    prefix : str
        Order ids starting with it are cancellations.
    future_bits : int, default FUTURE
        The flags that make a line a future date (with the default analysis
        date, also ``TOO_LATE``: such a line lies after it).

    Returns
    -------
    callable
        ``classified(groups)`` adds to a SELECT of groups (``rc, ro, bits``)
        the columns ``cust`` and ``order_key`` (ids trimmed, an empty one
        missing), ``is_return``, ``stage`` (the number in ``RULES`` of the
        first rule that removes the lines, NULL if they are kept) and
        ``trimmed`` (trimming changed an id, so two raw ids may have become
        one).
    """
    cust_type = types[used["customer_id"]]
    cust = "rc" if is_numeric(cust_type) else id_expr("rc", cust_type)
    trimmed = [] if is_numeric(cust_type) else ["CAST(rc AS VARCHAR) IS DISTINCT FROM cust"]
    if "order_id" in used:
        order_type = types[used["order_id"]]
        order_key = "ro" if is_numeric(order_type) else id_expr("ro", order_type)
        order_text = id_expr("ro", order_type) if is_numeric(order_type) else "order_key"
        prefix_test = f"coalesce(starts_with({order_text}, {literal(prefix)}), false)"
        trimmed += [] if is_numeric(order_type) else ["CAST(ro AS VARCHAR) IS DISTINCT FROM order_key"]
    else:
        order_key, prefix_test = "ro", "false"
    flags = {
        "missing_customer": "cust IS NULL",
        "missing_date": f"bits & {MISSING_DATE} <> 0",
        "returns": "is_return",
        "non_positive_price": f"bits & {BAD_PRICE} <> 0 AND NOT is_return",
        "future_dates": f"bits & {future_bits} <> 0",
        "implausible_dates": f"bits & {TOO_EARLY | TOO_LATE} <> 0",
        "non_merchandise": f"bits & {NON_MERCHANDISE} <> 0",
        "cancelled_orders": f"bits & {CANCELLED} <> 0",
    }
    cases = " ".join(
        f"WHEN {flags[rule]} THEN {i}" for i, rule in enumerate(RULES) if i and actions[rule] == "drop"
    )
    stage = f"CAST(CASE {cases} ELSE NULL END AS UTINYINT)" if cases else "CAST(NULL AS UTINYINT)"

    def classified(groups: str) -> str:
        return (
            f"SELECT *, {stage} AS stage, {' OR '.join(trimmed) or 'false'} AS trimmed FROM ("
            f"SELECT *, ({prefix_test} OR bits & {NEGATIVE} <> 0) AS is_return FROM ("
            f"SELECT *, {cust} AS cust, {order_key} AS order_key FROM ({groups})))"
        )

    return classified
