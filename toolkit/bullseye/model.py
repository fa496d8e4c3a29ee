"""Scoring: criterion scores, group subtotals and rates, totals, ranking.

The Bullseye total is the sum of the 30 criterion scores (0-300); the total
divided by its maximum is read as the probability that selling the product
directly online succeeds. With several raters a criterion's score is the
mean of the raters' scores, so subtotals and totals may have decimals.
"""

from __future__ import annotations

import pandas as pd

from toolkit.bullseye.criteria import GROUPS, SCORE_MAX, bands_of, group_maxima
from toolkit.errors import check_number

__all__ = [
    "DEFAULT_DISAGREEMENT",
    "score_criteria",
    "group_scores",
    "product_totals",
    "rater_totals",
    "compare_products",
]

#: Raters disagree on a criterion when their highest and lowest scores are
#: at least this many points apart (4 points is 40% of the scale, e.g. 4 against 8).
DEFAULT_DISAGREEMENT: int = 4


def _join_evidence(part: pd.DataFrame) -> str:
    notes = []
    for rater, note in zip(part["rater"], part["evidence"]):
        if note:
            notes.append(f"{rater}: {note}" if rater else note)
    return " | ".join(notes)


def score_criteria(
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    disagreement: int = DEFAULT_DISAGREEMENT,
) -> pd.DataFrame:
    """Combine the raters' scores of each product and criterion.

    Parameters
    ----------
    scores : pandas.DataFrame
        A validated scorecard (``Scorecard.scores``): ``product``,
        ``rater``, ``criterion``, ``score``, ``evidence``.
    criteria : pandas.DataFrame
        Output of :func:`toolkit.bullseye.load_criteria`.
    disagreement : int, default 4
        Flag a criterion when its raters' scores are at least this many
        points apart.

    Returns
    -------
    pandas.DataFrame
        One row per product and criterion, products in scorecard order and
        criteria in criteria order, with ``product``, ``criterion``,
        ``group``, ``score`` (mean of the raters), ``raters``, ``score_min``,
        ``score_max``, ``spread`` (max - min), ``disagree`` (bool),
        ``band`` (of the mean) and ``evidence`` (the notes, ``"rater:
        note"`` joined by ``" | "``).
    """
    check_number("disagreement", disagreement, low=1, high=SCORE_MAX, integer=True)
    group_of = dict(zip(criteria["id"], criteria["group"]))
    rows = []
    for (product, criterion), part in scores.groupby(["product", "criterion"], sort=False):
        values = part["score"]
        rows.append(
            {
                "product": product,
                "criterion": criterion,
                "group": group_of[criterion],
                "score": float(values.mean()),
                "raters": int(part["rater"].nunique()),
                "score_min": int(values.min()),
                "score_max": int(values.max()),
            }
        )
    out = pd.DataFrame(rows)
    evidence = scores.groupby(["product", "criterion"], sort=False)[["rater", "evidence"]].apply(
        _join_evidence
    )
    out["spread"] = out["score_max"] - out["score_min"]
    out["disagree"] = out["spread"] >= disagreement
    out["band"] = bands_of(out["score"])
    out["evidence"] = [evidence[(p, c)] for p, c in zip(out["product"], out["criterion"])]
    product_order = {p: k for k, p in enumerate(dict.fromkeys(scores["product"]))}
    crit_order = {c: k for k, c in enumerate(criteria["id"])}
    order = pd.DataFrame({"p": out["product"].map(product_order), "c": out["criterion"].map(crit_order)})
    return out.loc[order.sort_values(["p", "c"]).index].reset_index(drop=True)


def group_scores(criterion_scores: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """Subtotal and rate of each group for each product.

    Parameters
    ----------
    criterion_scores : pandas.DataFrame
        Output of :func:`score_criteria` (``product``, ``group``, ``score``).
    criteria : pandas.DataFrame
        The criteria, for the number of criteria per group.

    Returns
    -------
    pandas.DataFrame
        ``product``, ``group``, ``criteria``, ``score`` (sum of the
        criterion scores), ``possible`` (10 x criteria) and ``rate``
        (score / possible, 0-1), groups in :data:`GROUPS` order.
    """
    maxima = group_maxima(criteria)
    sums = criterion_scores.groupby(["product", "group"], sort=False)["score"].sum()
    rows = []
    for product in dict.fromkeys(criterion_scores["product"]):
        for group, n, possible in maxima.itertuples(index=False):
            score = float(sums.get((product, group), 0.0))
            rows.append(
                {
                    "product": product,
                    "group": group,
                    "criteria": n,
                    "score": score,
                    "possible": possible,
                    "rate": score / possible,
                }
            )
    return pd.DataFrame(rows, columns=["product", "group", "criteria", "score", "possible", "rate"])


def product_totals(groups: pd.DataFrame) -> pd.DataFrame:
    """Total score, its rate (the success probability) and rank per product.

    Parameters
    ----------
    groups : pandas.DataFrame
        Output of :func:`group_scores`.

    Returns
    -------
    pandas.DataFrame
        ``product``, ``total``, ``possible``, ``rate`` (total / possible)
        and ``rank`` (1 = highest total; equal totals share the better
        rank), products in scorecard order.
    """
    sums = groups.groupby("product", sort=False)[["score", "possible"]].sum().reset_index()
    out = pd.DataFrame(
        {
            "product": sums["product"],
            "total": sums["score"].astype(float),
            "possible": sums["possible"].astype(int),
        }
    )
    out["rate"] = out["total"] / out["possible"]
    out["rank"] = out["total"].round(9).rank(ascending=False, method="min").astype(int)
    return out


def rater_totals(scores: pd.DataFrame) -> pd.DataFrame:
    """Each rater's own total for each product, to show how far raters differ.

    Parameters
    ----------
    scores : pandas.DataFrame
        A validated scorecard.

    Returns
    -------
    pandas.DataFrame
        ``product``, ``rater``, ``total`` (int), ``possible``, ``rate``.
    """
    sums = scores.groupby(["product", "rater"], sort=False)["score"].agg(["sum", "count"]).reset_index()
    out = pd.DataFrame(
        {
            "product": sums["product"],
            "rater": sums["rater"],
            "total": sums["sum"].astype(int),
            "possible": (sums["count"] * SCORE_MAX).astype(int),
        }
    )
    out["rate"] = out["total"] / out["possible"]
    return out


def compare_products(groups: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Products side by side, best first.

    Parameters
    ----------
    groups : pandas.DataFrame
        Output of :func:`group_scores`.
    totals : pandas.DataFrame
        Output of :func:`product_totals`.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``product``, ``total``, ``rate`` and one rate column per
        group (named after the group, e.g. ``target_market``), sorted by
        rank then scorecard order.
    """
    wide = groups.pivot(index="product", columns="group", values="rate")
    present = [g for g in GROUPS if g in wide.columns]
    out = totals[["rank", "product", "total", "rate"]].copy()
    for g in present:
        out[g] = out["product"].map(wide[g])
    return out.sort_values("rank", kind="stable").reset_index(drop=True)
