"""Each cleaning rule's counts: on a hand-made table and on the bundled data
against independent pandas computations."""

import pandas as pd
import pytest

from toolkit.data import clean_transactions, load_transactions
from toolkit.data.cleaning import NON_MERCHANDISE_CODES
from toolkit.errors import ParameterError


def toy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.array(["a", "a", None, "b", "b", "c", "d", "e"], dtype="string"),
            "order_date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-01",
                    "2024-01-02",
                    "2024-01-03",
                    "2024-01-04",
                    None,
                    "2024-01-05",
                    "2024-03-01",
                ]
            ),
            "order_id": pd.array(["1", "1", "2", "C3", "4", "5", "6", "7"], dtype="string"),
            "quantity": [1.0, 1.0, 2.0, -1.0, 3.0, 1.0, 1.0, 1.0],
            "unit_price": [5.0, 5.0, 5.0, 5.0, 0.0, 5.0, 5.0, 5.0],
        }
    ).assign(amount=lambda d: d["quantity"] * d["unit_price"])


def test_rules_on_a_hand_made_table():
    clean, quality = clean_transactions(toy(), pd.Timestamp("2024-02-01"))
    counts = quality.counts()
    assert counts["duplicates"] == {"matching": 1, "removed": 1, "action": "drop"}
    assert counts["missing_customer"] == {"matching": 1, "removed": 1, "action": "drop"}
    assert counts["missing_date"] == {"matching": 1, "removed": 1, "action": "drop"}
    assert counts["returns"] == {"matching": 1, "removed": 1, "action": "drop"}
    assert counts["non_positive_price"] == {"matching": 1, "removed": 1, "action": "drop"}
    assert counts["future_dates"] == {"matching": 1, "removed": 1, "action": "drop"}
    assert clean["customer_id"].tolist() == ["a", "d"]
    assert quality.clean_rows == 2 and quality.raw_rows == 8


def test_keep_returns_keeps_negative_amounts_flagged():
    clean, quality = clean_transactions(toy(), pd.Timestamp("2024-02-01"), rules={"returns": "keep"})
    returned = clean[clean["is_return"]]
    assert returned["order_id"].tolist() == ["C3"] and returned["amount"].tolist() == [-5.0]
    table = quality.table("en")
    assert (
        table.loc[table["rule"] == "Cancellations and returns", "action"].item()
        == "Kept as negative amounts (net spend)"
    )
    assert table.iloc[-1]["rows_matching"] == 3


def test_unknown_rule_or_action():
    with pytest.raises(ParameterError, match=r"The 'rules' parameter must be one of 'duplicates', "):
        clean_transactions(toy(), pd.Timestamp("2024-02-01"), rules={"dupes": "drop"})
    with pytest.raises(
        ParameterError,
        match=r"The 'rules\['returns'\]' parameter must be one of 'drop' or 'keep'. Got 'net' instead.",
    ):
        clean_transactions(toy(), pd.Timestamp("2024-02-01"), rules={"returns": "net"})


def test_bundled_online_retail_counts(online_retail_raw):
    raw = online_retail_raw
    result = load_transactions()
    counts = result.quality.counts()
    # independent pandas computations, rule by rule, in the documented order
    dup = raw.duplicated()
    no_cust = raw["CustomerID"].isna()
    ret = raw["InvoiceNo"].str.startswith("C") | (raw["Quantity"] < 0)
    fees = raw["StockCode"].astype(str).str.strip().str.upper().isin(NON_MERCHANDISE_CODES)
    bad_price = (raw["UnitPrice"] <= 0) & ~ret
    assert counts["duplicates"] == {"matching": 5_268, "removed": 5_268, "action": "drop"}
    assert counts["missing_customer"]["matching"] == 135_080
    assert counts["missing_customer"]["removed"] == int((no_cust & ~dup).sum())
    assert counts["implausible_dates"]["matching"] == 0
    # every cancellation or return line is either matched to its sale (one of a pair) or a return
    cancelled = counts["cancelled_orders"]["matching"]
    assert cancelled % 2 == 0 and cancelled > 0
    assert counts["returns"]["matching"] + cancelled // 2 == 10_624
    assert counts["non_merchandise"]["matching"] == int(fees.sum())
    assert counts["non_positive_price"]["matching"] == int(bad_price.sum())
    assert counts["missing_date"]["matching"] == 0 and counts["future_dates"]["matching"] == 0
    assert result.quality.clean_rows == len(raw) - sum(c["removed"] for c in counts.values())
    assert result.as_of == pd.Timestamp("2011-12-10")
    # the two giant orders cancelled minutes later are gone, with their cancellations
    tx = result.transactions
    assert not ((tx["customer_id"] == "16446") & (tx["product_id"] == "23843")).any()
    assert not ((tx["customer_id"] == "12346") & (tx["product_id"] == "23166")).any()
    assert tx["quantity"].abs().max() < 74_215


def test_the_giant_orders_are_matched_pairs(online_retail_raw):
    """An independent check of the two famous pairs: a plain merge of sale and negated cancellation."""
    raw = online_retail_raw.drop_duplicates()
    for customer, code, quantity in ((16446.0, "23843", 80_995), (12346.0, "23166", 74_215)):
        lines = raw[(raw["CustomerID"] == customer) & (raw["StockCode"] == code)]
        sale = lines[lines["Quantity"] == quantity]
        cancel = lines[lines["Quantity"] == -quantity]
        assert len(sale) == 1 and len(cancel) == 1
        assert cancel["InvoiceNo"].item().startswith("C")
        assert sale["InvoiceDate"].item() <= cancel["InvoiceDate"].item()


def test_future_dates_counted_against_a_given_analysis_date():
    result = load_transactions(as_of="2011-11-30")
    counts = result.quality.counts()
    assert counts["future_dates"]["matching"] > 0
    assert result.transactions["order_date"].max() < pd.Timestamp("2011-11-30")
