"""Summaries and customer scores computed in SQL inside the marketing database.

Every function takes a :class:`~toolkit.dbmarketing.connection.MarketingDB`
and returns a new DataFrame; the SQL is the part DuckDB and PostgreSQL share.
Customer scoring (step 4, "find prospects") writes the ``customer_scores``
table so the target list can be selected from it in SQL too.
"""

from __future__ import annotations

import pandas as pd

from toolkit.dbmarketing.connection import MarketingDB
from toolkit.dbmarketing.schema import create_tables
from toolkit.errors import check_date, check_number

__all__ = [
    "monthly_sales",
    "region_summary",
    "customer_values",
    "score_customers",
    "read_scores",
    "score_thresholds",
    "score_summary",
]


def _ts(value: str | pd.Timestamp, name: str) -> pd.Timestamp:
    return check_date(name, value, example="2011-09-11")


def monthly_sales(db: MarketingDB) -> pd.DataFrame:
    """Orders, buying customers and revenue per calendar month (returns excluded).

    Returns
    -------
    DataFrame
        Columns: month (``YYYY-MM``), orders, customers, revenue.
    """
    frame = db.query(
        """
        SELECT CAST(EXTRACT(YEAR FROM order_date) AS INTEGER) AS y,
               CAST(EXTRACT(MONTH FROM order_date) AS INTEGER) AS m,
               COUNT(*) AS orders, COUNT(DISTINCT customer_id) AS customers,
               SUM(amount) AS revenue
        FROM {s}.orders WHERE NOT is_return
        GROUP BY 1, 2 ORDER BY 1, 2
        """
    )
    out = pd.DataFrame(
        {
            "month": [f"{int(y):04d}-{int(m):02d}" for y, m in zip(frame["y"], frame["m"])],
            "orders": frame["orders"].astype("int64"),
            "customers": frame["customers"].astype("int64"),
            "revenue": frame["revenue"].astype("float64"),
        }
    )
    return out


def region_summary(db: MarketingDB, top: int = 8) -> pd.DataFrame:
    """Customers and revenue by region (the customer's main region).

    Parameters
    ----------
    top : int, default 8
        Regions shown by name; the rest are summed into one row ``(other)``.

    Returns
    -------
    DataFrame
        Columns: region, customers, revenue, share_of_revenue.
    """
    top = check_number("top", top, low=1, integer=True)
    frame = db.query(
        """
        SELECT COALESCE(c.region, '(unknown)') AS region, COUNT(DISTINCT c.customer_id) AS customers,
               COALESCE(SUM(o.amount), 0) AS revenue
        FROM {s}.customers c LEFT JOIN {s}.orders o ON o.customer_id = c.customer_id
        GROUP BY 1
        """
    )
    frame = frame.astype({"customers": "int64", "revenue": "float64"})
    frame = frame.sort_values(["revenue", "region"], ascending=[False, True]).reset_index(drop=True)
    if len(frame) > top:
        rest = frame.iloc[top:]
        other = pd.DataFrame(
            [
                {
                    "region": "(other)",
                    "customers": int(rest["customers"].sum()),
                    "revenue": float(rest["revenue"].sum()),
                }
            ]
        )
        frame = pd.concat([frame.iloc[:top], other], ignore_index=True)
    total = frame["revenue"].sum()
    frame["share_of_revenue"] = frame["revenue"] / total if total else 0.0
    return frame


def customer_values(db: MarketingDB, as_of: str | pd.Timestamp) -> pd.DataFrame:
    """One row per customer with what they bought up to ``as_of``.

    Parameters
    ----------
    as_of : str or Timestamp
        Orders on or after this date are ignored; recency is counted in
        whole days from the order's calendar day to this date.

    Returns
    -------
    DataFrame
        Columns: customer_id, region, first_order, last_order, orders (not
        counting returns), revenue (sum of order amounts, net of returns
        when they were kept), recency_days. Customers without a purchase
        before ``as_of`` are left out.
    """
    as_of = _ts(as_of, "as_of")
    frame = db.query(
        """
        SELECT o.customer_id, MAX(c.region) AS region,
               MIN(CASE WHEN NOT o.is_return THEN o.order_date END) AS first_order,
               MAX(CASE WHEN NOT o.is_return THEN o.order_date END) AS last_order,
               CAST(SUM(CASE WHEN o.is_return THEN 0 ELSE 1 END) AS INTEGER) AS orders,
               SUM(o.amount) AS revenue
        FROM {s}.orders o JOIN {s}.customers c ON c.customer_id = o.customer_id
        WHERE o.order_date < :as_of
        GROUP BY o.customer_id
        HAVING SUM(CASE WHEN o.is_return THEN 0 ELSE 1 END) > 0
        """,
        {"as_of": as_of.to_pydatetime()},
    )
    frame["first_order"] = pd.to_datetime(frame["first_order"])
    frame["last_order"] = pd.to_datetime(frame["last_order"])
    frame["orders"] = frame["orders"].astype("int64")
    frame["revenue"] = frame["revenue"].astype("float64")
    frame["recency_days"] = (as_of.normalize() - frame["last_order"].dt.normalize()).dt.days.astype("int64")
    return frame.sort_values("customer_id").reset_index(drop=True)


