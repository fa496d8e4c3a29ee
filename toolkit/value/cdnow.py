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
from toolkit.value.holdout import CalibrationFit
from toolkit.value.summary import CalibrationSplit, calibration_holdout_split

__all__ = [
    "CALIBRATION_END",
    "AS_OF",
    "PUBLISHED",
    "PUBLISHED_LOG_LIKELIHOOD",
    "load_cdnow_summary",
    "load_cdnow_transactions",
    "benchmark_split",
    "compare_with_published",
]

#: Last day of the 39-week calibration period of the published fits.
CALIBRATION_END = pd.Timestamp("1997-09-30")
#: The analysis date of the benchmark: the holdout ends on 30 June 1998, the day before.
AS_OF = pd.Timestamp("1998-07-01")
#: The published estimates, as printed: BG/NBD (Fader, Hardie and Lee 2005, "Counting your
#: customers the easy way", alpha per week) and Gamma-Gamma (Fader, Hardie and Lee 2005,
#: "RFM and CLV: using iso-value curves").
PUBLISHED: dict[str, float] = {
    "r": 0.243,
    "alpha": 4.414,
    "a": 0.793,
    "b": 2.426,
    "p": 6.25,
    "q": 3.74,
    "gamma": 15.44,
}
#: The published BG/NBD log-likelihood.
PUBLISHED_LOG_LIKELIHOOD = -9582.4


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
    out = raw.rename(
        columns={"ID": "customer_id", "x": "frequency", "t_x": "recency", "zbar": "monetary_value"}
    )
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


def benchmark_split() -> CalibrationSplit:
    """The calibration/holdout split of the published fits, built from the raw purchases.

    Purchases are counted per day and times measured in weeks, as in Fader,
    Hardie and Lee (2005); the calibration ends on 30 September 1997 and the
    holdout runs 39 weeks to 30 June 1998.
    """
    return calibration_holdout_split(
        load_cdnow_transactions(), CALIBRATION_END, AS_OF, time_unit="D", time_scale="W"
    )


def compare_with_published(fit: CalibrationFit) -> pd.DataFrame:
    """Our estimates beside the published ones.

    Parameters
    ----------
    fit : CalibrationFit
        From :func:`toolkit.value.fit_calibration` on :func:`benchmark_split`.

    Returns
    -------
    DataFrame
        The columns of :meth:`CalibrationFit.parameters` plus ``published``
        and ``agrees`` (our estimate rounded to the published decimals equals
        the published value).
    """
    table = fit.parameters()
    table["published"] = table["parameter"].map(PUBLISHED)
    decimals = table["published"].map(lambda v: len(f"{v}".split(".")[1]))
    table["agrees"] = [round(e, d) == p for e, d, p in zip(table["estimate"], decimals, table["published"])]
    return table
