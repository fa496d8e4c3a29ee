"""The cleaning rules of issue 13 on hand-made export files, through load_transactions."""

import pandas as pd
import pytest

from toolkit.data import load_transactions
from toolkit.errors import DataError

TODAY = pd.Timestamp("2026-12-03")
HEADER = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"


def export(tmp_path, body, name="export.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def counts(result):
    return {rule: (c["matching"], c["removed"]) for rule, c in result.quality.counts().items()}


def test_implausible_dates_are_counted_with_examples_and_do_not_set_the_analysis_date(tmp_path):
    path = export(
        tmp_path,
        "1,A,1,2011-03-01 10:00,2.0,100\n"
        "2,A,1,2011-06-01 10:00,2.0,101\n"
        "3,A,1,2099-01-01 00:00,2.0,102\n"
        "4,A,1,1900-01-01 00:00,2.0,103\n"
        "5,A,1,2011-12-08 09:00,2.0,104\n",
    )
    result = load_transactions(path, today=TODAY)
    assert counts(result)["implausible_dates"] == (2, 2)
    assert result.as_of == pd.Timestamp("2011-12-09")  # midnight after the last 2011 row, not 2099
    examples = result.quality.counts()["implausible_dates"]["examples"]
    assert examples == [{"row": 4, "value": "2099-01-01 00:00"}, {"row": 5, "value": "1900-01-01 00:00"}]
    assert set(result.transactions["customer_id"]) == {"100", "101", "104"}
    table = result.quality.table("en")
    described = table.loc[table["rule"] == "Implausible dates", "description"].item()
    assert "row 4: 2099-01-01 00:00" in described
    zh = result.quality.table("zh")
    assert "第 4 行：2099-01-01 00:00" in zh.loc[zh["rule"] == "日期不合理", "description"].item()


def test_a_date_ten_years_before_the_median_is_still_plausible(tmp_path):
    # median 2011-06-01 (lower middle of four dates); 2001-06-02 is inside ten years, 2001-05-31 is not
    path = export(
        tmp_path,
        "1,A,1,2001-06-02,2.0,1\n2,A,1,2001-05-31,2.0,2\n"
        "3,A,1,2011-06-01,2.0,3\n4,A,1,2011-07-01,2.0,4\n5,A,1,2011-08-01,2.0,5\n",
    )
    result = load_transactions(path, today=TODAY)
    assert counts(result)["implausible_dates"] == (1, 1)
    assert "2" not in set(result.transactions["customer_id"])


def test_a_cancellation_and_its_sale_go_together_an_unmatched_one_stays_a_return(tmp_path):
    path = export(
        tmp_path,
        "10,BIG,80995,2011-12-09 09:15,2.08,16446\n"
        "C11,BIG,-80995,2011-12-09 09:27,2.08,16446\n"
        "12,SMALL,2,2011-12-01 10:00,1.25,16446\n"
        "C13,OTHER,-3,2011-12-02 10:00,4.00,16446\n"
        "14,SMALL,6,2011-12-03 10:00,1.25,200\n",
    )
    result = load_transactions(path, today=TODAY)
    c = counts(result)
    assert c["cancelled_orders"] == (2, 2)
    assert c["returns"] == (1, 1)
    tx = result.transactions
    assert tx["amount"].sum() == pytest.approx(2 * 1.25 + 6 * 1.25)
    assert tx["quantity"].max() == 6


def test_keeping_cancelled_orders_brings_back_the_old_behaviour(tmp_path):
    path = export(
        tmp_path,
        "10,BIG,5,2011-12-09 09:15,2.0,1\nC11,BIG,-5,2011-12-09 09:27,2.0,1\n12,X,1,2011-12-01,1.0,2\n",
    )
    result = load_transactions(path, rules={"cancelled_orders": "keep"}, today=TODAY)
    c = counts(result)
    assert c["cancelled_orders"] == (2, 0)
    assert c["returns"] == (1, 1)  # the cancellation line is a return again; the sale stays
    assert result.transactions["amount"].sum() == pytest.approx(11.0)


def test_postage_fees_and_a_user_code_are_non_merchandise(tmp_path):
    path = export(
        tmp_path,
        "1,POST,1,2011-12-01,18.0,1\n2,dot,1,2011-12-01,50.0,1\n"
        "3,BANK CHARGES,1,2011-12-01,15.0,1\n4,FEE1,1,2011-12-01,3.0,1\n"
        "5,85123A,2,2011-12-01,2.55,1\n",
    )
    plain = load_transactions(path, today=TODAY)
    assert counts(plain)["non_merchandise"] == (3, 3)
    with_user = load_transactions(path, columns={"non_merchandise": "FEE1"}, today=TODAY)
    assert counts(with_user)["non_merchandise"] == (4, 4)
    assert with_user.transactions["product_id"].tolist() == ["85123A"]
    assert with_user.provenance()["options"] == {"non_merchandise": ["FEE1"]}


def test_rules_that_need_a_product_column_say_they_were_not_checked(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\n1,2011-12-01,5.0\n2,2011-12-02,-5.0\n", encoding="utf-8")
    result = load_transactions(path, today=TODAY)
    entry = result.quality.counts()["cancelled_orders"]
    assert entry["matching"] == 0 and entry["not_checked"] == ["product_id", "quantity"]
    table = result.quality.table("en")
    assert "Not checked" in table.loc[table["rule"] == "Cancelled orders", "description"].item()


def test_duplicates_are_judged_on_canonical_values(tmp_path):
    path = export(
        tmp_path,
        "1,A,1,2011-12-01 10:00,2.0,12647\n"
        "1,A,1,2011-12-01 10:00,2.0, 12647\n"
        "1,A,1.0,2011-12-01 10:00,2.00,12647\n"
        "1,A,1,2011-12-01 10:00,2.0,12648\n",
    )
    result = load_transactions(path, today=TODAY)
    assert counts(result)["duplicates"] == (2, 2)


def test_an_unmapped_column_that_differs_means_not_a_duplicate(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text(
        "line,customer_id,order_date,amount\n1,A,2011-12-01,5\n2,A,2011-12-01,5\n", encoding="utf-8"
    )
    result = load_transactions(path, today=TODAY)
    assert counts(result)["duplicates"] == (0, 0)


def test_nothing_left_is_a_data_error_naming_what_each_rule_removed(tmp_path):
    path = export(tmp_path, "1,A,1,2011-12-01,2.0,\n2,A,1,2011-12-01,2.0,\n")
    with pytest.raises(DataError, match=r"export\.csv: no rows are left .*missing_customer 2") as err:
        load_transactions(path, today=TODAY)
    assert "duplicates 0" in str(err.value)


def test_a_cancelled_order_whose_sale_line_is_repeated_is_gone_in_full(tmp_path):
    path = export(
        tmp_path,
        "10,BIG,500,2011-12-09 09:15,2.0,1\n10,BIG,500,2011-12-09 09:15,2.0,1\n"
        "C11,BIG,-500,2011-12-09 09:27,2.0,1\n12,X,1,2011-12-01,1.0,2\n",
    )
    result = load_transactions(path, today=TODAY)
    c = counts(result)
    assert c["duplicates"] == (1, 1) and c["cancelled_orders"] == (2, 2)
    assert result.transactions["product_id"].tolist() == ["X"]
