"""toolkit.data.formats: one decimal mark and one date order per column, the same in pandas and DuckDB."""

import math

import duckdb
import pandas as pd
import pytest

from toolkit.data.formats import (
    blank_sql,
    decide_dates,
    decide_decimal,
    decide_file_numbers,
    decide_number_format,
    excel_serial_dates,
    number_sql,
    parse_date_text,
    parse_number_text,
)
from toolkit.errors import DataError, ParameterError

WHERE = dict(source="sales.csv", column="Price", canonical="unit_price")


def col(*values):
    return pd.Series(list(values), dtype="string")


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "values, mark, expected",
    [
        (("2,95", "1234,5", "7"), ",", [2.95, 1234.5, 7.0]),
        (("0,125", "3"), ",", [0.125, 3.0]),  # 0,125 cannot be thousands
        (("1234,567",), ",", [1234.567]),  # nor can a 4-digit first group
        (("2.950,00", "1.234.567,8", "5"), ",", [2950.0, 1234567.8, 5.0]),
        (("1,234.50", "7"), ".", [1234.5, 7.0]),
        (("1,234,567", "12"), ".", [1234567.0, 12.0]),  # two commas: thousands
        (("2.5", "1,234"), ".", [2.5, 1234.0]),  # 2.5 decides the 1,234 beside it
        ((" ¥1,200.50 ", "$-3", "1 234.5"), ".", [1200.5, -3.0, 1234.5]),
        (("1 234,50 €", "2,5"), ",", [1234.5, 2.5]),
        (("1.5e3", "-.5"), ".", [1500.0, -0.5]),
    ],
)
def test_decimal_mark_decided_from_the_values(values, mark, expected):
    decision = decide_number_format(col(*values), **WHERE)
    assert decision.decimal == mark
    assert decision.decided_by == "values"
    assert "decided from the values" in decision.description
    assert parse_number_text(col(*values), mark).tolist() == expected


def test_descriptions_name_the_mark_and_an_example():
    assert (
        decide_number_format(col("2,95"), **WHERE).description
        == "decimal comma (2,95), decided from the values"
    )
    assert (
        decide_number_format(col("2.950,00", "3"), **WHERE).description
        == "decimal comma with dots separating thousands (2.950,00), decided from the values"
    )
    assert (
        decide_number_format(col("7", "1,234.50"), **WHERE).description
        == "decimal point with commas separating thousands (1,234.50), decided from the values"
    )


def test_whole_numbers_need_no_mark():
    decision = decide_number_format(col("5", "12", "-3"), **WHERE)
    assert (decision.decimal, decision.decided_by) == (".", "none")


def test_column_where_no_value_decides_reads_commas_as_thousands_and_says_so():
    decision = decide_number_format(col("950", "1,234", "12,000"), **WHERE)
    assert (decision.decimal, decision.decided_by) == (".", "default")
    assert "1,234 read as 1234" in decision.description
    assert "--decimal ," in decision.description
    assert parse_number_text(col("950", "1,234", "12,000"), ".").tolist() == [950.0, 1234.0, 12000.0]


def test_undecided_column_follows_the_files_other_numbers():
    texts = {"quantity": col("1,500", "2"), "unit_price": col("2,95", "10")}
    decisions = decide_file_numbers(
        texts, source="sales.csv", columns={"quantity": "Qty", "unit_price": "Price"}
    )
    assert decisions["unit_price"].decimal == ","
    assert (decisions["quantity"].decimal, decisions["quantity"].decided_by) == (",", "file")
    assert parse_number_text(texts["quantity"], ",").tolist() == [1.5, 2.0]


def test_undecided_column_keeps_the_point_when_the_other_columns_disagree():
    texts = {"amount": col("1,500"), "quantity": col("2,5"), "unit_price": col("2.5")}
    decisions = decide_file_numbers(
        texts, source="s.csv", columns={"amount": "A", "quantity": "Q", "unit_price": "P"}
    )
    assert decisions["amount"].decimal == "."
    assert decisions["amount"].decided_by == "default"


