"""Words a client reads for values of the marketing database.

Region names from the data (country spellings of the Online Retail export
such as ``EIRE`` or ``RSA``, and the ``(other)`` / ``(unknown)`` rows of
:func:`~toolkit.dbmarketing.queries.region_summary`) and the place where the
database lives, in the report language. Pure functions: a value and a
language in, text out; values the catalogue does not know come back as they
stand in the data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.i18n import check_lang, has, t

__all__ = ["region_label", "region_labels", "database_place"]

_BRACKETED = {"(other)": "dbm.region.other", "(unknown)": "dbm.region.unknown"}


def _country_key(name: str) -> str:
    return "common.country." + re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def region_label(region: Any, lang: str = "en") -> str:
    """A region as the report shows it: "EIRE" -> "Ireland" / "爱尔兰".

    Parameters
    ----------
    region : str
        A region (country) as it stands in the data.
    lang : {"en", "zh"}

    Returns
    -------
    str
        The catalogue's name (``common.country.<name>``), or the value
        unchanged when the catalogue has none.
    """
    check_lang(lang)
    text = "" if region is None or region != region else str(region)
    if text in _BRACKETED:
        return t(_BRACKETED[text], lang)
    key = _country_key(text)
    return t(key, lang) if text and has(key) else text


def region_labels(regions: pd.Series, lang: str = "en") -> pd.Series:
    """:func:`region_label` for a column of regions (a new Series, same index)."""
    return regions.map(lambda r: region_label(r, lang))


def database_place(db: Any, output_dir: str | Path | None, lang: str = "en") -> str:
    """Where the marketing database is, in words: no path, no address.

    Parameters
    ----------
    db : MarketingDB
        The open database (its ``backend`` and ``path``).
    output_dir : str or Path, optional
        The report's output folder: a DuckDB file inside it is "beside the
        result files".
    lang : {"en", "zh"}
    """
    if db.backend != "duckdb":
        return t("dbm.store.where_server", lang, backend=_backend_name(db.backend))
    if not db.path:
        return t("dbm.store.where_memory", lang)
    if output_dir and Path(db.path).parent == Path(output_dir).expanduser().resolve():
        return t("dbm.store.where_file", lang)
    return t("dbm.store.where_other_file", lang)


def _backend_name(backend: str) -> str:
    names = {"postgresql": "PostgreSQL", "mysql": "MySQL", "mssql": "SQL Server", "sqlite": "SQLite"}
    return names.get(backend, backend)
