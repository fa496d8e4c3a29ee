"""Steps 1-3 of database marketing: collect, store and process.

``collect`` reads a transactions file into canonical columns without
cleaning it; ``store_raw`` loads every line into ``raw_lines``;
``clean_in_sql`` applies the toolkit's cleaning rules (the same rules, in the
same order, as :mod:`toolkit.data.cleaning`) as SQL, recording each line's
fate in ``line_status`` and the counts in ``cleaning_log``; ``build_tables``
fills ``customers``, ``orders`` and ``order_lines`` from the lines kept.
:func:`build_database` runs them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.data.cleaning import RULES, default_as_of
from toolkit.data.readers import SourceInfo
from toolkit.data.transactions import parse_as_of, read_canonical
from toolkit.dbmarketing.connection import MarketingDB
from toolkit.dbmarketing.schema import TABLES, create_tables, table_counts
from toolkit.errors import DataError, ParameterError, check_choice, format_examples

__all__ = [
    "STAGING_COLUMNS",
    "RawLines",
    "EtlResult",
    "collect",
    "staging_frame",
    "store_raw",
    "clean_in_sql",
    "build_tables",
    "build_database",
]

#: Columns of ``raw_lines`` after ``line_no``.
STAGING_COLUMNS: tuple[str, ...] = tuple(c.split()[0] for c in TABLES["raw_lines"][1:])

#: Which flag column of ``line_status`` each cleaning rule sets.
_FLAG = {
    "duplicates": "is_duplicate",
    "missing_customer": "missing_customer",
    "missing_date": "missing_date",
    "returns": "is_return",
    "non_positive_price": "non_positive_price",
    "future_dates": "future_date",
}


@dataclass
class RawLines:
    """Transaction lines as read, in canonical columns, before any cleaning.

    Attributes
    ----------
    frame : DataFrame
        Canonical columns; the index is the row position in the file.
    source : SourceInfo
        Where the lines came from.
    mapping : dict
        The column mapping used ``{canonical: column}``.
    bundled : str or None
        The bundled dataset's key when no file was given.
    """

    frame: pd.DataFrame
    source: SourceInfo
    mapping: dict[str, str] = field(default_factory=dict)
    bundled: str | None = None


@dataclass
class EtlResult:
    """What building the database did.

    Attributes
    ----------
    cleaning_log : DataFrame
        One row per rule: step, rule, rows_matching, rows_removed, action.
    counts : dict
        Rows in each table afterwards.
    as_of : Timestamp
        The analysis date used by the ``future_dates`` rule.
    raw_rows : int
        Lines loaded into ``raw_lines``.
    """

    cleaning_log: pd.DataFrame
    counts: dict[str, int]
    as_of: pd.Timestamp
    raw_rows: int

    @property
    def clean_rows(self) -> int:
        """Lines that reached ``order_lines``."""
        return self.raw_rows - int(self.cleaning_log["rows_removed"].sum())


def collect(data: str | Path | None = "", columns: Mapping[str, str] | None = None) -> RawLines:
    """Step 1: read a transactions file into canonical columns, uncleaned.

    Parameters
    ----------
    data : str or Path, optional
        A CSV/TSV/Excel/Parquet/DuckDB file (see :func:`toolkit.data.read_table`);
        empty loads the bundled UCI Online Retail transactions.
    columns : dict, optional
        Column mapping ``{canonical: your column}``.

    Returns
    -------
    RawLines
    """
    table = read_canonical(data, columns)
    return RawLines(table.canonical, table.source, table.mapping, table.bundled)


def staging_frame(canonical: pd.DataFrame, row_offset: int = 1) -> pd.DataFrame:
    """Shape canonical transaction lines for the ``raw_lines`` table.

    Parameters
    ----------
    canonical : DataFrame
        Canonical columns (``customer_id``, ``order_date``, ``amount`` and
        any optional ones); the index is the 0-based row position in the file.
    row_offset : int, default 1
        Added to the index to give the row number a user sees in the file
        (2 for files with a header line).

    Returns
    -------
    DataFrame
        ``line_no`` followed by :data:`STAGING_COLUMNS`; columns the input
        lacks are empty. The input is not changed.
    """
    missing = [c for c in ("customer_id", "order_date", "amount") if c not in canonical.columns]
    if missing:
        raise DataError(
            f"the transactions lack the canonical column(s) {missing}; "
            f"available: {list(canonical.columns)}.",
            column=missing[0],
        )
    index = canonical.index
    out = pd.DataFrame({"line_no": index.to_numpy(dtype="int64") + int(row_offset)})
    for column in STAGING_COLUMNS:
        present = column in canonical.columns
        if column in ("quantity", "unit_price", "amount"):
            values = pd.to_numeric(canonical[column], errors="raise") if present else pd.Series(float("nan"), index=index)
            out[column] = values.to_numpy(dtype="float64", na_value=float("nan"))
        elif column == "order_date":
            out[column] = pd.to_datetime(canonical[column]).to_numpy(dtype="datetime64[us]")
        else:
            # Arrow-backed text: DuckDB reads it without converting row by row
            values = canonical[column] if present else pd.Series(pd.NA, index=index)
            out[column] = values.astype("string[pyarrow]").reset_index(drop=True)
    return out


def store_raw(db: MarketingDB, staging: pd.DataFrame) -> int:
    """Step 2: create the database's tables and load every raw line.

    Existing toolkit tables in the schema are replaced.

    Returns
    -------
    int
        Lines stored.
    """
    create_tables(db)
    return db.insert_frame("raw_lines", staging)


def _actions(rules: Mapping[str, str] | None) -> dict[str, str]:
    actions = {rule: "drop" for rule in RULES}
    for rule, action in (rules or {}).items():
        check_choice("cleaning rule", rule, list(RULES))
        actions[rule] = check_choice(f"action for rule '{rule}'", action, ["drop", "keep"])
    return actions


def clean_in_sql(
    db: MarketingDB,
    as_of: pd.Timestamp,
    rules: Mapping[str, str] | None = None,
    cancellation_prefix: str = "C",
) -> pd.DataFrame:
    """Step 3a: apply the cleaning rules in SQL and count what each one did.

    The rules and their order are those of :mod:`toolkit.data.cleaning`:
    duplicates (all columns equal; the first copy stays), missing customer,
    missing date, returns (order id starting with ``cancellation_prefix`` or
    a negative quantity; a negative amount when there is no quantity),
    non-positive price on lines that are not returns (amount zero when there
    is no price), and order dates on or after ``as_of`` (it ends the window).

    Parameters
    ----------
    db : MarketingDB
        A database whose ``raw_lines`` table is filled.
    as_of : Timestamp
        The analysis date.
    rules : dict, optional
        ``{rule: "drop" | "keep"}``; every rule drops by default.
    cancellation_prefix : str, default "C"
        Order ids starting with it are cancellations.

    Returns
    -------
    DataFrame
        The ``cleaning_log`` table: step, rule, rows_matching (on all raw
        lines), rows_removed (by this rule after the rules before it), action.
    """
    actions = _actions(rules)
    if not isinstance(cancellation_prefix, str) or not cancellation_prefix or "%" in cancellation_prefix:
        raise ParameterError(
            f"The 'cancellation_prefix' parameter must be non-empty text without '%'. Got {cancellation_prefix!r} instead."
        )
    has_quantity = int(db.scalar("SELECT COUNT(quantity) FROM {s}.raw_lines")) > 0
    has_price = int(db.scalar("SELECT COUNT(unit_price) FROM {s}.raw_lines")) > 0
    negative = "quantity < 0" if has_quantity else "amount < 0"
    bad_price = "unit_price <= 0" if has_price else "amount = 0"
    keys = ", ".join(STAGING_COLUMNS)
    whens = " ".join(
        f"WHEN {_FLAG[rule]} THEN '{rule}'" for rule in RULES if actions[rule] == "drop"
    )
    excluded = f"CASE {whens} ELSE NULL END" if whens else "CAST(NULL AS VARCHAR)"
    db.execute("DELETE FROM {s}.line_status")
    db.execute("DELETE FROM {s}.cleaning_log")
    db.execute(
        f"""
        INSERT INTO {{s}}.line_status
        SELECT line_no, is_duplicate, missing_customer, missing_date, is_return,
               non_positive_price, future_date, {excluded} AS excluded_by
        FROM (
            SELECT r.line_no,
                   (f.line_no IS NULL) AS is_duplicate,
                   (r.customer_id IS NULL OR TRIM(r.customer_id) = '') AS missing_customer,
                   (r.order_date IS NULL) AS missing_date,
                   COALESCE(r.order_id LIKE :prefix, FALSE) OR COALESCE(r.{negative}, FALSE) AS is_return,
                   NOT (COALESCE(r.order_id LIKE :prefix, FALSE) OR COALESCE(r.{negative}, FALSE))
                       AND COALESCE(r.{bad_price}, FALSE) AS non_positive_price,
                   COALESCE(r.order_date >= :as_of, FALSE) AS future_date
            FROM {{s}}.raw_lines r
            LEFT JOIN (
                -- the first copy of each distinct line (GROUP BY treats NULLs as equal)
                SELECT MIN(line_no) AS line_no FROM {{s}}.raw_lines GROUP BY {keys}
            ) f ON f.line_no = r.line_no
        ) flagged
        """,
        {"prefix": cancellation_prefix + "%", "as_of": pd.Timestamp(as_of).to_pydatetime()},
    )
    parts = []
    for step, rule in enumerate(RULES, start=1):
        flag = _FLAG[rule]
        parts.append(
            f"SELECT {step} AS step, '{rule}' AS rule, "
            f"CAST(COALESCE(SUM(CASE WHEN {flag} THEN 1 ELSE 0 END), 0) AS BIGINT) AS rows_matching, "
            f"CAST(COALESCE(SUM(CASE WHEN excluded_by = '{rule}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS rows_removed, "
            f"'{actions[rule]}' AS action FROM {{s}}.line_status"
        )
    db.execute("INSERT INTO {s}.cleaning_log " + " UNION ALL ".join(parts))
    log = db.query("SELECT step, rule, rows_matching, rows_removed, action FROM {s}.cleaning_log ORDER BY step")
    return log.astype({"step": "int64", "rows_matching": "int64", "rows_removed": "int64"})


_KEPT = """
    SELECT r.line_no,
           COALESCE(r.order_id, r.customer_id || '@' || CAST(r.order_date AS VARCHAR)) AS order_key,
           r.customer_id, r.order_date, r.product_id, r.product_name, r.quantity,
           r.unit_price, r.amount, r.region, r.channel, s.is_return
    FROM {s}.raw_lines r JOIN {s}.line_status s ON s.line_no = r.line_no
    WHERE s.excluded_by IS NULL
