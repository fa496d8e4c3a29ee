"""Steps 1-3 of database marketing: collect, store and process.

``collect`` reads a transactions file into canonical columns without
cleaning it; ``store_raw`` loads every line into ``raw_lines``;
``clean_in_sql`` applies the toolkit's cleaning rules (the same rules, in the
same order and with the same tests as :mod:`toolkit.data.cleaning`) as SQL,
recording each line's fate in ``line_status`` and the counts in
``cleaning_log``; ``build_tables`` fills ``customers``, ``orders`` and
``order_lines`` from the lines kept. :func:`build_database` runs them all.

Where a rule needs more than SQL can say simply, the core's own definition
is used and only its result goes back into the database: the pairing of
cancellations with the sales they reverse
(:func:`toolkit.data.cancellations.match_cancellations`, fed only the
candidate lines) and the range of plausible dates (the median is computed in
SQL, the bounds by the core).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.data.cancellations import match_cancellations
from toolkit.data.cleaning import (
    NON_MERCHANDISE_CODES,
    RULE_COLUMNS,
    RULES,
    DataQuality,
    RuleResult,
    default_as_of,
    plausible_range,
)
from toolkit.data.options import ReadOptions
from toolkit.data.readers import SourceInfo
from toolkit.data.transactions import parse_as_of, read_canonical
from toolkit.dbmarketing.connection import MarketingDB
from toolkit.dbmarketing.schema import TABLES, create_tables, table_counts
from toolkit.errors import DataError, check_choice, format_examples, parameter_error

__all__ = [
    "STAGING_COLUMNS",
    "RawLines",
    "EtlResult",
    "collect",
    "other_columns_text",
    "staging_frame",
    "store_raw",
    "PlausibleDates",
    "plausible_dates",
    "default_analysis_date",
    "match_cancellations_in_sql",
    "non_merchandise_codes",
    "clean_in_sql",
    "rule_examples",
    "data_quality",
    "check_rows_left",
    "build_tables",
    "build_database",
]

#: Columns of ``raw_lines`` after ``line_no``.
STAGING_COLUMNS: tuple[str, ...] = tuple(c.split()[0] for c in TABLES["raw_lines"][1:])


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
    other_columns : Series or None
        The file's columns that have no canonical name, one JSON text per
        line (see :func:`other_columns_text`); None when every column is mapped.
    options : ReadOptions
        The reading options given with the mapping (decimal mark, date
        order, extra non-merchandise codes).
    """

    frame: pd.DataFrame
    source: SourceInfo
    mapping: dict[str, str] = field(default_factory=dict)
    bundled: str | None = None
    other_columns: pd.Series | None = None
    options: ReadOptions = field(default_factory=ReadOptions)


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
    as_of_is_default : bool
        Whether ``as_of`` was derived from the data (the day after the last
        plausible order date) rather than given.
    """

    cleaning_log: pd.DataFrame
    counts: dict[str, int]
    as_of: pd.Timestamp
    raw_rows: int
    as_of_is_default: bool = False

    @property
    def clean_rows(self) -> int:
        """Lines that reached ``order_lines``."""
        return self.raw_rows - int(self.cleaning_log["rows_removed"].sum())


def other_columns_text(raw: pd.DataFrame, mapping: Mapping[str, str]) -> pd.Series | None:
    """The columns of a file that have no canonical name, as one JSON text per line.

    Values are trimmed text (missing stays ``null``), so two lines carry the
    same text exactly when the exact-duplicates rule finds them equal in
    those columns.

    Parameters
    ----------
    raw : DataFrame
        The table as read.
    mapping : dict
        ``{canonical: column}`` actually used.

    Returns
    -------
    Series or None
        Indexed like ``raw``; None when every column is mapped.
    """
    mapped = {str(c) for c in mapping.values()}
    others = [c for c in raw.columns if str(c) not in mapped]
    if not others:
        return None
    text = pd.DataFrame({str(c): raw[c].astype("string").str.strip() for c in others}, index=raw.index)
    lines = text.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    return pd.Series(lines, index=raw.index, dtype="string")


def collect(data: str | Path | None = "", columns: Mapping[str, str] | None = None) -> RawLines:
    """Step 1: read a transactions file into canonical columns, uncleaned.

    Parameters
    ----------
    data : str or Path, optional
        A CSV/TSV/Excel/Parquet/DuckDB file (see :func:`toolkit.data.read_table`);
        empty loads the bundled UCI Online Retail transactions.
    columns : dict, optional
        Column mapping ``{canonical: your column}``, with any reading
        options (``decimal``, ``date_format``, ``dayfirst``,
        ``non_merchandise``) beside the columns.

    Returns
    -------
    RawLines
    """
    table = read_canonical(data, columns)
    return RawLines(
        table.canonical,
        table.source,
        table.mapping,
        table.bundled,
        other_columns_text(table.raw, table.mapping),
        table.options,
    )


def staging_frame(
    canonical: pd.DataFrame, row_offset: int = 1, other_columns: pd.Series | None = None
) -> pd.DataFrame:
    """Shape canonical transaction lines for the ``raw_lines`` table.

    Parameters
    ----------
    canonical : DataFrame
        Canonical columns (``customer_id``, ``order_date``, ``amount`` and
        any optional ones); the index is the 0-based row position in the file.
    row_offset : int, default 1
        Added to the index to give the row number a user sees in the file
        (2 for files with a header line).
    other_columns : Series, optional
        The file's unmapped columns as text (:func:`other_columns_text`),
        indexed like ``canonical``.

    Returns
    -------
    DataFrame
        ``line_no`` followed by :data:`STAGING_COLUMNS`; columns the input
        lacks are empty. The input is not changed.
    """
    missing = [c for c in ("customer_id", "order_date", "amount") if c not in canonical.columns]
    if missing:
        raise DataError(
            f"the transactions lack the canonical column(s) {missing}; available: {list(canonical.columns)}.",
            column=missing[0],
        )
    index = canonical.index
    out = pd.DataFrame({"line_no": index.to_numpy(dtype="int64") + int(row_offset)})
    for column in STAGING_COLUMNS:
        present = column in canonical.columns
        if column in ("quantity", "unit_price", "amount"):
            values = (
                pd.to_numeric(canonical[column], errors="raise")
                if present
                else pd.Series(float("nan"), index=index)
            )
            out[column] = values.to_numpy(dtype="float64", na_value=float("nan"))
        elif column == "order_date":
            out[column] = pd.to_datetime(canonical[column]).to_numpy(dtype="datetime64[us]")
        elif column == "other_columns":
            values = (
                other_columns.reindex(index) if other_columns is not None else pd.Series(pd.NA, index=index)
            )
            out[column] = values.astype("string[pyarrow]").reset_index(drop=True)
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


def _has(db: MarketingDB, column: str) -> bool:
    """Whether the file had the canonical column (a column never filled was not mapped)."""
    return int(db.scalar(f"SELECT COUNT({column}) FROM {{s}}.raw_lines")) > 0


def _reverses(db: MarketingDB) -> str:
    """SQL test of a line that takes something back: a cancellation or a return."""
    negative = "quantity < 0" if _has(db, "quantity") else "amount < 0"
    return f"(COALESCE(r.order_id LIKE :prefix, FALSE) OR COALESCE(r.{negative}, FALSE))"


@dataclass(frozen=True)
class PlausibleDates:
    """The order dates the ``implausible_dates`` rule accepts: ``earliest <= date < end``.

    Attributes
    ----------
    median : Timestamp or None
        The median order date of the file (None when it has no dates).
    earliest : Timestamp or None
        Ten years before the median; earlier dates are implausible.
    end : Timestamp
        Midnight after the run's calendar day; later dates are implausible.
    """

    median: pd.Timestamp | None
    earliest: pd.Timestamp | None
    end: pd.Timestamp


def plausible_dates(db: MarketingDB, today: str | pd.Timestamp | None = None) -> PlausibleDates:
    """The range of order dates the ``implausible_dates`` rule accepts, from ``raw_lines``.

    The median is SQL's ``percentile_disc(0.5)``: for an even number of
    dates the lower of the two middle ones, as in the pandas core.

    Parameters
    ----------
    db : MarketingDB
        A database whose ``raw_lines`` table is filled.
    today : str or Timestamp, optional
        The run's calendar day (default: today).

    Returns
    -------
    PlausibleDates
    """
    median = db.scalar("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY order_date) FROM {s}.raw_lines")
    today = None if today is None else pd.Timestamp(today)
    if median is None or pd.isna(median):
        return PlausibleDates(None, None, plausible_range(pd.Series([], dtype="datetime64[ns]"), today)[1])
    # the core's bounds around that one value: its median is the value itself
    earliest, end = plausible_range(pd.Series([pd.Timestamp(median)]), today)
    return PlausibleDates(pd.Timestamp(median), earliest, end)


def default_analysis_date(db: MarketingDB, window: PlausibleDates) -> pd.Timestamp:
    """The default analysis date: midnight after the last plausible order date in ``raw_lines``.

    Raises
    ------
    ParameterError
        When no order date is plausible.
    """
    last = db.scalar(
        f"SELECT MAX(order_date) FROM {{s}}.raw_lines r WHERE {_plausible_sql(window)}",
        _window_params(window),
    )
    return default_as_of(pd.Series([last], dtype="datetime64[ns]"), window.end - pd.Timedelta(days=1))


def _plausible_sql(window: PlausibleDates) -> str:
    test = "r.order_date < :latest_end"
    return test + (" AND r.order_date >= :earliest" if window.earliest is not None else "")


def _window_params(window: PlausibleDates) -> dict:
    params = {"latest_end": pd.Timestamp(window.end).to_pydatetime()}
    if window.earliest is not None:
        params["earliest"] = pd.Timestamp(window.earliest).to_pydatetime()
    return params


def match_cancellations_in_sql(db: MarketingDB, actions: Mapping[str, str] | None = None) -> int:
    """Pair each cancellation with the sale it reverses; fill ``cancellation_matches``.

    Only candidate lines leave the database: lines whose customer, product
    (trimmed, any case) and absolute quantity are those of some
    cancellation, as :func:`toolkit.data.cancellations.candidate_lines`
    selects them. They are paired by
    :func:`toolkit.data.cancellations.match_cancellations`, the core's one
    definition of the rule, and the line numbers of both sides are written
    back into ``cancellation_matches``. Without customer, product and
    quantity columns nothing can be paired. As in the core, only the lines
    the rules before ``cancelled_orders`` leave are paired (a repeated
    cancellation line cancels nothing twice).

    Parameters
    ----------
    db : MarketingDB
        A database whose ``line_status`` holds ``is_cancellation`` and the
        flags of the rules before ``cancelled_orders``.
    actions : dict, optional
        ``{rule: "drop" | "keep"}``; the flags of rules that drop exclude lines.

    Returns
    -------
    int
        Lines matched (cancellations plus the sales they reverse).
    """
    db.execute("DELETE FROM {s}.cancellation_matches")
    if not all(_has(db, column) for column in ("customer_id", "product_id", "quantity")):
        return 0
    flags = {
        "duplicates": "is_duplicate",
        "missing_customer": "missing_customer",
        "missing_date": "missing_date",
        "implausible_dates": "implausible_date",
    }
    chosen = _actions(actions) if actions is not None else dict.fromkeys(flags, "drop")
    earlier = "".join(f" AND NOT s.{flag}" for rule, flag in flags.items() if chosen[rule] == "drop")
    candidates = db.query(
        """
        WITH lines AS (
            SELECT r.line_no AS row, r.customer_id, r.product_id, UPPER(TRIM(r.product_id)) AS product,
                   r.quantity, r.order_date, s.is_cancellation
            FROM {s}.raw_lines r JOIN {s}.line_status s ON s.line_no = r.line_no
            WHERE r.customer_id IS NOT NULL AND r.product_id IS NOT NULL AND r.order_date IS NOT NULL
              AND r.quantity IS NOT NULL AND r.quantity <> 0{earlier}
        ),
        wanted AS (
            SELECT DISTINCT customer_id, product, ABS(quantity) AS size FROM lines WHERE is_cancellation
        )
        SELECT l.row, l.customer_id, l.product_id, l.quantity, l.order_date, l.is_cancellation
        FROM lines l JOIN wanted w
          ON w.customer_id = l.customer_id AND w.product = l.product AND w.size = ABS(l.quantity)
        ORDER BY l.row
        """.replace("{earlier}", earlier)
    )
    if candidates.empty:
        return 0
    candidates = candidates.astype({"row": "int64", "quantity": "float64", "is_cancellation": bool})
    candidates["order_date"] = pd.to_datetime(candidates["order_date"])
    matched = np.asarray(match_cancellations(candidates), dtype="int64")
    return db.insert_frame("cancellation_matches", pd.DataFrame({"line_no": np.unique(matched)}))


def non_merchandise_codes(extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The product codes of the ``non_merchandise`` rule, upper-case: the core's list plus ``extra``."""
    codes = [str(c).strip().upper() for c in (*NON_MERCHANDISE_CODES, *extra)]
    return tuple(dict.fromkeys(c for c in codes if c))


