"""The RFM customer table straight from a CSV or Parquet file, in DuckDB.

The transaction file is never loaded into pandas: DuckDB reads it, applies
the same counted cleaning rules as :mod:`toolkit.data.cleaning` (in SQL),
aggregates per customer, and only the customer table comes back. DuckDB
spills to disk when it runs short of memory, so files larger than memory
work. The definitions of recency, frequency and monetary value are those of
:mod:`toolkit.rfm.customers`, and every decision on how to read the values
(decimal mark, date order, reading options) is the core's, taken from the
distinct values (:mod:`toolkit.data.formats`); ``tests/data/duckdb/test_engine_parity.py``
checks that both engines accept the same files and give the same answers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.data import cleaning
from toolkit.data.cleaning import RULES, DataQuality, RuleResult
from toolkit.data.duckdb.lines import (
    BAD_PRICE,
    CANCELLED,
    FUTURE,
    LOOKUP_DATE,
    LOOKUP_FOUND,
    MISSING_DATE,
    NON_MERCHANDISE,
    TOO_EARLY,
    TOO_LATE,
    classified_sql,
    date_expr,
    id_expr,
    is_numeric,
    iso_date_expr,
    line_sql,
    literal,
    number_expr,
    quote,
    text_values,
)
from toolkit.data.encoding import bad_byte_error
from toolkit.data.formats import (
    OUT_OF_RANGE,
    YEAR_RANGE,
    bad_values_error,
    decide_dates,
    decide_file_numbers,
    parse_date_text,
)
from toolkit.data.mapping import CANONICAL_COLUMNS, parse_mapping
from toolkit.data.options import ReadOptions, split_options
from toolkit.data.readers import text_layout
from toolkit.data.transactions import parse_as_of
from toolkit.data.validation import NUMERIC_COLUMNS, _number_text, resolve_columns
from toolkit.errors import DataError, ParameterError, check_choice

if TYPE_CHECKING:  # the RFM table type; imported late below, as toolkit.rfm imports this engine
    from toolkit.rfm.customers import CustomerTable

#: An open DuckDB connection (duckdb is imported when a file is read, not with this module).
Connection = Any

__all__ = ["customer_table_from_file", "SQL_SUFFIXES"]

SQL_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".parquet", ".pq")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_UTF8 = {"utf-8", "utf-8-sig", "utf_8", "ascii"}
ACTIONS: tuple[str, ...] = ("drop", "keep")  # as in toolkit.data.cleaning
# SQL for the 64-bit hash of a line's canonical values; tests swap in a weak one to force collisions
_ROW_HASH = "hash({})"
_DEDUP_STRATEGIES = ("hash", "exact")  # "hash": re-read only candidate lines; "exact": every line
# a line's slot: one of 64 bits, chosen by its hash (lines with equal hashes share a slot)
_SLOT = "(CAST(1 AS UBIGINT) << ({} & 63))"
_ALL_SLOTS = "CAST(18446744073709551615 AS UBIGINT)"
# what the tables of groups (o) and of duplicate copies (x) share, from toolkit.data.duckdb.lines
_GROUP_COLUMNS = "bits, cust, order_key, is_return, stage, trimmed"


def _utf8_copy(path: Path, encoding: str) -> Path:
    """Stream a text file into a UTF-8 temporary copy DuckDB can read."""
    target = Path(tempfile.mkdtemp(prefix="pmkt-rfm-")) / (path.stem + ".utf8" + path.suffix)
    with (
        path.open("r", encoding=encoding, errors="strict", newline="") as src,
        target.open("w", encoding="utf-8", newline="") as dst,
    ):
        try:
            for chunk in iter(lambda: src.read(1 << 22), ""):
                dst.write(chunk)
        except UnicodeDecodeError:
            raise bad_byte_error(path, encoding) from None
    return target


class _Layout(NamedTuple):
    """How a file is read: its SQL, the temporary UTF-8 copy to delete, encoding and delimiter (text only)."""

    sql: str
    temp: Path | None
    encoding: str | None
    delimiter: str | None


def _source_sql(path: Path) -> _Layout:
    suffix = path.suffix.lower()
    if suffix in _PARQUET_SUFFIXES:
        return _Layout(f"read_parquet({literal(str(path))})", None, None, None)
    # the core's encoding, delimiter and check of the first lines, so both engines read a file alike
    encoding, delimiter = text_layout(path)
    temp, source = None, path
    if encoding.lower().replace("_", "-") not in _UTF8:
        temp = _utf8_copy(path, encoding)
        source = temp
    return _Layout(
        f"read_csv({literal(str(source))}, header=true, skip=0, all_varchar=true, "
        f"delim={literal(delimiter)})",
        temp,
        encoding,
        delimiter,
    )


def _distinct_text(con: Connection, expr: str, where: str = "true") -> pd.DataFrame:
    """Distinct non-NULL values of ``expr`` over ``raw``: ``value``, first ``row`` (0-based), ``n`` lines."""
    return con.execute(
        f"SELECT v AS value, min(row__) AS row, count(*) AS n FROM "
        f"(SELECT {expr} AS v, row__ FROM raw WHERE {where}) WHERE v IS NOT NULL GROUP BY v"
    ).df()


def _series(frame: pd.DataFrame, column: str = "value") -> tuple[pd.Series, pd.Series]:
    """Distinct values and their counts, indexed by first row, as :mod:`toolkit.data.formats` takes them."""
    frame = frame.sort_values("row")
    index = pd.Index(frame["row"].to_numpy(dtype="int64"))
    return (
        pd.Series(frame[column].to_numpy(), index=index),
        pd.Series(frame["n"].to_numpy(dtype="int64"), index=index),
    )


def _check_stored(
    con: Connection, column: str, test: str, shown: str, message: str, where: dict[str, Any]
) -> None:
    """Refuse stored (typed) values for which ``test`` holds, naming their rows."""
    bad = con.execute(f"SELECT row__, {shown} FROM raw WHERE {test} ORDER BY row__").fetchall()
    if bad:
        values = pd.Series([v for _, v in bad], index=[r for r, _ in bad], dtype="string")
        raise bad_values_error(message, values, fix="blank them or fix them", column=column, **where)


def _decide_formats(
    con: Connection,
    used: Mapping[str, str],
    types: Mapping[str, str],
    name: str,
    options: ReadOptions,
    row_offset: int,
) -> tuple[dict[str, str], bool, dict[str, str]]:
    """Decide how the date and numeric columns are read, from their distinct values, as the core does.

    Creates the view ``dated``: the lines of ``raw`` with ``ts__``, the order
    date of a text the SQL cast does not read, parsed by
    :func:`toolkit.data.formats.parse_date_text` once per distinct value and
    joined back.

    Returns
    -------
    decimals : dict
        ``{canonical: decimal mark}`` of the numeric text columns.
    fast_dates : bool
        Whether ISO date texts are cast in SQL.
    formats : dict
        ``{canonical: description}``, as ``SourceInfo.formats``.
    """
    where: dict[str, Any] = dict(source=name, row_offset=row_offset)
    formats: dict[str, str] = {}
    column = used["order_date"]
    c, sql_type = quote(column), types[column]
    base = sql_type.upper().split("(")[0]
    fast_dates = options.date_format is None
    lookup = None
    if base.startswith("TIMESTAMP") or base == "DATE":
        low, high = YEAR_RANGE
        _check_stored(
            con,
            column,
            f"NOT (year({c}) BETWEEN {low} AND {high})",
            f"CAST({c} AS VARCHAR)",
            OUT_OF_RANGE,
            where | {"canonical": "order_date"},
        )
        has = con.execute(f"SELECT count({c}) FROM raw").fetchall()[0][0]
        formats["order_date"] = "stored as dates" if has else "no dates"
    else:
        if is_numeric(sql_type):  # numbers are Excel serial dates, written as a spreadsheet shows them
            frame = _distinct_text(con, f"CAST({c} AS DOUBLE)")
            frame["text"] = _number_text(frame["value"]).to_numpy()
            text, counts = _series(frame, "text")
            keys = frame.set_index("row")["value"].reindex(text.index)
            key_type, key_expr = pa.float64(), f"CAST({c} AS DOUBLE)"
        else:
            text_expr = f"CAST({c} AS VARCHAR)"
            # the texts the cast reads are left out but one (the first, so the description names it)
            iso = f"coalesce({iso_date_expr(text_expr)} IS NOT NULL, false)" if fast_dates else "false"
            # one group for all the texts the cast reads (shown by the first), one per other text
            frame = con.execute(
                f"SELECT arg_min(v, row__) AS value, min(row__) AS row, count(*) AS n FROM "
                f"(SELECT {text_expr} AS v, row__, {iso} AS iso FROM raw) WHERE v IS NOT NULL "
                f"GROUP BY CASE WHEN iso THEN NULL ELSE v END"
            ).df()
            text, counts = _series(frame)
            keys, key_type, key_expr = text, pa.string(), text_expr
        decision = decide_dates(
            text.astype("string"),
            date_format=options.date_format,
            dayfirst=options.dayfirst,
            column=column,
            canonical="order_date",
            counts=counts,
            **where,
        )
        formats["order_date"] = decision.description if len(text) else "no dates"
        stamps = parse_date_text(text.astype("string"), decision)
        lookup = pa.table(
            {
                "k__": pa.array(keys.tolist(), type=key_type),
                LOOKUP_DATE: pa.array(stamps.astype("datetime64[us]"), type=pa.timestamp("us")),
            }
        )
    if lookup is not None and lookup.num_rows:
        con.register("dates__", lookup)
        con.execute(
            f"CREATE TEMP VIEW dated AS SELECT raw.*, d__.{LOOKUP_DATE}, d__.k__ IS NOT NULL AS {LOOKUP_FOUND} "
            f"FROM raw LEFT JOIN dates__ AS d__ ON {key_expr} = d__.k__"
        )
    else:
        con.execute(
            f"CREATE TEMP VIEW dated AS SELECT *, CAST(NULL AS TIMESTAMP) AS {LOOKUP_DATE}, "
            f"false AS {LOOKUP_FOUND} FROM raw"
        )
    texts, counts = {}, {}
    for canonical in (c for c in NUMERIC_COLUMNS if c in used):
        column = used[canonical]
        q = quote(column)
        if is_numeric(types[column]):
            _check_stored(
                con,
                column,
                f"isinf(CAST({q} AS DOUBLE))",
                f"CAST({q} AS VARCHAR)",
                "are not finite numbers",
                where | {"canonical": canonical},
            )
            has = con.execute(f"SELECT count({q}) FROM raw").fetchall()[0][0]
            formats[canonical] = "stored as numbers" if has else "no numbers"
            continue
        text, n = _series(_distinct_text(con, f"CAST({q} AS VARCHAR)"))
        if len(text):
            texts[canonical], counts[canonical] = text.astype("string"), n
        else:
            formats[canonical] = "no numbers"
    decisions = decide_file_numbers(
        texts, source=name, columns=used, given=options.decimal, row_offset=row_offset, counts=counts
    )
    formats |= {canonical: d.description for canonical, d in decisions.items()}
    return {canonical: d.decimal for canonical, d in decisions.items()}, fast_dates, formats


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
    record: dict[str, Any] | None = None,
    today: str | pd.Timestamp | None = None,
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
        :func:`toolkit.data.load_transactions`. It may hold the reading
        options of :mod:`toolkit.data.options` (``decimal``,
        ``date_format``, ``dayfirst``, ``non_merchandise``).
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
    record : dict, optional
        Filled with how the file was read, as the core's provenance gives
        it: ``encoding`` and ``delimiter`` (text files), ``formats``
        (``{canonical: how its values were read}``), ``options`` (the
        reading options given), ``mapping`` (the columns used) and
        ``period`` (first and last order date analysed).
    today : str or Timestamp, optional
        The run's calendar day for the rule implausible_dates (default:
        today; tests pin it).

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

    from toolkit.rfm.customers import RETURNS_RULES

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
    layout = _source_sql(path)
    mapping = parse_mapping(columns)
    options = split_options(mapping)[1]
    parquet = path.suffix.lower() in _PARQUET_SUFFIXES
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = {literal(memory_limit)}")
        con.execute(f"SET temp_directory = {literal(tempfile.gettempdir() + '/pmkt-duckdb')}")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        try:
            con.execute(f"CREATE TEMP VIEW source AS SELECT * FROM {layout.sql}")
            described = con.execute("DESCRIBE source").fetchall()
        except duckdb.Error as exc:
            raise DataError(f"cannot be read: {exc}", source=name) from None
        types = {str(row[0]): str(row[1]) for row in described}
        used = resolve_columns(list(types), mapping, name)
        # Every line carries row__, its 0-based position in the file, for messages and ties. Text is
        # parsed once: a CSV is loaded into a DuckDB table (which spills to disk when larger than
        # memory) in file order, so its rowid is the position; the lines that may be duplicates are
        # read a second time.
        try:
            if parquet:
                numbered = layout.sql[:-1] + ", file_row_number = true)"
                con.execute(
                    f"CREATE TEMP VIEW raw AS SELECT * EXCLUDE (file_row_number), "
                    f"file_row_number AS row__ FROM {numbered}"
                )
            else:
                con.execute("SET preserve_insertion_order = true")
                con.execute("CREATE TEMP TABLE raw_lines AS SELECT * FROM source")
                con.execute("CREATE TEMP VIEW raw AS SELECT *, rowid AS row__ FROM raw_lines")
        except duckdb.Error as exc:
            if "unicode" in str(exc).lower():  # a stray byte beyond the part the encoding was judged on
                raise bad_byte_error(path, "utf-8", name) from None
            raise DataError(f"cannot be read: {exc}", source=name) from None
        con.execute("SET preserve_insertion_order = false")
        decimals, fast_dates, formats = _decide_formats(con, used, types, name, options, 1 if parquet else 2)
        table, period = _aggregate(
            con,
            used,
            types,
            name,
            as_of,
            actions,
            returns,
            cancellation_prefix,
            decimals,
            fast_dates,
            options,
            pd.Timestamp(today) if today is not None else pd.Timestamp.today(),
            1 if parquet else 2,
        )
        if record is not None:
            record.update(
                encoding=layout.encoding,
                delimiter=layout.delimiter,
                formats=formats,
                options=options.as_dict(),
                mapping={k: used[k] for k in CANONICAL_COLUMNS if k in used},
                period=period,
            )
        return table
    finally:
        con.close()
        if layout.temp is not None:
            layout.temp.unlink(missing_ok=True)
            layout.temp.parent.rmdir()


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
    first: Any

    def has(self, bit: int) -> bool:
        return bool(self.bits & bit)


def _rule_flags(
    con: Connection,
    used: Mapping[str, str],
    types: Mapping[str, str],
    options: ReadOptions,
    prefix: str,
    decimals: Mapping[str, str],
    fast_dates: bool,
    today: pd.Timestamp,
    actions: Mapping[str, str],
) -> tuple[list[str], dict[int, str]]:
    """The line flags of the rules implausible_dates, non_merchandise and cancelled_orders, and the view ``src``.

    Returns ``(extra_columns, extra_flags)`` for
    :func:`toolkit.data.duckdb.lines.line_sql`; a rule that is not in ``RULES``
    or lacks its columns gets no flag.
    """
    columns: list[str] = []
    flags: dict[int, str] = {}
    base = line_sql(used, types, None, decimals, fast_dates)
    if "implausible_dates" in RULES:
        # the core's median is the lower middle value, as quantile_disc gives it
        median = con.execute(
            f"SELECT quantile_disc(order_date, 0.5) FROM ({base('SELECT *, 0 AS h0__ FROM dated')})"
        ).fetchall()[0][0]
        low, high = cleaning.plausible_range(pd.Series([median], dtype="datetime64[ns]"), today)
        flags[TOO_EARLY] = f"order_date < TIMESTAMP {literal(f'{low:%Y-%m-%d %H:%M:%S.%f}')}"
        flags[TOO_LATE] = f"order_date >= TIMESTAMP {literal(f'{high:%Y-%m-%d %H:%M:%S.%f}')}"
    if "non_merchandise" in RULES and "product_id" in used:
        codes = {
            str(code).strip().upper()
            for code in (*cleaning.NON_MERCHANDISE_CODES, *options.non_merchandise)
            if str(code).strip()
        }
        columns.append(f"upper({id_expr(used['product_id'], types[used['product_id']])}) AS np__")
        flags[NON_MERCHANDISE] = f"np__ IN ({', '.join(literal(c) for c in sorted(codes))})"
    matched = None
    if "cancelled_orders" in RULES and {"product_id", "quantity"} <= used.keys():
        # as in the core, only the lines the rules before cancelled_orders leave are paired
        plausible = (
            f"NOT ({flags[TOO_EARLY]}) AND NOT ({flags[TOO_LATE]})"
            if TOO_EARLY in flags and actions["implausible_dates"] == "drop"
            else "true"
        )
        matched = _matched_cancellations(
            con,
            used,
            types,
            prefix,
            decimals,
            fast_dates,
            plausible,
            drop_copies=actions["duplicates"] == "drop",
        )
    if matched is not None and len(matched):
        con.register("matched__", pa.table({"m__": pa.array(np.asarray(matched, dtype="int64"))}))
        con.execute(
            "CREATE TEMP VIEW src AS SELECT dated.*, m.m__ IS NOT NULL AS cancelled__ FROM dated "
            "LEFT JOIN matched__ AS m ON dated.row__ = m.m__"
        )
        columns.append("cancelled__")
        flags[CANCELLED] = "cancelled__"
    else:
        con.execute("CREATE TEMP VIEW src AS SELECT * FROM dated")
    return columns, flags


def _matched_cancellations(
    con: Connection,
    used: Mapping[str, str],
    types: Mapping[str, str],
    prefix: str,
    decimals: Mapping[str, str],
    fast_dates: bool,
    plausible: str = "true",
    drop_copies: bool = True,
) -> pd.DataFrame:
    """File rows (0-based) of the cancellations matched to a sale, and of those sales.

    Only the candidate lines are fetched: cancellations and sales whose
    customer, product and absolute quantity some cancellation has, with a
    plausible date (``plausible``: SQL over ``order_date``). Every copy of a
    duplicate line has the same key, so the later copies are found among
    the candidates and left out (``drop_copies``) before pairing. The
    matching itself is :func:`toolkit.data.cancellations.match_cancellations`.
    """
    from toolkit.data.cancellations import match_cancellations

    cust = id_expr(used["customer_id"], types[used["customer_id"]])
    product = f"upper({id_expr(used['product_id'], types[used['product_id']])})"
    quantity = number_expr(used["quantity"], types[used["quantity"]], decimals.get("quantity", "."))
    date = date_expr(used["order_date"], types[used["order_date"]], fast_dates)
    cancel = f"{quantity} < 0"
    if "order_id" in used:
        cancel += f" OR coalesce(starts_with({id_expr(used['order_id'], types[used['order_id']])}, {literal(prefix)}), false)"
    # the values duplicates are judged on (as in _duplicate_copies): ids, date, numbers, texts
    same = [id_expr(used["order_id"], types[used["order_id"]])] if "order_id" in used else []
    same += [
        number_expr(used[c], types[used[c]], decimals.get(c, "."))
        for c in NUMERIC_COLUMNS
        if c in used and c != "quantity"
    ]
    same += text_values(used, types)
    copies = "".join(f", {expr} AS same{i}__" for i, expr in enumerate(same))
    lines = (
        f"SELECT row__, {cust} AS customer_id, {product} AS product_id, {quantity} AS quantity, "
        f"{date} AS order_date, coalesce({cancel}, false) AS is_cancellation{copies} FROM dated"
    )
    con.execute(
        f"CREATE TEMP TABLE cancel_keys AS SELECT DISTINCT customer_id, product_id, abs(quantity) AS q "
        f"FROM ({lines}) WHERE is_cancellation AND customer_id IS NOT NULL AND product_id IS NOT NULL"
    )
    if not con.execute("SELECT count(*) FROM cancel_keys").fetchall()[0][0]:
        return None
    frame = con.execute(
        f"SELECT l.* EXCLUDE (row__), l.row__ AS row FROM ({lines}) AS l JOIN cancel_keys AS k "
        f"ON l.customer_id = k.customer_id AND l.product_id = k.product_id AND abs(l.quantity) = k.q "
        f"WHERE {plausible.replace('order_date', 'l.order_date')} ORDER BY l.row__"
    ).df()
    if drop_copies:
        judged = [
            "customer_id",
            "product_id",
            "quantity",
            "order_date",
            *(f"same{i}__" for i in range(len(same))),
        ]
        frame = frame[~frame.duplicated(subset=judged, keep="first")]
    return match_cancellations(frame)


def _aggregate(
    con: Connection,
    used: Mapping[str, str],
    types: Mapping[str, str],
    name: str,
    as_of: object,
    actions: Mapping[str, str],
    returns: str,
    prefix: str,
    decimals: Mapping[str, str],
    fast_dates: bool,
    options: ReadOptions,
    today: pd.Timestamp,
    row_offset: int,
) -> tuple[CustomerTable, list[str] | None]:
    """Group the lines, find the exact duplicates, count the rules and build the customer table."""
    as_of_ts = parse_as_of(as_of, today)
    columns, flags = _rule_flags(con, used, types, options, prefix, decimals, fast_dates, today, actions)
    # with the default analysis date (after the last plausible date), the lines after it are the too late ones
    future_bits = FUTURE | (TOO_LATE if as_of_ts is None and TOO_LATE in flags else 0)
    lines = line_sql(used, types, as_of_ts, decimals, fast_dates, _ROW_HASH, columns, flags)
    classified = classified_sql(used, types, actions, prefix, future_bits)
    _group_lines(con, used, types, lines, classified, CANCELLED if CANCELLED in flags else 0)
    _duplicate_copies(con, used, types, lines, classified)
    _stack(con, dropped=actions["duplicates"] == "drop")
    tally = _read_tally(con)
    if as_of_ts is None:
        last = max(
            (g.last for g in tally if g.last is not None and not g.has(TOO_EARLY | TOO_LATE)), default=None
        )
        if last is None:
            raise ParameterError(
                "There are no plausible order dates to take a default analysis date from; set as_of."
            )
        as_of_ts = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    examples = {}
    if TOO_EARLY in flags and any(g.has(TOO_EARLY | TOO_LATE) for g in tally):
        examples["implausible_dates"] = _implausible_examples(con, lines, row_offset)
    quality = _quality(tally, actions, used, future_bits, examples)
    quality.check_rows_left(name)
    kept = [g for g in tally if g.stage is None]
    _check_kept_lines(kept, used, name, as_of_ts, future_bits)
    # A kept purchase group is one order when no id was trimmed and only the kept zero-price lines
    # (the flags of kept purchase lines can differ in nothing else) could split an order.
    trimmed = any(g.trimmed for g in kept if not g.is_return)
    # a matched cancellation's flag is given line by line, so a group can hold only the later copies of
    # lines whose first copy was cancelled: such a group is empty once its copies are taken out
    one_group_per_order = not trimmed and actions["non_positive_price"] == "drop" and CANCELLED not in flags
    table, returns_only = _customer_rows(
        con, types[used["customer_id"]], as_of_ts, returns, one_group_per_order
    )
    stats = {
        "lines": _total(kept, "w"),
        "purchase_lines": _total(kept, "w", lambda g: not g.is_return),
        "return_lines": _total(kept, "w", lambda g: g.is_return),
        "customers": int(len(table)),
        "customers_returns_only": returns_only,
        "customers_non_positive_monetary": int((table["monetary"] <= 0).sum()),
    }
    basis = "orders" if "order_id" in used else "purchase_dates"
    first = min((g.first for g in kept if g.first is not None), default=None)
    last = max((g.last for g in kept if g.last is not None), default=None)
    period = (
        [f"{pd.Timestamp(first):%Y-%m-%d %H:%M}", f"{pd.Timestamp(last):%Y-%m-%d %H:%M}"] if first else None
    )
    from toolkit.rfm.customers import CustomerTable

    return CustomerTable(table, as_of_ts, returns, basis, stats, quality=quality), period


def _text_hash(used: Mapping[str, str], types: Mapping[str, str]) -> str:
    """SQL for the hash of a line's canonical texts (:func:`toolkit.data.duckdb.lines.text_values`)."""
    values = text_values(used, types)
    return f"hash({', '.join(values)})" if values else "CAST(0 AS UBIGINT)"


