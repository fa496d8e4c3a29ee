"""Validation errors name the file, column, rows and values, and how to fix them."""

import pandas as pd
import pytest

from toolkit.data import load_transactions, parse_mapping
from toolkit.errors import DataError, ParameterError


def write(tmp_path, text, name="sales.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_column_lists_available_and_shows_how_to_map(tmp_path):
    path = write(tmp_path, "客户编号,下单,金额\nA,2024-01-01,5\n")
    with pytest.raises(DataError) as info:
        load_transactions(path)
    msg = str(info.value)
    assert msg.startswith("sales.csv: no column for order_date")
    assert "available: ['客户编号', '下单', '金额']" in msg
    assert "--map order_date=<your column>" in msg


def test_mapped_column_that_does_not_exist(tmp_path):
    path = write(tmp_path, "cust,day,value\nA,2024-01-01,5\n")
    with pytest.raises(
        DataError,
        match=r"column 'date' \(mapped to order_date\) not found; available: \['cust', 'day', 'value'\]",
    ):
        load_transactions(path, columns={"customer_id": "cust", "order_date": "date", "amount": "value"})


def test_amount_or_quantity_and_price_required(tmp_path):
    path = write(tmp_path, "customer_id,order_date,quantity\nA,2024-01-01,5\n")
    with pytest.raises(DataError, match="no column for amount, nor for both quantity and unit_price"):
        load_transactions(path)


def test_unparseable_dates_name_column_rows_values_and_count(tmp_path):
    rows = [
        "customer_id,order_date,amount",
        "A,2024-01-01,5",
        "B,not a date,5",
        "C,2024-02-30,5",
        "D,2024-01-03,5",
        "E,yesterday,1",
    ]
    path = write(tmp_path, "\n".join(rows) + "\n")
    with pytest.raises(DataError) as info:
        load_transactions(path)
    err = info.value
    assert err.column == "order_date"
    assert err.rows == [3, 4, 6]
    assert "has 3 value(s) that are not dates" in str(err)
    assert "'not a date', '2024-02-30', 'yesterday'" in str(err)
    assert "(row numbers count the header as row 1)" in str(err)


def test_chinese_dates_are_read(tmp_path):
    rows = [
        "客户,日期,金额",
        "A,2024年3月1日,5",
        "B,2024年03月02日 10:30,5",
        "C,2024年3月3日10:45,5",
        "D,2024-03-04,5",
    ]
    path = write(tmp_path, "\n".join(rows) + "\n")
    dates = load_transactions(
        path, columns={"customer_id": "客户", "order_date": "日期", "amount": "金额"}
    ).transactions
    assert list(dates.sort_values("customer_id")["order_date"]) == [
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-03-02 10:30"),
        pd.Timestamp("2024-03-03 10:45"),
        pd.Timestamp("2024-03-04"),
    ]
    bad = write(tmp_path, "customer_id,order_date,amount\nA,2024年13月1日,5\nB,2024年3月1日,5\n")
    with pytest.raises(DataError, match="rows 2 hold '2024年13月1日'"):
        load_transactions(bad)


def test_unparseable_numbers(tmp_path):
    path = write(
        tmp_path,
        "customer_id;order_date;amount\nA;2024-01-01;¥1,200.50\nB;2024-01-02;12 dollars\nC;2024-01-02;7\n",
    )
    with pytest.raises(DataError) as info:
        load_transactions(path)
    assert (
        "column 'amount' (mapped to amount) has 1 value(s) that are not numbers: rows 3 hold '12 dollars'"
        in str(info.value)
    )


def test_currency_and_thousands_separators_are_accepted(tmp_path):
    path = write(tmp_path, "customer_id;order_date;amount\nA;2024-01-01;¥1,200.50\nB;2024-01-02;7\n")
    assert load_transactions(path).transactions["amount"].tolist() == [1200.5, 7.0]


def test_mapping_forms(tmp_path):
    yaml_file = tmp_path / "map.yaml"
    yaml_file.write_text("columns:\n  customer_id: 客户编号\n  order_date: 订单日期\n", encoding="utf-8")
    assert parse_mapping(yaml_file) == {"customer_id": "客户编号", "order_date": "订单日期"}
    assert parse_mapping(["customer_id=客户编号", "amount = 金额"]) == {
        "customer_id": "客户编号",
        "amount": "金额",
    }
    with pytest.raises(ParameterError, match=r"Unknown canonical column\(s\) \['client'\]"):
        parse_mapping({"client": "x"})
    with pytest.raises(ParameterError, match="must look like canonical=your_column"):
        parse_mapping(["customer_id"])


def test_bad_as_of(tmp_path):
    path = write(tmp_path, "customer_id,order_date,amount\nA,2024-01-01,5\n")
    with pytest.raises(
        ParameterError, match="The 'as_of' parameter must be a date like 2011-12-10. Got 'soon' instead."
    ):
        load_transactions(path, as_of="soon")
