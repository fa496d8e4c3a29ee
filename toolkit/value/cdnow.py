"""The CDNOW benchmark data bundled in ``data/cdnow/``.

The CDNOW sample (Fader, Hardie and Lee 2005) is the standard benchmark of
the BG/NBD and Gamma-Gamma models: 2,357 customers who made their first
purchase at the online music retailer CDNOW in the first quarter of 1997,
followed to the end of June 1998. The published fits quoted in the tests
and the course were made on the calibration period that ends on 30
September 1997 (39 weeks).
"""

from __future__ import annotations

import pandas as pd

from toolkit.data.datasets import data_dir

__all__ = ["CALIBRATION_END", "OBSERVATION_END", "load_cdnow_summary", "load_cdnow_transactions"]

#: Last day of the 39-week calibration period of the published fits.
CALIBRATION_END = pd.Timestamp("1997-09-30")
#: Last day of the data (end of the 39-week holdout period).
OBSERVATION_END = pd.Timestamp("1998-06-30")


def load_cdnow_summary() -> pd.DataFrame:
    """The published calibration summary, in weeks.

    Returns
    -------
    DataFrame
        2,357 rows indexed by ``customer_id`` (str, "1" to "2357"):
        ``frequency`` (repeat purchases), ``recency`` and ``T`` (weeks, two
        decimals) and ``monetary_value`` (average repeat-purchase value in
        dollars, 0 without repeat purchases).
    """
    raw = pd.read_csv(data_dir() / "cdnow" / "cdnow_summary.csv", dtype={"ID": str})
    out = raw.rename(columns={"ID": "customer_id", "x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    return out.set_index("customer_id")


def load_cdnow_transactions() -> pd.DataFrame:
    """The CDNOW sample's purchases, 1 January 1997 to 30 June 1998.

    Returns
    -------
    DataFrame
        6,919 rows in the canonical layout: ``customer_id`` (str, the
        sample id "1" to "2357"), ``order_date``, ``quantity`` (CDs bought)
        and ``amount`` (dollars).
    """
    raw = pd.read_csv(
        data_dir() / "cdnow" / "cdnow_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "quantity", "amount"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"].str.lstrip("0"),
            "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "quantity": raw["quantity"].astype(int),
            "amount": raw["amount"].astype(float),
        }
    )