def _group_lines(
    con: Connection,
    used: Mapping[str, str],
    types: Mapping[str, str],
    lines: Callable[..., str],
    classified: Callable[[str], str],
    loose_bits: int = 0,
) -> None:
    """Table ``o``: one pass over the file, grouping lines by raw customer id, order id and flags.

    Per group: the lines, their first and last date and amount, with the
    group's trimmed ids and cleaning stage. Two lines that are duplicates
    (equal canonical values) in one group have the same hash ``h__`` and so
    the same slot; ``m_or`` holds the slots taken and ``m_xor`` those taken
    an odd number of times. A group with as many slots as lines holds no
    duplicate. If every slot is taken at most twice (lines = taken + taken
    twice), only the lines in a slot taken twice (``m_or & ~m_xor``) can be
    duplicates; otherwise any line of the group can. For the groups that may
    hold duplicates the table keeps the hash of their raw ids (``cand_key``)
    and the slots to look at (``cand_slots``).

    Duplicates share every flag but the ``loose_bits`` (the mark of a matched
    cancellation, given line by line): the groups that differ only in those
    are judged together.
    """
    slot, twice = _SLOT.format("h__"), "(m_or & ~m_xor)"
    raw_key = "rc, ro" if "order_id" in used else "rc"
    groups = (
        f"SELECT rc, ro, bits, count(*) AS n, min(order_date) AS first_d, max(order_date) AS last_d, "
        f"sum(amount) AS amount, bit_or({slot}) AS m_or, bit_xor({slot}) AS m_xor "
        f"FROM ({lines(f'SELECT *, {_text_hash(used, types)} AS h0__ FROM src')}) GROUP BY rc, ro, bits"
    )
    if loose_bits:  # xor of the groups' xors is the xor of their lines, so the slot masks combine
        groups = (
            f"SELECT * EXCLUDE (n, m_or, m_xor), n AS n__, sum(n) OVER w AS n, bit_or(m_or) OVER w AS m_or, "
            f"bit_xor(m_xor) OVER w AS m_xor FROM ({groups}) "
            f"WINDOW w AS (PARTITION BY rc, ro, bits & ~CAST({loose_bits} AS USMALLINT))"
        )
    count = "n__" if loose_bits else "n"
    con.execute(f"""
        CREATE TEMP TABLE o AS
        SELECT {_GROUP_COLUMNS}, {count} AS n, first_d, last_d, amount,
               CASE WHEN n > 1 AND CAST(bit_count(m_or) AS INTEGER) < n THEN hash({raw_key}) END AS cand_key,
               CASE WHEN n > CAST(bit_count(m_or) AS INTEGER) + CAST(bit_count({twice}) AS INTEGER)
                    THEN {_ALL_SLOTS} ELSE {twice} END AS cand_slots
        FROM ({classified(groups)})
    """)


