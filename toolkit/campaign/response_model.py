"""Who is likely to say yes? A logistic response model and its evaluation.

The model is a logistic regression (statsmodels) of a yes/no outcome on the
customer facts known *before* the contact. Columns only known afterwards —
in the bank data ``duration``, the length of the call — must be left out: a
model that uses them looks excellent and is useless for choosing whom to
call.

Evaluation is done on held-out customers the model never saw:

* AUC — the chance that a random responder is ranked above a random
  non-responder (0.5 = no better than chance, 1 = perfect ranking);
* a calibration table — customers grouped by predicted probability, mean
  prediction against the observed rate (the Hosmer-Lemeshow statistic
  summarises the gaps);
* a decile gains and lift table — the ranked list cut into ten equal parts,
  the share of all responders each part captures and its lift over a random
  list.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from toolkit.campaign.design import Design, apply_design, fit_design, unseen_levels
from toolkit.errors import DataError, ParameterError, check_number, format_examples

__all__ = [
    "ResponseData",
    "ResponseModel",
    "prepare_response_data",
    "split_test",
    "fit_logit",
    "fit_response_model",
    "predict_response",
    "coefficient_table",
    "auc",
    "calibration_table",
    "hosmer_lemeshow",
    "gains_table",
    "describe_unseen",
]


@dataclass(frozen=True)
class ResponseData:
    """Rows ready for modelling and what happened to the others.

    Attributes
    ----------
    frame : DataFrame
        The kept rows (original index), all columns.
    y : Series
        1 for the positive label, 0 otherwise, aligned with ``frame``.
    features : list of str
        Feature columns.
    excluded : dict
        Column -> number of rows left out because that column was empty
        there (e.g. ``{"age": 12}``); each row is counted once, under the
        first empty column in the order target, features.
    rows_read : int
        Rows in the input.
    """

    frame: pd.DataFrame
    y: pd.Series
    features: list[str]
    excluded: dict[str, int]
    rows_read: int


@dataclass(frozen=True)
class ResponseModel:
    """A fitted logistic response model.

    Attributes
    ----------
    design : Design
        How the model columns are built from customer data.
    result : statsmodels LogitResults
        The fitted regression.
    notes : list of str
        Warnings raised while fitting (e.g. separation), in plain words.
    """

    design: Design
    result: Any
    notes: list[str] = field(default_factory=list)


def prepare_response_data(
    df: pd.DataFrame,
    target: str,
    positive: object,
    features: Sequence[str] = (),
    exclude: Sequence[str] = ("duration",),
    source: str | None = None,
) -> ResponseData:
    """Check the target and features and set aside rows that cannot be used.

    Parameters
    ----------
    df : DataFrame
        One row per customer contacted.
    target : str
        Outcome column (e.g. ``"y"``).
    positive : object
        The value of ``target`` that counts as a success (e.g. ``"yes"``).
        Compared as text, so ``1`` matches ``"1"``.
    features : sequence of str, optional
        Columns to model with; empty means every column except the target
        and ``exclude``.
    exclude : sequence of str, default ("duration",)
        Columns never used as features because they are only known after the
        contact. Naming one of them in ``features`` is an error.
    source : str, optional
        File name for error messages.

    Returns
    -------
    ResponseData
        Rows with a missing target or a missing numeric feature are left
        out and counted in ``excluded``.
    """
    if target not in df.columns:
        raise DataError(
            f"target column '{target}' not found; available: {list(df.columns)}. Set the `target` parameter.",
            source=source,
        )
    exclude = list(exclude)
    if features:
        features = list(dict.fromkeys(features))
        leaked = [f for f in features if f in exclude]
        if leaked:
            raise ParameterError(
                f"feature(s) {leaked} are in `exclude` (known only after the contact) and cannot "
                "be used to choose whom to contact. Remove them from `features`."
            )
        if target in features:
            raise ParameterError(f"The target column '{target}' cannot also be a feature.")
        missing = [f for f in features if f not in df.columns]
        if missing:
            raise DataError(
                f"feature column(s) {missing} not found; available: {list(df.columns)}.", source=source
            )
    else:
        features = [c for c in df.columns if c != target and c not in exclude]
        if not features:
            raise DataError(f"no feature columns left besides '{target}' and {exclude}.", source=source)
    values = df[target].astype("object").where(df[target].notna(), None)
    text = values.map(lambda v: None if v is None else str(v).strip())
    labels = sorted(set(text.dropna()))
    if str(positive).strip() not in labels:
        raise DataError(
            f"positive label {positive!r} not found in target column '{target}'; values present: "
            f"{format_examples(labels, 10)}. Set `positive` to one of them.",
            source=source,
            column=target,
        )
    keep = text.notna().to_numpy().copy()
    excluded: dict[str, int] = {}
    if (~keep).sum():
        excluded[target] = int((~keep).sum())
    for f in features:
        if pd.api.types.is_numeric_dtype(df[f]):
            bad = df[f].isna().to_numpy() & keep
            if bad.any():
                excluded[f] = int(bad.sum())
                keep = keep & ~bad
    frame = df.loc[keep]
    y = (text[keep] == str(positive).strip()).astype(int)
    if y.nunique() < 2:
        raise DataError(
            f"target column '{target}' has only one outcome ({format_examples(y.unique())}) in the usable rows; "
            "a response model needs both successes and failures.",
            source=source,
            column=target,
        )
    return ResponseData(frame, y, features, excluded, len(df))


def split_test(y: pd.Series, test_share: float = 0.3, seed: int = 0) -> np.ndarray:
    """Pick held-out customers at random, keeping the success rate equal.

    Parameters
    ----------
    y : Series of 0/1
        Outcome per customer.
    test_share : float, default 0.3
        Share of customers held out for evaluation.
    seed : int, default 0
        Random seed.

    Returns
    -------
    ndarray of bool
        True for held-out customers.
    """
    check_number("test_share", test_share, low=0.05, high=0.9)
    rng = np.random.default_rng(seed)
    values = np.asarray(y)
    test = np.zeros(len(values), dtype=bool)
    for label in np.unique(values):
        idx = np.flatnonzero(values == label)
        k = int(round(test_share * len(idx)))
        test[rng.choice(idx, size=k, replace=False)] = True
    return test


def fit_logit(X: pd.DataFrame, y: pd.Series) -> tuple[object, list[str]]:
    """Fit a logistic regression by Newton's method (statsmodels ``Logit``).

    Parameters
    ----------
    X : DataFrame
        Model matrix with a constant column (see :func:`toolkit.campaign.design.apply_design`).
    y : Series of 0/1
        Outcome.

    Returns
    -------
    (result, list of str)
        The fitted result and the warnings raised while fitting (for example
        a perfect-separation warning), one line each, to show in a report.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        notes: list[str] = []
        result = sm.Logit(np.asarray(y, float), X).fit(method="newton", maxiter=100, disp=0)
    notes += sorted({str(w.message).split("\n")[0] for w in caught})
    if not result.mle_retvals.get("converged", True):
        notes.append("the fit did not converge in 100 iterations; some coefficients may be unreliable")
    return result, notes