#: The SQL test of each cleaning rule, over the flag columns of ``line_status``.
_TEST = {
    "duplicates": "is_duplicate",
    "missing_customer": "missing_customer",
    "missing_date": "missing_date",
    "implausible_dates": "implausible_date",
    "cancelled_orders": "cancelled_order",
    "non_merchandise": "non_merchandise",
    "returns": "is_return",
    "non_positive_price": "non_positive_price",
    "future_dates": "future_date",
}


def clean_in_sql(
    db: MarketingDB,
    as_of: pd.Timestamp,
    rules: Mapping[str, str] | None = None,
    cancellation_prefix: str = "C",
    *,
    today: str | pd.Timestamp | None = None,
    non_merchandise: Sequence[str] = (),
) -> pd.DataFrame:
    """Step 3a: apply the cleaning rules in SQL and count what each one did.

    The rules, their order and their tests are those of
    :mod:`toolkit.data.cleaning` (:data:`~toolkit.data.cleaning.RULES`):

    1. duplicates — a line equal to an earlier one in every canonical column
       and in the file's other columns (the first copy stays);
    2. missing customer; 3. missing date;
    4. implausible dates — after the end of ``today`` or more than ten years
       before the median order date (see :func:`plausible_dates`);
    5. cancelled orders — cancellations paired with the sale they reverse,
       both lines (see :func:`match_cancellations_in_sql`);
    6. non-merchandise — product codes for postage, fees and adjustments
       (:func:`non_merchandise_codes`);
    7. returns — the other cancellations and returns: an order id starting
       with ``cancellation_prefix`` or a negative quantity (a negative amount
       when there is no quantity) on a line not paired with a sale;
    8. non-positive price on lines that are not cancellations or returns
       (amount zero when there is no price);
    9. order dates on or after ``as_of`` (it ends the window).

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
    today : str or Timestamp, optional
        The run's calendar day for the implausible-dates rule (default: today).
    non_merchandise : sequence of str, optional
        Product codes that are not goods, besides the core's list.

    Returns
    -------
    DataFrame
        The ``cleaning_log`` table: step, rule, rows_matching (on all raw
        lines), rows_removed (by this rule after the rules before it), action.
    """
    actions = _actions(rules)
    if not isinstance(cancellation_prefix, str) or not cancellation_prefix or "%" in cancellation_prefix:
        raise parameter_error("cancellation_prefix", "non-empty text without '%'", cancellation_prefix)
    window = plausible_dates(db, today)
    reverses = _reverses(db)
    bad_price = "r.unit_price <= 0" if _has(db, "unit_price") else "r.amount = 0"
    codes = non_merchandise_codes(non_merchandise)
    code_params = {f"code_{i}": code for i, code in enumerate(codes)}
    in_codes = (
        f"UPPER(TRIM(r.product_id)) IN ({', '.join(f':{name}' for name in code_params)})"
        if codes
        else "FALSE"
    )
    keys = ", ".join(STAGING_COLUMNS)
    db.execute("DELETE FROM {s}.line_status")
    db.execute("DELETE FROM {s}.cleaning_log")
    # 1. every test that looks at one line (or its copies) at a time
    db.execute(
        f"""
        INSERT INTO {{s}}.line_status
        SELECT r.line_no,
               (f.line_no IS NULL) AS is_duplicate,
               (r.customer_id IS NULL OR TRIM(r.customer_id) = '') AS missing_customer,
               (r.order_date IS NULL) AS missing_date,
               COALESCE(NOT ({_plausible_sql(window)}), FALSE) AS implausible_date,
               {reverses} AS is_cancellation,
               FALSE AS cancelled_order,
               COALESCE({in_codes}, FALSE) AS non_merchandise,
               {reverses} AS is_return,
               NOT {reverses} AND COALESCE({bad_price}, FALSE) AS non_positive_price,
               COALESCE(r.order_date >= :as_of, FALSE) AS future_date,
               CAST(NULL AS VARCHAR) AS excluded_by
        FROM {{s}}.raw_lines r
        LEFT JOIN (
            -- the first copy of each distinct line (GROUP BY treats NULLs as equal)
            SELECT MIN(line_no) AS line_no FROM {{s}}.raw_lines GROUP BY {keys}
        ) f ON f.line_no = r.line_no
        """,
        {
            "prefix": cancellation_prefix + "%",
            "as_of": pd.Timestamp(as_of).to_pydatetime(),
            **_window_params(window),
            **code_params,
        },
    )
    # 2. cancellations paired with the sales they reverse
    match_cancellations_in_sql(db, actions)
    db.execute(
        "UPDATE {s}.line_status SET cancelled_order = EXISTS "
        "(SELECT 1 FROM {s}.cancellation_matches m WHERE m.line_no = line_status.line_no)"
    )
    # 3. returns are the cancellations left unpaired (all of them when paired ones are kept);
    #    each line's fate is the first rule that removes it
    whens = " ".join(f"WHEN {_TEST[rule]} THEN '{rule}'" for rule in RULES if actions[rule] == "drop")
    excluded = f"CASE {whens} ELSE NULL END" if whens else "CAST(NULL AS VARCHAR)"
    if actions["cancelled_orders"] == "drop":
        db.execute("UPDATE {s}.line_status SET is_return = is_cancellation AND NOT cancelled_order")
    db.execute(f"UPDATE {{s}}.line_status SET excluded_by = {excluded}")
    parts = []
    for step, rule in enumerate(RULES, start=1):
        parts.append(
            f"SELECT {step} AS step, '{rule}' AS rule, "
            f"CAST(COALESCE(SUM(CASE WHEN {_TEST[rule]} THEN 1 ELSE 0 END), 0) AS BIGINT) AS rows_matching, "
            f"CAST(COALESCE(SUM(CASE WHEN excluded_by = '{rule}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS rows_removed, "
            f"'{actions[rule]}' AS action FROM {{s}}.line_status"
        )
    db.execute("INSERT INTO {s}.cleaning_log " + " UNION ALL ".join(parts))
    log = db.query(
        "SELECT step, rule, rows_matching, rows_removed, action FROM {s}.cleaning_log ORDER BY step"
    )
    return log.astype({"step": "int64", "rows_matching": "int64", "rows_removed": "int64"})