def _duplicate_copies(
    con: Connection,
    used: Mapping[str, str],
    types: Mapping[str, str],
    lines: Callable[..., str],
    classified: Callable[[str], str],
) -> None:
    """Table ``x``: the copies of duplicate lines but the first, by group columns: their amount and number ``e``.

    Duplicates have equal canonical values: ids as the core normalises them,
    parsed dates and numbers, the other columns trimmed. When no id was
    changed by trimming, two duplicates have the same raw ids and so lie in
    one group of :func:`_group_lines`: only the candidate lines found there
    are read again. Otherwise (or with the "exact" strategy) every line is.
    The lines are then grouped on their canonical values themselves, so
    lines that merely share a hash or a slot stay apart: the duplicates are
    exact. As in the core, the first copy in the file stays and the others
    are the duplicates, each with its own flags.
    """
    texts = text_values(used, types)
    carry = "".join(f", t{i}__" for i in range(len(texts))) + ", row__"
    numbered = ", ".join(
        [f"{_text_hash(used, types)} AS h0__"] + [f"{t} AS t{i}__" for i, t in enumerate(texts)]
    )
    any_trimmed = con.execute("SELECT coalesce(bool_or(trimmed), false) FROM o").fetchall()[0][0]
    if "hash" in _DEDUP_STRATEGIES and not any_trimmed:
        con.execute(
            "CREATE TEMP TABLE cand AS SELECT cand_key AS k__, bit_or(cand_slots) AS s__ FROM o "
            "WHERE cand_key IS NOT NULL GROUP BY cand_key"
        )
        keys = ", ".join(quote(used[c]) for c in ("customer_id", "order_id") if c in used)
        candidates = (
            f"SELECT *, {numbered} FROM (SELECT *, hash({keys}) AS k__ FROM src) JOIN cand USING (k__)"
        )
        source = (
            f"SELECT * FROM ({lines(candidates, carry + ', s__')}) WHERE s__ & {_SLOT.format('h__')} <> 0"
        )
        if not con.execute("SELECT count(*) FROM cand").fetchall()[0][0]:
            # no group can hold a duplicate: nothing to read
            con.execute(
                f"CREATE TEMP TABLE x AS SELECT {_GROUP_COLUMNS}, amount, CAST(0 AS BIGINT) AS e FROM o "
                "WHERE false"
            )
            return
    else:  # every line (tests compare both strategies)
        source = lines(f"SELECT *, {numbered} FROM src", carry)
    cust_type = types[used["customer_id"]]
    same_line = [id_expr("rc", cust_type)]
    same_line += [id_expr("ro", types[used["order_id"]])] if "order_id" in used else ["ro"]
    numbers = [f"v__{c}" for c in NUMERIC_COLUMNS if c in used]
    same_line += ["order_date", *numbers] + [f"t{i}__" for i in range(len(texts))]
    identical = (
        f"SELECT rc, ro, bits, sum(amount) AS amount, count(*) AS e FROM ("
        f"SELECT *, row_number() OVER (PARTITION BY {', '.join(same_line)} ORDER BY row__) AS copy__ "
        f"FROM ({source})) WHERE copy__ > 1 GROUP BY rc, ro, bits"
    )
    con.execute(f"CREATE TEMP TABLE x AS SELECT {_GROUP_COLUMNS}, amount, e FROM ({classified(identical)})")


