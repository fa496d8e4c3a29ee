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
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

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
_NUMBER_NOISE = r"[,\s¥￥$€£元]"
_DATE_FORMATS = (
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
    text = f"NULLIF(trim(CAST({c} AS VARCHAR)), '')"
    tries = [f"TRY_CAST({text} AS TIMESTAMP)"] + [f"try_strptime({text}, {_lit(f)})" for f in _DATE_FORMATS]
    # the plain cast first: it allows surrounding blanks, so where it succeeds the trimmed text
    # gives the same timestamp; the rest (and NULLIF's repeated argument) only for what is left
    return f"COALESCE(TRY_CAST(CAST({c} AS VARCHAR) AS TIMESTAMP), " + ", ".join(tries) + ")"


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
            con.execute(f"CREATE TEMP VIEW raw AS SELECT * FROM {source}")
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


def _aggregate(con, used, types, name, as_of, actions, returns, prefix) -> CustomerTable:
    expr = {"customer_id": _id_expr(used["customer_id"], types[used["customer_id"]]),
            "order_date": _date_expr(used["order_date"], types[used["order_date"]])}
    for canonical in ("amount", "quantity", "unit_price"):
        if canonical in used:
            expr[canonical] = _number_expr(used[canonical], types[used[canonical]])
    checks = [c for c in ("order_date", "amount", "quantity", "unit_price")
              if c in used and not (_is_numeric(types[used[c]]) or types[used[c]].upper().startswith(("TIMESTAMP", "DATE")))]
    # Each value is parsed once, in an inner SELECT; the outer one derives amount, the flags and
    # the parse checks from the parsed values.
    numbers = [c for c in ("amount", "quantity", "unit_price") if c in used]
    order_id = _id_expr(used["order_id"], types[used["order_id"]]) if "order_id" in used else "NULL"
    parsed = ", ".join(
        [f"{expr['customer_id']} AS customer_id", f"{expr['order_date']} AS order_date", f"{order_id} AS order_id"]
        + [f"{expr[c]} AS v__{c}" for c in numbers]
        + [f"{_q(used[c])} AS r__{c}" for c in checks] + ["n__ AS n"])
    amount = "v__amount" if "amount" in used else "(v__quantity * v__unit_price)"
    is_return = f"coalesce(starts_with(order_id, {_lit(prefix)}), false)" if "order_id" in used else "false"
    negative = "v__quantity" if "quantity" in used else amount
    is_return += f" OR coalesce({negative} < 0, false)"
    price_test = "v__unit_price <= 0" if "unit_price" in used else f"{amount} = 0"
    value = {"order_date": "order_date"} | {c: f"v__{c}" for c in numbers}
    bad_cols = "".join(
        f", CASE WHEN {value[c]} IS NULL THEN coalesce(trim(CAST(r__{c} AS VARCHAR)) <> '', false) ELSE false END "
        f"AS bad__{c}" for c in checks)
    raw_columns = ", ".join(_q(c) for c in types)
    canonical = (f"customer_id, order_date, order_id, {amount} AS amount, ({is_return}) AS is_return, "
                 f"coalesce({price_test}, false) AS bad_price{bad_cols}, n")
    flags = ("customer_id IS NULL AS missing_customer, order_date IS NULL AS missing_date, "
             "bad_price AND NOT is_return AS non_positive_price")
    # A given analysis date is known before the pass; the default one (midnight after the last
    # order date) lies after every order date, so then no line is a future date.
    as_of_ts, as_of_error = None, None
    if not (as_of is None or (isinstance(as_of, str) and not as_of.strip())):
        try:
            as_of_ts = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            as_of_error = ParameterError(f"The analysis date `as_of` must be a date like 2011-12-10. Got {as_of!r} instead.")
    if as_of_ts is not None:
        as_of_sql = f"TIMESTAMP {_lit(as_of_ts.strftime('%Y-%m-%d %H:%M:%S'))}"
        future = f"coalesce(order_date >= {as_of_sql}, false)"
    else:
        future = "false"
    weight = "1" if actions["duplicates"] == "drop" else "n"
    flag = {rule: rule for rule in RULES} | {"returns": "is_return"}
    stage_cases = " ".join(
        f"WHEN {flag[rule]} THEN '{rule}'" for rule in RULES[1:] if actions[rule] == "drop"
    )
    stage = f"CASE {stage_cases} ELSE NULL END" if stage_cases else "NULL"
    if "order_id" in used:
        order_key, basis = "order_id", "orders"
    else:
        order_key, basis = "CAST(order_date AS DATE)", "purchase_dates"
    # One pass over the distinct lines for every count: rule matches, sequential removals, the
    # checks on kept lines and the values that did not parse (plus the last order date).
    partials = [
        "sum(n)", "sum(n - 1)",
        "sum(n) FILTER (missing_customer)", "sum(n) FILTER (missing_date)", "sum(n) FILTER (is_return)",
        "sum(n) FILTER (non_positive_price)", "sum(n) FILTER (future_dates)",
        *(f"sum(w) FILTER (stage = '{r}')" for r in RULES[1:]),
        "count(*) FILTER (stage IS NULL AND customer_id IS NULL)",
        "count(*) FILTER (stage IS NULL AND order_date IS NULL)",
        "count(*) FILTER (stage IS NULL AND future_dates AND NOT is_return)",
        "count(*) FILTER (stage IS NULL AND NOT is_return AND order_id IS NULL)",
        "sum(w) FILTER (stage IS NULL)", "sum(w) FILTER (stage IS NULL AND NOT is_return)",
        "sum(w) FILTER (stage IS NULL AND is_return)",
        *(f"count(*) FILTER (bad__{c})" for c in checks),
    ]
    keep_cols = "customer_id, order_date, order_id, amount, is_return, missing_customer, missing_date, " \
        "non_positive_price" + "".join(f", bad__{c}" for c in checks)

    def lines(source: str, carry: str = "") -> str:
        """The canonical lines (with the count n of identical raw lines) of a SELECT of raw columns + n__."""
        return (f"SELECT {keep_cols}, n{carry} FROM (SELECT *, {flags} FROM (SELECT {canonical}{carry} FROM "
                f"(SELECT {parsed}{carry} FROM ({source}))))")

    if "hash" in _DEDUP_STRATEGIES:
        # Exact duplicates without a 10-million-group aggregate on the values. One read of the
        # source gives the canonical lines with a 64-bit hash of all their raw columns; the hashes
        # seen more than once are found with a narrow aggregate. Only the lines with such a hash
        # are then read again and grouped on their raw values, so lines that merely collide on
        # the hash stay apart: the comparison is exact, over every raw column.
        # The second read hashes only the lines whose key column (order id, else customer id)
        # has the hash of a candidate's key (k__), as parsing is cheaper than hashing.
        key = _q(used.get("order_id", used["customer_id"]))
        con.execute("CREATE TEMP TABLE t AS " + lines(
            f"SELECT *, {_ROW_HASH.format(raw_columns)} AS h__, hash({key}) AS k__, 1 AS n__ FROM raw", ", h__, k__"))
        con.execute("CREATE TEMP TABLE dup AS SELECT h__ FROM t GROUP BY h__ HAVING count(*) > 1")
        if con.execute("SELECT count(*) FROM dup").fetchone()[0]:
            con.execute("CREATE TEMP TABLE dup_keys AS SELECT DISTINCT k__ FROM t SEMI JOIN dup USING (h__)")
            con.execute("CREATE TEMP TABLE dup_lines AS " + lines(
                f"SELECT {raw_columns}, count(*) AS n__ FROM (SELECT *, {_ROW_HASH.format(raw_columns)} AS h__ FROM "
                f"(SELECT * FROM raw WHERE hash({key}) IN (SELECT k__ FROM dup_keys))) "
                "SEMI JOIN dup USING (h__) GROUP BY ALL"))
            con.execute(f"CREATE TEMP VIEW g AS SELECT {keep_cols}, n FROM t ANTI JOIN dup USING (h__) "
                        "UNION ALL SELECT * FROM dup_lines")
        else:
            con.execute(f"CREATE TEMP VIEW g AS SELECT {keep_cols}, n FROM t")
    else:
        con.execute("CREATE TEMP TABLE g AS " + lines(f"SELECT {raw_columns}, count(*) AS n__ FROM raw GROUP BY ALL"))
    con.execute(f"CREATE TEMP VIEW k AS SELECT *, {stage} AS stage, {weight} AS w FROM "
                f"(SELECT *, {future} AS future_dates FROM g)")
    row = con.execute("SELECT " + ", ".join(partials) + ", max(order_date) FROM k").fetchone()
    counts, last = [int(v or 0) for v in row[:-1]], row[-1]
    if checks:
        for canonical, n_failed in zip(checks, counts[19:]):
            if n_failed:
                _bad_values(con, used[canonical], expr[canonical], name, canonical,
                            "dates (expected e.g. 2011-12-09 or 2011/12/09 12:50)" if canonical == "order_date" else "numbers")
    if as_of_error is not None:
        raise as_of_error
    if as_of_ts is None:
        if last is None:
            raise ParameterError("There are no order dates to take a default analysis date from; set as_of.")
        as_of_ts = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    raw_rows, matching = counts[0], counts[1:7]
    removed = [counts[1] if actions["duplicates"] == "drop" else 0] + counts[7:12]
    kept_nulls, no_order, line_counts = counts[12:15], counts[15], counts[16:19]
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
    table = con.execute(f"""
        WITH o AS (
            SELECT customer_id, {order_key} AS order_key,
                   min(order_date) FILTER (NOT is_return) AS first_d,
                   max(order_date) FILTER (NOT is_return) AS last_d,
                   sum(amount * w) FILTER (NOT is_return) AS gross,
                   sum(amount * w) FILTER (is_return) AS ret,
                   bool_or(NOT is_return) AS purchase
            FROM k WHERE stage IS NULL GROUP BY ALL
        )
        SELECT customer_id, min(first_d) AS first_purchase, max(last_d) AS last_purchase,
               count(*) FILTER (purchase) AS frequency,
               coalesce(sum(gross), 0) AS gross, -coalesce(sum(ret), 0) AS returned
        FROM o GROUP BY customer_id ORDER BY customer_id
    """).df()
    returns_only = table["frequency"] == 0
    table = table.loc[~returns_only].sort_values("customer_id", kind="stable").reset_index(drop=True)
    table["customer_id"] = table["customer_id"].astype("string")
    for column in ("first_purchase", "last_purchase"):
        table[column] = table[column].astype("datetime64[ns]")
    table["frequency"] = table["frequency"].astype("int64")
    table["recency"] = (as_of_ts.normalize() - table["last_purchase"].dt.normalize()).dt.days.astype("int64")
    table["recency_months"] = months_since(table["recency"])
    table["monetary"] = (table["gross"] - table["returned"]) if returns == "net" else table["gross"]
    table["monetary"] = table["monetary"].astype("float64").round(6)
    table["returned"] = table["returned"].astype("float64").round(6)
    table["mean_order_value"] = table["monetary"] / table["frequency"]
    table = table[list(CUSTOMER_COLUMNS)]
    stats = {
        "lines": int(line_counts[0] or 0),
        "purchase_lines": int(line_counts[1] or 0),
        "return_lines": int(line_counts[2] or 0),
        "customers": int(len(table)),
        "customers_returns_only": int(returns_only.sum()),
        "customers_non_positive_monetary": int((table["monetary"] <= 0).sum()),
    }
    return CustomerTable(table, as_of_ts, returns, basis, stats, quality=quality)
