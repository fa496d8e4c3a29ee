"""Read a campaign file (or the bundled one) for the campaign notebooks.

Kept apart from the models: the models take DataFrames, this module finds
them. A user's file is read with :func:`toolkit.data.read_table`, which
handles CSV encodings and delimiters, Excel, Parquet and DuckDB; text files
arrive as strings, so a column becomes numeric here when every non-empty
value in it reads as a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit.data.datasets import DATASETS, dataset_path
from toolkit.data.formats import decide_file_numbers, parse_number_text
from toolkit.data.readers import file_sha256, read_table
from toolkit.errors import DataError, check_choice

__all__ = ["CampaignTable", "load_campaign_table", "numeric_columns"]

_LOADERS = {"hillstrom", "bank_marketing"}


@dataclass(frozen=True)
class CampaignTable:
    """A campaign table and where it came from.

    Attributes
    ----------
    frame : DataFrame
        One row per customer, columns renamed as mapped.
    provenance : dict
        JSON-ready record for the report appendix and summary.json.
    name : str
        File name to use in error messages.
    row_offset : int
        Add to a 0-based row position to get the row number the user sees
        in the file (2 when a header line comes first).
    converted : list of str
        Text columns turned into numbers.
    """

    frame: pd.DataFrame
    provenance: dict[str, Any]
    name: str
    row_offset: int = 1
    converted: list[str] = field(default_factory=list)


def numeric_columns(
    frame: pd.DataFrame, source: str = "", row_offset: int = 2
) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """Turn text columns whose non-empty values are all numbers into numbers.

    A column counts as numeric when every non-empty value reads as a number,
    with a decimal point or with a decimal comma. Its decimal mark is then
    decided once for the whole column, from its values, by the toolkit's one
    number reader (:func:`toolkit.data.formats.decide_file_numbers`): ``2,5``
    is 2.5 and ``1.234,50`` is 1234.5 in a decimal-comma column, ``1,234.50``
    is 1234.5 in a decimal-point column, and a column that mixes both styles
    is refused rather than guessed.

    Parameters
    ----------
    frame : DataFrame
        The table as read.
    source : str, optional
        The file's name, for messages.
    row_offset : int, default 2
        Added to a 0-based row position to give the row number the user sees.

    Returns
    -------
    (DataFrame, list of str, dict)
        A new frame, the names of the converted columns, and the decision
        for each of them in words (for the report appendix).

    Raises
    ------
    DataError
        A column whose numbers mix a decimal comma and a decimal point.
    """
    out = frame.copy()
    candidates: dict[str, pd.Series] = {}
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            continue
        text = out[col].astype("string").str.strip()
        text = text.mask(text == "")
        filled = text.dropna()
        if filled.empty:
            continue
        readable = parse_number_text(filled, ".").notna() | parse_number_text(filled, ",").notna()
        if bool(readable.all()):  # every value is a number in one style or the other
            candidates[str(col)] = text
    if not candidates:
        return out, [], {}
    decisions = decide_file_numbers(
        {col: text.dropna() for col, text in candidates.items()},
        source=source or "the campaign file",
        columns={col: col for col in candidates},
        row_offset=row_offset,
    )
    for col, decision in decisions.items():
        numbers = parse_number_text(candidates[col], decision.decimal).astype("float64")
        whole = numbers.notna().all() and bool((numbers % 1 == 0).all())
        out[col] = numbers.astype("int64") if whole else numbers  # whole numbers stay integers
    return out, list(decisions), {col: d.description for col, d in decisions.items()}


def load_campaign_table(data: str, bundled: str, columns: Mapping[str, str] | None = None) -> CampaignTable:
    """Load a user's campaign file, or the bundled dataset when ``data`` is empty.

    Parameters
    ----------
    data : str
        Path or URL of a CSV/TSV/Excel/Parquet/DuckDB file; empty = bundled.
    bundled : {"hillstrom", "bank_marketing"}
        Which bundled dataset to use when ``data`` is empty.
    columns : mapping, optional
        ``{expected name: your column}``; your columns are renamed.

    Returns
    -------
    CampaignTable

    Raises
    ------
    DataError
        The file cannot be read, or a mapped column is not in it.
    """
    check_choice("bundled", bundled, sorted(_LOADERS))
    columns = dict(columns or {})
    if not str(data or "").strip():
        path = dataset_path(bundled)
        frame = pd.read_parquet(path)
        meta = DATASETS[bundled]
        provenance = {
            "input": f"bundled:{bundled}",
            "input_name": meta.title,
            "format": "parquet",
            "sha256": file_sha256(path),
            "rows_read": len(frame),
            "citation": meta.citation,
            "licence": meta.licence,
        }
        table = CampaignTable(frame, provenance, meta.title, row_offset=1)
    else:
        frame, info = read_table(data)
        frame, converted, formats = numeric_columns(frame, info.name, info.row_offset)
        provenance = {
            "input": info.path,
            "input_name": info.name,
            "format": info.format,
            "sha256": info.sha256,
            "encoding": info.encoding,
            "rows_read": info.rows,
            "formats": formats,
        }
        table = CampaignTable(frame, provenance, info.name, row_offset=info.row_offset, converted=converted)
    if columns:
        missing = [v for v in columns.values() if v not in table.frame.columns]
        if missing:
            raise DataError(
                f"mapped column(s) {missing} not found; available: {list(table.frame.columns)}.",
                source=table.name,
            )
        renamed = table.frame.rename(columns={v: k for k, v in columns.items()})
        provenance = {**table.provenance, "mapping": columns}
        table = CampaignTable(renamed, provenance, table.name, table.row_offset, table.converted)
    return table