def fit_response_model(
    df: pd.DataFrame,
    y: pd.Series,
    features: Sequence[str],
    min_level_count: int = 30,
) -> ResponseModel:
    """Fit the logistic response model on training customers.

    Parameters
    ----------
    df : DataFrame
        Training customers.
    y : Series of 0/1
        Their outcome.
    features : sequence of str
        Feature columns.
    min_level_count : int, default 30
        Rarer category levels are pooled (see :func:`toolkit.campaign.design.fit_design`).

    Returns
    -------
    ResponseModel
    """
    design = fit_design(df, features, min_level_count)
    result, notes = fit_logit(apply_design(design, df), y)
    return ResponseModel(design, result, notes)


def predict_response(model: ResponseModel, df: pd.DataFrame) -> pd.Series:
    """Predicted probability of a success for each customer in ``df``."""
    X = apply_design(model.design, df)
    return pd.Series(np.asarray(model.result.predict(X)), index=df.index, name="score")


def coefficient_table(model: ResponseModel, conf: float = 0.95) -> pd.DataFrame:
    """Coefficients as odds ratios with confidence intervals.

    Returns
    -------
    DataFrame
        ``term, coef, odds_ratio, or_low, or_high, p_value`` (constant
        excluded), sorted by p-value.
    """
    res = model.result
    ci = res.conf_int(alpha=1 - conf)
    table = pd.DataFrame(
        {
            "term": res.params.index,
            "coef": res.params.to_numpy(),
            "odds_ratio": np.exp(res.params.to_numpy()),
            "or_low": np.exp(ci.iloc[:, 0].to_numpy()),
            "or_high": np.exp(ci.iloc[:, 1].to_numpy()),
            "p_value": res.pvalues.to_numpy(),
        }
    )
    return table[table["term"] != "const"].sort_values("p_value", kind="stable").reset_index(drop=True)


def _check_scored(y: object, score: object) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    if y.shape != score.shape:
        raise ParameterError(f"`y` and `score` must have the same length; got {len(y)} and {len(score)}.")
    if len(y) == 0:
        raise ParameterError("`y` and `score` are empty.")
    if not np.isin(y, [0, 1]).all():
        raise ParameterError(
            f"`y` must hold only 0 and 1; got {format_examples(np.unique(y[~np.isin(y, [0, 1])]))}."
        )
    if np.isnan(score).any():
        raise ParameterError(f"`score` has {int(np.isnan(score).sum())} missing value(s).")
    return y, score


