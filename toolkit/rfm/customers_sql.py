"""The RFM customer table straight from a CSV or Parquet file, in DuckDB.

The transaction file is never loaded into pandas: DuckDB reads it, applies
the same counted cleaning rules as :mod:`toolkit.data.cleaning` (in SQL),
aggregates per customer, and only the customer table comes back. DuckDB
spills to disk when it runs short of memory, so files larger than memory
work. The definitions of recency, frequency and monetary value are those of
:mod:`toolkit.rfm.customers`; a test checks both paths agree on the bundled
data.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.data.cleaning import RULES, DataQuality, RuleResult
from toolkit.data.encoding import detect_encoding
from toolkit.data.mapping import CANONICAL_COLUMNS, REQUIRED_COLUMNS, parse_mapping, resolve_mapping
from toolkit.errors import DataError, ParameterError, check_choice, format_examples
from toolkit.rfm.customers import CUSTOMER_COLUMNS, RETURNS_RULES, CustomerTable, months_since

__all__ = ["customer_table_from_file", "SQL_SUFFIXES"]

SQL_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".parquet", ".pq")
_UTF8 = {"utf-8", "utf-8-sig", "utf_8", "ascii"}
ACTIONS: tuple[str, ...] = ("drop", "keep")  # as in toolkit.data.cleaning
# SQL for the 64-bit hash of a line's raw columns; tests swap in a weak one to force collisions
_ROW_HASH = "hash({})"
_DEDUP_STRATEGIES = ("hash", "exact")  # "hash": group on the values only the lines whose hash repeats
# a line's slot: one of 64 bits, chosen by its hash (lines with equal hashes share a slot)
_SLOT = "(CAST(1 AS UBIGINT) << ({} & 63))"
_ALL_SLOTS = "CAST(18446744073709551615 AS UBIGINT)"
_NUMBER_NOISE = r"[,\s¥￥$€£元]"
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y%m%d",
)


def _q(name: str) -> str:
    """Quote an identifier for SQL."""
    return '"' + str(name).replace('"', '""') + '"'


def _lit(text: str) -> str:
    """Quote a string literal for SQL."""
    return "'" + str(text).replace("'", "''") + "'"


def _is_numeric(sql_type: str) -> bool:
    return sql_type.upper().split("(")[0] in {
        "DOUBLE", "FLOAT", "REAL", "DECIMAL", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
        "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
    }


def _id_expr(column: str, sql_type: str) -> str:
    c = _q(column)
    base = sql_type.upper().split("(")[0]
    # the text of a number has no blanks and is never empty, so trimming it changes nothing
    if base in {"DOUBLE", "FLOAT", "REAL", "DECIMAL"}:
        return f"CASE WHEN {c} = floor({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END"
    if _is_numeric(sql_type):
        return f"CAST({c} AS VARCHAR)"
    return f"NULLIF(trim(CAST({c} AS VARCHAR)), '')"


def _number_expr(column: str, sql_type: str) -> str:
    c = _q(column)
    if _is_numeric(sql_type):
        return f"CAST({c} AS DOUBLE)"
    # A plain number casts directly (the cast allows surrounding blanks, and such a text holds no
    # separator or currency sign, so it gives the same value); only the rest take the regex path.
    # COALESCE evaluates its second argument only where the first is NULL. (No NULLIF(..., ''):
    # an empty text does not cast anyway, and NULLIF repeats its argument, which the optimiser
    # would then compute once for every line.) Blanks are in the pattern, so no trim is needed.
    return (f"COALESCE(TRY_CAST(CAST({c} AS VARCHAR) AS DOUBLE), "
            f"TRY_CAST(regexp_replace(CAST({c} AS VARCHAR), '{_NUMBER_NOISE}', '', 'g') AS DOUBLE))")


def _date_expr(column: str, sql_type: str) -> str:
    c = _q(column)
    base = sql_type.upper().split("(")[0]
    if base.startswith("TIMESTAMP") or base == "DATE":
        return f"CAST({c} AS TIMESTAMP)"
    formats = "[" + ", ".join(_lit(f) for f in _DATE_FORMATS) + "]"
    # The plain cast first (it allows surrounding blanks); only the lines it leaves are trimmed
    # (of other spaces too) and tried against the list of formats. COALESCE evaluates its second
    # argument only where the first is NULL, as long as no expression in it is repeated: the
    # optimiser would then compute that expression once for every line.
    return f"COALESCE(TRY_CAST(CAST({c} AS VARCHAR) AS TIMESTAMP), try_strptime(trim(CAST({c} AS VARCHAR)), {formats}))"


def _utf8_copy(path: Path, encoding: str) -> Path:
    """Stream a text file into a UTF-8 temporary copy DuckDB can read."""
    target = Path(tempfile.mkdtemp(prefix="pmkt-rfm-")) / (path.stem + ".utf8" + path.suffix)
    with path.open("r", encoding=encoding, errors="strict", newline="") as src, \
            target.open("w", encoding="utf-8", newline="") as dst:
        try:
            for chunk in iter(lambda: src.read(1 << 22), ""):
                dst.write(chunk)
        except UnicodeDecodeError as exc:
            raise DataError(f"the text is not valid {encoding}: {exc.reason}; save the file as UTF-8",
                            source=path.name) from None
    return target


def _source_sql(path: Path) -> tuple[str, Path | None]:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return f"read_parquet({_lit(str(path))})", None
    encoding = detect_encoding(path)
    temp = None
    if encoding.lower().replace("_", "-") not in _UTF8:
        temp = _utf8_copy(path, encoding)
        path = temp
    delim = ", delim='\\t'" if suffix == ".tsv" else ""
    return f"read_csv({_lit(str(path))}, header=true, all_varchar=true{delim})", temp


def _bad_values(con, column: str, parsed_expr: str, name: str, canonical: str, expected: str) -> None:
    """Raise a DataError if a mapped column holds values that do not parse."""
    c = _q(column)
    n, examples = con.execute(
        f"SELECT count(*), list({c}) FILTER (rn <= 5) FROM (SELECT {c}, row_number() OVER () AS rn FROM raw "
        f"WHERE {c} IS NOT NULL AND NULLIF(trim(CAST({c} AS VARCHAR)), '') IS NOT NULL AND ({parsed_expr}) IS NULL)"
    ).fetchone()
    if n:
        raise DataError(
            f"column {column!r} (mapped to {canonical}) has {n:,} value(s) that are not {expected}: "
            f"{format_examples(examples or [])}",
            source=name,
            column=column,
        )


def _actions(rules: Mapping[str, str] | None) -> dict[str, str]:
    actions = {rule: "drop" for rule in RULES}
    for rule, action in (rules or {}).items():
        check_choice("cleaning rule", rule, RULES)
        actions[rule] = check_choice(f"action for rule '{rule}'", action, ACTIONS)
    return actions


def customer_table_from_file(
    path: str | Path,
    columns: Mapping[str, str] | list[str] | str | None = None,
    as_of: str | pd.Timestamp | None = None,
    *,
    rules: Mapping[str, str] | None = None,
    returns: str = "net",
    cancellation_prefix: str = "C",
    memory_limit: str = "1.5GB",
    threads: int | None = None,
) -> CustomerTable:
    """Aggregate a transaction file into the RFM customer table in DuckDB.

    Parameters
    ----------
    path : str or Path
        A CSV/TSV/TXT file (any encoding the core detects; non-UTF-8 files
        are first streamed into a UTF-8 copy) or a Parquet file, one row
        per transaction line.
    columns : dict, optional
        Column mapping ``{canonical: your column}``; exact canonical names
        and the known aliases are found without it, as in
        :func:`toolkit.data.load_transactions`.
    as_of : str or Timestamp, optional
        Analysis date; default midnight after the last order date.
    rules : dict, optional
        Cleaning actions ``{rule: "drop" | "keep"}`` as in
        :mod:`toolkit.data.cleaning`; ``{"returns": "keep"}`` keeps return
        lines so that ``returns="net"`` can subtract them.
    returns : {"net", "ignore"}, default "net"
        How kept return lines enter monetary value.
    cancellation_prefix : str, default "C"
        Order ids starting with it are cancellations.
    memory_limit : str, default "1.5GB"
        DuckDB's memory limit; above it DuckDB spills to a temporary folder.
    threads : int, optional
        DuckDB threads; default all cores.

    Returns
    -------
    CustomerTable
        The same table as :func:`toolkit.rfm.customers.customer_table`
        gives for the cleaned transactions, with ``.quality`` holding the
        cleaning rules' counts (a :class:`toolkit.data.cleaning.DataQuality`).

    Raises
    ------
    DataError
        Unreadable files, missing columns, values that do not parse.
    ParameterError
        Unsupported file types or bad arguments.
    """
    import duckdb

    check_choice("returns", returns, RETURNS_RULES)
    actions = _actions(rules)
    path = Path(path).expanduser()
    name = path.name
    if path.suffix.lower() not in SQL_SUFFIXES:
        raise ParameterError(
            f"The DuckDB engine reads {list(SQL_SUFFIXES)} files; {name!r} is not one. "
            "Use toolkit.data.load_transactions (the pandas engine) for Excel and database files."
        )
    if not path.exists():
        raise DataError(f"file not found (looked for {path.resolve()})", source=name)
    source, temp = _source_sql(path)
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = {_lit(memory_limit)}")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET temp_directory = {_lit(tempfile.gettempdir() + '/pmkt-duckdb')}")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        try:
            # Text is parsed once: a CSV is loaded into a DuckDB table (which spills to disk when
            # larger than memory), as the lines whose hash repeats are read a second time.
            kind = "VIEW" if path.suffix.lower() in (".parquet", ".pq") else "TABLE"
            con.execute(f"CREATE TEMP {kind} raw AS SELECT * FROM {source}")
            described = con.execute("DESCRIBE raw").fetchall()
        except duckdb.Error as exc:
            raise DataError(f"cannot be read: {exc}", source=name) from None
        types = {str(row[0]): str(row[1]) for row in described}
        available = list(types)
        used = resolve_mapping(available, parse_mapping(columns))
        for canonical, column in used.items():
            if column not in types:
                raise DataError(f"column {column!r} (mapped to {canonical}) not found; available: {available}.",
                                source=name, column=column)
        for canonical in REQUIRED_COLUMNS:
            if canonical not in used:
                raise DataError(
                    f"no column for {canonical} ({CANONICAL_COLUMNS[canonical]}); available: {available}. "
                    f"Map it with columns={{'{canonical}': '<your column>'}}.",
                    source=name, column=canonical,
                )
        if "amount" not in used and not {"quantity", "unit_price"} <= used.keys():
            raise DataError(f"no column for amount, nor for both quantity and unit_price; available: {available}.",
                            source=name, column="amount")
        return _aggregate(con, used, types, name, as_of, actions, returns, cancellation_prefix)
    finally:
        con.close()
        if temp is not None:
            temp.unlink(missing_ok=True)
            temp.parent.rmdir()


# Bits of the per-line flags; the first aggregate groups on them, so a group's lines share them.
_MISSING_DATE, _NEGATIVE, _BAD_PRICE, _FUTURE, _FIRST_BAD_VALUE = 1, 2, 4, 8, 16


class _Tally(NamedTuple):
    """Lines of the groups that share a stage, return flag, line flags and missing ids."""

    stage: int | None
    is_return: bool
    bits: int
    no_customer: bool
    no_order: bool
    trimmed: bool
    raw: int
    dl: int
    w: int
    extra: int
    last: Any

    def has(self, bit: int) -> bool:
        return bool(self.bits & bit)


def _given_as_of(as_of) -> tuple[pd.Timestamp | None, ParameterError | None]:
    """The analysis date if one is given (its error is raised after the data checks)."""
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        return None, None
    try:
        return pd.Timestamp(as_of), None
    except (TypeError, ValueError):
        return None, ParameterError(f"The analysis date `as_of` must be a date like 2011-12-10. Got {as_of!r} instead.")


def _line_sql(used, types, as_of_ts, checks):
    """A function giving, for a SELECT of raw columns, one parsed row per line.

    Each row has the raw customer id ``rc`` and order id ``ro`` (the purchase
    day when there is no order id), the parsed ``order_date`` and ``amount``,
    and ``bits``, the line's flags. Ids are not trimmed here: trimming is done
    once per group of lines (see :func:`_classify`), not once per line.
    """
    numbers = [c for c in ("amount", "quantity", "unit_price") if c in used]
    expr = {"order_date": _date_expr(used["order_date"], types[used["order_date"]])}
    expr |= {c: _number_expr(used[c], types[used[c]]) for c in numbers}
    parsed = [f"{_q(used['customer_id'])} AS rc", f"{expr['order_date']} AS order_date"]
    parsed += [f"{_q(used['order_id'])} AS ro"] if "order_id" in used else []
    parsed += [f"{expr[c]} AS v__{c}" for c in numbers] + [f"{_q(used[c])} AS r__{c}" for c in checks]
    amount = "v__amount" if "amount" in used else "(v__quantity * v__unit_price)"
    negative = "v__quantity" if "quantity" in used else amount
    price_test = "v__unit_price <= 0" if "unit_price" in used else f"{amount} = 0"
    value = {"order_date": "order_date"} | {c: f"v__{c}" for c in numbers}
    # A given analysis date is known before the pass; the default one (midnight after the last
    # order date) lies after every order date, so then no line is a future date.
    future = (f"coalesce(order_date >= TIMESTAMP {_lit(as_of_ts.strftime('%Y-%m-%d %H:%M:%S'))}, false)"
              if as_of_ts is not None else "false")
    bits = [f"{_MISSING_DATE} * CAST(order_date IS NULL AS INTEGER)",
            f"{_NEGATIVE} * CAST(coalesce({negative} < 0, false) AS INTEGER)",
            f"{_BAD_PRICE} * CAST(coalesce({price_test}, false) AS INTEGER)",
            f"{_FUTURE} * CAST({future} AS INTEGER)"]
    # a value that did not parse but is not blank (CASE: trimmed only where the parse failed)
    bits += [f"CASE WHEN {value[c]} IS NULL AND r__{c} IS NOT NULL AND trim(CAST(r__{c} AS VARCHAR)) <> '' "
             f"THEN {_FIRST_BAD_VALUE << i} ELSE 0 END" for i, c in enumerate(checks)]
    order = "ro" if "order_id" in used else "CAST(order_date AS DATE)"
    outer = f"rc, {order} AS ro, order_date, {amount} AS amount, CAST({' + '.join(bits)} AS USMALLINT) AS bits"

    def lines(source: str, carry: str = "") -> str:
        return f"SELECT {outer}{carry} FROM (SELECT {', '.join(parsed)}{carry} FROM ({source}))"

    return lines, expr


def _classified(used, types, actions, prefix) -> Callable[[str], str]:
    """A function adding to a SELECT of groups (``rc, ro, bits``) their trimmed ids and stage.

    The added columns are ``cust`` and ``order_key`` (ids trimmed, an empty
    one missing), ``is_return``, ``stage`` (the number in RULES of the first
    rule that removes the lines, NULL if they are kept) and ``trimmed``
    (trimming changed an id, so two raw ids may have become one).
    """
    cust_type = types[used["customer_id"]]
    cust = "rc" if _is_numeric(cust_type) else _id_expr("rc", cust_type)
    trimmed = [] if _is_numeric(cust_type) else ["CAST(rc AS VARCHAR) IS DISTINCT FROM cust"]
    if "order_id" in used:
        order_type = types[used["order_id"]]
        order_key = "ro" if _is_numeric(order_type) else _id_expr("ro", order_type)
        order_text = _id_expr("ro", order_type) if _is_numeric(order_type) else "order_key"
        prefix_test = f"coalesce(starts_with({order_text}, {_lit(prefix)}), false)"
        trimmed += [] if _is_numeric(order_type) else ["CAST(ro AS VARCHAR) IS DISTINCT FROM order_key"]
    else:
        order_key, prefix_test = "ro", "false"
    flags = {"missing_customer": "cust IS NULL", "missing_date": f"bits & {_MISSING_DATE} <> 0", "returns": "is_return",
             "non_positive_price": f"bits & {_BAD_PRICE} <> 0 AND NOT is_return", "future_dates": f"bits & {_FUTURE} <> 0"}
    cases = " ".join(f"WHEN {flags[rule]} THEN {i}" for i, rule in enumerate(RULES) if i and actions[rule] == "drop")
    stage = f"CAST(CASE {cases} ELSE NULL END AS UTINYINT)" if cases else "CAST(NULL AS UTINYINT)"

    def classified(groups: str) -> str:
        return (f"SELECT *, {stage} AS stage, {' OR '.join(trimmed) or 'false'} AS trimmed FROM ("
                f"SELECT *, ({prefix_test} OR bits & {_NEGATIVE} <> 0) AS is_return FROM ("
                f"SELECT *, {cust} AS cust, {order_key} AS order_key FROM ({groups})))")

    return classified


def _aggregate(con, used, types, name, as_of, actions, returns, prefix) -> CustomerTable:
    checks = [c for c in ("order_date", "amount", "quantity", "unit_price")
              if c in used and not (_is_numeric(types[used[c]]) or types[used[c]].upper().startswith(("TIMESTAMP", "DATE")))]
    as_of_ts, as_of_error = _given_as_of(as_of)
    lines, expr = _line_sql(used, types, as_of_ts, checks)
    classified = _classified(used, types, actions, prefix)
    raw_columns = ", ".join(_q(c) for c in types)
    # The lines of a group share their raw customer and order ids, so the hash leaves those out.
    keys = {used["customer_id"], used.get("order_id")}
    hashed = ", ".join(_q(c) for c in types if c not in keys)
    # One pass over the file: per raw customer id, order id and flags, the lines, their dates and
    # amount. Two identical lines have the same hash and so the same slot; per group, m_or holds the
    # slots taken and m_xor those taken an odd number of times. If every slot is taken at most
    # twice (n = taken + taken twice), only the lines in a slot taken twice (m_or & ~m_xor) can be
    # duplicates; otherwise any line of the group can. A group with as many slots as lines holds no
    # duplicate. The table keeps what the counts and the customer table need, and for the other
    # groups, the hash of their raw ids (cand_key) and the slots to look at (cand_slots).
    raw_key = "rc, ro" if "order_id" in used else "rc"
    common = "bits, cust, order_key, is_return, stage, trimmed"
    row_hash = _ROW_HASH.format(hashed)
    twice = "(m_or & ~m_xor)"
    slot = _SLOT.format("h__")
    groups = (f"SELECT rc, ro, bits, count(*) AS n, min(order_date) AS first_d, max(order_date) AS last_d, "
              f"sum(amount) AS amount, bit_or({slot}) AS m_or, bit_xor({slot}) AS m_xor "
              f"FROM ({lines(f'SELECT *, {row_hash} AS h__ FROM raw', ', h__')}) GROUP BY rc, ro, bits")
    con.execute(f"""
        CREATE TEMP TABLE o AS
        SELECT {common}, n, first_d, last_d, amount,
               CASE WHEN n > 1 AND CAST(bit_count(m_or) AS INTEGER) < n THEN hash({raw_key}) END AS cand_key,
               CASE WHEN n > CAST(bit_count(m_or) AS INTEGER) + CAST(bit_count({twice}) AS INTEGER)
                    THEN {_ALL_SLOTS} ELSE {twice} END AS cand_slots
        FROM ({classified(groups)})
    """)
    # Exact duplicates: those lines are read again and grouped on every raw column, so lines that
    # merely share a hash or a slot stay apart. x holds, per set of identical lines, its parsed
    # values and the number of extra copies e.
    key = f"{_q(used['customer_id'])}, {_q(used['order_id'])}" if "order_id" in used else _q(used["customer_id"])
    if "hash" in _DEDUP_STRATEGIES:
        con.execute("CREATE TEMP TABLE cand AS SELECT cand_key AS k__, bit_or(cand_slots) AS s__ FROM o "
                    "WHERE cand_key IS NOT NULL GROUP BY cand_key")
        found = con.execute("SELECT count(*) FROM cand").fetchall()[0][0] > 0
        source = (f"SELECT {raw_columns} FROM (SELECT *, hash({key}) AS k__ FROM raw) JOIN cand USING (k__) "
                  f"WHERE s__ & {_SLOT.format(row_hash)} <> 0")
    else:
        found, source = True, "SELECT * FROM raw"
    having = "HAVING count(*) > 1" if found else "HAVING false"
    con.execute(f"CREATE TEMP TABLE x AS SELECT {common}, amount, e FROM (" + classified(
        "SELECT rc, ro, bits, amount, n__ - 1 AS e FROM ("
        + lines(f"SELECT {raw_columns}, count(*) AS n__ FROM ({source if found else 'SELECT * FROM raw WHERE false'}) "
                f"GROUP BY ALL {having}", ", n__") + ")") + ")")
    # k stacks the groups and, with negative counts, the extra copies of exact duplicates: raw
    # counts the lines read, dl the distinct lines, w the lines analysed (the distinct ones when
    # duplicates are dropped), and amount is the amount of the lines analysed.
    dropped = 1 if actions["duplicates"] == "drop" else 0
    con.execute(f"""
        CREATE TEMP VIEW k AS
        SELECT {common}, n AS raw, n AS dl, n AS w, amount, first_d, last_d, 0 AS extra FROM o
        UNION ALL
        SELECT {common}, 0, -e, -{dropped} * e, -{dropped} * e * amount, NULL, NULL, e FROM x
    """)
    # Every count comes from k summed by stage, return flag, line flags and missing ids (a few
    # dozen rows): lines read, rule matches (on the raw lines), lines removed by each rule in turn,
    # the checks on kept lines and the values that did not parse.
    tally = [_Tally(*row) for row in con.execute(
        "SELECT stage, is_return, bits, cust IS NULL, order_key IS NULL, trimmed, CAST(sum(raw) AS BIGINT), "
        "CAST(sum(dl) AS BIGINT), CAST(sum(w) AS BIGINT), CAST(sum(extra) AS BIGINT), max(last_d) "
        "FROM k GROUP BY ALL").fetchall()]

    def total(field: str, where: Callable[[_Tally], bool] = lambda g: True) -> int:
        return int(sum(getattr(g, field) for g in tally if where(g)))

    for i, canonical in enumerate(checks):
        if total("raw", lambda g: g.has(_FIRST_BAD_VALUE << i)):
            _bad_values(con, used[canonical], expr[canonical], name, canonical,
                        "dates (expected e.g. 2011-12-09 or 2011/12/09 12:50)" if canonical == "order_date" else "numbers")
    if as_of_error is not None:
        raise as_of_error
    last = max((g.last for g in tally if g.last is not None), default=None)
    if as_of_ts is None:
        if last is None:
            raise ParameterError("There are no order dates to take a default analysis date from; set as_of.")
        as_of_ts = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    raw_rows = total("raw")
    matching = [total("extra"), total("raw", lambda g: g.no_customer), total("raw", lambda g: g.has(_MISSING_DATE)),
                total("raw", lambda g: g.is_return), total("raw", lambda g: g.has(_BAD_PRICE) and not g.is_return),
                total("raw", lambda g: g.has(_FUTURE))]
    removed = [matching[0] if actions["duplicates"] == "drop" else 0]
    removed += [total("w", lambda g, i=i: g.stage == i) for i in range(1, len(RULES))]
    kept = [g for g in tally if g.stage is None]
    kept_nulls = [sum(g.dl for g in kept if g.no_customer), sum(g.dl for g in kept if g.has(_MISSING_DATE)),
                  sum(g.dl for g in kept if g.has(_FUTURE) and not g.is_return)]
    no_order = sum(g.dl for g in kept if g.no_order and not g.is_return)
    line_counts = [sum(g.w for g in kept), sum(g.w for g in kept if not g.is_return),
                   sum(g.w for g in kept if g.is_return)]
    quality = DataQuality(raw_rows=raw_rows, results=[
        RuleResult(rule, matching[i], removed[i], actions[rule]) for i, rule in enumerate(RULES)
    ])
    if kept_nulls[0] or kept_nulls[1]:
        which = "customer_id" if kept_nulls[0] else "order_date"
        rule = "missing_customer" if kept_nulls[0] else "missing_date"
        raise DataError(f"{max(kept_nulls[:2]):,} kept line(s) have no {which}; an RFM table needs both "
                        f"(use the action 'drop' for the rule {rule}).", source=name, column=which)
    if kept_nulls[2]:
        raise DataError(f"{kept_nulls[2]:,} purchase line(s) are dated after the analysis date {as_of_ts:%Y-%m-%d}; "
                        "choose a later as_of or use the action 'drop' for the rule future_dates.",
                        source=name, column="order_date")
    if "order_id" in used and no_order:
        raise DataError(f"column {used['order_id']!r} (order_id) is empty on {no_order:,} purchase line(s); "
                        "frequency counts orders, so every purchase line needs one (or map no order_id to "
                        "count purchase dates).", source=name, column=used["order_id"])
    # A kept purchase group is one order when no id was trimmed and only the kept zero-price lines
    # (the flags of kept purchase lines can differ in nothing else) could split an order.
    trimmed = any(g.trimmed for g in kept if not g.is_return)
    one_group_per_order = not trimmed and actions["non_positive_price"] == "drop"
    table, returns_only = _customer_rows(con, types[used["customer_id"]], as_of_ts, returns, one_group_per_order)
    stats = {
        "lines": line_counts[0],
        "purchase_lines": line_counts[1],
        "return_lines": line_counts[2],
        "customers": int(len(table)),
        "customers_returns_only": returns_only,
        "customers_non_positive_monetary": int((table["monetary"] <= 0).sum()),
    }
    basis = "orders" if "order_id" in used else "purchase_dates"
    return CustomerTable(table, as_of_ts, returns, basis, stats, quality=quality)


def _customer_rows(con, cust_type: str, as_of_ts: pd.Timestamp, returns: str,
                   one_group_per_order: bool) -> tuple[pd.DataFrame, int]:
    """The customer table from the kept groups of ``k``, and the number of customers with returns only.

    Frequency counts orders with a purchase line. When every order's kept
    purchase lines form one group of the first pass, it counts those groups
    (the extra copies in ``x`` have ``raw = 0``); otherwise the groups are
    first merged into orders.
    """
    cust_text = _id_expr("cust", cust_type) if _is_numeric(cust_type) else "cust"
    if one_group_per_order:
        source, order = "(SELECT * FROM k WHERE stage IS NULL)", "NOT is_return AND raw > 0"
    else:
        source = ("(SELECT cust, order_key, is_return, min(first_d) AS first_d, max(last_d) AS last_d, "
                  "sum(amount) AS amount FROM k WHERE stage IS NULL GROUP BY cust, order_key, is_return)")
        order = "NOT is_return"
    # sorted by id in DuckDB: byte order of UTF-8 text, the same as Python's order of str
    as_of_day = _lit(as_of_ts.strftime("%Y-%m-%d"))
    result = con.sql(f"""
        SELECT customer_id, CAST(first_purchase AS TIMESTAMP_NS) AS first_purchase,
               CAST(last_purchase AS TIMESTAMP_NS) AS last_purchase,
               date_diff('day', CAST(last_purchase AS DATE), DATE {as_of_day}) AS recency, frequency, gross, returned
        FROM (
            SELECT {cust_text} AS customer_id,
                   min(first_d) FILTER (NOT is_return) AS first_purchase,
                   max(last_d) FILTER (NOT is_return) AS last_purchase,
                   count(*) FILTER ({order}) AS frequency,
                   coalesce(sum(amount) FILTER (NOT is_return), 0) AS gross,
                   -coalesce(sum(amount) FILTER (is_return), 0) AS returned
            FROM {source} GROUP BY cust)
        ORDER BY customer_id
    """).to_arrow_table()
    frequency = result.column("frequency").to_numpy()
    returns_only = int(np.count_nonzero(frequency == 0))
    if returns_only:  # customers with kept return lines only: counted, left out
        result = result.filter(pa.array(frequency > 0))
        frequency = result.column("frequency").to_numpy()
    gross, returned = result.column("gross").to_numpy(), result.column("returned").to_numpy()
    recency = result.column("recency").to_numpy().astype("int64")
    monetary = np.round(gross - returned if returns == "net" else gross, 6)
    table = pd.DataFrame({
        "customer_id": pd.array(result.column("customer_id"), dtype=pd.StringDtype()),
        "first_purchase": result.column("first_purchase").to_numpy(),
        "last_purchase": result.column("last_purchase").to_numpy(),
        "recency": recency,
        "recency_months": months_since(recency),
        "frequency": frequency.astype("int64"),
        "monetary": monetary,
        "mean_order_value": monetary / frequency,
        "returned": np.round(returned, 6),
    }, copy=False)
    return table, returns_only
