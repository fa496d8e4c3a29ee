"""RFM scores: quantile scores, Hughes's nested sort, and the textbook's points.

Quantile scores (the default)
    Each of recency, frequency and monetary value is cut into ``bins``
    intervals and scored 1..bins, ``bins`` being best: the most recent, the
    most frequent, the biggest spenders. Every interval is right-closed,
    ``(lower, upper]`` in the measure's own unit, so customers with the same
    value always share a score. The cut points are the ``k/bins`` quantiles
    of the observed values (inverted CDF: every cut point is a value some
    customer has), or thresholds the user gives, e.g. from an earlier
    period. When many customers share a value, cut points coincide and some
    scores stay empty; the result says so in ``notes`` (and a
    :class:`TiedBinsWarning` is issued) instead of silently renumbering.
    Frequency score 1 is kept for customers with at most one order: the
    lowest frequency cut point is never above 1, so a customer with five
    orders is never scored F = 1 (and called *New*) only because everyone
    else in a small file bought even more often.

Small samples
    Quantiles of a handful of customers say little: with fewer than
    :data:`MIN_CUSTOMERS_PER_BIN` (10) customers per score, i.e. fewer than
    50 customers for five scores, the result carries ``small_sample`` and
    a :class:`SmallSampleWarning` is issued, so the report can say that
    the scores rank these few customers against each other only.

Nested scores (Hughes)
    Customers are sorted on recency into ``bins`` equal groups, each of
    those on frequency into ``bins`` equal groups, and each of those on
    monetary value, giving cell codes 555 down to 111. Groups are equal in
    size, so tied customers may land in neighbouring groups; the tie is
    broken by the other two measures and then by customer id, which makes
    the result reproducible.

Weighted points (textbook)
    R points = R weight / months since the last purchase, F points =
    purchases x F weight, M points = spend x M weight; the total ranks the
    customers. Months below ``min_months`` (a purchase this month, month 0
    in customer-level data) are raised to ``min_months`` (default 1) and
    counted, so nothing divides by zero.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.errors import DataError, ParameterError, check_number, format_examples, parameter_error

__all__ = [
    "DIMENSIONS",
    "SCORE_COLUMNS",
    "DEFAULT_WEIGHTS",
    "TiedBinsWarning",
    "SmallSampleWarning",
    "MIN_CUSTOMERS_PER_BIN",
    "Scores",
    "WeightedScores",
    "quantile_scores",
    "apply_thresholds",
    "nested_scores",
    "weighted_scores",
    "cell_code",
    "score_values",
]

DIMENSIONS: tuple[str, ...] = ("recency", "frequency", "monetary")
SCORE_COLUMNS: dict[str, str] = {"recency": "r_score", "frequency": "f_score", "monetary": "m_score"}
DEFAULT_WEIGHTS: tuple[float, float, float] = (10.0, 2.0, 0.02)
_LOWER_IS_BETTER = {"recency": True, "frequency": False, "monetary": False}


MIN_CUSTOMERS_PER_BIN = 10
"""Fewer customers than this per score make the scores a small-sample ranking (warned)."""


class TiedBinsWarning(UserWarning):
    """Tied values made quantile cut points coincide, so some scores are empty."""


class SmallSampleWarning(UserWarning):
    """Too few customers for the number of scores: fewer than MIN_CUSTOMERS_PER_BIN per score."""


@dataclass(frozen=True)
class Scores:
    """RFM scores with the cut points that produced them.

    Attributes
    ----------
    scores : DataFrame
        ``customer_id, r_score, f_score, m_score, rfm_cell``, in the input's
        order.
    thresholds : DataFrame
        One row per dimension and score: ``dimension, score, lower, upper``
        (the interval ``(lower, upper]``; NaN for nested scores, whose
        groups have no fixed bounds), ``min_value, max_value`` (observed),
        ``customers, share``.
    cuts : dict
        ``{dimension: [cut points]}`` in the measure's unit, ascending; pass
        it to :func:`apply_thresholds` to score a later period the same way.
        Empty for nested scores.
    notes : list of dict
        One entry per dimension with empty scores: ``dimension``,
        ``empty_scores``, ``top_value`` and ``top_share`` (the most common
        value and its share of customers), ``reason`` (``"ties"``, or
        ``"no_single_order"`` when frequency score 1 is empty because every
        customer has more than one order) and ``message``.
    small_sample : dict or None
        Set when the scores come from fewer than ``MIN_CUSTOMERS_PER_BIN x
        bins`` customers: ``customers``, ``bins``, ``needed`` and
        ``message``.
    method : str
        ``"quantile"``, ``"thresholds"`` or ``"nested"``.
    bins : int
        Number of scores per dimension.
    """

    scores: pd.DataFrame
    thresholds: pd.DataFrame
    cuts: dict[str, list[float]]
    notes: list[dict] = field(default_factory=list)
    method: str = "quantile"
    bins: int = 5
    small_sample: dict | None = None


@dataclass(frozen=True)
class WeightedScores:
    """The textbook's weighted points.

    Attributes
    ----------
    points : DataFrame
        ``customer_id, months_used, weighted_r, weighted_f, weighted_m,
        weighted_total, weighted_rank`` (rank 1 = highest total; equal totals
        share the best rank).
    weights : tuple of float
        The R, F and M weights used.
    months_raised : int
        How many customers had fewer than ``min_months`` months and were
        raised to it.
    min_months : float
        The floor applied to months since the last purchase.
    """

    points: pd.DataFrame
    weights: tuple[float, float, float]
    months_raised: int
    min_months: float


def _check_bins(bins: int) -> int:
    return int(
        check_number(
            "bins", bins, low=2, high=9, integer=True, hint="Scores are single digits of the cell code."
        )
    )


def _check_customers(customers: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(customers, pd.DataFrame):
        raise ParameterError(
            f"The customers must be a pandas DataFrame. Got {type(customers).__name__} instead."
        )
    missing = [c for c in columns if c not in customers.columns]
    if missing:
        raise DataError(
            f"the customer table has no column {missing}; available: {list(customers.columns)}. "
            "Build it with toolkit.rfm.customer_table or toolkit.rfm.customers_from_table.",
            column=missing[0],
        )
    if len(customers) == 0:
        raise DataError("the customer table has no customers to score.")
    for column in columns:
        if column == "customer_id":
            continue
        values = pd.to_numeric(customers[column], errors="coerce")
        bad = values.isna() | ~np.isfinite(values.astype("float64"))
        if bad.any():
            rows = list(np.flatnonzero(bad.to_numpy())[:5] + 1)
            raise DataError(
                f"column {column!r} has {int(bad.sum()):,} missing or non-numeric value(s) (customers at rows "
                f"{format_examples(rows)}: {format_examples(customers.loc[bad, column].head(5).tolist())}).",
                column=column,
                rows=rows,
            )


def cell_code(r: pd.Series, f: pd.Series, m: pd.Series) -> pd.Series:
    """Join three single-digit scores into the cell code, e.g. 5, 4, 3 -> "543"."""
    digits = [np.asarray(x, dtype="int64") for x in (r, f, m)]
    if all(((d >= 1) & (d <= 9)).all() for d in digits):
        # a lookup of the at most 729 codes instead of joining a million strings
        codes = digits[0] * 100 + digits[1] * 10 + digits[2]
        text = pa.array([str(code) for code in range(1000)]).take(pa.array(codes))
        return pd.Series(pd.array(text, dtype=pd.StringDtype()), index=r.index)
    return (
        r.astype("int64").astype(str) + f.astype("int64").astype(str) + m.astype("int64").astype(str)
    ).astype("string")


def _score(values: np.ndarray, cuts: np.ndarray, lower_is_better: bool, bins: int) -> np.ndarray:
    # the number of cut points strictly below each value (searchsorted's "left" count; with at most
    # eight cut points, one comparison per cut is faster than a binary search per value)
    above = np.zeros(len(values), dtype="int64")
    for cut in cuts:
        above += values > cut
    return (bins - above) if lower_is_better else (above + 1)


def _quantile_cuts(values: np.ndarray, bins: int) -> np.ndarray:
    probs = np.arange(1, bins) / bins
    return np.quantile(values, probs, method="inverted_cdf")


def _parse_thresholds(thresholds: Mapping[str, Sequence[float]]) -> tuple[dict[str, np.ndarray], int]:
    if not isinstance(thresholds, Mapping):
        raise ParameterError(
            "The 'thresholds' parameter must be a dict {dimension: [cut points]} such as "
            f"{{'recency': [30, 90, 180, 365], ...}}. Got {type(thresholds).__name__} instead."
        )
    unknown = [k for k in thresholds if k not in DIMENSIONS]
    if unknown:
        raise ParameterError(f"Unknown dimension(s) {unknown} in 'thresholds'; use {list(DIMENSIONS)}.")
    parsed: dict[str, np.ndarray] = {}
    for dim, cuts in thresholds.items():
        try:
            arr = np.asarray(list(cuts), dtype="float64")
        except (TypeError, ValueError):
            raise parameter_error(f"thresholds['{dim}']", "a list of numbers", cuts) from None
        if arr.ndim != 1 or len(arr) < 1 or len(arr) > 8 or not np.all(np.isfinite(arr)):
            raise parameter_error(f"thresholds['{dim}']", "1 to 8 finite numbers", cuts)
        if np.any(np.diff(arr) <= 0):
            raise ParameterError(
                f"The thresholds for {dim} must be strictly increasing. Got {list(arr)} instead."
            )
        parsed[dim] = arr
    sizes = {len(v) for v in parsed.values()}
    if len(sizes) > 1:
        raise ParameterError(
            "Every dimension needs the same number of thresholds so that scores share one scale. Got "
            + ", ".join(f"{d}: {len(v)}" for d, v in parsed.items())
            + "."
        )
    return parsed, (sizes.pop() + 1 if sizes else 0)


def _thresholds_table(
    values: dict[str, np.ndarray],
    scores: dict[str, np.ndarray],
    cuts: dict[str, np.ndarray] | None,
    bins: int,
) -> pd.DataFrame:
    rows = []
    for dim in DIMENSIONS:
        v, s = values[dim], scores[dim]
        counts = np.bincount(s, minlength=bins + 1)
        lowest, highest = np.full(bins + 1, np.inf), np.full(bins + 1, -np.inf)
        np.minimum.at(lowest, s, v)
        np.maximum.at(highest, s, v)
        bounds = np.concatenate([[-np.inf], cuts[dim], [np.inf]]) if cuts is not None else None
        for score in range(bins, 0, -1):
            if bounds is not None:
                k = (bins - score) if _LOWER_IS_BETTER[dim] else (score - 1)
                lower, upper = bounds[k], bounds[k + 1]
            else:
                lower = upper = np.nan
            rows.append(
                {
                    "dimension": dim,
                    "score": score,
                    "lower": lower,
                    "upper": upper,
                    "min_value": lowest[score] if counts[score] else np.nan,
                    "max_value": highest[score] if counts[score] else np.nan,
                    "customers": int(counts[score]),
                    "share": float(counts[score] / len(s)),
                }
            )
    return pd.DataFrame(rows)


def _notes(values: dict[str, np.ndarray], scores: dict[str, np.ndarray], bins: int) -> list[dict]:
    notes = []
    for dim in DIMENSIONS:
        counts = np.bincount(scores[dim], minlength=bins + 1)[1:]
        empty = [int(i + 1) for i in np.flatnonzero(counts == 0)]
        if not empty:
            continue
        uniq, freq = np.unique(values[dim], return_counts=True)
        top = int(np.argmax(freq))
        top_value, top_share = float(uniq[top]), float(freq[top] / len(values[dim]))
        if dim == "frequency" and empty == [1] and (values[dim] > 1).all():
            reason = "no_single_order"
            message = (
                "frequency: no customer has score 1, which is kept for customers with one order; "
                "every customer here has more than one."
            )
        else:
            reason = "ties"
            message = (
                f"{dim}: no customer has score {', '.join(map(str, empty))}; {top_share:.0%} of customers "
                f"share the value {top_value:g}, so cut points coincide. Use fewer bins or give thresholds."
            )
        notes.append(
            {
                "dimension": dim,
                "empty_scores": empty,
                "top_value": top_value,
                "top_share": top_share,
                "reason": reason,
                "message": message,
            }
        )
    return notes


def quantile_scores(
    customers: pd.DataFrame,
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    *,
    warn: bool = True,
) -> Scores:
    """Score recency, frequency and monetary value 1..bins by quantile.

    Parameters
    ----------
    customers : DataFrame
        One row per customer: ``customer_id, recency, frequency, monetary``.
    bins : int, default 5
        Scores per dimension (2-9), used where no thresholds are given.
    thresholds : dict, optional
        ``{dimension: [cut points]}`` in the measure's unit, ascending, e.g.
        ``{"recency": [30, 90, 180, 365]}``; a score's interval is
        ``(lower, upper]``. Dimensions not named are cut at quantiles. With
        thresholds, ``bins`` is their count plus one.
    warn : bool, default True
        Issue a :class:`TiedBinsWarning` when a score stays empty. The same
        information is always in the result's ``notes``.

    Returns
    -------
    Scores
        Scores, the thresholds table and the cut points (reusable).

    Raises
    ------
    ParameterError
        Bad ``bins`` or ``thresholds``.
    DataError
        Missing columns or non-numeric values.
    """
    _check_customers(customers, ("customer_id",) + DIMENSIONS)
    given: dict[str, np.ndarray] = {}
    if thresholds:
        given, bins = _parse_thresholds(thresholds)
    bins = _check_bins(bins)
    values = {d: customers[d].to_numpy(dtype="float64") for d in DIMENSIONS}
    cuts = {d: given[d] if d in given else _quantile_cuts(values[d], bins) for d in DIMENSIONS}
    if "frequency" not in given:
        # F = 1 means at most one order: a quantile above 1 would put repeat buyers with the one-off buyers
        cuts["frequency"][0] = min(cuts["frequency"][0], 1.0)
    scores = {d: _score(values[d], cuts[d], _LOWER_IS_BETTER[d], bins) for d in DIMENSIONS}
    return _result(
        customers,
        values,
        scores,
        cuts,
        bins,
        "thresholds" if given else "quantile",
        warn,
        from_data=len(given) < len(DIMENSIONS),
    )


def score_values(
    values: pd.Series | np.ndarray,
    bins: int = 5,
    *,
    lower_is_better: bool = False,
    cuts: Sequence[float] | None = None,
) -> tuple[np.ndarray, list[float]]:
    """Score one measure 1..bins with the quantile rule of :func:`quantile_scores`.

    Useful when only some of R, F and M are known (e.g. a campaign file with
    recency and spend but no order count).

    Parameters
    ----------
    values : Series or array
        The measure, one value per customer (no missing values).
    bins : int, default 5
        Number of scores (2-9); ignored when ``cuts`` is given.
    lower_is_better : bool, default False
        True for recency: the smallest values get the top score.
    cuts : list of float, optional
        Cut points to use instead of the quantiles.

    Returns
    -------
    (scores, cuts)
        Integer scores and the ascending cut points used.
    """
    arr = np.asarray(values, dtype="float64")
    if arr.ndim != 1 or len(arr) == 0 or not np.all(np.isfinite(arr)):
        raise DataError("the values to score must be a non-empty column of numbers without missing values.")
    if cuts is not None:
        cut_arr = np.sort(np.asarray(list(cuts), dtype="float64"))
        bins = len(cut_arr) + 1
    else:
        bins = _check_bins(bins)
        cut_arr = _quantile_cuts(arr, bins)
    _check_bins(bins)
    return _score(arr, cut_arr, lower_is_better, bins).astype("int64"), [float(x) for x in cut_arr]


def apply_thresholds(
    customers: pd.DataFrame, cuts: Mapping[str, Sequence[float]], *, warn: bool = True
) -> Scores:
    """Score customers with cut points from an earlier run (``Scores.cuts``).

    Cut points taken from quantiles may repeat (tied values); they are used
    as they are, so every customer lands in the same score as in the
    earlier run had it had the same values.
    """
    _check_customers(customers, ("customer_id",) + DIMENSIONS)
    missing = [d for d in DIMENSIONS if d not in cuts]
    if missing:
        raise ParameterError(f"The cut points must cover {list(DIMENSIONS)}; {missing} missing.")
    arrays = {d: np.sort(np.asarray(list(cuts[d]), dtype="float64")) for d in DIMENSIONS}
    bins = _check_bins(len(arrays["recency"]) + 1)
    if any(len(a) != bins - 1 for a in arrays.values()):
        raise ParameterError("Every dimension needs the same number of cut points.")
    values = {d: customers[d].to_numpy(dtype="float64") for d in DIMENSIONS}
    scores = {d: _score(values[d], arrays[d], _LOWER_IS_BETTER[d], bins) for d in DIMENSIONS}
    return _result(customers, values, scores, arrays, bins, "thresholds", warn)


def _small_sample(customers: int, bins: int) -> dict | None:
    """The small-sample note when there are fewer than MIN_CUSTOMERS_PER_BIN customers per score."""
    needed = MIN_CUSTOMERS_PER_BIN * bins
    if customers >= needed:
        return None
    return {
        "customers": customers,
        "bins": bins,
        "needed": needed,
        "message": (
            f"only {customers:,} customers for {bins} scores per dimension (fewer than "
            f"{MIN_CUSTOMERS_PER_BIN} per score, {needed} in all): the scores rank these customers "
            "against each other and say little about segments; use fewer bins or your own thresholds."
        ),
    }


def _result(
    customers: pd.DataFrame,
    values: dict[str, np.ndarray],
    scores: dict[str, np.ndarray],
    cuts: dict[str, np.ndarray],
    bins: int,
    method: str,
    warn: bool,
    *,
    from_data: bool = False,
) -> Scores:
    out = pd.DataFrame({"customer_id": customers["customer_id"].array}, index=customers.index)
    for dim in DIMENSIONS:
        out[SCORE_COLUMNS[dim]] = scores[dim].astype("int64")
    out["rfm_cell"] = cell_code(out["r_score"], out["f_score"], out["m_score"])
    notes = _notes(values, scores, bins)
    small = _small_sample(len(out), bins) if from_data else None
    if warn:
        for note in notes if method != "nested" else []:
            warnings.warn(note["message"], TiedBinsWarning, stacklevel=3)
        if small:
            warnings.warn(small["message"], SmallSampleWarning, stacklevel=3)
    table = _thresholds_table(values, scores, cuts if method != "nested" else None, bins)
    return Scores(out, table, {d: [float(x) for x in cuts[d]] for d in cuts}, notes, method, bins, small)


def _equal_groups(order: np.ndarray, group: np.ndarray | None, bins: int) -> np.ndarray:
    """Scores 1..bins from equal-size groups of ``order`` (worst first) within ``group``."""
    n = len(order)
    if group is None:
        group = np.zeros(n, dtype="int64")
    sorted_groups = group[order]
    # position of each customer inside its group, in worst-to-best order
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    sizes = np.diff(np.r_[starts, n])
    group_start = np.repeat(starts, sizes)
    group_size = np.repeat(sizes, sizes)
    rank = np.arange(n) - group_start
    score_sorted = 1 + (rank * bins) // group_size
    score = np.empty(n, dtype="int64")
    score[order] = score_sorted
    return score


def nested_scores(customers: pd.DataFrame, bins: int = 5, *, warn: bool = True) -> Scores:
    """Hughes's nested (sequential) RFM sort.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id, recency, frequency, monetary``.
    bins : int, default 5
        Groups per level (2-9).
    warn : bool, default True
        Issue a :class:`SmallSampleWarning` for fewer than
        ``MIN_CUSTOMERS_PER_BIN x bins`` customers (also in ``small_sample``).

    Returns
    -------
    Scores
        ``cuts`` is empty: frequency and monetary groups are formed inside
        each recency (and recency-frequency) group, so they have no common
        bounds. ``thresholds`` gives the observed ranges.
    """
    _check_customers(customers, ("customer_id",) + DIMENSIONS)
    bins = _check_bins(bins)
    values = {d: customers[d].to_numpy(dtype="float64") for d in DIMENSIONS}
    ident = customers["customer_id"].astype(str).to_numpy()
    rec, freq, mon = values["recency"], values["frequency"], values["monetary"]
    # np.lexsort sorts by the last key first; every order runs worst -> best
    r_order = np.lexsort((ident, mon, freq, -rec))
    r = _equal_groups(r_order, None, bins)
    f_order = np.lexsort((ident, -rec, mon, freq, r))
    f = _equal_groups(f_order, r, bins)
    rf = r * 10 + f
    m_order = np.lexsort((ident, -rec, freq, mon, rf))
    m = _equal_groups(m_order, rf, bins)
    scores = {"recency": r, "frequency": f, "monetary": m}
    return _result(customers, values, scores, {}, bins, "nested", warn, from_data=True)


def weighted_scores(
    customers: pd.DataFrame,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    *,
    min_months: float = 1.0,
) -> WeightedScores:
    """The textbook's weighted points method (加权评分法).

    Parameters
    ----------
    customers : DataFrame
        ``customer_id, recency_months, frequency, monetary``.
    weights : (float, float, float), default (10, 2, 0.02)
        R, F and M weights.
    min_months : float, default 1
        Months since the last purchase below this are raised to it, so that
        a purchase "this month" scores ``R weight / min_months`` instead of
        dividing by zero. The count is returned.

    Returns
    -------
    WeightedScores

    Raises
    ------
    ParameterError
        Weights not three non-negative numbers, or ``min_months`` not > 0.
    DataError
        Missing columns, or negative months.
    """
    try:
        w = tuple(float(x) for x in weights)
    except (TypeError, ValueError):
        raise parameter_error("weights", "three numbers (R, F, M)", weights) from None
    if len(w) != 3 or any(x < 0 or not np.isfinite(x) for x in w):
        raise parameter_error("weights", "three non-negative numbers (R, F, M)", weights)
    check_number("min_months", min_months, low=0, closed="neither")
    _check_customers(customers, ("customer_id", "recency_months", "frequency", "monetary"))
    months = customers["recency_months"].to_numpy(dtype="float64")
    negative = months < 0
    if negative.any():
        rows = list(np.flatnonzero(negative)[:5] + 1)
        raise DataError(
            f"column 'recency_months' has {int(negative.sum())} negative value(s) (rows {format_examples(rows)}); "
            "months since the last purchase cannot be negative.",
            column="recency_months",
            rows=rows,
        )
    raised = months < min_months
    used = np.where(raised, float(min_months), months)
    out = pd.DataFrame({"customer_id": customers["customer_id"].array}, index=customers.index)
    out["months_used"] = used
    out["weighted_r"] = w[0] / used
    out["weighted_f"] = customers["frequency"].to_numpy(dtype="float64") * w[1]
    out["weighted_m"] = customers["monetary"].to_numpy(dtype="float64") * w[2]
    out["weighted_total"] = out["weighted_r"] + out["weighted_f"] + out["weighted_m"]
    out["weighted_rank"] = out["weighted_total"].rank(method="min", ascending=False).astype("int64")
    return WeightedScores(out, w, int(raised.sum()), float(min_months))
