"""Hand-made exports in, right numbers and dates out: decimal marks, date order, Excel serials."""

import math

import numpy as np
import pandas as pd
import pytest

from toolkit.data import load_transactions
from toolkit.errors import DataError


def write(tmp_path, lines, name="sales.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def amounts(path, **kwargs):
    result = load_transactions(path, **kwargs)
    return result.transactions.sort_index()["amount"].tolist(), result.source.formats


def test_decimal_comma(tmp_path):
    path = write(
        tmp_path,
        ["customer_id;order_date;amount", "A;2011-12-09;2,95", "B;2011-12-09;1234,5", "C;2011-12-09;10"],
    )
    got, formats = amounts(path)
    assert got == [2.95, 1234.5, 10.0]
    assert formats["amount"] == "decimal comma (2,95), decided from the values"


def test_european_thousands_dots(tmp_path):
    path = write(
        tmp_path,
        [
            "customer_id;order_date;amount",
            "A;2011-12-09;2.950,00",
            "B;2011-12-09;1.234.567,8",
            "C;2011-12-09;3,5",
        ],
    )
    assert amounts(path)[0] == [2950.0, 1234567.8, 3.5]


def test_comma_thousands_with_decimal_point(tmp_path):
    path = write(tmp_path, ["customer_id,order_date,amount", 'A,2011-12-09,"1,234.50"', "B,2011-12-09,7.25"])
    got, formats = amounts(path)
    assert got == [1234.5, 7.25]
    assert formats["amount"].startswith("decimal point with commas separating thousands")


def test_quantity_and_price_each_decided_and_multiplied(tmp_path):
    path = write(
        tmp_path,
        ["customer_id;order_date;quantity;unit_price", "A;2011-12-09;1.000;2,95", "B;2011-12-09;3;0,5"],
    )
    # the decimal comma of the price makes the dots of the quantity thousands separators
    result = load_transactions(path)
    tx = result.transactions.sort_index()
    assert tx["quantity"].tolist() == [1000.0, 3.0]
    assert tx["amount"].tolist() == [2950.0, 1.5]
    assert "the file's other numbers" in result.source.formats["quantity"]


def test_decimal_given_in_the_mapping_overrides(tmp_path):
    path = write(tmp_path, ["customer_id,order_date,amount", 'A,2011-12-09,"1,234"', "B,2011-12-09,950"])
    assert amounts(path)[0] == [1234.0, 950.0]
    got, formats = amounts(path, columns={"decimal": ","})
    assert got == [1.234, 950.0]
    assert formats["amount"] == "decimal comma, given with --decimal ,"


def test_decimal_given_is_checked(tmp_path):
    path = write(tmp_path, ["customer_id;order_date;amount", "A;2011-12-09;2,95", "B;2011-12-09;4.5"])
    with pytest.raises(DataError) as info:
        load_transactions(path, columns={"decimal": "."})
    assert info.value.column == "amount" and info.value.rows == [2]
    assert "not numbers with the decimal point given with --decimal ." in str(info.value)


def test_refused_comma_column_names_the_column(tmp_path):
    path = write(tmp_path, ["cust;day;Price;Qty", "A;2011-12-09;2,95;1", "B;2011-12-09;1,234.50;2"])
    with pytest.raises(DataError) as info:
        load_transactions(
            path,
            columns={"customer_id": "cust", "order_date": "day", "unit_price": "Price", "quantity": "Qty"},
        )
    assert info.value.column == "Price"
    assert str(info.value).startswith("sales.csv: column 'Price' (mapped to unit_price) mixes decimal commas")
    assert "--decimal" in str(info.value)


def test_inf_text_is_refused(tmp_path):
    path = write(
        tmp_path,
        ["customer_id,order_date,amount", "A,2011-12-09,5", "B,2011-12-09,inf", "C,2011-12-09,-Infinity"],
    )
    with pytest.raises(DataError) as info:
        load_transactions(path)
    assert info.value.rows == [3, 4]
    assert "has 2 value(s) that are not numbers: rows 3, 4 hold 'inf', '-Infinity'" in str(info.value)


def test_inf_in_a_numeric_column_is_refused(tmp_path):
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "order_date": pd.to_datetime(["2011-12-09", "2011-12-10"]),
            "amount": [5.0, np.inf],
        }
    )
    frame.to_parquet(tmp_path / "s.parquet")
    with pytest.raises(DataError) as info:
        load_transactions(tmp_path / "s.parquet")
    assert info.value.rows == [2] and "not finite numbers" in str(info.value)


def order_dates(path, **kwargs):
    result = load_transactions(path, **kwargs)
    return result.transactions.sort_index()["order_date"].tolist(), result.source.formats["order_date"]


def test_day_first_file_reads_every_row_day_first(tmp_path):
    path = write(
        tmp_path,
        ["customer_id,order_date,amount", "A,03/04/2011,1", "B,25/04/2011 10:30,1", "C,01/05/2011,1"],
    )
    got, description = order_dates(path)
    assert got == [pd.Timestamp("2011-04-03"), pd.Timestamp("2011-04-25 10:30"), pd.Timestamp("2011-05-01")]
    assert description.startswith("day/month/year (%d/%m/%Y), decided from the values")


def test_all_ambiguous_file_asks_for_the_format(tmp_path):
    path = write(tmp_path, ["customer_id,order_date,amount", "A,03/04/2011,1", "B,05/06/2011,1"])
    with pytest.raises(DataError) as info:
        load_transactions(path)
    assert "--date-format" in str(info.value) and "'03/04/2011', '05/06/2011'" in str(info.value)
    assert info.value.column == "order_date"


