"""Ids normalised one value at a time, the same in pandas and in DuckDB SQL."""

import duckdb
import pandas as pd
import pytest

from toolkit.data import load_transactions
from toolkit.data.ids import id_sql, parse_ids

TEXTS = [
    "12647",
    "12647.0",
    " 12647 ",
    "\t12647.00\u3000",
    "00123",
    "123",
    "00123.0",
    "12647.5",
    "",
    None,
    "A1 ",
    "-3.0",
    "1.0e3",
    "C581484",
    "12.0.0",
]
EXPECTED = [
    "12647",
    "12647",
    "12647",
    "12647",
    "00123",
    "123",
    "00123",
    "12647.5",
    None,
    None,
    "A1",
    "-3",
    "1.0e3",
    "C581484",
    "12.0.0",
]


def test_each_text_value_is_normalised_on_its_own():
    got = parse_ids(pd.Series(TEXTS, dtype=object))
    assert [None if pd.isna(v) else v for v in got] == EXPECTED


def test_float_columns_whole_values_become_integers_and_fractions_stay():
    got = parse_ids(pd.Series([12647.0, 12647.5, None, 123.0]))
    assert [None if pd.isna(v) else v for v in got] == ["12647", "12647.5", None, "123"]


def test_the_sql_form_agrees_value_for_value():
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"v": pd.Series(TEXTS, dtype="string"), "i": range(len(TEXTS))}))
    got = [row[0] for row in con.execute(f"SELECT {id_sql('v')} FROM t ORDER BY i").fetchall()]
    assert got == EXPECTED


def test_one_customer_however_the_id_is_written(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text(
        "customer_id,order_date,amount\n12647,2011-12-01,1\n12647.0,2011-12-02,2\n"
        " 12647,2011-12-03,3\n00123,2011-12-01,4\n123,2011-12-01,5\n",
        encoding="utf-8",
    )
    tx = load_transactions(path, today=pd.Timestamp("2026-12-03")).transactions
    assert tx.groupby("customer_id")["amount"].sum().to_dict() == {"12647": 6.0, "00123": 4.0, "123": 5.0}


def test_excel_numeric_id_cells_become_integer_text(tmp_path):
    path = tmp_path / "ids.xlsx"
    pd.DataFrame(
        {
            "customer_id": [12647.0, 17850.0, "00123"],
            "order_date": ["2011-12-01"] * 3,
            "amount": [1.0, 2.0, 3.0],
        }
    ).to_excel(path, index=False)
    tx = load_transactions(path, today=pd.Timestamp("2026-12-03")).transactions
    assert sorted(tx["customer_id"]) == ["00123", "12647", "17850"]


@pytest.mark.parametrize("dtype", ["Int64", "int64"])
def test_integer_columns(dtype):
    assert parse_ids(pd.Series([5, 12647], dtype=dtype)).tolist() == ["5", "12647"]