def _stack(con: Connection, dropped: bool) -> None:
    """View ``k``: the groups, and with negative counts the extra copies of exact duplicates.

    ``raw`` counts the lines read, ``dl`` the distinct lines, ``w`` the lines
    analysed (the distinct ones when duplicates are dropped) and ``amount``
    is the amount of the lines analysed.
    """
    d = 1 if dropped else 0
    con.execute(f"""
        CREATE TEMP VIEW k AS
        SELECT {_GROUP_COLUMNS}, n AS raw, n AS dl, n AS w, amount, first_d, last_d, 0 AS extra FROM o
        UNION ALL
        SELECT {_GROUP_COLUMNS}, 0, -e, -{d} * e, -{d} * amount, NULL, NULL, e FROM x
    """)


def _read_tally(con: Connection) -> list[_Tally]:
    """``k`` summed by stage, return flag, line flags and missing ids: a few dozen rows."""
    return [
        _Tally(*row)
        for row in con.execute(
            "SELECT stage, is_return, bits, cust IS NULL, order_key IS NULL, trimmed, CAST(sum(raw) AS BIGINT), "
            "CAST(sum(dl) AS BIGINT), CAST(sum(w) AS BIGINT), CAST(sum(extra) AS BIGINT), max(last_d), min(first_d) "
            "FROM k GROUP BY ALL"
        ).fetchall()
    ]


