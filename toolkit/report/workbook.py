"""One formatted Excel workbook of a report's result tables, beside its CSV files.

Each CSV the notebook wrote becomes one sheet, named after the file, with
headers in the report's language (the currency named on money columns), a
bold frozen header row, percentages and money as Excel number formats and
sensible column widths. Text is passed through
:func:`toolkit.report.safe_cells.excel_safe` and written as text, so nothing
from the data can become a live formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.i18n import numbers, translate_columns
from toolkit.report.safe_cells import excel_safe
from toolkit.report.tables import is_money_column, is_percent_column

__all__ = ["write_workbook", "SHEET_NAME_LIMIT"]

#: Excel refuses sheet names longer than 31 characters
SHEET_NAME_LIMIT = 31


def _sheet_name(stem: str, taken: set[str]) -> str:
    base = "".join(ch for ch in stem if ch not in "[]:*?/\\")[:SHEET_NAME_LIMIT] or "table"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"_{n}"
        name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_workbook(folder: Path, target: Path, lang: str, currency: str = "") -> Path | None:
    """Write every ``*.csv`` of ``folder`` into the workbook ``target``; None when there is none.

    Parameters
    ----------
    folder : Path
        The report's result folder.
    target : Path
        The ``.xlsx`` file to write.
    lang : {"en", "zh"}
        Language of the headers.
    currency : str, optional
        ISO code named in the headers of money columns.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    files = sorted(folder.glob("*.csv"))
    if not files:
        return None
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEF2F5")
    for path in files:
        frame = excel_safe(pd.read_csv(path, encoding="utf-8-sig", low_memory=False))
        sheet = book.create_sheet(_sheet_name(path.stem, taken))
        names = translate_columns(list(frame.columns), lang)
        kinds = []
        for column, name in zip(frame.columns, names):
            numeric = pd.api.types.is_numeric_dtype(frame[column])
            money = numeric and is_money_column(column)
            kinds.append("percent" if numeric and is_percent_column(column) else "money" if money else "")
            label = numbers.with_currency(str(name), currency, lang) if money else str(name)
            sheet.cell(row=1, column=len(kinds), value=label)
        for cell in sheet[1]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for c, value in enumerate(row, start=1):
                if value is None or (isinstance(value, float) and value != value):
                    continue
                cell = sheet.cell(row=r, column=c, value=value.item() if hasattr(value, "item") else value)
                if isinstance(value, str):
                    cell.data_type = "s"
                elif kinds[c - 1] == "percent":
                    cell.number_format = "0.0%"
                elif kinds[c - 1] == "money":
                    cell.number_format = "#,##0.00"
        for c, name in enumerate(names, start=1):
            sample = [len(str(v)) for v in frame.iloc[:200, c - 1].tolist()]
            width = min(max([len(str(name)) * (2 if lang == "zh" else 1)] + sample) + 2, 50)
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
        sheet.freeze_panes = "A2"
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target
