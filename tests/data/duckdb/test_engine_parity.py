"""Both RFM engines accept the same inputs and give the same answers.

Each case is a small hand-made export, written in ``tmp_path``, loaded with
``load_customers(engine="pandas")`` and ``engine="duckdb"``: the customers,
their recency, frequency and monetary value, the analysis date and every
cleaning rule's counts must be equal, and a file one engine refuses the other
refuses with the same kind of error. Some cases also check a hand-computed
value, so that two engines agreeing on a wrong answer still fails.
"""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import DataError, ParameterError
from toolkit.rfm.loading import load_customers

HEADER = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID"


def _write(
    tmp_path, lines: list[str], name: str = "export.csv", encoding: str = "utf-8", header: str = HEADER
):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def _both(path, columns=None, as_of=None, returns="drop"):
    """The two engines' results, or the two errors (same class required)."""
    results, errors = {}, {}
    for engine in ("pandas", "duckdb"):
        try:
            results[engine] = load_customers(str(path), columns, as_of, engine=engine, returns=returns)
        except (DataError, ParameterError) as exc:
            errors[engine] = exc
    if errors:
        assert set(errors) == {"pandas", "duckdb"}, f"only {list(errors)} refused the file: {errors}"
        assert type(errors["pandas"]) is type(errors["duckdb"])
        return None, errors
    return results, None


def _assert_same(results) -> pd.DataFrame:
    pandas, duckdb = results["pandas"], results["duckdb"]
    assert pandas.table.as_of == duckdb.table.as_of
    assert pandas.quality.raw_rows == duckdb.quality.raw_rows
    assert pandas.quality.counts() == duckdb.quality.counts()
    cols = ["customer_id", "recency", "frequency", "monetary", "returned"]
    left = pandas.table.customers[cols].reset_index(drop=True)
    right = duckdb.table.customers[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)
    return left.set_index("customer_id")


def _same(path, columns=None, as_of=None, returns="drop") -> pd.DataFrame:
    results, errors = _both(path, columns, as_of, returns)
    assert errors is None, f"both engines refused the file: {errors}"
    return _assert_same(results)


def test_dates_written_with_month_names(tmp_path):
    path = _write(
        tmp_path,
        ["A1,P1,2,9 Dec 2011,1.50,101", "A2,P1,1,1 Dec 2011,4.00,102", "A3,P2,1,30 Nov 2011,2.00,101"],
    )
    table = _same(path)
    assert table.loc["101", "recency"] == 1 and table.loc["101", "frequency"] == 2
    assert table.loc["101", "monetary"] == pytest.approx(5.0)
    assert table.loc["102", "recency"] == 9


def test_chinese_dates(tmp_path):
    path = _write(tmp_path, ["A1,P1,1,2011年12月9日,3.00,101", "A2,P1,1,2011年12月1日 10:30,5.00,102"])
    table = _same(path)
    assert table.loc["102", "recency"] == 9 and table.loc["101", "monetary"] == pytest.approx(3.0)


def test_day_first_dates_read_one_way_for_the_column(tmp_path):
    # 13/01 proves day first, so 03/01 is 3 January (not 1 March) in both engines
    path = _write(tmp_path, ["A1,P1,1,13/01/2011 10:00,2.00,101", "A2,P1,1,03/01/2011 09:00,2.00,102"])
    table = _same(path)
    assert table.loc["101", "recency"] == 1 and table.loc["102", "recency"] == 11


def test_ambiguous_day_month_order_is_refused_by_both_and_dayfirst_decides(tmp_path):
    path = _write(tmp_path, ["A1,P1,1,03/04/2011,2.00,101", "A2,P1,1,04/03/2011,2.00,102"])
    _, errors = _both(path)
    assert isinstance(errors["duckdb"], DataError)
    table = _same(path, {"dayfirst": "yes"})
    assert table.loc["101", "recency"] == 1 and table.loc["102", "recency"] == 31  # 4 Mar to 4 Apr
    table = _same(path, {"date_format": "%m/%d/%Y"})
    assert table.loc["102", "recency"] == 1


def test_excel_serial_dates(tmp_path):
    path = _write(
        tmp_path, ["A1,P1,1,40886,2.00,101", "A2,P1,1,40876.5,2.00,102"]
    )  # 2011-12-09, 2011-11-29 12:00
    table = _same(path)
    assert table.loc["101", "recency"] == 1 and table.loc["102", "recency"] == 11