def _total(tally: list[_Tally], field: str, where: Callable[[_Tally], bool] = lambda g: True) -> int:
    return int(sum(getattr(g, field) for g in tally if where(g)))


def _at_stage(stage: int) -> Callable[[_Tally], bool]:
    """A test for the groups that rule number ``stage`` removed."""
    return lambda group: group.stage == stage


def _quality(
    tally: list[_Tally],
    actions: Mapping[str, str],
    used: Mapping[str, str],
    future_bits: int = FUTURE,
    examples: Mapping[str, tuple] | None = None,
) -> DataQuality:
    """Rows matching each rule (on the raw lines) and rows removed by each rule in turn, as the core counts them."""
    matched_dropped = actions.get("cancelled_orders") == "drop"
    tests: dict[str, Callable[[_Tally], bool]] = {
        "missing_customer": lambda g: g.no_customer,
        "missing_date": lambda g: g.has(MISSING_DATE),
        "implausible_dates": lambda g: g.has(TOO_EARLY | TOO_LATE),
        "cancelled_orders": lambda g: g.has(CANCELLED),
        "non_merchandise": lambda g: g.has(NON_MERCHANDISE),
        # a matched cancellation is no return when the rule cancelled_orders removes it
        "returns": lambda g: g.is_return and not (matched_dropped and g.has(CANCELLED)),
        "non_positive_price": lambda g: g.has(BAD_PRICE) and not g.is_return,
        "future_dates": lambda g: g.has(future_bits),
    }
    matching = [_total(tally, "extra")] + [_total(tally, "raw", tests[rule]) for rule in RULES[1:]]
    removed = [matching[0] if actions["duplicates"] == "drop" else 0]
    removed += [_total(tally, "w", _at_stage(i)) for i in range(1, len(RULES))]
    not_checked = {
        rule: tuple(c for c in columns if c not in used) for rule, columns in cleaning.RULE_COLUMNS.items()
    }
    return DataQuality(
        raw_rows=_total(tally, "raw"),
        results=[
            RuleResult(
                rule,
                matching[i],
                removed[i],
                actions[rule],
                (examples or {}).get(rule, ()),
                not_checked.get(rule, ()),
            )
            for i, rule in enumerate(RULES)
        ],
    )