def score_customers(db: MarketingDB, scored_at: str | pd.Timestamp) -> pd.DataFrame:
    """Step 4: score every customer on recency, frequency and value, in SQL.

    Only orders before ``scored_at`` count. Each of recency (days since the
    last purchase, fewer is better), frequency (orders) and monetary value
    (revenue) gets a 1-5 score from the customer's rank: ``1 + floor(5 *
    (rank - 1) / customers)``, where tied customers share the lowest rank, so
    equal behaviour always gets the same score. Value is compared to the
    cent, so sums that differ only in the last binary digits (the database
    may add in any order) tie as they should. The total score (3-15) is the
    sum. The result replaces the ``customer_scores`` table.

    Parameters
    ----------
    scored_at : str or Timestamp
        The scoring date (the campaign date when scoring for a campaign).

    Returns
    -------
    DataFrame
        The ``customer_scores`` table: customer_id, scored_at, recency_days,
        frequency, monetary, r_score, f_score, m_score, score.
    """
    scored_at = _ts(scored_at, "scored_at")
    create_tables(db, ["customer_scores"])
    db.execute(
        """
        INSERT INTO {s}.customer_scores
        WITH base AS (
            SELECT customer_id,
                   MAX(CASE WHEN NOT is_return THEN order_date END) AS last_order,
                   SUM(CASE WHEN is_return THEN 0 ELSE 1 END) AS frequency,
                   SUM(amount) AS monetary
            FROM {s}.orders
            WHERE order_date < :scored_at
            GROUP BY customer_id
            HAVING SUM(CASE WHEN is_return THEN 0 ELSE 1 END) > 0
        ),
        days AS (
            SELECT customer_id, frequency, monetary,
                   CAST(CAST(:scored_at AS TIMESTAMP) AS DATE) - CAST(last_order AS DATE) AS recency_days
            FROM base
        ),
        ranked AS (
            SELECT customer_id, recency_days, frequency, monetary,
                   CAST(FLOOR(5.0 * (RANK() OVER (ORDER BY recency_days DESC) - 1) / COUNT(*) OVER ()) AS INTEGER) + 1 AS r_score,
                   CAST(FLOOR(5.0 * (RANK() OVER (ORDER BY frequency) - 1) / COUNT(*) OVER ()) AS INTEGER) + 1 AS f_score,
                   CAST(FLOOR(5.0 * (RANK() OVER (ORDER BY CAST(monetary AS DECIMAL(18, 2))) - 1) / COUNT(*) OVER ()) AS INTEGER) + 1 AS m_score
            FROM days
        )
        SELECT customer_id, CAST(:scored_at AS TIMESTAMP), CAST(recency_days AS INTEGER),
               CAST(frequency AS INTEGER), monetary, r_score, f_score, m_score,
               r_score + f_score + m_score
        FROM ranked
        """,
        {"scored_at": scored_at.to_pydatetime()},
    )
    return read_scores(db)


def read_scores(db: MarketingDB) -> pd.DataFrame:
    """The ``customer_scores`` table, sorted by customer, with fixed dtypes."""
    frame = db.query(
        "SELECT customer_id, scored_at, recency_days, frequency, monetary, r_score, f_score, m_score, score "
        "FROM {s}.customer_scores"
    )
    ints = ["recency_days", "frequency", "r_score", "f_score", "m_score", "score"]
    frame = frame.astype({**{c: "int64" for c in ints}, "monetary": "float64"})
    frame["scored_at"] = pd.to_datetime(frame["scored_at"])
    return frame.sort_values("customer_id").reset_index(drop=True)


def score_thresholds(db: MarketingDB) -> pd.DataFrame:
    """What each 1-5 score means: the range of the measure behind it.

    Returns
    -------
    DataFrame
        Columns: level (1-5), recency_min, recency_max, frequency_min,
        frequency_max, monetary_min, monetary_max, and the customers with
        that R, F and M score (r_customers, f_customers, m_customers). A
        level no customer has is left empty.
    """
    parts = []
    for letter, column in (("r", "recency_days"), ("f", "frequency"), ("m", "monetary")):
        part = db.query(
            f"SELECT {letter}_score AS level, MIN({column}) AS lo, MAX({column}) AS hi, COUNT(*) AS n "
            f"FROM {{s}}.customer_scores GROUP BY {letter}_score"
        )
        short = column.split("_")[0]
        part = part.rename(columns={"lo": f"{short}_min", "hi": f"{short}_max", "n": f"{letter}_customers"})
        parts.append(part.set_index("level"))
    out = pd.concat(parts, axis=1).reindex(range(1, 6))
    out.index.name = "level"
    return out.reset_index()


def score_summary(db: MarketingDB) -> pd.DataFrame:
    """Customers and value at each total score (3-15).

    Returns
    -------
    DataFrame
        Columns: score, customers, share_of_customers, recency (mean days),
        frequency (mean orders), monetary (mean revenue), share_of_revenue.
    """
    frame = db.query(
        """
        SELECT score, COUNT(*) AS customers, AVG(CAST(recency_days AS DOUBLE PRECISION)) AS recency,
               AVG(CAST(frequency AS DOUBLE PRECISION)) AS frequency, AVG(monetary) AS monetary,
               SUM(monetary) AS revenue
        FROM {s}.customer_scores GROUP BY score
        """
    ).astype({"score": "int64", "customers": "int64"})
    frame = frame.sort_values("score", ascending=False).reset_index(drop=True)
    frame["share_of_customers"] = frame["customers"] / frame["customers"].sum()
    frame["share_of_revenue"] = frame["revenue"] / frame["revenue"].sum()
    return frame[
        ["score", "customers", "share_of_customers", "recency", "frequency", "monetary", "share_of_revenue"]
    ]