@pytest.mark.parametrize(
    "option, expected",
    [
        ({"dayfirst": "yes"}, [pd.Timestamp("2011-04-03"), pd.Timestamp("2011-06-05")]),
        ({"dayfirst": "no"}, [pd.Timestamp("2011-03-04"), pd.Timestamp("2011-05-06")]),
        ({"date_format": "%m/%d/%Y"}, [pd.Timestamp("2011-03-04"), pd.Timestamp("2011-05-06")]),
    ],
)
def test_given_order_overrides(tmp_path, option, expected):
    path = write(tmp_path, ["customer_id,order_date,amount", "A,03/04/2011,1", "B,05/06/2011,1"])
    assert order_dates(path, columns=option)[0] == expected


def test_given_format_refuses_rows_that_do_not_fit(tmp_path):
    path = write(tmp_path, ["customer_id,order_date,amount", "A,03/04/2011,1", "B,2011-06-05,1"])
    with pytest.raises(DataError) as info:
        load_transactions(path, columns={"date_format": "%d/%m/%Y"})
    assert info.value.rows == [3] and "given with --date-format" in str(info.value)


def test_excel_serial_text(tmp_path):
    path = write(tmp_path, ["customer_id,order_date,amount", "A,40517,1", "B,40887.5,1"])
    got, description = order_dates(path)
    assert got == [pd.Timestamp("2010-12-05"), pd.Timestamp("2011-12-10 12:00")]
    assert description.startswith("Excel serial numbers, 1900 date system")


def test_serial_numbers_in_a_typed_column(tmp_path):
    frame = pd.DataFrame({"customer_id": ["A", "B"], "order_date": [40517, 40887], "amount": [1.0, 2.0]})
    frame.to_parquet(tmp_path / "s.parquet")
    assert order_dates(tmp_path / "s.parquet")[0] == [pd.Timestamp("2010-12-05"), pd.Timestamp("2011-12-10")]
    frame.assign(order_date=[40517, 2011]).to_parquet(tmp_path / "t.parquet")
    with pytest.raises(DataError, match="rows 2 hold '2011'; blank them or fix them"):
        load_transactions(tmp_path / "t.parquet")


def test_excel_numeric_serial_cells_and_date_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["customer_id", "order_date", "amount"])
    sheet.append(["A", 40517, 2.5])
    sheet.append(["B", 40887.75, "1.234,5"])  # a number typed as text in a European workbook
    book.save(tmp_path / "serials.xlsx")
    result = load_transactions(tmp_path / "serials.xlsx")
    tx = result.transactions.sort_index()
    assert tx["order_date"].tolist() == [pd.Timestamp("2010-12-05"), pd.Timestamp("2011-12-10 18:00")]
    assert tx["amount"].tolist() == [2.5, 1234.5]
    assert result.source.formats["amount"].startswith("stored as numbers; decimal comma")

    book = Workbook()
    sheet = book.active
    sheet.append(["customer_id", "order_date", "amount"])
    sheet.append(["A", pd.Timestamp("2011-12-09 08:26").to_pydatetime(), 1])
    sheet.append(["B", "31/12/2011", 1])
    book.save(tmp_path / "dates.xlsx")
    result = load_transactions(tmp_path / "dates.xlsx")
    assert result.transactions.sort_index()["order_date"].tolist() == [
        pd.Timestamp("2011-12-09 08:26"),
        pd.Timestamp("2011-12-31"),
    ]
    assert result.source.formats["order_date"].startswith("stored as dates; day/month/year")


def test_year_9999_is_refused_not_a_traceback(tmp_path):
    path = write(tmp_path, ["customer_id,order_date,amount", "A,2011-12-09,1", "B,9999-12-31,1"])
    with pytest.raises(DataError) as info:
        load_transactions(path)
    assert info.value.rows == [3] and "blank them or fix them" in str(info.value)
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "amount": [1.0, 2.0],
            "order_date": np.array(["2011-12-09", "9999-12-31"], dtype="datetime64[us]"),
        }
    )
    frame.to_parquet(tmp_path / "s.parquet")
    with pytest.raises(DataError, match="rows 2 hold '9999-12-31'; blank them or fix them"):
        load_transactions(tmp_path / "s.parquet")


def test_options_in_the_mapping_are_not_columns(tmp_path):
    path = write(tmp_path, ["cust;day;value", "A;03/04/2011;2,5"])
    result = load_transactions(
        path,
        columns={
            "customer_id": "cust",
            "order_date": "day",
            "amount": "value",
            "dayfirst": "yes",
            "decimal": ",",
        },
    )
    assert result.mapping == {"customer_id": "cust", "order_date": "day", "amount": "value"}
    assert result.transactions["order_date"].tolist() == [pd.Timestamp("2011-04-03")]
    assert math.isclose(result.transactions["amount"].iloc[0], 2.5)


def test_column_check_leaves_the_reading_options_out():
    from toolkit.data.validation import resolve_columns

    used = resolve_columns(
        ["cust", "day", "value"],
        {"customer_id": "cust", "order_date": "day", "amount": "value", "decimal": ",", "dayfirst": "yes"},
        "sales.csv",
    )
    assert used == {"customer_id": "cust", "order_date": "day", "amount": "value"}
