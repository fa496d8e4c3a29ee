"""What to improve: weakest criteria, what-if gains, the textbook check."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from toolkit.bullseye.criteria import SCORE_MAX, SCORE_MIN, bands_of
from toolkit.errors import DataError, check_number

__all__ = [
    "DEFAULT_TARGET",
    "weakest_criteria",
    "what_if",
    "apply_changes",
    "textbook_check",
]

#: Default score a what-if raises a criterion to: the start of the "high" band.
DEFAULT_TARGET: int = 8


def _ordered(criterion_scores: pd.DataFrame) -> pd.DataFrame:
    """Add the position of each row within its product (criteria order)."""
    out = criterion_scores.copy()
    out["_pos"] = out.groupby("product", sort=False).cumcount()
    return out


def weakest_criteria(criterion_scores: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` lowest-scoring criteria of each product.

    Parameters
    ----------
    criterion_scores : pandas.DataFrame
        Output of :func:`toolkit.bullseye.score_criteria`.
    n : int, default 5
        How many criteria per product.

    Returns
    -------
    pandas.DataFrame
        ``product``, ``criterion``, ``group``, ``score``, ``band`` and
        ``headroom`` (10 - score: the most the total can gain from it),
        lowest score first; equal scores keep the criteria order.
    """
    check_number("n", n, low=1, integer=True)
    ranked = _ordered(criterion_scores).sort_values(["score", "_pos"], kind="stable")
    parts = [ranked[ranked["product"] == p].head(n) for p in dict.fromkeys(criterion_scores["product"])]
    out = pd.concat(parts, ignore_index=True)[["product", "criterion", "group", "score", "band"]]
    out["headroom"] = SCORE_MAX - out["score"]
    return out


def what_if(
    criterion_scores: pd.DataFrame,
    target: int = DEFAULT_TARGET,
    possible: int | None = None,
) -> pd.DataFrame:
    """Gains from raising criteria that score below ``target`` up to it.

    For each product, every criterion scoring below ``target`` is listed
    with the points the total gains if that criterion alone reached
    ``target``, the total and rate that would follow, and the cumulative
    total if it and all criteria above it in the list were raised. Largest
    gain first; equal gains keep the criteria order.

    Parameters
    ----------
    criterion_scores : pandas.DataFrame
        Output of :func:`toolkit.bullseye.score_criteria`.
    target : int, default 8
        The score each weak criterion is raised to (8 = start of "high").
    possible : int, optional
        Maximum total; default 10 x the number of criteria of the product.

    Returns
    -------
    pandas.DataFrame
        ``product``, ``step`` (1 = biggest gain), ``criterion``, ``group``,
        ``score``, ``target``, ``gain``, ``total_after``, ``rate_after``,
        ``cumulative_total``, ``cumulative_rate``. Products with no
        criterion below ``target`` have no rows.
    """
    check_number("target", target, low=SCORE_MIN + 1, high=SCORE_MAX, integer=True)
    frames = []
    for product, part in _ordered(criterion_scores).groupby("product", sort=False):
        total = float(part["score"].sum())
        top = possible if possible is not None else SCORE_MAX * len(part)
        below = part[part["score"] < target].copy()
        below["gain"] = target - below["score"]
        below = below.sort_values(["gain", "_pos"], ascending=[False, True], kind="stable")
        below["step"] = range(1, len(below) + 1)
        below["target"] = target
        below["total_after"] = total + below["gain"]
        below["rate_after"] = below["total_after"] / top
        below["cumulative_total"] = total + below["gain"].cumsum()
        below["cumulative_rate"] = below["cumulative_total"] / top
        below["product"] = product
        frames.append(below)
    columns = [
        "product",
        "step",
        "criterion",
        "group",
        "score",
        "target",
        "gain",
        "total_after",
        "rate_after",
        "cumulative_total",
        "cumulative_rate",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def apply_changes(
    criterion_scores: pd.DataFrame,
    changes: Mapping[str, int],
    product: str | None = None,
) -> pd.DataFrame:
    """Set some criterion scores to new values, for a what-if scenario.

    Parameters
    ----------
    criterion_scores : pandas.DataFrame
        Output of :func:`toolkit.bullseye.score_criteria`.
    changes : mapping
        ``{criterion id: new score}``, e.g. ``{"P2": 6, "D1": 7}``.
    product : str, optional
        Change only this product; default all products.

    Returns
    -------
    pandas.DataFrame
        A copy with the new scores, their bands, and a bool column
        ``changed``. Feed it to :func:`toolkit.bullseye.group_scores`.

    Raises
    ------
    toolkit.errors.DataError
        For an unknown criterion or product.
    toolkit.errors.ParameterError
        For a new score that is not an int 0-10.
    """
    known = list(dict.fromkeys(criterion_scores["criterion"]))
    unknown = [c for c in changes if c not in known]
    if unknown:
        raise DataError(f"unknown criterion {unknown} in the changes; the criteria are {known}.")
    products = list(dict.fromkeys(criterion_scores["product"]))
    if product is not None and product not in products:
        raise DataError(f"unknown product {product!r}; the products are {products}.")
    for crit, value in changes.items():
        check_number(f"changes[{crit!r}]", value, low=SCORE_MIN, high=SCORE_MAX, integer=True)
    out = criterion_scores.copy()
    rows = out["criterion"].isin(list(changes))
    if product is not None:
        rows &= out["product"] == product
    out["changed"] = rows
    out.loc[rows, "score"] = out.loc[rows, "criterion"].map(changes).astype(float)
    out["band"] = bands_of(out["score"])
    return out


def textbook_check(reference: pd.DataFrame) -> pd.DataFrame:
    """Recompute a printed table's rates from its printed scores.

    Parameters
    ----------
    reference : pandas.DataFrame
        ``group``, ``score``, ``possible`` and ``printed_rate_pct`` (as in
        :func:`toolkit.bullseye.load_textbook_reference`).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``score``, ``possible``, ``printed_rate_pct``,
        ``rate`` (score / possible), ``rate_pct`` (rounded to a whole
        percent, as printed), ``difference_pct`` (printed - computed) and
        ``matches`` (bool).
    """
    out = reference[["group", "score", "possible", "printed_rate_pct"]].copy()
    out["rate"] = out["score"] / out["possible"]
    # Round half up, as a printed table would (Python's round() rounds half to even).
    out["rate_pct"] = (out["score"] * 100 / out["possible"] + 0.5).apply(int)
    out["difference_pct"] = out["printed_rate_pct"] - out["rate_pct"]
    out["matches"] = out["difference_pct"] == 0
    return out