def test_decimal_commas(tmp_path):
    path = _write(
        tmp_path,
        ["A1;P1;2;2011-12-09;2,95;101", "A2;P1;1;2011-12-08;10,5;102"],
        header=HEADER.replace(",", ";"),
    )
    table = _same(path)
    assert table.loc["101", "monetary"] == pytest.approx(5.9) and table.loc[
        "102", "monetary"
    ] == pytest.approx(10.5)


def test_european_numbers(tmp_path):
    path = _write(
        tmp_path,
        ["A1;P1;1;2011-12-09;2.950,00;101", "A2;P1;1.000;2011-12-08;0,50;102"],
        header=HEADER.replace(",", ";"),
    )
    table = _same(path)
    assert table.loc["101", "monetary"] == pytest.approx(2950.0) and table.loc[
        "102", "monetary"
    ] == pytest.approx(500.0)


def test_given_decimal_mark(tmp_path):
    path = _write(tmp_path, ['A1,P1,1,2011-12-09,"1,250",101'])
    assert _same(path).loc["101", "monetary"] == pytest.approx(1250.0)  # no value decides: decimal point
    assert _same(path, {"decimal": ","}).loc["101", "monetary"] == pytest.approx(1.25)


def test_commas_that_fit_neither_reading_are_refused_by_both(tmp_path):
    path = _write(tmp_path, ['A1,P1,1,2011-12-09,"2,95",101', "A2,P1,1,2011-12-09,1.5,102"])
    _, errors = _both(path)
    assert isinstance(errors["duckdb"], DataError)


def test_ids_written_as_whole_floats_are_one_customer(tmp_path):
    path = _write(
        tmp_path,
        ["A1,P1,1,2011-12-09,2.00,12647", "A2,P1,1,2011-12-01,3.00,12647.0", "A3,P1,1,2011-12-01,3.00,00123"],
    )
    table = _same(path)
    assert table.loc["12647", "frequency"] == 2 and table.loc["12647", "monetary"] == pytest.approx(5.0)
    assert "00123" in table.index


def test_padded_duplicate_rows_are_duplicates(tmp_path):
    path = _write(
        tmp_path,
        ["A1,P1,1,2011-12-09,2.00,101", "A1 ,P1,1,2011-12-09, 2.0 ,101 ", "A2,P1,1,2011-12-08,3.00,102"],
    )
    results, _ = _both(path)
    _assert_same(results)
    assert results["duckdb"].quality.counts()["duplicates"]["matching"] == 1


def test_implausible_dates(tmp_path):
    path = _write(
        tmp_path,
        [
            "A1,P1,1,2011-12-09,2.00,101",
            "A2,P1,1,2011-12-01,3.00,102",
            "A3,P1,1,2099-01-01,3.00,103",
            "A4,P1,1,1900-01-01,3.00,104",
        ],
    )
    results, _ = _both(path)
    table = _assert_same(results)
    assert results["duckdb"].table.as_of == pd.Timestamp("2011-12-10")  # not from 2099
    assert list(table.index) == ["101", "102"]


def test_cancellations_matched_and_unmatched(tmp_path):
    path = _write(
        tmp_path,
        [
            "A1,P1,5,2011-12-01 10:00,2.00,101",  # kept
            "A2,P1,5,2011-12-02 10:00,2.00,101",  # reversed by C1: the latest such sale before it
            "C1,P1,-5,2011-12-03 10:00,2.00,101",
            "C2,P2,-1,2011-12-03 11:00,4.00,101",  # matches nothing: a return
            "A3,P1,2,2011-12-04 10:00,1.00,102",
        ],
    )
    results, _ = _both(path, returns="net")
    table = _assert_same(results)
    counts = results["duckdb"].quality.counts()
    if "cancelled_orders" in counts:
        assert counts["cancelled_orders"]["matching"] == 2
        assert table.loc["101", "frequency"] == 1 and table.loc["101", "monetary"] == pytest.approx(
            10.0 - 4.0
        )