@pytest.mark.parametrize(
    "bad", ["1,2,3", "inf", "-inf", "Infinity", "nan", "NaN", "12 dollars", "1e999", "0,123.5"]
)
def test_values_that_are_not_numbers_are_refused_with_their_row(bad):
    with pytest.raises(DataError) as info:
        decide_decimal(col("2.5", bad, "3"), **WHERE)
    err = info.value
    assert err.column == "Price" and err.rows == [3]
    assert (
        f"column 'Price' (mapped to unit_price) has 1 value(s) that are not numbers: rows 3 hold {bad!r}"
        in str(err)
    )
    assert "--decimal" in str(err)


def test_column_mixing_both_styles_is_refused_naming_one_value_of_each():
    with pytest.raises(DataError) as info:
        decide_decimal(col("1", "2,95", "1,234.50"), **WHERE)
    msg = str(info.value)
    assert "mixes decimal commas ('2,95', row 3) and decimal points ('1,234.50', row 4)" in msg
    assert info.value.rows == [3, 4]


def test_given_mark_overrides_and_is_checked():
    assert decide_decimal(col("1,234"), given=",", **WHERE) == ","
    assert parse_number_text(col("1,234"), ",").tolist() == [1.234]
    assert (
        decide_number_format(col("2.5"), given=".", **WHERE).description
        == "decimal point, given with --decimal ."
    )
    with pytest.raises(DataError) as info:
        decide_decimal(col("2,95", "1,234.50", "3"), given=",", **WHERE)
    assert "not numbers with the decimal comma given with --decimal ,: rows 3 hold '1,234.50'" in str(
        info.value
    )
    with pytest.raises(DataError, match="they read as numbers with a decimal comma: give --decimal ,"):
        decide_decimal(col("2,95"), given=".", **WHERE)


def test_distinct_values_with_counts_give_the_whole_columns_decision_and_message():
    whole = col("2.5", "x", "2.5", "x", "y")
    distinct = pd.Series(["y", "2.5", "x"], index=[4, 0, 1], dtype="string")
    messages = []
    for text, counts in [(whole, None), (distinct, pd.Series([1, 2, 2], index=[4, 0, 1]))]:
        with pytest.raises(DataError) as info:
            decide_decimal(text, counts=counts, **WHERE)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "has 3 value(s) that are not numbers: rows 3, 6 hold 'x', 'y'" in messages[0]


def test_blanks_are_missing_not_errors():
    text = col("2,5", "", "  ", None, "\u00a0")
    assert decide_decimal(text, **WHERE) == ","
    parsed = parse_number_text(text, ",")
    assert parsed.iloc[0] == 2.5 and parsed.iloc[1:].isna().all()


NUMBER_TEXTS = [
    "2,95",
    "1234,5",
    "0,125",
    "2.950,00",
    "1.234.567,8",
    "1,234.50",
    "1,234",
    "1,234,567",
    "7",
    "-3",
    "+4.25",
    ".5",
    ",5",
    "1.5e3",
    "2E-2",
    " ¥1,200.50 ",
    "$-3",
    "1\u00a0234,5",
    "1 234.5 €",
    "12元",
    "inf",
    "-inf",
    "Infinity",
    "nan",
    "1e999",
    "1,2,3",
    "12 dollars",
    "",
    "   ",
    "0,123.5",
    "１２",
    "5.",
    "1.2.3",
    "\t7\x0b",
    "\u30003\u3000",
    "\u202f1\u202f234,5",
    "2,950.00",
    None,
]


@pytest.mark.parametrize("mark", [".", ","])
def test_number_sql_agrees_with_pandas_value_for_value(mark):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(NUMBER_TEXTS)))
    got = con.execute(
        f"SELECT i, {number_sql('v', mark)} AS x, {blank_sql('v')} AS blank FROM t ORDER BY i"
    ).df()
    expected = parse_number_text(pd.Series(NUMBER_TEXTS, dtype="string"), mark)
    for i, text in enumerate(NUMBER_TEXTS):
        sql, py = got["x"].iloc[i], expected.iloc[i]
        assert (pd.isna(sql) and pd.isna(py)) or math.isclose(sql, py, rel_tol=0, abs_tol=0), (text, sql, py)
    assert got["blank"].tolist() == [t is None or t.strip() == "" for t in NUMBER_TEXTS]
    con.close()


