"""The tables of the marketing database, described once as data.

Four groups of tables, following the six steps of database marketing:

- collect / store: ``raw_lines`` keeps every line of the source file as it
  arrived (plus its line number; columns without a canonical name go, as
  text, into ``other_columns``), and ``line_status`` says for each line
  which cleaning tests it meets, whether it was kept and, if not, which
  rule took it out; ``cancellation_matches`` lists the cancellations and
  the sales they reverse; ``cleaning_log`` holds the counts per rule.
- process: ``customers``, ``orders`` and ``order_lines`` — the cleaned
  marketing database, linked by keys.
- find prospects: ``customer_scores`` — recency, frequency and value of each
  customer at a scoring date, with 1-5 scores.
- use / refine: ``suppressions`` (the do-not-contact list), ``campaigns``,
  ``campaign_contacts`` (the target list and its hold-out group) and
  ``campaign_outcomes`` (what happened).

The column types are the ones DuckDB and PostgreSQL share.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.dbmarketing.connection import MarketingDB

__all__ = ["TABLES", "INDEXES", "TABLE_ORDER", "create_tables", "drop_tables", "table_counts"]

#: Columns and constraints of each table, in creation order.
TABLES: dict[str, tuple[str, ...]] = {
    "raw_lines": (
        "line_no BIGINT PRIMARY KEY",
        "order_id VARCHAR",
        "product_id VARCHAR",
        "product_name VARCHAR",
        "quantity DOUBLE PRECISION",
        "order_date TIMESTAMP",
        "unit_price DOUBLE PRECISION",
        "amount DOUBLE PRECISION",
        "customer_id VARCHAR",
        "region VARCHAR",
        "channel VARCHAR",
        "other_columns VARCHAR",
    ),
    "cancellation_matches": ("line_no BIGINT PRIMARY KEY",),
    "line_status": (
        "line_no BIGINT PRIMARY KEY",
        "is_duplicate BOOLEAN NOT NULL",
        "missing_customer BOOLEAN NOT NULL",
        "missing_date BOOLEAN NOT NULL",
        "implausible_date BOOLEAN NOT NULL",
        "is_cancellation BOOLEAN NOT NULL",
        "cancelled_order BOOLEAN NOT NULL",
        "non_merchandise BOOLEAN NOT NULL",
        "is_return BOOLEAN NOT NULL",
        "non_positive_price BOOLEAN NOT NULL",
        "future_date BOOLEAN NOT NULL",
        "excluded_by VARCHAR",
    ),
    "cleaning_log": (
        "step INTEGER PRIMARY KEY",
        "rule VARCHAR NOT NULL",
        "rows_matching BIGINT NOT NULL",
        "rows_removed BIGINT NOT NULL",
        "action VARCHAR NOT NULL",
    ),
    "customers": (
        "customer_id VARCHAR PRIMARY KEY",
        "region VARCHAR",
        "first_order TIMESTAMP NOT NULL",
        "last_order TIMESTAMP NOT NULL",
    ),
    "orders": (
        "order_id VARCHAR PRIMARY KEY",
        "customer_id VARCHAR NOT NULL REFERENCES {s}.customers (customer_id)",
        "order_date TIMESTAMP NOT NULL",
        "region VARCHAR",
        "channel VARCHAR",
        "is_return BOOLEAN NOT NULL",
        "lines INTEGER NOT NULL",
        "amount DOUBLE PRECISION NOT NULL",
    ),
    "order_lines": (
        "line_no BIGINT PRIMARY KEY",
        "order_id VARCHAR NOT NULL REFERENCES {s}.orders (order_id)",
        "product_id VARCHAR",
        "product_name VARCHAR",
        "quantity DOUBLE PRECISION",
        "unit_price DOUBLE PRECISION",
        "amount DOUBLE PRECISION NOT NULL",
        "is_return BOOLEAN NOT NULL",
    ),
    "customer_scores": (
        "customer_id VARCHAR PRIMARY KEY",
        "scored_at TIMESTAMP NOT NULL",
        "recency_days INTEGER NOT NULL",
        "frequency INTEGER NOT NULL",
        "monetary DOUBLE PRECISION NOT NULL",
        "r_score INTEGER NOT NULL",
        "f_score INTEGER NOT NULL",
        "m_score INTEGER NOT NULL",
        "score INTEGER NOT NULL",
    ),
    "suppressions": (
        "customer_id VARCHAR PRIMARY KEY",
        "reason VARCHAR NOT NULL",
    ),
    "campaigns": (
        "campaign_id VARCHAR PRIMARY KEY",
        "name VARCHAR NOT NULL",
        "campaign_date TIMESTAMP NOT NULL",
        "window_days INTEGER NOT NULL",
        "min_score INTEGER NOT NULL",
        "holdout_share DOUBLE PRECISION NOT NULL",
        "seed INTEGER NOT NULL",
        "cost_per_contact DOUBLE PRECISION NOT NULL",
        "note VARCHAR",
    ),
    "campaign_contacts": (
        "campaign_id VARCHAR NOT NULL",
        "customer_id VARCHAR NOT NULL",
        "grp VARCHAR NOT NULL",
        "score INTEGER NOT NULL",
        "PRIMARY KEY (campaign_id, customer_id)",
    ),
    "campaign_outcomes": (
        "campaign_id VARCHAR NOT NULL",
        "customer_id VARCHAR NOT NULL",
        "observed_orders INTEGER NOT NULL",
        "observed_revenue DOUBLE PRECISION NOT NULL",
        "simulated_response BOOLEAN NOT NULL",
        "simulated_revenue DOUBLE PRECISION NOT NULL",
        "responded BOOLEAN NOT NULL",
        "revenue DOUBLE PRECISION NOT NULL",
        "PRIMARY KEY (campaign_id, customer_id)",
    ),
}

#: Indexes on the columns that refer to other tables (so deleting or joining
#: along a key never scans a whole table).
INDEXES: dict[str, tuple[str, ...]] = {
    "orders": ("customer_id",),
    "order_lines": ("order_id",),
}

#: Creation order (dropping goes the other way, so keys never dangle).
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)


def drop_tables(db: MarketingDB, names: Sequence[str] | None = None) -> None:
    """Drop the toolkit's tables (all of them, or ``names``) if they exist.

    Only tables of the toolkit's own schema are touched.
    """
    for name in reversed(TABLE_ORDER):
        if names is None or name in names:
            db.execute(f"DROP TABLE IF EXISTS {db.table(name)}")


def create_tables(db: MarketingDB, names: Sequence[str] | None = None, replace: bool = True) -> None:
    """Create the toolkit's tables (all of them, or ``names``).

    Parameters
    ----------
    db : MarketingDB
        The database.
    names : sequence of str, optional
        Tables to create; default all of :data:`TABLES`.
    replace : bool, default True
        Drop existing tables of the same name first (their dependants too).
    """
    chosen = [n for n in TABLE_ORDER if names is None or n in names]
    if replace:
        # Dependants first: a table cannot be dropped while another refers to it.
        dependants = {"customers": ("orders", "order_lines"), "orders": ("order_lines",)}
        to_drop = set(chosen)
        for name in chosen:
            to_drop.update(dependants.get(name, ()))
        drop_tables(db, sorted(to_drop))
        for name in TABLE_ORDER:
            if name in to_drop and name not in chosen:
                chosen.append(name)
        chosen = [n for n in TABLE_ORDER if n in chosen]
    for name in chosen:
        body = ",\n  ".join(col.replace("{s}", db.qualifier) for col in TABLES[name])
        db.execute(f"CREATE TABLE IF NOT EXISTS {db.table(name)} (\n  {body}\n)")
        for column in INDEXES.get(name, ()):
            db.execute(f"CREATE INDEX IF NOT EXISTS {name}_{column}_idx ON {db.table(name)} ({column})")


def table_counts(db: MarketingDB) -> dict[str, int]:
    """Rows in each of the toolkit's tables that exists, in creation order."""
    return {
        name: int(db.scalar(f"SELECT COUNT(*) FROM {db.table(name)}"))
        for name in TABLE_ORDER
        if db.table_exists(name)
    }
