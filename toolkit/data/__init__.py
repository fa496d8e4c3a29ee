"""Data layer: read, map, validate and clean transaction files.

It reads any supported file, maps and validates its columns, cleans it with
counted rules, and loads the bundled real datasets.
"""

from toolkit.data.cleaning import RULES, DataQuality, clean_transactions, default_as_of
from toolkit.data.datasets import load_bank_marketing, load_hillstrom, load_online_retail_raw
from toolkit.data.mapping import CANONICAL_COLUMNS, parse_mapping
from toolkit.data.readers import SourceInfo, read_table
from toolkit.data.transactions import TransactionData, load_transactions, parse_as_of
from toolkit.data.validation import to_canonical

__all__ = [
    "CANONICAL_COLUMNS",
    "RULES",
    "DataQuality",
    "SourceInfo",
    "TransactionData",
    "clean_transactions",
    "default_as_of",
    "load_bank_marketing",
    "load_hillstrom",
    "load_online_retail_raw",
    "load_transactions",
    "parse_as_of",
    "parse_mapping",
    "read_table",
    "to_canonical",
]