def test_number_sql_reads_the_issues_examples():
    con = duckdb.connect()
    sql = ", ".join(
        number_sql(f"'{text}'", mark)
        for text, mark in [("2,95", ","), ("2.950,00", ","), ("1,234.50", "."), ("inf", ".")]
    )
    assert con.execute(f"SELECT {sql}").fetchone() == (2.95, 2950.0, 1234.5, None)
    con.close()


# ----------------------------------------------------------------------------- dates


def dates(*values, **kwargs):
    decision = decide_dates(col(*values), source="sales.csv", column="Date", canonical="order_date", **kwargs)
    return decision, parse_date_text(col(*values), decision).tolist()


def test_excel_serials_in_the_1900_date_system():
    got = excel_serial_dates(pd.Series([1.0, 59.0, 60.0, 61.0, 40517.0, 40517.5, 40517.75]))
    assert got.iloc[:2].tolist() == [pd.Timestamp("1900-01-01"), pd.Timestamp("1900-02-28")]
    assert pd.isna(got.iloc[2])  # Excel's fictitious 1900-02-29
    assert got.iloc[3:].tolist() == [
        pd.Timestamp("1900-03-01"),
        pd.Timestamp("2010-12-05"),
        pd.Timestamp("2010-12-05 12:00"),
        pd.Timestamp("2010-12-05 18:00"),
    ]


def test_one_day_above_twelve_makes_the_whole_column_day_first():
    decision, parsed = dates("03/04/2011", "31/12/2011 10:30", "05/06/2011")
    assert decision.dayfirst is True
    assert parsed == [
        pd.Timestamp("2011-04-03"),
        pd.Timestamp("2011-12-31 10:30"),
        pd.Timestamp("2011-06-05"),
    ]
    assert decision.description == (
        "day/month/year (%d/%m/%Y), decided from the values (31/12/2011 10:30: 31 cannot be a month)"
    )


def test_one_second_part_above_twelve_makes_it_month_first():
    decision, parsed = dates("03.04.2011", "12.31.2011", "1.2.11 8:05 PM")
    assert decision.dayfirst is False
    assert parsed == [
        pd.Timestamp("2011-03-04"),
        pd.Timestamp("2011-12-31"),
        pd.Timestamp("2011-01-02 20:05"),
    ]
    assert decision.description.startswith("month/day/year (%m.%d.%Y), decided from the values")


def test_mixed_orders_are_refused_with_an_example_of_each():
    with pytest.raises(DataError) as info:
        dates("03/04/2011", "31/12/2011", "12/31/2011")
    msg = str(info.value)
    assert (
        "mixes day/month/year dates ('31/12/2011', row 3) and month/day/year dates ('12/31/2011', row 4)"
        in msg
    )
    assert info.value.rows == [3, 4]


def test_every_value_ambiguous_asks_for_the_format_with_examples():
    with pytest.raises(DataError) as info:
        dates("03/04/2011", "05/06/2011", "07/07/2011")
    msg = str(info.value)
    assert "'03/04/2011', '05/06/2011' (rows 2, 3)" in msg
    assert "--date-format %d/%m/%Y" in msg and "--dayfirst yes|no" in msg


def test_equal_day_and_month_everywhere_needs_no_choice():
    decision, parsed = dates("01/01/2011", "07/07/2011")
    assert parsed == [pd.Timestamp("2011-01-01"), pd.Timestamp("2011-07-07")]
    assert "either order" in decision.description


@pytest.mark.parametrize("dayfirst, expected", [(True, "2011-04-03"), (False, "2011-03-04")])
def test_dayfirst_given_overrides(dayfirst, expected):
    decision, parsed = dates("03/04/2011", dayfirst=dayfirst)
    assert parsed == [pd.Timestamp(expected)]
    assert decision.description.endswith(f"given with --dayfirst {'yes' if dayfirst else 'no'}")


def test_dayfirst_given_refuses_values_that_do_not_fit():
    with pytest.raises(DataError, match=r"has 1 value\(s\) that are not dates: rows 3 hold '03/13/2011'"):
        dates("03/04/2011", "03/13/2011", dayfirst=True)