def _implausible_examples(
    con: Connection, lines: Callable[..., str], row_offset: int
) -> tuple[tuple[int, str], ...]:
    """The first five implausible lines in file order, as ``(row number, date)``, as the core shows them."""
    rows = con.execute(
        f"SELECT row__, order_date FROM ({lines('SELECT *, 0 AS h0__ FROM src', ', row__')}) "
        f"WHERE bits & {TOO_EARLY | TOO_LATE} <> 0 ORDER BY row__ LIMIT 5"
    ).fetchall()
    return tuple((int(row) + row_offset, f"{pd.Timestamp(date):%Y-%m-%d %H:%M}") for row, date in rows)


def _check_kept_lines(
    kept: list[_Tally], used: Mapping[str, str], name: str, as_of_ts: pd.Timestamp, future_bits: int = FUTURE
) -> None:
    """Errors for kept lines an RFM table cannot use (when a rule's action is "keep")."""
    no_customer = _total(kept, "dl", lambda g: g.no_customer)
    no_date = _total(kept, "dl", lambda g: g.has(MISSING_DATE))
    if no_customer or no_date:
        which = "customer_id" if no_customer else "order_date"
        rule = "missing_customer" if no_customer else "missing_date"
        raise DataError(
            f"{max(no_customer, no_date):,} kept line(s) have no {which}; an RFM table needs both "
            f"(use the action 'drop' for the rule {rule}).",
            source=name,
            column=which,
        )
    future = _total(kept, "dl", lambda g: g.has(future_bits) and not g.is_return)
    if future:
        raise DataError(
            f"{future:,} purchase line(s) are dated after the analysis date {as_of_ts:%Y-%m-%d}; "
            "choose a later as_of or use the action 'drop' for the rule future_dates.",
            source=name,
            column="order_date",
        )
    no_order = _total(kept, "dl", lambda g: g.no_order and not g.is_return)
    if "order_id" in used and no_order:
        raise DataError(
            f"column {used['order_id']!r} (order_id) is empty on {no_order:,} purchase line(s); "
            "frequency counts orders, so every purchase line needs one (or map no order_id to "
            "count purchase dates).",
            source=name,
            column=used["order_id"],
        )


