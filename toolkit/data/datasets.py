"""The real public datasets bundled in ``data/``.

Each loader returns the dataset exactly as published (apart from the
compact Parquet format), so tests can check the published figures. Where
the data live can be changed with the ``PMKT_DATA_DIR`` environment
variable, for an installation outside the source tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = [
    "DATASETS",
    "DATASET_CURRENCY",
    "Dataset",
    "data_dir",
    "dataset_path",
    "load_online_retail_raw",
    "load_hillstrom",
    "load_bank_marketing",
]


@dataclass(frozen=True)
class Dataset:
    """A bundled dataset: where it is and how to cite it."""

    key: str
    relative_path: str
    title: str
    citation: str
    licence: str


DATASETS: dict[str, Dataset] = {
    "online_retail": Dataset(
        "online_retail",
        "online_retail/online_retail.parquet",
        "UCI Online Retail",
        "Chen, Sain and Guo (2012), Journal of Database Marketing & Customer "
        "Strategy Management 19(3):197-208; UCI Machine Learning Repository, dataset 352",
        "CC BY 4.0",
    ),
    "hillstrom": Dataset(
        "hillstrom",
        "hillstrom/hillstrom.parquet",
        "MineThatData E-Mail Analytics challenge (Hillstrom, 2008)",
        "Kevin Hillstrom, MineThatData blog, 20 March 2008",
        "published openly for analysis; no licence stated",
    ),
    "bank_marketing": Dataset(
        "bank_marketing",
        "bank_marketing/bank-additional-full.parquet",
        "UCI Bank Marketing",
        "Moro, Cortez and Rita (2014), Decision Support Systems 62:22-31; "
        "UCI Machine Learning Repository, dataset 222",
        "CC BY 4.0",
    ),
}


#: The currency of each bundled dataset's money amounts (ISO code); CDNOW's
#: customer-value sample is in US dollars too.
DATASET_CURRENCY: dict[str, str] = {
    "online_retail": "GBP",
    "hillstrom": "USD",
    "bank_marketing": "EUR",
    "cdnow": "USD",
}


def data_dir() -> Path:
    """Return the folder holding the bundled data (``data/`` of the repository)."""
    override = os.environ.get("PMKT_DATA_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "data"


def dataset_path(key: str) -> Path:
    """Return the path of bundled dataset ``key`` (e.g. ``"online_retail"``)."""
    from toolkit.errors import check_choice

    check_choice("dataset", key, list(DATASETS))
    return data_dir() / DATASETS[key].relative_path


def load_online_retail_raw() -> pd.DataFrame:
    """UCI Online Retail as published: 541,909 invoice lines, 8 columns.

    Columns: InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
    UnitPrice, CustomerID (float, NaN where missing), Country.
    """
    return pd.read_parquet(dataset_path("online_retail"))


def load_hillstrom() -> pd.DataFrame:
    """The Hillstrom e-mail test: 64,000 customers, one row each.

    Columns: recency, history_segment, history, mens, womens, zip_code,
    newbie, channel, segment (the arm), visit, conversion, spend.
    """
    return pd.read_parquet(dataset_path("hillstrom"))


def load_bank_marketing() -> pd.DataFrame:
    """UCI Bank Marketing (bank-additional-full): 41,188 calls, 21 columns.

    ``y`` is the outcome ("yes"/"no"); ``duration`` is only known after the
    call and must not be used to choose whom to call.
    """
    return pd.read_parquet(dataset_path("bank_marketing"))