def test_non_merchandise_codes(tmp_path):
    path = _write(
        tmp_path,
        [
            "A1,P1,1,2011-12-09,2.00,101",
            "A1,POST,1,2011-12-09,18.00,101",
            "A2,fee1,1,2011-12-09,3.00,102",
            "A3,P1,1,2011-12-09,3.00,102",
        ],
    )
    results, _ = _both(path, {"non_merchandise": "FEE1"})
    table = _assert_same(results)
    counts = results["duckdb"].quality.counts()
    if "non_merchandise" in counts:
        assert counts["non_merchandise"]["matching"] == 2
        assert table.loc["101", "monetary"] == pytest.approx(2.0)


def test_gbk_file(tmp_path):
    path = _write(
        tmp_path,
        ["A1,P1,1,2011-12-09,2.00,客户一", "A2,P1,1,2011-12-01,3.00,客户二"],
        header="订单号,商品编号,数量,订单日期,单价,客户编号",
        encoding="gbk",
    )
    mapping = {
        "customer_id": "客户编号",
        "order_date": "订单日期",
        "quantity": "数量",
        "unit_price": "单价",
        "order_id": "订单号",
        "product_id": "商品编号",
    }
    table = _same(path, mapping)
    assert table.loc["客户二", "recency"] == 9


def test_parquet_file(tmp_path):
    frame = pd.DataFrame(
        {
            "InvoiceNo": ["A1", "A2", "A2", "C9"],
            "StockCode": ["P1", "P1", "P2", "P3"],
            "Quantity": [1, 2, 1, -1],
            "InvoiceDate": pd.to_datetime(["2011-12-09", "2011-12-01", "2011-12-01", "2011-12-02"]),
            "UnitPrice": [2.0, 1.5, 4.0, 1.0],
            "CustomerID": [101.0, 102.0, 102.0, 102.0],
        }
    )
    path = tmp_path / "export.parquet"
    frame.to_parquet(path)
    table = _same(path)
    assert table.loc["102", "monetary"] == pytest.approx(7.0) and table.loc["102", "recency"] == 9


def test_values_that_are_not_dates_or_numbers_are_refused_by_both(tmp_path):
    for lines in (
        ["A1,P1,1,someday,2.00,101"],
        ["A1,P1,1,2011-12-09,abc,101"],
        ["A1,P1,1,9999-12-31,2.00,101"],
    ):
        path = _write(tmp_path, lines)
        _, errors = _both(path)
        assert errors is not None and isinstance(errors["duckdb"], DataError)


def test_no_rows_left_is_the_same_data_error(tmp_path):
    path = _write(tmp_path, ["A1,P1,1,2011-12-09,2.00,", "A2,P1,1,2011-12-01,0.00,102"])
    _, errors = _both(path)
    assert errors is not None and isinstance(errors["duckdb"], DataError)


def test_provenance_has_the_same_keys(tmp_path):
    path = _write(
        tmp_path,
        ["A1;P1;1;09/12/2011;2,50;101", "A2;P1;1;13/11/2011;3,00;102"],
        header=HEADER.replace(",", ";"),
    )
    results, _ = _both(path)
    _assert_same(results)
    pandas, duckdb = results["pandas"].provenance, results["duckdb"].provenance
    assert set(pandas) - {"engine", "period"} <= set(duckdb)
    for key in ("encoding", "delimiter", "formats", "options", "as_of_rule", "rows_read", "rows_analysed"):
        if key in pandas:
            assert duckdb[key] == pandas[key], key


def test_a_repeated_cancellation_or_sale_line_pairs_once(tmp_path):
    # customer 15737 in Online Retail: a cancellation written twice, then a sale written twice and cancelled
    path = _write(
        tmp_path,
        [
            "555494,22171,2,2011-06-03 14:33,8.50,15737",
            "C555723,22171,-2,2011-06-06 16:21,8.50,15737",
            "C555723,22171,-2,2011-06-06 16:21,8.50,15737",
            "555725,22171,2,2011-06-06 16:23,8.50,15737",
            "555725,22171,2,2011-06-06 16:23,8.50,15737",
            "C555727,22171,-2,2011-06-06 16:24,8.50,15737",
            "560190,22171,2,2011-07-15 12:33,8.50,15737",
        ],
    )
    table = _same(path, as_of="2011-12-10")
    # the first sale is cancelled by C555723, the sale 555725 by C555727: only 560190 is left
    assert table.loc["15737", "frequency"] == 1 and table.loc["15737", "monetary"] == pytest.approx(17.0)