def auc(y: object, score: object) -> float:
    """Area under the ROC curve (ties count one half).

    Equals the Mann-Whitney U statistic of the responders' scores against the
    non-responders' divided by the number of pairs.
    """
    y, score = _check_scored(y, score)
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        raise ParameterError("AUC needs both responders and non-responders.")
    ranks = stats.rankdata(score)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _rank_groups(score: np.ndarray, groups: int) -> np.ndarray:
    """Group number 1..groups of each customer, 1 = highest scores, equal sizes."""
    order = np.argsort(-score, kind="stable")
    group = np.empty(len(score), dtype=int)
    for g, idx in enumerate(np.array_split(order, groups), start=1):
        group[idx] = g
    return group


def _check_groups(groups: int, n: int) -> None:
    check_number(
        "groups", groups, low=2, high=n, integer=True, hint=f"There are {n} customers to cut into groups."
    )


def calibration_table(y: object, score: object, groups: int = 10) -> pd.DataFrame:
    """Mean predicted probability against the observed rate, by score group.

    Parameters
    ----------
    y : array-like of 0/1
        Observed outcome.
    score : array-like of float
        Predicted probability.
    groups : int, default 10
        Equal-size groups by score (1 = highest).

    Returns
    -------
    DataFrame
        ``group, customers, predicted_rate, observed_rate, expected_responses,
        responses``.
    """
    y, score = _check_scored(y, score)
    _check_groups(groups, len(y))
    frame = pd.DataFrame({"group": _rank_groups(score, groups), "y": y, "p": score})
    out = frame.groupby("group").agg(
        customers=("y", "size"),
        predicted_rate=("p", "mean"),
        observed_rate=("y", "mean"),
        expected_responses=("p", "sum"),
        responses=("y", "sum"),
    )
    out["responses"] = out["responses"].astype(int)
    return out.reset_index()


def hosmer_lemeshow(table: pd.DataFrame) -> tuple[float, int, float]:
    """Hosmer-Lemeshow statistic of a calibration table.

    On held-out data the statistic is compared with a chi-squared
    distribution with as many degrees of freedom as groups.

    Returns
    -------
    (float, int, float)
        Statistic, degrees of freedom, p-value. A small p-value says the
        predicted probabilities are off somewhere.
    """
    n = table["customers"].to_numpy(float)
    e = table["expected_responses"].to_numpy(float)
    o = table["responses"].to_numpy(float)
    denom = e * (1 - e / n)
    stat = float(np.sum(np.where(denom > 0, (o - e) ** 2 / np.where(denom > 0, denom, 1), 0.0)))
    dof = len(table)
    return stat, dof, float(stats.chi2.sf(stat, dof))


def gains_table(y: object, score: object, groups: int = 10) -> pd.DataFrame:
    """Decile gains and lift table of a ranked list.

    Customers are sorted by score, highest first, and cut into ``groups``
    equal parts (sizes differ by at most one; ties keep their input order).

    Parameters
    ----------
    y : array-like of 0/1
        Observed outcome.
    score : array-like of float
        Model score; higher means more likely to respond.
    groups : int, default 10
        Number of groups (10 = deciles).

    Returns
    -------
    DataFrame
        One row per group: ``group, customers, responses, response_rate,
        lift, cum_customers, cum_responses, cum_share_customers, gain,
        cum_response_rate, cum_lift, min_score, max_score``. ``gain`` is the
        share of all responders found down to this group; ``lift`` is the
        group's response rate over the overall rate.
    """
    y, score = _check_scored(y, score)
    _check_groups(groups, len(y))
    frame = pd.DataFrame({"group": _rank_groups(score, groups), "y": y, "score": score})
    out = (
        frame.groupby("group")
        .agg(
            customers=("y", "size"),
            responses=("y", "sum"),
            min_score=("score", "min"),
            max_score=("score", "max"),
        )
        .reset_index()
    )
    overall = y.mean()
    total_resp = y.sum()
    out["responses"] = out["responses"].astype(int)
    out["response_rate"] = out["responses"] / out["customers"]
    out["lift"] = out["response_rate"] / overall if overall > 0 else np.nan
    out["cum_customers"] = out["customers"].cumsum()
    out["cum_responses"] = out["responses"].cumsum()
    out["cum_share_customers"] = out["cum_customers"] / len(y)
    out["gain"] = out["cum_responses"] / total_resp if total_resp > 0 else np.nan
    out["cum_response_rate"] = out["cum_responses"] / out["cum_customers"]
    out["cum_lift"] = out["cum_response_rate"] / overall if overall > 0 else np.nan
    cols = [
        "group",
        "customers",
        "responses",
        "response_rate",
        "lift",
        "cum_customers",
        "cum_responses",
        "cum_share_customers",
        "gain",
        "cum_response_rate",
        "cum_lift",
        "min_score",
        "max_score",
    ]
    return out[cols]


def describe_unseen(model: ResponseModel, df: pd.DataFrame) -> dict[str, int]:
    """Rows of ``df`` per feature whose category was not seen in training."""
    return unseen_levels(model.design, df)
