"""Reading every supported format, and one-line errors for unusable files."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from toolkit.data import load_transactions, read_table
from toolkit.data.encoding import detect_encoding
from toolkit.errors import DataError

ROWS = [
    ("C001", "2024-01-05", "120.50", "北京"),
    ("C002", "2024-01-06", "80", "上海"),
    ("C001", "2024-02-10", "1,045.00", "北京"),
]
CHINESE_HEADER = ["客户编号", "订单日期", "金额", "地区"]


def write_csv(path: Path, encoding: str, sep: str = ",", header=CHINESE_HEADER) -> Path:
    lines = [sep.join(header)] + [sep.join(f'"{v}"' if sep in v else v for v in row) for row in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("utf-8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
    ],
)
def test_encoding_detected(tmp_path, encoding, expected):
    path = write_csv(tmp_path / "sales.csv", encoding)
    assert detect_encoding(path) == expected
    frame, info = read_table(path)
    assert list(frame.columns) == CHINESE_HEADER
    assert frame["地区"].tolist() == ["北京", "上海", "北京"]


@pytest.mark.parametrize("sep, name", [(",", "a.csv"), (";", "b.csv"), ("\t", "c.tsv"), ("|", "d.txt")])
def test_delimiter_sniffed(tmp_path, sep, name):
    path = write_csv(tmp_path / name, "utf-8", sep=sep)
    frame, info = read_table(path)
    assert info.delimiter == sep
    assert frame.shape == (3, 4)


def test_gbk_csv_with_chinese_headers_maps_to_canonical(tmp_path):
    path = write_csv(tmp_path / "导出.csv", "gbk")
    result = load_transactions(
        path,
        columns={"customer_id": "客户编号", "order_date": "订单日期", "amount": "金额", "region": "地区"},
    )
    tx = result.transactions
    assert list(tx["customer_id"]) == ["C001", "C002", "C001"]
    assert tx["amount"].tolist() == [120.5, 80.0, 1045.0]
    assert str(tx["order_date"].iloc[2].date()) == "2024-02-10"
    assert result.source.encoding == "gb18030"
    assert result.as_of == pd.Timestamp("2024-02-11")


def test_chinese_headers_found_by_alias_without_mapping(tmp_path):
    path = write_csv(tmp_path / "sales.csv", "gbk")
    result = load_transactions(path)
    assert result.mapping == {
        "customer_id": "客户编号",
        "order_date": "订单日期",
        "amount": "金额",
        "region": "地区",
    }


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"cust": ["a", "b"], "when": pd.to_datetime(["2024-01-01", "2024-01-03"]), "value": [10.0, 20.0]}
    )


def test_excel_parquet_and_duckdb(tmp_path):
    mapping = {"customer_id": "cust", "order_date": "when", "amount": "value"}
    _frame().to_excel(tmp_path / "s.xlsx", index=False)
    _frame().to_parquet(tmp_path / "s.parquet")
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute("CREATE TABLE orders AS SELECT * FROM read_parquet(?)", [str(tmp_path / "s.parquet")])
    con.execute("CREATE TABLE other AS SELECT 1 AS x")
    con.close()
    for spec in ["s.xlsx", "s.parquet", "s.duckdb#orders", "s.duckdb#SELECT * FROM orders WHERE value > 0"]:
        result = load_transactions(str(tmp_path / spec), columns=mapping)
        assert result.transactions["amount"].sum() == 30.0, spec
        assert result.transactions["customer_id"].tolist() == ["a", "b"], spec
    with pytest.raises(DataError, match=r"holds 2 tables \['orders', 'other'\]; name one as s.duckdb#TABLE"):
        read_table(tmp_path / "s.duckdb")
    with pytest.raises(DataError, match="has no table 'sales'"):
        read_table(f"{tmp_path / 's.duckdb'}#sales")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "sales-empty.csv: the file is empty"),
        ("header.csv", b"customer_id,order_date,amount\r\n", "has column headers but no data rows"),
        ("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'; expected one of .csv"),
        (
            "fake.xlsx",
            b"customer_id,order_date\n1,2024-01-01\n",
            "has an Excel name but is not an Excel workbook",
        ),
        ("fake.parquet", b"not parquet at all", "has a Parquet name but is not a Parquet file"),
        ("binary.csv", bytes(range(256)) * 4, "not a text file"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel .xls files are not supported"),
    ],
)
def test_unusable_files_get_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / ("sales-empty.csv" if name == "empty.csv" else name)
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_table(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(DataError, match=r"nope.csv: file not found \(looked for .*nope.csv\)"):
        read_table(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    "content, line, fields, header",
    [
        ("customer_id,order_date,amount\n1,2024-01-01,10\n2,2024-01-02,5,oops\n", 3, 4, 3),  # a stray field
        (
            "Sales export, March\ncustomer_id,order_date,amount\n1,2024-01-01,10\n",
            2,
            3,
            2,
        ),  # a title line on top
        (
            "customer_id,order_date,amount\n1,2024-01-01,10,,\n2,2024-01-02,5,,\n",
            2,
            5,
            3,
        ),  # every line too long
    ],
)
def test_lines_that_do_not_fit_the_header_are_named(tmp_path, content, line, fields, header):
    """pandas would shift the columns into an index, DuckDB's sniffer would guess another header."""
    from toolkit.rfm import customer_table_from_file

    path = tmp_path / "export.csv"
    path.write_text(content, encoding="utf-8")
    expected = f"export.csv: line {line} has {fields} field(s) but the header (line 1) has {header} "
    for read in (read_table, customer_table_from_file):
        with pytest.raises(DataError) as info:
            read(path)
        assert expected in str(info.value)


def test_quoted_delimiters_blank_lines_and_a_cut_head_pass_the_field_check(tmp_path):
    from toolkit.data import readers

    rows = ['1,"Smith, J.","2024-01-01",10', "", '2,"Lee","2024-01-02",5']
    path = tmp_path / "quoted.csv"
    path.write_text("customer_id,name,order_date,amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert read_table(path)[0]["name"].tolist() == ["Smith, J.", "Lee"]
    # a head cut inside the last record: that record is not judged
    readers._check_fields("a,b\n1,2\n3", ",", "cut.csv", truncated=True)
    with pytest.raises(DataError, match="line 3 has 1 field"):
        readers._check_fields("a,b\n1,2\n3", ",", "cut.csv", truncated=False)
