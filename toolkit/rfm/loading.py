"""Get a customer table from whatever the user gives the RFM notebook.

This is the one I/O module of :mod:`toolkit.rfm`: it picks the engine
(pandas through :func:`toolkit.data.load_transactions`, or DuckDB for large
CSV/Parquet files), reads customer-level files, and returns the table with
the provenance and data-quality record the report shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.data import DataQuality, TransactionData, load_transactions, read_table
from toolkit.data.datasets import data_dir
from toolkit.data.duckdb.customers import SQL_SUFFIXES, customer_table_from_file
from toolkit.data.readers import file_sha256
from toolkit.errors import DataError, check_choice
from toolkit.rfm.customer_level import customers_from_table
from toolkit.rfm.customers import CustomerTable, customer_table

__all__ = [
    "LEVELS",
    "ENGINES",
    "RETURN_ACTIONS",
    "AUTO_DUCKDB_BYTES",
    "LoadedCustomers",
    "choose_engine",
    "load_customers",
    "textbook_example_path",
]

LEVELS: tuple[str, ...] = ("transactions", "customers")
ENGINES: tuple[str, ...] = ("auto", "pandas", "duckdb")
RETURN_ACTIONS: tuple[str, ...] = ("drop", "net")
AUTO_DUCKDB_BYTES = 500 * 1024 * 1024


@dataclass
class LoadedCustomers:
    """A customer table with what the report says about its source.

    Attributes
    ----------
    table : CustomerTable
    engine : str
        ``"pandas"``, ``"duckdb"`` or ``"customer-level"``.
    provenance : dict
        JSON-ready source record for the report appendix.
    quality : DataQuality or None
        Cleaning counts (transactions only).
    transaction_data : TransactionData or None
        The loaded transactions (their clean lines in ``.transactions``),
        when loaded in pandas (needed for migration); None for the DuckDB
        engine and customer-level data.
    """

    table: CustomerTable
    engine: str
    provenance: dict[str, Any] = field(default_factory=dict)
    quality: DataQuality | None = None
    transaction_data: TransactionData | None = None


def textbook_example_path() -> Path:
    """The textbook's five-customer example (customer-level, months)."""
    return data_dir() / "reference" / "rfm_textbook_example.csv"


def choose_engine(data: str | Path | None, engine: str = "auto") -> str:
    """``pandas`` or ``duckdb``: auto picks DuckDB for CSV/Parquet files over 500 MB."""
    check_choice("engine", engine, ENGINES)
    if engine != "auto":
        if engine == "duckdb" and (not data or Path(str(data)).suffix.lower() not in SQL_SUFFIXES):
            if not data or not str(data).strip():
                return "duckdb"  # the bundled Parquet file
            raise DataError(
                f"the DuckDB engine reads {list(SQL_SUFFIXES)} files; use engine='pandas' for this one.",
                source=Path(str(data)).name,
            )
        return engine
    if not data or not str(data).strip():
        return "pandas"
    path = Path(str(data))
    if path.suffix.lower() in SQL_SUFFIXES and path.exists() and path.stat().st_size > AUTO_DUCKDB_BYTES:
        return "duckdb"
    return "pandas"


def load_customers(
    data: str | Path | None,
    columns: Mapping[str, str] | list[str] | str | None = None,
    as_of: str | None = None,
    *,
    level: str = "transactions",
    returns: str = "drop",
    engine: str = "auto",
    recency_unit: str = "days",
) -> LoadedCustomers:
    """Build the customer table for the RFM notebook.

    Parameters
    ----------
    data : str or Path, optional
        Transactions (``level="transactions"``; empty: bundled Online
        Retail) or one row per customer (``level="customers"``; empty: the
        textbook example).
    columns : mapping, optional
        Column mapping ``{canonical: your column}``.
    as_of : str, optional
        Analysis date (transactions only).
    level : {"transactions", "customers"}
    returns : {"drop", "net"}
        ``drop``: the cleaning rule removes return lines (monetary = gross
        spend); ``net``: they are kept and subtracted (net spend).
    engine : {"auto", "pandas", "duckdb"}
    recency_unit : {"days", "months"}
        Unit of the recency column of customer-level data.

    Returns
    -------
    LoadedCustomers
    """
    check_choice("level", level, LEVELS)
    check_choice("returns", returns, RETURN_ACTIONS)
    if level == "customers":
        path = Path(str(data)) if data and str(data).strip() else textbook_example_path()
        frame, info = read_table(path)
        table = customers_from_table(
            frame, columns, recency_unit=recency_unit, source=info.name, row_offset=info.row_offset
        )
        provenance = {
            "input": str(data) if data else "bundled:textbook_example",
            "input_name": info.name,
            "format": info.format,
            "sha256": info.sha256,
            "encoding": info.encoding,
            "rows_read": info.rows,
            "level": "customers",
            "recency_unit": recency_unit,
        }
        return LoadedCustomers(table, "customer-level", provenance)
    rules = {"returns": "keep" if returns == "net" else "drop"}
    chosen = choose_engine(data, engine)
    if chosen == "pandas":
        loaded = load_transactions(data, columns=columns, as_of=as_of, rules=rules)
        table = customer_table(loaded.transactions, loaded.as_of, returns="net")
        provenance = loaded.provenance() | {"engine": "pandas"}
        return LoadedCustomers(table, "pandas", provenance, loaded.quality, loaded)
    from toolkit.data.datasets import DATASETS, dataset_path

    path = Path(str(data)) if data and str(data).strip() else dataset_path("online_retail")
    record: dict[str, Any] = {}
    table = customer_table_from_file(path, columns, as_of or None, rules=rules, returns="net", record=record)
    provenance = {
        "input": str(data) if data else "bundled:online_retail",
        "input_name": path.name if data else DATASETS["online_retail"].title,
        "format": path.suffix.lstrip(".").lower(),
        "sha256": file_sha256(path),
        "encoding": record["encoding"],
        "delimiter": record["delimiter"],
        "rows_read": table.quality.raw_rows,
        "rows_analysed": table.quality.clean_rows,
        "as_of": f"{table.as_of:%Y-%m-%d}",
        "as_of_rule": "given" if as_of else "day after the last plausible transaction",
        "mapping": record["mapping"],
        "formats": record["formats"],
        "options": record["options"],
        "period": record["period"],
        "engine": "duckdb",
    }
    return LoadedCustomers(table, "duckdb", provenance, table.quality, None)