def test_date_format_given_overrides_and_is_checked():
    decision, parsed = dates("03-04-2011 10:30", "05-06-2011 08:00", date_format="%m-%d-%Y %H:%M")
    assert parsed == [pd.Timestamp("2011-03-04 10:30"), pd.Timestamp("2011-05-06 08:00")]
    assert decision.description == "%m-%d-%Y %H:%M, given with --date-format"
    with pytest.raises(DataError) as info:
        dates("03/04/2011", "2011-04-05", date_format="%d/%m/%Y")
    assert "do not fit the date format %d/%m/%Y given with --date-format: rows 3 hold '2011-04-05'" in str(
        info.value
    )


def test_unambiguous_forms_parse():
    decision, parsed = dates(
        "2011-12-09 08:26",
        "2011/12/09",
        "2011-12-09T08:26:30",
        "20111209",
        "9 Dec 2011",
        "09-Dec-2011 8:26",
        "Dec 9, 2011",
        "December 9 2011",
        "2011年12月9日",
        "2011年12月9日 10:30",
    )
    nine = pd.Timestamp("2011-12-09")
    assert parsed == [
        nine + pd.Timedelta("8h26min"),
        nine,
        nine + pd.Timedelta("8h26min30s"),
        nine,
        nine,
        nine + pd.Timedelta("8h26min"),
        nine,
        nine,
        nine,
        nine + pd.Timedelta("10h30min"),
    ]
    assert decision.description.startswith(
        "year-month-day (2011-12-09 08:26); yyyymmdd (20111209); day month-name"
    )


def test_excel_serial_text_column():
    decision, parsed = dates("40517", "40517.75", "40887")
    assert decision.serial
    assert parsed == [
        pd.Timestamp("2010-12-05"),
        pd.Timestamp("2010-12-05 18:00"),
        pd.Timestamp("2011-12-10"),
    ]
    assert decision.description == (
        "Excel serial numbers, 1900 date system (40517 = 2010-12-05), decided from the values"
    )


def test_numbers_are_dates_only_when_all_are_serials():
    with pytest.raises(DataError) as info:
        dates("40517", "2011-12-09")
    assert "rows 2 hold '40517'" in str(info.value)
    assert "Excel serial dates only when every value of the column is one" in str(info.value)
    with pytest.raises(DataError) as info:
        dates("40517", "123", "20111209")
    assert (
        "has 2 value(s) that are numbers outside the range of Excel serial dates (20000 to 80000, 1954-10-03 "
        "to 2119-01-11) that the rest of the column holds: rows 3, 4 hold '123', '20111209'"
    ) in str(info.value)
    assert dates("20111209", "20111210")[1] == [pd.Timestamp("2011-12-09"), pd.Timestamp("2011-12-10")]


def test_years_pandas_cannot_hold_are_refused():
    with pytest.raises(DataError) as info:
        dates("2011-12-09", "9999-12-31", "31/12/2011")
    assert "outside the years 1678 to 2261" in str(info.value)
    assert "rows 3 hold '9999-12-31'" in str(info.value) and "blank them or fix them" in str(info.value)


def test_impossible_dates_and_times_are_refused():
    with pytest.raises(DataError) as info:
        dates("2011-02-30", "2011-02-28 25:00", "2011-02-28 13:00 PM", "2011-02-27 12:00 AM")
    assert info.value.rows == [2, 3, 4]
    assert parse_date_text(
        col("2011-02-27 12:00 AM", "2011-02-27 12:30 pm"),
        decide_dates(col("2011-02-27"), source="s", column="d"),
    ).tolist() == [pd.Timestamp("2011-02-27"), pd.Timestamp("2011-02-27 12:30")]


def test_date_decision_from_distinct_values_matches_the_whole_column():
    whole = col("03/04/2011", "03/04/2011", "31/12/2011", "")
    distinct = pd.Series(["31/12/2011", "03/04/2011"], index=[2, 0], dtype="string")
    a = decide_dates(whole, source="s", column="d")
    b = decide_dates(distinct, source="s", column="d")
    assert a == b
    assert parse_date_text(whole, a).tolist()[:3] == [pd.Timestamp("2011-04-03")] * 2 + [
        pd.Timestamp("2011-12-31")
    ]
    assert pd.isna(parse_date_text(whole, a).iloc[3])


def test_a_date_format_python_cannot_read_is_a_parameter_error():
    with pytest.raises(ParameterError, match="The date format '%d/%m/%Y %Q' is not one Python can read"):
        dates("03/04/2011", date_format="%d/%m/%Y %Q")
