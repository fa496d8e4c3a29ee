"""Load transactions from any supported source into the canonical frame.

This ties the data layer together: read the file, map and validate its
columns, choose the analysis date and apply the cleaning rules, keeping a
record of everything that was done for the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.data.cleaning import DataQuality, clean_transactions, default_as_of
from toolkit.data.datasets import DATASETS, dataset_path
from toolkit.data.mapping import parse_mapping
from toolkit.data.options import ReadOptions, split_options
from toolkit.data.readers import SourceInfo, read_table
from toolkit.data.validation import to_canonical
from toolkit.errors import ParameterError, check_date

__all__ = ["CanonicalTable", "TransactionData", "load_transactions", "parse_as_of", "read_canonical"]


@dataclass
class TransactionData:
    """Clean canonical transactions with their provenance and quality record.

    Attributes
    ----------
    transactions : DataFrame
        Canonical columns (see ``docs/architecture.md``) plus ``is_return``.
    quality : DataQuality
        What each cleaning rule found and did.
    as_of : Timestamp
        The analysis date.
    as_of_is_default : bool
        Whether ``as_of`` was derived from the data rather than given.
    source : SourceInfo
        Where the data came from.
    mapping : dict
        The column mapping that was used ``{canonical: column}``.
    """

    transactions: pd.DataFrame
    quality: DataQuality
    as_of: pd.Timestamp
    as_of_is_default: bool
    source: SourceInfo
    mapping: dict[str, str] = field(default_factory=dict)
    bundled: str | None = None
    options: ReadOptions = field(default_factory=ReadOptions)

    def provenance(self) -> dict[str, Any]:
        """A JSON-ready record for summary.json and the report appendix."""
        return {
            "input": self.source.path if not self.bundled else f"bundled:{self.bundled}",
            "input_name": self.source.name,
            "format": self.source.format,
            "sha256": self.source.sha256,
            "encoding": self.source.encoding,
            "delimiter": self.source.delimiter,
            "formats": dict(getattr(self.source, "formats", {}) or {}),
            "options": self.options.as_dict(),
            "rows_read": self.quality.raw_rows,
            "rows_analysed": self.quality.clean_rows,
            "as_of": self.as_of.strftime("%Y-%m-%d"),
            "as_of_rule": "day after the last plausible transaction" if self.as_of_is_default else "given",
            "mapping": self.mapping,
            "period": [
                self.transactions["order_date"].min().strftime("%Y-%m-%d %H:%M"),
                self.transactions["order_date"].max().strftime("%Y-%m-%d %H:%M"),
            ]
            if len(self.transactions)
            else None,
        }

    def has(self, *columns: str) -> bool:
        """Whether every named canonical column is present."""
        return all(c in self.transactions.columns for c in columns)


@dataclass
class CanonicalTable:
    """A user's table as read (``raw``) and in canonical columns, not yet cleaned."""

    raw: pd.DataFrame
    canonical: pd.DataFrame
    source: SourceInfo
    mapping: dict[str, str]
    bundled: str | None = None
    options: ReadOptions = field(default_factory=ReadOptions)

    def duplicate_mask(self) -> pd.Series:
        """Rows identical to an earlier row: canonical values for mapped columns, trimmed text for the rest."""
        mapped = set(self.mapping.values())
        others = [c for c in self.raw.columns if str(c) not in mapped]
        keys = self.canonical.drop(columns=["is_return"], errors="ignore")
        if others:
            extra = self.raw[others].astype("string").apply(lambda col: col.str.strip())
            extra.columns = [f"raw:{c}" for c in others]
            keys = pd.concat([keys, extra.set_axis(keys.index)], axis=1)
        return keys.duplicated(keep="first")


def read_canonical(
    data: str | Path | None = None,
    columns: Mapping[str, str] | list[str] | str | None = None,
) -> CanonicalTable:
    """Read a transactions file (empty: the bundled Online Retail) and validate its columns.

    Parameters
    ----------
    data : str or Path, optional
        Any file :func:`toolkit.data.read_table` reads; empty or None loads
        the bundled UCI Online Retail data.
    columns : dict, list of "canonical=column", or YAML path, optional
        Column mapping ``{canonical: your column}``.

    Returns
    -------
    CanonicalTable
    """
    bundled = None
    if data is None or not str(data).strip():
        bundled = "online_retail"
        data = dataset_path(bundled)
    raw, info = read_table(data)
    if bundled:
        info.name = DATASETS[bundled].title
    mapping = parse_mapping(columns)
    _, options = split_options(mapping)
    canonical, used = to_canonical(raw, info, mapping)
    return CanonicalTable(raw, canonical, info, used, bundled, options)


def parse_as_of(as_of: str | pd.Timestamp | None, today: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """Parse an analysis date given as text (``YYYY-MM-DD``) or a Timestamp.

    A plausible analysis date lies between 1900-01-01 and the day after
    ``today`` (default: the run's calendar day): the analysis date is the
    midnight after the last day analysed, so tomorrow is the latest.

    Raises
    ------
    ParameterError
        For text that is not a date, or a date outside that range (such as 9999-12-31).
    """
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        return None
    value = check_date("as_of", as_of)
    latest = (pd.Timestamp(today) if today is not None else pd.Timestamp.now()).normalize() + pd.Timedelta(
        days=1
    )
    if not pd.Timestamp("1900-01-01") <= value <= latest:
        raise ParameterError(
            f"The 'as_of' parameter must be a date from 1900-01-01 to {latest:%Y-%m-%d} (tomorrow). "
            f"Got {as_of!s} instead. Give the day after the last day to analyse, or leave it out."
        )
    return value


def load_transactions(
    data: str | Path | None = None,
    columns: Mapping[str, str] | list[str] | str | None = None,
    as_of: str | pd.Timestamp | None = None,
    rules: Mapping[str, str] | None = None,
    today: pd.Timestamp | None = None,
) -> TransactionData:
    """Read, validate and clean a transaction table.

    Parameters
    ----------
    data : str or Path, optional
        A file (CSV/TSV/Excel/Parquet/DuckDB) or URL; empty or None loads
        the bundled UCI Online Retail data.
    columns : dict, list of "canonical=column", or YAML path, optional
        Column mapping ``{canonical: your column}``.
    as_of : str or Timestamp, optional
        Analysis date; default the midnight after the last plausible transaction.
    rules : dict, optional
        Cleaning actions ``{rule: "drop" | "keep"}``; see
        :mod:`toolkit.data.cleaning`.
    today : Timestamp, optional
        The run's calendar day for the ``implausible_dates`` rule and the
        check of ``as_of`` (default: today; tests pin it).

    Returns
    -------
    TransactionData
    """
    table = read_canonical(data, columns)
    given = parse_as_of(as_of, today)
    as_of_ts = given if given is not None else default_as_of(table.canonical["order_date"], today)
    clean, quality = clean_transactions(
        table.canonical,
        as_of_ts,
        rules=rules,
        duplicate_mask=table.duplicate_mask(),
        non_merchandise=table.options.non_merchandise,
        today=today,
        row_offset=table.source.row_offset,
        source=table.source.name,
    )
    return TransactionData(
        clean, quality, as_of_ts, given is None, table.source, table.mapping, table.bundled, table.options
    )