def _customer_rows(
    con: Connection, cust_type: str, as_of_ts: pd.Timestamp, returns: str, one_group_per_order: bool
) -> tuple[pd.DataFrame, int]:
    """The customer table from the kept groups of ``k``, and the number of customers with returns only.

    Frequency counts orders with a purchase line. When every order's kept
    purchase lines form one group of the first pass, it counts those groups
    (the extra copies in ``x`` have ``raw = 0``); otherwise the groups are
    first merged into orders.
    """
    from toolkit.rfm.customers import months_since

    cust_text = id_expr("cust", cust_type) if is_numeric(cust_type) else "cust"
    if one_group_per_order:
        source, order = "(SELECT * FROM k WHERE stage IS NULL)", "NOT is_return AND raw > 0"
    else:
        # an order whose lines were all taken out as duplicates (w = 0) is no order
        source = (
            "(SELECT cust, order_key, is_return, min(first_d) AS first_d, max(last_d) AS last_d, "
            "sum(amount) AS amount FROM k WHERE stage IS NULL GROUP BY cust, order_key, is_return "
            "HAVING sum(w) > 0)"
        )
        order = "NOT is_return"
    # sorted by id in DuckDB: byte order of UTF-8 text, the same as Python's order of str
    as_of_day = literal(as_of_ts.strftime("%Y-%m-%d"))
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
    table = pd.DataFrame(
        {
            "customer_id": pd.array(result.column("customer_id"), dtype=pd.StringDtype()),
            "first_purchase": result.column("first_purchase").to_numpy(),
            "last_purchase": result.column("last_purchase").to_numpy(),
            "recency": recency,
            "recency_months": months_since(recency),
            "frequency": frequency.astype("int64"),
            "monetary": monetary,
            "mean_order_value": monetary / frequency,
            "returned": np.round(returned, 6),
        },
        copy=False,
    )
    return table, returns_only
