"""Customer table: hand-computed cases, bundled data, and pandas vs DuckDB."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.data import load_transactions
from toolkit.data.datasets import dataset_path, load_online_retail_raw
from toolkit.errors import DataError, ParameterError
from toolkit.rfm import customer_table, customer_table_from_file, months_since


def _tx(with_order_id: bool = True) -> pd.DataFrame:
    rows = [
        # customer, order, date, amount, is_return
        ("c1", "A1", "2011-01-01 10:00", 10.0, False),
        ("c1", "A1", "2011-01-01 10:00", 5.0, False),
        ("c1", "A2", "2011-01-20 09:00", 20.0, False),
        ("c1", "A3", "2011-01-20 15:00", 1.0, False),
        ("c1", "C1", "2011-01-25 12:00", -5.0, True),
        ("c2", "B1", "2011-01-30 23:00", 100.0, False),
        ("c3", "C2", "2011-01-10 08:00", -7.0, True),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "amount", "is_return"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame if with_order_id else frame.drop(columns="order_id")


def test_hand_computed_table_net():
    result = customer_table(_tx())
    assert result.as_of == pd.Timestamp("2011-01-31")  # midnight after the last line
    table = result.customers.set_index("customer_id")
    assert list(table.index) == ["c1", "c2"]  # c3 only returned goods
    assert table.loc["c1", "recency"] == 11 and table.loc["c2", "recency"] == 1
    assert table.loc["c1", "frequency"] == 3  # A1, A2, A3; the return C1 is not an order
    assert table.loc["c1", "monetary"] == pytest.approx(36.0 - 5.0)
    assert table.loc["c1", "returned"] == pytest.approx(5.0)
    assert table.loc["c1", "mean_order_value"] == pytest.approx(31.0 / 3)
    assert table.loc["c1", "first_purchase"] == pd.Timestamp("2011-01-01 10:00")
    assert result.counts == {
        "lines": 7,
        "purchase_lines": 5,
        "return_lines": 2,
        "customers": 2,
        "customers_returns_only": 1,
        "customers_non_positive_monetary": 0,
    }
    assert result.frequency_basis == "orders"


def test_returns_ignore_gives_gross_spend():
    table = customer_table(_tx(), returns="ignore").customers.set_index("customer_id")
    assert table.loc["c1", "monetary"] == pytest.approx(36.0)
    assert table.loc["c1", "frequency"] == 3


def test_without_order_id_frequency_counts_purchase_dates():
    result = customer_table(_tx(with_order_id=False), as_of="2011-03-01")
    table = result.customers.set_index("customer_id")
    assert result.frequency_basis == "purchase_dates"
    assert table.loc["c1", "frequency"] == 2  # 1 Jan and 20 Jan
    assert table.loc["c1", "recency"] == 40  # 20 Jan -> 1 Mar
    assert table.loc["c1", "recency_months"] == 2


def test_months_rule():
    days = pd.Series([0, 1, 30, 31, 60, 61, 365, 366])
    assert months_since(days).tolist() == [1, 1, 1, 2, 2, 3, 12, 13]


def test_input_is_not_mutated_and_errors():
    tx = _tx()
    before = tx.copy()
    customer_table(tx)
    pd.testing.assert_frame_equal(tx, before)
    with pytest.raises(DataError, match="after the analysis date"):
        customer_table(tx, as_of="2011-01-15")
    with pytest.raises(ParameterError, match="returns"):
        customer_table(tx, returns="gross")
    broken = tx.copy()
    broken.loc[2, "customer_id"] = None
    with pytest.raises(DataError, match="customer_id.*line"):
        customer_table(broken)
    with pytest.raises(DataError, match="order_date"):
        customer_table(tx.drop(columns="order_date"))
    missing_order = tx.copy()
    missing_order.loc[0, "order_id"] = None
    with pytest.raises(DataError, match="order_id"):
        customer_table(missing_order)


# the rules before issue 13: matched cancellations and fee lines stay in (a matched cancellation is a return)
_OLD_RULES = {"cancelled_orders": "keep", "non_merchandise": "keep"}


@pytest.fixture(scope="module")
def bundled():
    return load_transactions(), load_transactions(rules={"returns": "keep"})


def test_bundled_table_against_independent_pandas():
    dropped = load_transactions(rules=_OLD_RULES)
    result = customer_table(dropped.transactions, dropped.as_of)
    table = result.customers.set_index("customer_id")
    # independent computation from the raw published file
    raw = load_online_retail_raw().drop_duplicates()
    raw = raw[raw["CustomerID"].notna()]
    raw = raw[~raw["InvoiceNo"].str.startswith("C") & (raw["Quantity"] >= 0) & (raw["UnitPrice"] > 0)]
    raw = raw.assign(
        cid=raw["CustomerID"].astype("int64").astype(str), value=raw["Quantity"] * raw["UnitPrice"]
    )
    g = raw.groupby("cid")
    assert len(table) == 4338 == g.ngroups
    assert (table["frequency"] == g["InvoiceNo"].nunique().reindex(table.index)).all()
    np.testing.assert_allclose(table["monetary"], g["value"].sum().reindex(table.index), rtol=1e-9)
    expected_recency = (pd.Timestamp("2011-12-10") - g["InvoiceDate"].max().dt.normalize()).dt.days
    assert (table["recency"] == expected_recency.reindex(table.index)).all()
    assert table["recency"].min() == 1 and table["recency"].max() == 374
    assert table.loc["12346", "frequency"] == 1 and table.loc["12346", "monetary"] == pytest.approx(77183.6)


def test_bundled_net_returns(bundled):
    _, kept = bundled
    result = customer_table(kept.transactions, kept.as_of, returns="net")
    table = result.customers.set_index("customer_id")
    # 12346 bought 74,215 units at 1.04 and cancelled the order: both lines are gone, and so is he
    assert "12346" not in table.index
    old = load_transactions(rules=_OLD_RULES | {"returns": "keep"})
    old_table = customer_table(old.transactions, old.as_of, returns="net").customers.set_index("customer_id")
    assert old_table.loc["12346", "monetary"] == pytest.approx(0.0)
    assert old_table.loc["12346", "returned"] == pytest.approx(77183.6)
    assert result.counts["customers_returns_only"] > 0
    # the returns left are the cancellations that match no sale
    assert result.counts["return_lines"] == int(kept.transactions["is_return"].sum())
    assert kept.quality.counts()["cancelled_orders"]["matching"] > 0


@pytest.mark.parametrize("rules,returns", [(None, "net"), ({"returns": "keep"}, "net")])
def test_duckdb_path_agrees_with_pandas_on_bundled_data(bundled, rules, returns):
    core = bundled[0] if rules is None else bundled[1]
    expected = customer_table(core.transactions, core.as_of, returns=returns)
    got = customer_table_from_file(dataset_path("online_retail"), rules=rules, returns=returns)
    assert got.as_of == expected.as_of
    assert got.counts == expected.counts
    assert got.quality.counts() == core.quality.counts()
    pd.testing.assert_frame_equal(got.customers, expected.customers, check_exact=False, rtol=1e-9)


def test_duckdb_path_reads_gbk_csv_with_chinese_headers(tmp_path):
    frame = pd.DataFrame(
        {
            "客户编号": ["0001", "0001", "0002", "0002", "", "0003"],
            "订单号": ["A1", "A1", "B1", "C9", "X1", "D1"],
            "下单时间": [
                "2024/03/01 10:00",
                "2024/03/01 10:00",
                "2024/03/05 09:30",
                "2024/03/06 11:00",
                "2024/03/07 12:00",
                "2024/02/10 08:00",
            ],
            "金额": ["￥1,200", "￥1,200", "300", "-50", "80", "0"],
        }
    )
    path = tmp_path / "销售.csv"
    frame.to_csv(path, index=False, encoding="gbk")
    mapping = {"order_date": "下单时间"}
    core = load_transactions(path, columns=mapping)
    expected = customer_table(core.transactions, core.as_of)
    got = customer_table_from_file(path, columns=mapping)
    assert got.quality.counts() == core.quality.counts()
    assert got.quality.counts()["duplicates"]["removed"] == 1
    assert got.quality.counts()["returns"]["removed"] == 1
    assert got.quality.counts()["non_positive_price"]["removed"] == 1
    pd.testing.assert_frame_equal(got.customers, expected.customers)
    table = got.customers.set_index("customer_id")
    assert list(table.index) == ["0001", "0002"]  # leading zeros kept
    assert table.loc["0001", "monetary"] == 1200.0 and table.loc["0001", "recency"] == 7


def test_duckdb_exact_duplicate_grouping_gives_the_same_table(tmp_path, monkeypatch):
    from toolkit.data.duckdb import customers as customers_sql

    frame = pd.DataFrame(
        {
            "customer_id": ["1", "1", "1", "2", "2"],
            "order_id": ["A", "A", "A", "B", "B"],
            "order_date": ["2024-01-01"] * 3 + ["2024-01-02"] * 2,
            "amount": ["5", "5", "5", "7", "7"],
            "note": ["x", "x", "y", "z", "z"],
        }
    )
    path = tmp_path / "dups.csv"
    frame.to_csv(path, index=False)
    hashed = customer_table_from_file(path)
    monkeypatch.setattr(customers_sql, "_DEDUP_STRATEGIES", ("exact",))
    exact = customer_table_from_file(path)
    assert hashed.quality.counts() == exact.quality.counts()
    assert exact.quality.counts()["duplicates"]["removed"] == 2  # row 2 and row 5 repeat rows 1 and 4
    pd.testing.assert_frame_equal(hashed.customers, exact.customers)
    assert exact.customers.set_index("customer_id")["monetary"].to_dict() == {"1": 10.0, "2": 7.0}


def test_duckdb_path_errors(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame(
        {"customer_id": ["1", "2"], "order_date": ["2024-01-01", "yesterday"], "amount": ["1", "2"]}
    ).to_csv(bad, index=False)
    with pytest.raises(DataError, match="'order_date'.*not dates.*yesterday"):
        customer_table_from_file(bad)
    with pytest.raises(DataError, match="no column for customer_id"):
        pd.DataFrame({"who": ["1"], "order_date": ["2024-01-01"], "amount": ["1"]}).to_csv(bad, index=False)
        customer_table_from_file(bad)
    with pytest.raises(ParameterError, match="DuckDB engine"):
        customer_table_from_file(tmp_path / "sales.xlsx")


def test_duckdb_and_pandas_agree_on_future_dates_with_a_given_analysis_date():
    """Orders on or after the analysis date are future dates on both paths."""
    from toolkit.data import load_transactions

    core = load_transactions(as_of="2011-11-30")
    got = customer_table_from_file(dataset_path("online_retail"), as_of="2011-11-30")
    assert got.quality.counts() == core.quality.counts()
    assert core.quality.counts()["future_dates"]["removed"] > 0
    expected = customer_table(core.transactions, core.as_of)
    pd.testing.assert_frame_equal(got.customers, expected.customers, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("weak_hash", ["(hash({}) % 3)", "0"])
def test_duckdb_duplicates_stay_exact_when_row_hashes_collide(tmp_path, monkeypatch, weak_hash):
    """Lines that merely share a hash are not duplicates: counts and table match pandas."""
    from toolkit.data import load_transactions
    from toolkit.data.duckdb import customers as customers_sql

    frame = pd.DataFrame(
        {
            "customer_id": ["1", "1", "1", "2", "2", "3", "3"],
            "order_id": ["A", "A", "A", "B", "B", "C", "D"],
            "order_date": ["2024-01-01"] * 3 + ["2024-01-02"] * 2 + ["2024-01-03", "2024-01-04"],
            "amount": ["5", "5", "6", "7", "7", "1", "1"],
            "note": ["x", "x", "x", "z", "w", "q", "q"],
        }
    )
    path = tmp_path / "near.csv"
    frame.to_csv(path, index=False)
    monkeypatch.setattr(customers_sql, "_ROW_HASH", weak_hash)
    got = customer_table_from_file(path)
    core = load_transactions(path)
    assert got.quality.counts() == core.quality.counts()
    assert core.quality.counts()["duplicates"]["removed"] == 1  # only row 2 repeats row 1 exactly
    expected = customer_table(core.transactions, core.as_of)
    pd.testing.assert_frame_equal(got.customers, expected.customers, check_exact=False, rtol=1e-9)


def _both_paths(path, **options):
    """The DuckDB table and the pandas table (with its cleaning counts) for one file."""
    from toolkit.data import load_transactions

    core = load_transactions(path, rules=options.get("rules"))
    expected = customer_table(core.transactions, core.as_of, returns=options.get("returns", "net"))
    return customer_table_from_file(path, **options), expected, core


@pytest.mark.parametrize("weak_hash", ["hash({})", "(hash({}) % 2)", "0"])
def test_duckdb_counts_every_copy_of_lines_repeated_three_times(tmp_path, monkeypatch, weak_hash):
    """A slot taken three times or more sends the whole order to the exact check."""
    from toolkit.data.duckdb import customers as customers_sql

    frame = pd.DataFrame(
        {
            "customer_id": ["1"] * 6 + ["2"] * 4,
            "order_id": ["A"] * 6 + ["B"] * 4,
            "order_date": ["2024-01-01"] * 6 + ["2024-01-02"] * 4,
            "amount": ["5", "5", "5", "7", "7", "8", "1", "2", "3", "1"],
            "note": ["x", "x", "x", "y", "y", "z", "p", "q", "r", "p"],
        }
    )
    path = tmp_path / "triples.csv"
    frame.to_csv(path, index=False)
    monkeypatch.setattr(customers_sql, "_ROW_HASH", weak_hash)
    got, expected, core = _both_paths(path)
    assert got.quality.counts() == core.quality.counts()
    assert core.quality.counts()["duplicates"]["removed"] == 4  # two extra "x" copies, one "y", one "p"
    pd.testing.assert_frame_equal(got.customers, expected.customers, check_exact=False, rtol=1e-9)
    assert got.customers.set_index("customer_id")["monetary"].to_dict() == {"1": 20.0, "2": 6.0}


@pytest.mark.parametrize("rules", [None, {"non_positive_price": "keep"}, {"returns": "keep"}])
def test_duckdb_trims_ids_like_pandas(tmp_path, rules):
    """Ids with surrounding blanks are one customer and one order on both paths."""
    frame = pd.DataFrame(
        {
            "customer_id": ["7", " 7", "7 ", "8", " 8 ", "9"],
            "order_id": ["A1", "A1 ", " A1", "B1", "B2", "C1"],
            "order_date": ["2024-03-01 10:00"] * 3 + ["2024-03-02", "2024-03-05", "2024-03-04"],
            "quantity": ["1", "2", "3", "1", "1", "1"],
            "unit_price": ["10", "0", "5", "4", "6", "3"],
        }
    )
    path = tmp_path / "padded.csv"
    frame.to_csv(path, index=False)
    got, expected, core = _both_paths(path, rules=rules)
    assert got.quality.counts() == core.quality.counts()
    pd.testing.assert_frame_equal(got.customers, expected.customers, check_exact=False, rtol=1e-9)
    table = got.customers.set_index("customer_id")
    assert table.loc["7", "frequency"] == 1 and table.loc["8", "frequency"] == 2
    assert table.loc["7", "monetary"] == 25.0 and table.loc["8", "monetary"] == 10.0


def test_duckdb_reads_dates_in_the_formats_the_core_reads(tmp_path):
    frame = pd.DataFrame(
        {
            "customer_id": ["1", "2", "3", "4", "5"],
            "order_date": [
                "2024-03-01 10:00:00",
                "2024/03/02 11:30",
                "2024年3月3日",
                "Mar 4, 2024",
                "\u30002024-03-05\u3000",
            ],
            "amount": ["1", "2", "3", "4", "5"],
        }
    )
    path = tmp_path / "dates.csv"
    frame.to_csv(path, index=False)
    got, expected, core = _both_paths(path)
    pd.testing.assert_frame_equal(got.customers, expected.customers)
    assert list(got.customers["last_purchase"].dt.day) == [1, 2, 3, 4, 5]