"""


def _check_one_customer_per_order(db: MarketingDB) -> None:
    clash = db.query(
        f"""
        WITH kept AS ({_KEPT})
        SELECT order_key, COUNT(DISTINCT customer_id) AS customers, MIN(line_no) AS first_line
        FROM kept GROUP BY order_key HAVING COUNT(DISTINCT customer_id) > 1
        """
    )
    if len(clash):
        clash = clash.sort_values("first_line")
        raise DataError(
            f"{len(clash)} order(s) carry more than one customer id, e.g. order(s) "
            f"{format_examples(clash['order_key'])} (first at line(s) {format_examples(clash['first_line'].astype(int))}). "
            "An order must belong to one customer; check the order_id and customer_id mapping.",
            column="order_id",
            rows=[int(x) for x in clash["first_line"][:10]],
        )


def build_tables(db: MarketingDB) -> dict[str, int]:
    """Step 3b: fill ``customers``, ``orders`` and ``order_lines`` from the kept lines.

    A customer's region is the one on most of their lines (ties: the one
    seen first), their first and last order the dates of their orders; an
    order's date is its earliest line's, its region and
    channel those of its first line; an order is a return when all its
    lines are. Lines without an order id are grouped into one order per
    customer and timestamp.

    Returns
    -------
    dict
        Rows in each table of the database.

    Raises
    ------
    DataError
        When an order id is shared by several customers.
    """
    _check_one_customer_per_order(db)
    for name in ("order_lines", "orders", "customers"):
        db.execute(f"DELETE FROM {{s}}.{name}")
    db.execute(
        f"""
        INSERT INTO {{s}}.customers (customer_id, region, first_order, last_order)
        WITH kept AS ({_KEPT}),
        regions AS (
            SELECT customer_id, region, COUNT(*) AS n, MIN(line_no) AS first_line
            FROM kept GROUP BY customer_id, region
        ),
        ranked AS (
            SELECT customer_id, region,
                   ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY n DESC, first_line) AS pick
            FROM regions
        ),
        order_dates AS (
            SELECT customer_id, order_key, MIN(order_date) AS order_date FROM kept GROUP BY customer_id, order_key
        )
        SELECT d.customer_id, MAX(g.region), MIN(d.order_date), MAX(d.order_date)
        FROM order_dates d LEFT JOIN ranked g ON g.customer_id = d.customer_id AND g.pick = 1
        GROUP BY d.customer_id
        """
    )
    db.execute(
        f"""
        INSERT INTO {{s}}.orders (order_id, customer_id, order_date, region, channel, is_return, lines, amount)
        WITH kept AS ({_KEPT}),
        agg AS (
            SELECT order_key, MIN(customer_id) AS customer_id, MIN(order_date) AS order_date,
                   MIN(CASE WHEN is_return THEN 1 ELSE 0 END) = 1 AS is_return,
                   CAST(COUNT(*) AS INTEGER) AS lines, SUM(amount) AS amount, MIN(line_no) AS first_line
            FROM kept GROUP BY order_key
        )
        SELECT a.order_key, a.customer_id, a.order_date, r.region, r.channel, a.is_return, a.lines, a.amount
        FROM agg a JOIN {{s}}.raw_lines r ON r.line_no = a.first_line
        """
    )
    db.execute(
        f"""
        INSERT INTO {{s}}.order_lines (line_no, order_id, product_id, product_name, quantity, unit_price, amount, is_return)
        WITH kept AS ({_KEPT})
        SELECT line_no, order_key, product_id, product_name, quantity, unit_price, amount, is_return FROM kept
        """
    )
    return table_counts(db)


def build_database(
    db: MarketingDB,
    raw: RawLines | pd.DataFrame,
    as_of: str | pd.Timestamp | None = None,
    rules: Mapping[str, str] | None = None,
) -> EtlResult:
    """Steps 2 and 3: store the raw lines, clean them in SQL, build the tables.

    Parameters
    ----------
    db : MarketingDB
        The database; the toolkit's tables in its schema are replaced.
    raw : RawLines or DataFrame
        Output of :func:`collect`, or a canonical frame whose index is the
        0-based row position.
    as_of : str or Timestamp, optional
        Analysis date; default the day after the last order date.
    rules : dict, optional
        Cleaning actions ``{rule: "drop" | "keep"}``.

    Returns
    -------
    EtlResult
    """
    if isinstance(raw, RawLines):
        frame, offset = raw.frame, raw.source.row_offset
    else:
        frame, offset = raw, 1
    staging = staging_frame(frame, offset)
    given = parse_as_of(as_of)
    as_of_ts = given if given is not None else default_as_of(staging["order_date"])
    stored = store_raw(db, staging)
    log = clean_in_sql(db, as_of_ts, rules)
    counts = build_tables(db)
    return EtlResult(log, counts, as_of_ts, stored)