def rule_examples(db: MarketingDB, rule: str, limit: int = 5) -> pd.DataFrame:
    """The first lines (by line number) that a cleaning rule's test finds.

    Returns
    -------
    DataFrame
        ``line_no`` and the raw line's columns, at most ``limit`` rows.
    """
    check_choice("cleaning rule", rule, list(RULES))
    return db.query(
        f"""
        SELECT r.* FROM {{s}}.raw_lines r JOIN {{s}}.line_status s ON s.line_no = r.line_no
        WHERE s.{_TEST[rule]} ORDER BY r.line_no LIMIT {int(limit)}
        """
    )


_KEPT = """
    SELECT r.line_no,
           COALESCE(r.order_id, r.customer_id || '@' || CAST(r.order_date AS VARCHAR)) AS order_key,
           r.customer_id, r.order_date, r.product_id, r.product_name, r.quantity,
           r.unit_price, r.amount, r.region, r.channel, s.is_cancellation AS is_return
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


#: Canonical columns a rule needs; without them it matches nothing and the table says so.


def _results(cleaning_log: pd.DataFrame) -> list[RuleResult]:
    return [
        RuleResult(r.rule, int(r.rows_matching), int(r.rows_removed), r.action)
        for r in cleaning_log.itertuples()
    ]


def data_quality(db: MarketingDB, cleaning_log: pd.DataFrame, raw_rows: int) -> DataQuality:
    """The core's :class:`~toolkit.data.cleaning.DataQuality` for a ``cleaning_log``.

    So the report shows the database's cleaning in the same data-quality
    table as every other report, with the same examples (the first five
    implausible dates, by line number) and the same "not checked" notes.
    """
    results = []
    for result in _results(cleaning_log):
        examples: tuple[tuple[int, str], ...] = ()
        if result.rule == "implausible_dates" and result.matching:
            lines = rule_examples(db, "implausible_dates")
            examples = tuple(
                (int(n), f"{pd.Timestamp(d):%Y-%m-%d %H:%M}")
                for n, d in zip(lines["line_no"], lines["order_date"])
            )
        missing = tuple(c for c in RULE_COLUMNS.get(result.rule, ()) if not _has(db, c))
        results.append(
            RuleResult(result.rule, result.matching, result.removed, result.action, examples, missing)
        )
    return DataQuality(raw_rows=int(raw_rows), results=results)


def check_rows_left(cleaning_log: pd.DataFrame, raw_rows: int, source: str | None = None) -> None:
    """Stop with a data error naming what each rule removed when no line is left.

    Raises
    ------
    DataError
        When the rules of ``cleaning_log`` removed all ``raw_rows`` lines.
    """
    DataQuality(raw_rows=int(raw_rows), results=_results(cleaning_log)).check_rows_left(source)


def build_database(
    db: MarketingDB,
    raw: RawLines | pd.DataFrame,
    as_of: str | pd.Timestamp | None = None,
    rules: Mapping[str, str] | None = None,
    *,
    today: str | pd.Timestamp | None = None,
    non_merchandise: Sequence[str] | None = None,
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
        Analysis date; default the day after the last plausible order date.
    rules : dict, optional
        Cleaning actions ``{rule: "drop" | "keep"}``.
    today : str or Timestamp, optional
        The run's calendar day for the implausible-dates rule (default: today).
    non_merchandise : sequence of str, optional
        Extra non-merchandise product codes; default those in ``raw.options``.

    Returns
    -------
    EtlResult

    Raises
    ------
    DataError
        When the rules leave no line, or an order id is shared by customers.
    """
    if isinstance(raw, RawLines):
        staging = staging_frame(raw.frame, raw.source.row_offset, raw.other_columns)
        source, codes = raw.source.name, raw.options.non_merchandise
    else:
        staging, source, codes = staging_frame(raw, 1), None, ()
    if non_merchandise is not None:
        codes = tuple(non_merchandise)
    stored = store_raw(db, staging)
    given = parse_as_of(as_of)
    as_of_ts = given if given is not None else default_analysis_date(db, plausible_dates(db, today))
    log = clean_in_sql(db, as_of_ts, rules, today=today, non_merchandise=codes)
    check_rows_left(log, stored, source)
    counts = build_tables(db)
    return EtlResult(log, counts, as_of_ts, stored, given is None)
