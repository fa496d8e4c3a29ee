"""Encodings read right or refused with the bad byte's value, offset and line; duplicate headers refused."""

import pandas as pd
import pytest

from toolkit.data import load_transactions, read_table
from toolkit.data.encoding import detect_encoding, first_bad_byte
from toolkit.errors import DataError

TODAY = pd.Timestamp("2026-12-03")
ROWS = "customer_id,order_date,amount\n1,2011-12-01,5\n2,2011-12-02,7\n3,2011-12-03,9\n"


def test_one_stray_byte_in_utf8_names_byte_offset_and_line(tmp_path):
    text = "customer_id,order_date,product_name,amount\n1,2011-12-01,Crème brûlée,5\n"
    data = text.encode("utf-8") + b"2,2011-12-02,Caf\xe9,7\n" + "3,2011-12-03,Thé,9\n".encode()
    path = tmp_path / "stray.csv"
    path.write_bytes(data)
    offset = data.index(b"\xe9")
    assert first_bad_byte(path) == (offset, 0xE9, 3)
    with pytest.raises(
        DataError, match=rf"stray\.csv: byte 0xE9 at offset {offset:,} \(line 3\) is not valid UTF-8"
    ):
        read_table(path)


def test_a_stray_byte_in_chinese_utf8_is_not_read_as_gbk(tmp_path):
    data = "客户编号,订单日期,金额\n客户甲,2011-12-01,5\n".encode() + b"\xff,2011-12-02,7\n"
    path = tmp_path / "zh.csv"
    path.write_bytes(data)
    with pytest.raises(DataError, match=r"byte 0xFF at offset .* \(line 3\)"):
        read_table(path)


def test_a_stray_byte_beyond_the_sample_is_found_in_the_whole_file(tmp_path):
    good = ROWS.encode("utf-8") + b"4,2011-12-04,1\n" * 20_000
    path = tmp_path / "long.csv"
    path.write_bytes(good + b"5,2011-12-05,\x961\n")
    assert detect_encoding(path, sample_bytes=1_000) == "utf-8-sig"
    line = good.count(b"\n") + 1
    assert first_bad_byte(path) == (len(good) + 13, 0x96, line)


def test_a_code_page_file_is_refused_not_guessed(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("customer_id,order_date,product_name,amount\n1,2011-12-01,Café,5\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"byte 0xE9 .*line 2.*save the file as UTF-8"):
        read_table(path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_tab_delimited(tmp_path, codec):
    text = "客户编号\t订单日期\t金额\n张三\t2011-12-01\t5.5\n李四\t2011-12-02\t7\n"
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + text.encode(codec))
    result = load_transactions(path, today=TODAY)
    assert result.source.encoding == "utf-16" and result.source.delimiter == "\t"
    assert result.transactions.set_index("customer_id")["amount"].to_dict() == {"张三": 5.5, "李四": 7.0}


def test_gbk_with_chinese(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("客户编号,订单日期,金额\n张三,2011-12-01,5\n".encode("gbk"))
    result = load_transactions(path, today=TODAY)
    assert result.source.encoding == "gb18030"
    assert result.transactions["customer_id"].tolist() == ["张三"]


def test_duplicate_header_in_csv_is_refused(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("customer_id,order_date,Price,Quantity,Price\n1,2011-12-01,2,3,4\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=r"prices\.csv: the header names column 'Price' twice \(columns 3 and 5\)"
    ):
        read_table(path)


def test_duplicate_header_after_trimming_is_refused(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("customer_id,order_date,Price, Price \n1,2011-12-01,2,4\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"'Price' twice \(columns 3 and 4\)"):
        read_table(path)


def test_duplicate_header_in_excel_is_refused(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["customer_id", "Price", "order_date", "Price"])
    sheet.append(["1", 2, "2011-12-01", 3])
    path = tmp_path / "prices.xlsx"
    book.save(path)
    with pytest.raises(
        DataError, match=r"prices\.xlsx: the header names column 'Price' twice \(columns 2 and 4\)"
    ):
        read_table(path)


@pytest.mark.parametrize("stray", [b"Caf\xe9s", b"A\x96B"])
def test_a_stray_byte_that_pairs_with_a_letter_is_not_read_as_chinese(tmp_path, stray):
    path = tmp_path / "stray.csv"
    path.write_bytes(
        b"customer_id,order_date,product_name\n1,2011-12-01,Tea\n2,2011-12-02,Cake\n"
        + stray
        + b",2011-12-03,x\n"
    )
    with pytest.raises(DataError, match=r"at offset \d+ \(line 4\) is not valid UTF-8"):
        read_table(path)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_stray_byte_past_the_first_megabytes_is_named_by_both_engines(tmp_path, engine):
    from toolkit.rfm.loading import load_customers

    good = ROWS.encode("utf-8") + b"4,2011-12-04,1\n" * 300_000  # about 4.5 MB, past the encoding sample
    path = tmp_path / "big.csv"
    path.write_bytes(good + b"5,2011-12-05,\x961\n")
    line = good.count(b"\n") + 1
    with pytest.raises(DataError, match=rf"big\.csv: byte 0x96 at offset {len(good) + 13:,} \(line {line}\)"):
        load_customers(path, engine=engine)
