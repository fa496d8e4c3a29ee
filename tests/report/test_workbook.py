"""The Excel workbook of a report's result tables: one sheet per CSV, headers in the
report's language with the currency, numbers as numbers, nothing a formula."""

from __future__ import annotations

import zipfile

import pandas as pd
from openpyxl import load_workbook

from toolkit.report.safe_cells import excel_safe
from toolkit.report.workbook import write_workbook


def test_one_sheet_per_table_with_translated_headers(tmp_path):
    excel_safe(pd.DataFrame({"customer_id": ['=HYPERLINK("x")', "B"], "revenue": [12.5, -3.0]})).to_csv(
        tmp_path / "customers.csv", index=False, encoding="utf-8-sig"
    )
    pd.DataFrame({"segment": ["a"], "share_of_revenue": [0.25]}).to_csv(
        tmp_path / "segments.csv", index=False, encoding="utf-8-sig"
    )
    book_path = write_workbook(tmp_path, tmp_path / "out.xlsx", "zh", "GBP")
    book = load_workbook(book_path)
    assert book.sheetnames == ["customers", "segments"]
    sheet = book["customers"]
    assert [c.value for c in sheet[1]] == ["客户编号", "销售额（英镑）"]
    assert sheet["B2"].value == 12.5 and sheet["B3"].value == -3.0  # numbers stay numbers
    assert sheet["A2"].value.startswith("'=")  # text that looks like a formula stays text
    assert book["segments"]["B2"].number_format == "0.0%"
    with zipfile.ZipFile(book_path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert all("<f>" not in archive.read(n).decode("utf-8") for n in sheets)


def test_no_tables_no_workbook(tmp_path):
    assert write_workbook(tmp_path, tmp_path / "out.xlsx", "en") is None
    assert not (tmp_path / "out.xlsx").exists()
