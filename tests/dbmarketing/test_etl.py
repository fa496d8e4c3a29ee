"""Collect, store and process: the marketing database built in SQL.

A small hand-made frame hits every cleaning rule once; the bundled UCI
Online Retail file is checked against its published figures and against the
core's pandas cleaning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.data.online_retail_fees import FEE_CODES
from toolkit.data.cleaning import clean_transactions
from toolkit.dbmarketing import etl, schema
from toolkit.dbmarketing.connection import open_database
from toolkit.errors import DataError, ParameterError

TS = pd.Timestamp


def small_frame() -> pd.DataFrame:
    """Twelve lines: five kept, one removed by each cleaning rule (and one duplicate)."""
    rows = [
        # order, customer, date, qty, price, product, region
        ("A1", "1", TS("2011-01-05 10:00"), 2, 5.0, "P1", "UK"),  # 0 kept
        ("A1", "1", TS("2011-01-05 10:00"), 2, 5.0, "P1", "UK"),  # 1 exact duplicate of 0
        ("A1", "1", TS("2011-01-05 10:01"), 1, 3.0, "P2", "UK"),  # 2 kept, same order a minute later
        ("A2", None, TS("2011-01-06 09:00"), 1, 1.0, "P1", "UK"),  # 3 no customer
        ("C3", "2", TS("2011-01-07 09:00"), -1, 4.0, "P3", "France"),  # 4 cancellation
        ("A4", "2", TS("2011-01-08 09:00"), -2, 4.0, "P3", "France"),  # 5 negative quantity
        ("A5", "2", TS("2011-02-01 09:00"), 1, 0.0, "P4", "France"),  # 6 zero price
        ("A6", "2", TS("2011-03-01 09:00"), 4, 2.5, "P1", "France"),  # 7 kept
        ("A7", "2", TS("2011-03-02 09:00"), 1, 20.0, "P5", "UK"),  # 8 kept (region tie: France seen first)
        ("A8", "3", pd.NaT, 1, 1.0, "P1", "UK"),  # 9 no date
        ("A9", "3", TS("2011-04-01 12:00"), 1, 7.0, "P2", "UK"),  # 10 kept
        ("A10", "3", TS("2011-12-31 12:00"), 1, 7.0, "P2", "UK"),  # 11 after the analysis date
    ]
    frame = pd.DataFrame(
        rows,
        columns=["order_id", "customer_id", "order_date", "quantity", "unit_price", "product_id", "region"],
    )
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame["order_id"] = frame["order_id"].astype("string")
    frame["quantity"] = frame["quantity"].astype(float)
    frame["amount"] = frame["quantity"] * frame["unit_price"]
    return frame


AS_OF = TS("2011-06-01")


@pytest.fixture()
def db():
    with open_database("") as database:
        yield database


def test_cleaning_counts_match_the_rules_and_the_core(db):
    result = etl.build_database(db, small_frame(), as_of=AS_OF)
    log = result.cleaning_log.set_index("rule")
    expected = {
        "duplicates": 1,
        "missing_customer": 1,
        "missing_date": 1,
        "implausible_dates": 0,
        "cancelled_orders": 0,
        "non_merchandise": 0,
        "returns": 2,
        "non_positive_price": 1,
        "future_dates": 1,
    }
    assert log["rows_removed"].to_dict() == expected
    assert log["rows_matching"].to_dict() == expected
    assert result.raw_rows == 12 and result.clean_rows == 5
    # the core's pandas rules give the same counts on the same frame
    _, quality = clean_transactions(small_frame(), AS_OF)
    assert {r: (v["matching"], v["removed"]) for r, v in quality.counts().items()} == {
        r: (int(log.at[r, "rows_matching"]), int(log.at[r, "rows_removed"])) for r in log.index
    }


def test_every_raw_line_keeps_its_fate(db):
    etl.build_database(db, small_frame(), as_of=AS_OF)
    status = db.query("SELECT line_no, excluded_by FROM {s}.line_status").sort_values("line_no")
    fates = dict(zip(status["line_no"].astype(int), status["excluded_by"].fillna("kept")))
    # line numbers are 1-based positions in the file
    assert fates == {
        1: "kept",
        2: "duplicates",
        3: "kept",
        4: "missing_customer",
        5: "returns",
        6: "returns",
        7: "non_positive_price",
        8: "kept",
        9: "kept",
        10: "missing_date",
        11: "kept",
        12: "future_dates",
    }


def test_customers_orders_and_lines_are_built_as_described(db):
    result = etl.build_database(db, small_frame(), as_of=AS_OF)
    assert {k: result.counts[k] for k in ("customers", "orders", "order_lines")} == {
        "customers": 3,
        "orders": 4,
        "order_lines": 5,
    }
    customers = db.query("SELECT * FROM {s}.customers").set_index("customer_id").sort_index()
    assert customers["region"].to_dict() == {"1": "UK", "2": "France", "3": "UK"}
    assert customers.at["1", "first_order"] == TS("2011-01-05 10:00")
    assert customers.at["1", "last_order"] == TS("2011-01-05 10:00")  # one order, dated by its first line
    assert customers.at["2", "last_order"] == TS("2011-03-02 09:00")
    orders = db.query("SELECT * FROM {s}.orders").set_index("order_id").sort_index()
    assert orders.at["A1", "lines"] == 2 and orders.at["A1", "amount"] == pytest.approx(13.0)
    assert orders.at["A1", "order_date"] == TS("2011-01-05 10:00")
    assert orders["amount"].sum() == pytest.approx(13 + 10 + 20 + 7)
    assert not orders["is_return"].any()
    lines = db.query("SELECT * FROM {s}.order_lines")
    assert sorted(lines["line_no"].astype(int)) == [1, 3, 8, 9, 11]


def test_returns_can_be_kept_as_negative_lines(db):
    result = etl.build_database(db, small_frame(), as_of=AS_OF, rules={"returns": "keep"})
    log = result.cleaning_log.set_index("rule")
    assert log.at["returns", "rows_matching"] == 2 and log.at["returns", "rows_removed"] == 0
    assert log.at["returns", "action"] == "keep"
    orders = db.query("SELECT order_id, is_return, amount FROM {s}.orders").set_index("order_id")
    assert bool(orders.at["C3", "is_return"]) and orders.at["C3", "amount"] == pytest.approx(-4.0)
    assert result.counts["order_lines"] == 7


def test_lines_without_order_id_become_one_order_per_customer_and_time(db):
    frame = small_frame().drop(columns="order_id")
    frame = frame[frame["quantity"] > 0].reset_index(drop=True)
    result = etl.build_database(db, frame, as_of=AS_OF)
    # kept: the 10:00 and 10:01 lines of customer 1 (two timestamps -> two orders), A6, A7, A9
    assert result.counts["orders"] == 5


def test_an_order_shared_by_two_customers_is_an_error(db):
    frame = small_frame()
    frame.loc[2, "customer_id"] = "9"  # order A1 now has customers 1 and 9
    with pytest.raises(DataError, match="more than one customer id.*'A1'"):
        etl.build_database(db, frame, as_of=AS_OF)


def test_staging_frame_checks_columns_and_numbers_lines():
    with pytest.raises(DataError, match="customer_id"):
        etl.staging_frame(pd.DataFrame({"order_date": [TS("2011-01-01")], "amount": [1.0]}))
    staged = etl.staging_frame(small_frame(), row_offset=2)
    assert staged["line_no"].tolist() == list(range(2, 14))
    assert list(staged.columns) == ["line_no", *etl.STAGING_COLUMNS]
    assert staged["channel"].isna().all() and staged["other_columns"].isna().all()


def test_rule_names_and_actions_are_checked(db):
    etl.store_raw(db, etl.staging_frame(small_frame()))
    with pytest.raises(ParameterError, match="cleaning rule"):
        etl.clean_in_sql(db, AS_OF, rules={"dupes": "drop"})
    with pytest.raises(ParameterError, match="action for rule 'returns'"):
        etl.clean_in_sql(db, AS_OF, rules={"returns": "net"})


def test_rebuilding_replaces_the_tables(db):
    etl.build_database(db, small_frame(), as_of=AS_OF)
    etl.build_database(db, small_frame().iloc[:3], as_of=AS_OF)
    counts = schema.table_counts(db)
    assert counts["raw_lines"] == 3 and counts["order_lines"] == 2


# --------------------------------------------------------------- Online Retail
@pytest.fixture(scope="module")
def retail_db():
    raw = etl.collect("")
    database = open_database("")
    result = etl.build_database(database, raw)
    yield database, result
    database.close()


def test_raw_lines_hold_the_published_online_retail_figures(retail_db):
    db, result = retail_db
    figures = db.query(
        """
        SELECT COUNT(*) AS rows, COUNT(DISTINCT order_id) AS invoices, COUNT(DISTINCT customer_id) AS customers,
               COUNT(DISTINCT product_id) AS stock_codes, COUNT(DISTINCT region) AS countries,
               SUM(quantity * unit_price) AS value,
               SUM(CASE WHEN customer_id IS NULL THEN 1 ELSE 0 END) AS no_customer,
               SUM(CASE WHEN product_name IS NULL THEN 1 ELSE 0 END) AS no_description,
               SUM(CASE WHEN order_id LIKE 'C%' THEN 1 ELSE 0 END) AS cancellations,
               SUM(CASE WHEN quantity < 0 THEN 1 ELSE 0 END) AS negative_quantity,
               SUM(CASE WHEN unit_price = 0 THEN 1 ELSE 0 END) AS zero_price,
               SUM(CASE WHEN unit_price < 0 THEN 1 ELSE 0 END) AS negative_price,
               MIN(order_date) AS first, MAX(order_date) AS last
        FROM {s}.raw_lines
        """
    ).iloc[0]
    assert int(figures["rows"]) == 541_909
    assert int(figures["invoices"]) == 25_900
    assert int(figures["customers"]) == 4_372
    assert int(figures["stock_codes"]) == 4_070
    assert int(figures["countries"]) == 38
    assert float(figures["value"]) == pytest.approx(9_747_747.93, abs=0.01)
    assert int(figures["no_customer"]) == 135_080
    assert int(figures["no_description"]) == 1_454
    assert int(figures["cancellations"]) == 9_288
    assert int(figures["negative_quantity"]) == 10_624
    assert int(figures["zero_price"]) == 2_515
    assert int(figures["negative_price"]) == 2
    assert figures["first"] == TS("2010-12-01 08:26") and figures["last"] == TS("2011-12-09 12:50")
    assert result.as_of == TS("2011-12-10")


@pytest.fixture(scope="module")
def retail_core():
    from toolkit.data import load_transactions

    return load_transactions()


def test_sql_cleaning_counts_match_published_figures_and_the_core(retail_db, retail_core, online_retail_raw):
    _, result = retail_db
    log = result.cleaning_log.set_index("rule")
    assert log.at["duplicates", "rows_matching"] == 5_268 and log.at["duplicates", "rows_removed"] == 5_268
    assert log.at["missing_customer", "rows_matching"] == 135_080
    # every "C" invoice line has a negative quantity: the cancellations and returns of the file, paired or not
    assert log.at["cancelled_orders", "rows_matching"] // 2 + log.at["returns", "rows_matching"] == 10_624
    raw = online_retail_raw
    codes = raw["StockCode"].str.strip().str.upper().isin(FEE_CODES)
    assert log.at["non_merchandise", "rows_matching"] == int(codes.sum())
    core = retail_core
    assert {r: (v["matching"], v["removed"]) for r, v in core.quality.counts().items()} == {
        r: (int(log.at[r, "rows_matching"]), int(log.at[r, "rows_removed"])) for r in log.index
    }
    assert result.clean_rows == core.quality.clean_rows


def test_database_tables_agree_with_the_cores_cleaning(retail_db, retail_core):
    db, result = retail_db
    clean = retail_core.transactions
    assert result.counts["order_lines"] == len(clean)
    assert result.counts["orders"] == clean["order_id"].nunique()
    assert result.counts["customers"] == clean["customer_id"].nunique()
    total = db.scalar("SELECT SUM(amount) FROM {s}.orders")
    assert total == pytest.approx(float(clean["amount"].sum()), rel=1e-12)
    per_customer = db.query("SELECT customer_id, SUM(amount) AS revenue FROM {s}.orders GROUP BY customer_id")
    expected = clean.groupby("customer_id")["amount"].sum()
    got = per_customer.set_index("customer_id")["revenue"].reindex(expected.index)
    assert np.allclose(got.to_numpy(), expected.to_numpy())


def test_dormant_customers_match_an_independent_pandas_computation(retail_db, retail_core):
    """The reactivation figures from the database equal a pandas computation on the core's clean lines."""
    from toolkit.dbmarketing import queries, reactivation

    db, result = retail_db
    clean = retail_core.transactions
    invoices = clean.groupby("order_id").agg(
        customer=("customer_id", "first"), date=("order_date", "min"), amount=("amount", "sum")
    )
    per_customer = invoices.groupby("customer").agg(
        orders=("date", "size"), revenue=("amount", "sum"), last=("date", "max")
    )
    as_of = pd.Timestamp("2011-12-10")
    per_customer["recency"] = (as_of - per_customer["last"].dt.normalize()).dt.days
    quiet = per_customer["recency"] > 90
    expected = per_customer[quiet & (per_customer["orders"] >= 2)]
    single = per_customer[quiet & (per_customer["orders"] < 2)]

    customers = queries.customer_values(db, result.as_of)
    dormant = reactivation.find_dormant(customers, dormant_days=90, min_orders=2).set_index("customer_id")
    assert len(dormant) == len(expected) == 591
    assert set(dormant.index) == set(expected.index)
    assert dormant["revenue"].sum() == pytest.approx(expected["revenue"].sum(), rel=1e-12)
    aov = expected["revenue"] / expected["orders"]
    assert np.allclose(dormant["average_order_value"].reindex(aov.index), aov)
    assert (dormant["recency_days"].reindex(expected.index) == expected["recency"]).all()

    profile = reactivation.status_profile(customers, 90, 2).set_index("status")
    assert profile.at["lapsed_single", "customers"] == len(single)
    assert profile.at["active", "customers"] == (~quiet).sum()
    assert profile["customers"].sum() == clean["customer_id"].nunique() == 4_324

    cost, margin = 1.5, 0.25
    break_even = reactivation.break_even_response_rate(dormant.reset_index(), cost, margin)
    assert break_even == pytest.approx(len(expected) * cost / (aov.sum() * margin))
    scenarios = reactivation.reactivation_scenarios(dormant.reset_index(), [0.05], cost, margin).iloc[0]
    assert scenarios["profit"] == pytest.approx(0.05 * aov.sum() * margin - len(expected) * cost)
    depth = reactivation.reactivation_depth(dormant.reset_index(), 0.05, cost, margin)
    worth_it = (0.05 * aov * margin - cost) > 0  # contact exactly the customers with positive expected profit
    best = depth.loc[depth["cumulative_profit"].idxmax()]
    assert int(best["rank"]) == int(worth_it.sum())
    assert best["cumulative_profit"] == pytest.approx((0.05 * aov[worth_it] * margin - cost).sum())
