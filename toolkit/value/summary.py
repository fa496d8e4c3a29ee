"""Frequency, recency, age and spend per customer: the input of the BG/NBD model.

From a frame of canonical transactions (``customer_id``, ``order_date``,
``amount``) this module builds, for each customer,

- ``frequency`` -- the number of *repeat* purchase periods (purchase periods
  after the first one); several orders in the same period count once,
- ``recency`` -- the time from the first to the last purchase period,
- ``T`` -- the time from the first purchase period to the end of the
  observation period (the customer's "age"),
- ``monetary_value`` -- the average spend per repeat purchase period (0 for
  customers without a repeat purchase),

in the chosen time unit: ``"D"`` (days; purchases counted per calendar day)
or ``"W"`` (weeks; purchases counted per calendar week starting on Monday,
times in whole weeks). These are the conventions of the ``lifetimes``
package. ``time_scale`` measures the times in another unit than the
purchase period: Fader, Hardie and Lee (2005) count CDNOW purchases per day
and measure times in weeks (``time_unit="D", time_scale="W"``: a recency of
10 days is 10/7 weeks). The end of the observation period
is a day that is *included*: a customer whose first purchase falls on that
day has ``T = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError, check_choice, check_date, check_number, format_examples

__all__ = [
    "TIME_UNITS",
    "CalibrationSplit",
    "customer_summary",
    "calibration_holdout_split",
    "default_calibration_end",
]

#: Length of one time unit in days.
TIME_UNITS: dict[str, int] = {"D": 1, "W": 7}


def _to_day(value: object, name: str) -> pd.Timestamp:
    """Parse a date parameter and keep the calendar day."""
    return check_date(name, value, example="2011-09-30").normalize()


def _last_day(as_of: object) -> pd.Timestamp:
    """The last day observed before the analysis date ``as_of``."""
    return _to_day(as_of, "as_of") - pd.Timedelta(days=1)


def _refuse_late(frame: pd.DataFrame, date_col: str, last_day: pd.Timestamp) -> None:
    late = frame[date_col] > last_day
    if late.any():
        as_of = last_day + pd.Timedelta(days=1)
        raise ParameterError(
            f"{int(late.sum())} transaction line(s) fall on or after the analysis date as_of "
            f"{as_of.date()} (the last is on {frame.loc[late, date_col].max().date()}). Pass a later "
            "as_of, or filter the transactions first."
        )


def _period_start(days: pd.Series, time_unit: str) -> pd.Series:
    """First day of the purchase period each (normalised) date falls in."""
    if time_unit == "W":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days


def _scale(time_unit: str, time_scale: str | None) -> str:
    """The unit of the times: ``time_scale`` when given, else the purchase period."""
    check_choice("time_unit", time_unit, list(TIME_UNITS))
    if time_scale is None:
        return time_unit
    check_choice("time_scale", time_scale, list(TIME_UNITS))
    return time_scale


def _check_transactions(
    transactions: pd.DataFrame, customer_col: str, date_col: str, amount_col: str
) -> pd.DataFrame:
    """Validate the transaction frame and return the three columns, dates normalised."""
    missing = [c for c in (customer_col, date_col, amount_col) if c not in transactions.columns]
    if missing:
        raise DataError(
            f"column(s) {missing} not found in the transactions; available: "
            f"{list(transactions.columns)}. Load them with toolkit.data.load_transactions "
            "or rename your columns.",
            column=missing[0],
        )
    if len(transactions) == 0:
        raise DataError("the transactions frame is empty: there is nothing to summarise.")
    if "is_return" in transactions.columns and transactions["is_return"].fillna(False).astype(bool).any():
        rows = np.flatnonzero(transactions["is_return"].fillna(False).astype(bool).to_numpy())
        raise DataError(
            f"{len(rows)} return or cancellation line(s) are present (column 'is_return'). "
            "The purchase model counts purchases, not returns: load the data with the "
            "returns rule 'drop', or filter them out with tx[~tx['is_return']].",
            column="is_return",
            rows=(rows[:5] + 1).tolist(),
        )
    frame = transactions[[customer_col, date_col, amount_col]].copy()
    for col in (customer_col, date_col):
        bad = frame[col].isna().to_numpy()
        if bad.any():
            rows = np.flatnonzero(bad)
            raise DataError(
                f"column '{col}' has {len(rows)} missing value(s) (rows {format_examples((rows + 1).tolist())}); "
                "every purchase needs a customer and a date.",
                column=col,
                rows=(rows[:5] + 1).tolist(),
            )
    try:
        frame[date_col] = pd.to_datetime(frame[date_col]).dt.normalize()
    except (TypeError, ValueError) as exc:
        raise DataError(f"column '{date_col}' must hold dates: {exc}", column=date_col) from None
    amounts = pd.to_numeric(frame[amount_col], errors="coerce")
    bad = (amounts.isna() | ~np.isfinite(amounts.fillna(0.0))).to_numpy()
    if bad.any():
        rows = np.flatnonzero(bad)
        raise DataError(
            f"column '{amount_col}' has {len(rows)} missing or non-numeric value(s), e.g. "
            f"{format_examples(frame[amount_col].iloc[rows[:5]].tolist())}; expected a number per line.",
            column=amount_col,
            rows=(rows[:5] + 1).tolist(),
        )
    frame[amount_col] = amounts.astype(float)
    frame[customer_col] = frame[customer_col].astype(str)
    return frame


def _summarise(periods: pd.DataFrame, end_period: pd.Timestamp, unit_days: int) -> pd.DataFrame:
    """Frequency/recency/T/monetary from one row per customer and purchase period."""
    grouped = periods.groupby("customer_id", sort=True)
    first = grouped["period"].min()
    last = grouped["period"].max()
    count = grouped.size()
    is_first = periods["period"].to_numpy() == first.reindex(periods["customer_id"]).to_numpy()
    repeat = periods.loc[~is_first]
    monetary = repeat.groupby("customer_id")["amount"].mean().reindex(first.index).fillna(0.0)
    unit = pd.Timedelta(days=unit_days)
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype(int),
            "recency": (last - first) / unit,
            "T": (end_period - first) / unit,
            "monetary_value": monetary,
            "first_purchase": first,
            "last_purchase": last,
        }
    )
    out.index.name = "customer_id"
    return out


def _periods(
    frame: pd.DataFrame, time_unit: str, customer_col: str, date_col: str, amount_col: str
) -> pd.DataFrame:
    """One row per customer and purchase period, spend summed."""
    periods = pd.DataFrame(
        {
            "customer_id": frame[customer_col].to_numpy(),
            "period": _period_start(frame[date_col], time_unit).to_numpy(),
            "amount": frame[amount_col].to_numpy(),
        }
    )
    return periods.groupby(["customer_id", "period"], as_index=False, sort=True)["amount"].sum()


def customer_summary(
    transactions: pd.DataFrame,
    as_of: object,
    *,
    time_unit: str = "D",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
    time_scale: str | None = None,
) -> pd.DataFrame:
    """Summarise transactions into frequency, recency, T and monetary value.

    Parameters
    ----------
    transactions : DataFrame
        Transactions of the form customer_id, order_date, amount (one row per
        order line; canonical columns from ``toolkit.data.load_transactions``).
        Return lines (``is_return`` true) are refused: the model counts purchases.
    as_of : date-like
        The analysis date, as everywhere in the toolkit: the observation
        period ends the day before it (``TransactionData.as_of``, midnight
        after the last day observed). No transaction may be on or after it.
    time_unit : {"D", "W"}, default "D"
        Purchase period and unit of ``recency`` and ``T``.
    customer_col, date_col, amount_col : str
        Names of the columns, when they differ from the canonical ones.
    time_scale : {"D", "W"}, optional
        Unit of ``recency`` and ``T`` when it differs from the purchase
        period (default: ``time_unit``).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (str), columns ``frequency`` (int),
        ``recency``, ``T``, ``monetary_value`` (float), ``first_purchase`` and
        ``last_purchase`` (first day of the period). Every customer in the
        input is in the output.

    Raises
    ------
    DataError
        Missing columns, missing customers or dates, non-numeric amounts or
        return lines.
    ParameterError
        A bad ``time_unit`` or ``as_of``, or transactions on or after
        ``as_of``.
    """
    scale = _scale(time_unit, time_scale)
    end = _last_day(as_of)
    frame = _check_transactions(transactions, customer_col, date_col, amount_col)
    _refuse_late(frame, date_col, end)
    periods = _periods(frame, time_unit, customer_col, date_col, amount_col)
    end_period = _period_start(pd.Series([end]), time_unit).iloc[0]
    return _summarise(periods, end_period, TIME_UNITS[scale])


@dataclass(frozen=True)
class CalibrationSplit:
    """Customer summaries for a calibration period and the holdout after it.

    Attributes
    ----------
    summary : DataFrame
        One row per customer whose first purchase is on or before
        ``calibration_end``: the calibration columns of
        :func:`customer_summary` plus ``frequency_holdout`` (purchase periods
        in the holdout) and ``monetary_value_holdout`` (average spend per
        holdout purchase period, 0 if none).
    calibration_end : Timestamp
        Last day of the calibration period (included).
    as_of : Timestamp
        The analysis date: the holdout period ends the day before it.
    holdout_length : float
        Length of the holdout period in ``time_scale``.
    time_unit : str
        Purchase period, ``"D"`` or ``"W"``.
    new_in_holdout : int
        Customers whose first purchase falls in the holdout. The model has
        not seen them, so they are not part of the check; they are counted
        here so that the report can say so.
    """

    summary: pd.DataFrame
    calibration_end: pd.Timestamp
    as_of: pd.Timestamp
    holdout_length: float
    time_unit: str
    new_in_holdout: int
    time_scale: str = ""

    def __post_init__(self) -> None:
        if not self.time_scale:
            object.__setattr__(self, "time_scale", self.time_unit)


def calibration_holdout_split(
    transactions: pd.DataFrame,
    calibration_end: object,
    as_of: object,
    *,
    time_unit: str = "D",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
    time_scale: str | None = None,
) -> CalibrationSplit:
    """Split transactions into a calibration period and a holdout period.

    Parameters
    ----------
    transactions : DataFrame
        Transactions of the form customer_id, order_date, amount.
    calibration_end : date-like
        Last day of the calibration period (included).
    as_of : date-like
        The analysis date: the holdout period ends the day before it, which
        must be after ``calibration_end``; no transaction may be on or after it.
    time_unit : {"D", "W"}, default "D"
        Purchase period and unit of time.
    customer_col, date_col, amount_col : str
        Names of the columns, when they differ from the canonical ones.
    time_scale : {"D", "W"}, optional
        Unit of recency, T and the holdout length when it differs from the
        purchase period (default: ``time_unit``); the CDNOW fits of Fader,
        Hardie and Lee count purchases per day (``time_unit="D"``) and
        measure time in weeks (``time_scale="W"``).

    Returns
    -------
    CalibrationSplit
        The per-customer table and the figures describing the split.

    Raises
    ------
    ParameterError
        When ``calibration_end`` is not before the last day observed, when no
        customer bought before ``calibration_end``, or when the holdout is
        shorter than one time unit.
    """
    scale = _scale(time_unit, time_scale)
    cal_end = _to_day(calibration_end, "calibration_end")
    obs_end = _last_day(as_of)
    frame = _check_transactions(transactions, customer_col, date_col, amount_col)
    _refuse_late(frame, date_col, obs_end)
    unit_days = TIME_UNITS[time_unit]
    cal_period = _period_start(pd.Series([cal_end]), time_unit).iloc[0]
    obs_period = _period_start(pd.Series([obs_end]), time_unit).iloc[0]
    if (obs_period - cal_period) / pd.Timedelta(days=unit_days) < 1:
        raise ParameterError(
            f"The 'calibration_end' parameter must be at least one {'day' if time_unit == 'D' else 'week'} "
            f"before the end of the data ({obs_end.date()}). Got {cal_end.date()} instead."
        )
    in_cal = frame[date_col] <= cal_end
    if not in_cal.any():
        raise ParameterError(
            f"The 'calibration_end' parameter {cal_end.date()} is before the first purchase "
            f"({frame[date_col].min().date()}): the calibration period holds no data."
        )
    # Split on the dates first, so that the calibration never sees a later purchase (with
    # weeks, the week holding calibration_end is cut in two, as in the lifetimes package).
    scale_days = TIME_UNITS[scale]
    holdout_length = (obs_period - cal_period) / pd.Timedelta(days=scale_days)
    cal = _summarise(
        _periods(frame.loc[in_cal], time_unit, customer_col, date_col, amount_col), cal_period, scale_days
    )
    hold = _periods(frame.loc[~in_cal], time_unit, customer_col, date_col, amount_col)
    hold_grouped = hold.groupby("customer_id")
    cal["frequency_holdout"] = hold_grouped.size().reindex(cal.index).fillna(0).astype(int)
    cal["monetary_value_holdout"] = hold_grouped["amount"].mean().reindex(cal.index).fillna(0.0)
    new_in_holdout = int(len(set(hold["customer_id"]) - set(cal.index)))
    return CalibrationSplit(
        summary=cal,
        calibration_end=cal_end,
        as_of=obs_end + pd.Timedelta(days=1),
        holdout_length=float(holdout_length),
        time_unit=time_unit,
        new_in_holdout=new_in_holdout,
        time_scale=scale,
    )


def default_calibration_end(
    transactions: pd.DataFrame, holdout_share: float = 1 / 3, *, date_col: str = "order_date"
) -> pd.Timestamp:
    """A calibration end that leaves the last ``holdout_share`` of the period for the holdout.

    Parameters
    ----------
    transactions : DataFrame
        Transactions with a date column.
    holdout_share : float, default 1/3
        Share of the days between the first and the last transaction kept
        for the holdout, in (0, 1).

    Returns
    -------
    Timestamp
        The last day of the calibration period (a calendar day).
    """
    check_number("holdout_share", holdout_share, low=0, high=1, closed="neither")
    if date_col not in transactions.columns or len(transactions) == 0:
        raise DataError(f"no '{date_col}' values to place a calibration end in.", column=date_col)
    dates = pd.to_datetime(transactions[date_col]).dt.normalize()
    first, last = dates.min(), dates.max()
    days = (last - first).days
    return first + pd.Timedelta(days=int(round(days * (1 - holdout_share))))
