"""Who responds *because of* the e-mail? Uplift by group and a two-model uplift.

A response model finds customers likely to buy; an uplift model finds
customers whose buying the e-mail *changes*. In a randomised test the uplift
of a group is simply the group's outcome rate when mailed minus its rate
when not mailed.

The two-model method fits one logistic regression per arm on training
customers (same features for all) and predicts, for every customer, the
outcome under each arm; predicted uplift = prediction under an e-mail minus
prediction under no e-mail. It is checked on held-out customers with an
uplift curve (the Qini idea): rank customers by predicted uplift and count
the extra responses the e-mail produced among the top k, comparing with a
random ranking.

A targeting rule then gives each customer the arm with the highest expected
net value: margin x value of an outcome x predicted uplift - cost of the
e-mail (nothing, if no e-mail pays). Because arms were assigned at random,
the value of *any* rule can be estimated on held-out customers by keeping
those whose actual arm matches the rule's choice and weighting them by one
over that arm's share (inverse-probability weighting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.campaign.ab_test import check_test_data
from toolkit.campaign.design import Design, apply_design, fit_design
from toolkit.campaign.response_model import fit_logit
from toolkit.errors import ParameterError, check_number

__all__ = [
    "RECENCY_BANDS",
    "add_hillstrom_groups",
    "uplift_by_group",
    "UpliftModel",
    "fit_uplift_models",
    "predict_arms",
    "qini_curve",
    "qini_coefficient",
    "uplift_by_decile",
    "assign_best_arm",
    "compare_policies",
    "rule_summary",
]

RECENCY_BANDS: dict[str, tuple[int, int]] = {"1-3": (1, 3), "4-6": (4, 6), "7-9": (7, 9), "10-12": (10, 12)}


def add_hillstrom_groups(df: pd.DataFrame) -> pd.DataFrame:
    """Add the customer groups used to read the Hillstrom test.

    Adds ``recency_band`` (months since last purchase: "1-3", "4-6",
    "7-9", "10-12"; "13+" beyond) when ``recency`` is present, and
    ``buyer`` ("mens", "womens" or "both": which merchandise the customer
    bought in the past year) when ``mens`` and ``womens`` are present.

    Returns
    -------
    DataFrame
        A new frame with the added columns.
    """
    out = df.copy()
    if "recency" in out.columns:
        bands = pd.Series("13+", index=out.index, dtype=object)
        for label, (lo, hi) in RECENCY_BANDS.items():
            bands[(out["recency"] >= lo) & (out["recency"] <= hi)] = label
        order = [*RECENCY_BANDS, "13+"]
        out["recency_band"] = pd.Categorical(
            bands, categories=[b for b in order if (bands == b).any()], ordered=True
        )
    if {"mens", "womens"} <= set(out.columns):
        out["buyer"] = np.select(
            [(out["mens"] == 1) & (out["womens"] == 1), out["mens"] == 1, out["womens"] == 1],
            ["both", "mens", "womens"],
            "neither",
        )
    return out


def _arms(df: pd.DataFrame, arm_col: str, control: str, treatments: Sequence[str] | None) -> list[str]:
    present = sorted(str(a) for a in df[arm_col].unique() if a != control)
    if treatments is None:
        return present
    unknown = [t for t in treatments if t not in present]
    if unknown:
        raise ParameterError(f"treatment arm(s) {unknown} not found; arms present: {present}.")
    return list(treatments)


def uplift_by_group(
    df: pd.DataFrame,
    arm_col: str,
    control: str,
    outcome: str,
    by: Sequence[str],
    treatments: Sequence[str] | None = None,
    conf: float = 0.95,
) -> pd.DataFrame:
    """Uplift of each e-mail within each customer group.

    Parameters
    ----------
    df : DataFrame
        One row per customer of a randomised test.
    arm_col, control : str
        Arm column and the control arm.
    outcome : str
        Outcome column (0/1 or an amount).
    by : sequence of str
        Grouping columns; each is read on its own.
    treatments : sequence of str, optional
        Arms to compare with control; default all others.
    conf : float, default 0.95
        Confidence level of the interval (normal approximation with each
        arm's own variance).

    Returns
    -------
    DataFrame
        One row per treatment, grouping column and level: ``arm, group,
        level, treated, control, treated_mean, control_mean, uplift, ci_low,
        ci_high, p_value``.
    """
    check_test_data(df, arm_col, [outcome], control)
    missing = [b for b in by if b not in df.columns]
    if missing:
        raise ParameterError(f"group column(s) {missing} not found; available: {list(df.columns)}.")
    z = stats.norm.ppf(0.5 + conf / 2)
    rows = []
    for arm in _arms(df, arm_col, control, treatments):
        sub = df[df[arm_col].isin([arm, control])]
        is_t = (sub[arm_col] == arm).rename("t")
        for col in by:
            agg = (
                sub.groupby([sub[col], is_t], observed=True)[outcome]
                .agg(["size", "mean", "var"])
                .unstack("t")
            )
            for level, r in agg.iterrows():
                n_t, n_c = r[("size", True)], r[("size", False)]
                m_t, m_c = r[("mean", True)], r[("mean", False)]
                se = np.sqrt(r[("var", True)] / n_t + r[("var", False)] / n_c)
                diff = m_t - m_c
                zstat = diff / se if se > 0 else np.nan
                rows.append(
                    {
                        "arm": arm,
                        "group": col,
                        "level": level,
                        "treated": n_t,
                        "control": n_c,
                        "treated_mean": m_t,
                        "control_mean": m_c,
                        "uplift": diff,
                        "ci_low": diff - z * se,
                        "ci_high": diff + z * se,
                        "p_value": 2 * stats.norm.sf(abs(zstat)) if se > 0 else np.nan,
                    }
                )
    out = pd.DataFrame(rows)
    for c in ("treated", "control"):
        out[c] = out[c].fillna(0).astype(int)
    return out


@dataclass(frozen=True)
class UpliftModel:
    """One logistic regression per arm, on shared model columns.

    Attributes
    ----------
    design : Design
        Model columns (fitted on all training customers).
    results : dict
        Arm -> fitted statsmodels result.
    notes : list of str
        Fitting warnings, prefixed with the arm.
    """

    design: Design
    results: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def fit_uplift_models(
    train: pd.DataFrame,
    arm_col: str,
    outcome: str,
    features: Sequence[str],
    min_level_count: int = 30,
) -> UpliftModel:
    """Fit the two-model uplift: one logistic regression of ``outcome`` per arm.

    Parameters
    ----------
    train : DataFrame
        Training customers with their arm and 0/1 outcome.
    arm_col : str
        Arm column.
    outcome : str
        0/1 outcome column (e.g. ``"visit"`` or ``"conversion"``).
    features : sequence of str
        Customer facts known before the mailing.
    min_level_count : int, default 30
        Rare category levels are pooled (see :func:`toolkit.campaign.design.fit_design`).

    Returns
    -------
    UpliftModel
    """
    check_test_data(train, arm_col, [outcome])
    if not train[outcome].isin([0, 1]).all():
        raise ParameterError(f"The uplift model needs a 0/1 outcome; column '{outcome}' holds other values.")
    design = fit_design(train, features, min_level_count)
    results, notes = {}, []
    for arm, group in train.groupby(arm_col, sort=True):
        result, arm_notes = fit_logit(apply_design(design, group), group[outcome])
        results[str(arm)] = result
        notes += [f"{arm}: {n}" for n in arm_notes]
    return UpliftModel(design, results, notes)


def predict_arms(model: UpliftModel, df: pd.DataFrame) -> pd.DataFrame:
    """Predicted outcome probability of each customer under each arm.

    Returns
    -------
    DataFrame
        One column per arm, same index as ``df``.
    """
    X = apply_design(model.design, df)
    return pd.DataFrame(
        {arm: np.asarray(res.predict(X)) for arm, res in model.results.items()}, index=df.index
    )


def _ranked_totals(y: object, treated: object, score: object) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Cumulative counts down a ranking, taken where the score changes.

    Customers are sorted by score, highest first; customers with the same
    score form one step, so the result does not depend on the order of the
    input rows. Returns the depths at the end of each step (with a leading
    0) and, at those depths, the cumulative ``n_t``/``n_c`` (mailed and
    control customers) and ``y_t``/``y_c`` (their outcomes).
    """
    y = np.asarray(y, float)
    t = np.asarray(treated, bool)
    s = np.asarray(score, float)
    if not (len(y) == len(t) == len(s)) or len(y) == 0:
        raise ParameterError("`y`, `treated` and `score` must be non-empty and the same length.")
    if not np.all(np.isfinite(s)) or not np.all(np.isfinite(y)):
        raise ParameterError("`y` and `score` must be finite numbers (no missing values).")
    if t.all() or (~t).all():
        raise ParameterError("The uplift curve needs both mailed and control customers.")
    order = np.argsort(-s, kind="stable")
    y, t, s = y[order], t[order], s[order]
    ends = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    sums = {"n_t": np.cumsum(t), "n_c": np.cumsum(~t), "y_t": np.cumsum(y * t), "y_c": np.cumsum(y * ~t)}
    return np.r_[0, ends + 1], {k: np.r_[0.0, v[ends]] for k, v in sums.items()}


def qini_curve(y: object, treated: object, score: object, points: int = 100) -> pd.DataFrame:
    """Uplift curve of a ranking on held-out customers of one e-mail and control.

    Customers (treated and control together) are sorted by predicted uplift,
    highest first. For the top k, the extra responses the e-mail would bring
    if those k were mailed is estimated as (treated response rate - control
    response rate among the top k) x k (column ``incremental``, the uplift
    curve drawn in the report); ``qini`` is Radcliffe's Qini curve, treated
    responses minus control responses scaled to the number treated,
    ``y_t - y_c n_t / n_c``, whose area :func:`qini_coefficient` summarises.

    Customers with the same predicted uplift are one block: inside it the
    cumulative counts grow in a straight line, which is their average over
    every order of the tied customers. The curve therefore does not depend
    on the order of the input rows.

    Parameters
    ----------
    y : array-like of 0/1 (or amounts)
        Observed outcome.
    treated : array-like of bool
        True for customers who got the e-mail, False for control.
    score : array-like of float
        Predicted uplift.
    points : int, default 100
        Number of depths on the curve.

    Returns
    -------
    DataFrame
        ``share, customers, treated, control, incremental, random, qini``:
        ``treated``/``control`` are the (tie-averaged) counts among the top
        ``customers``; ``random`` is the incremental count of a random
        ranking (overall uplift x k). ``incremental`` is NaN while the top k
        hold no treated or no control customer.
    """
    points = check_number("points", points, low=2, integer=True)
    depth, sums = _ranked_totals(y, treated, score)
    n = int(depth[-1])
    ks = np.unique(np.round(np.linspace(0, n, points + 1)).astype(int))
    at = {name: np.interp(ks, depth, values) for name, values in sums.items()}
    n_t, n_c, y_t, y_c = at["n_t"], at["n_c"], at["y_t"], at["y_c"]
    with np.errstate(invalid="ignore", divide="ignore"):
        incremental = np.where((n_t > 0) & (n_c > 0), (y_t / n_t - y_c / n_c) * ks, np.nan)
        qini = y_t - np.where(n_c > 0, y_c * n_t / n_c, 0.0)
    incremental[0] = 0.0
    overall = sums["y_t"][-1] / sums["n_t"][-1] - sums["y_c"][-1] / sums["n_c"][-1]
    return pd.DataFrame(
        {
            "share": ks / n,
            "customers": ks,
            "treated": n_t,
            "control": n_c,
            "incremental": incremental,
            "random": overall * ks,
            "qini": qini,
        }
    )


def _qini_area(depth: np.ndarray, sums: Mapping[str, np.ndarray]) -> tuple[float, float]:
    """Area under the Qini curve (trapezoids between score steps) and under its random line."""
    n_t, n_c, y_t, y_c = sums["n_t"], sums["n_c"], sums["y_t"], sums["y_c"]
    with np.errstate(invalid="ignore", divide="ignore"):
        qini = y_t - np.where(n_c > 0, y_c * n_t / n_c, 0.0)
    return float(np.trapezoid(qini, depth)), float(qini[-1] * depth[-1] / 2)


def qini_coefficient(y: object, treated: object, score: object) -> float:
    """Qini coefficient of a ranking: its gain over random, as a share of the best possible gain.

    The standard normalisation of Radcliffe (2007), the same as
    scikit-uplift's ``qini_auc_score`` (with its default
    ``negative_effect=True``):

    ``(area under the model's Qini curve - area under the random line) /
    (area under the perfect Qini curve - area under the random line)``.

    The Qini curve at depth k is ``y_t - y_c n_t / n_c`` among the top k
    customers (treated responses minus control responses scaled to the
    number treated; ``y_t`` alone while the top k hold no control
    customer), evaluated where the score changes and joined by straight
    lines, so tied scores count as one block and the order of the input
    rows does not matter. The random line runs from 0 to the curve's end
    point. The perfect curve ranks treated responders first, control
    responders last and everybody else in between. The result is at most 1
    (the perfect ranking), 0 for a ranking no better than random, negative
    for one worse than random.

    Parameters
    ----------
    y : array-like of 0/1
        Observed outcome.
    treated : array-like of bool
        True for customers who got the e-mail, False for control.
    score : array-like of float
        Predicted uplift.

    Returns
    -------
    float
        The coefficient; NaN when the perfect ranking is no better than
        random (e.g. nobody responded).
    """
    y_arr = np.asarray(y, float)
    if not np.isin(y_arr, (0.0, 1.0)).all():
        raise ParameterError("The Qini coefficient needs a 0/1 outcome; `y` holds other values.")
    t = np.asarray(treated, bool)
    model, base = _qini_area(*_ranked_totals(y_arr, t, score))
    perfect, _ = _qini_area(*_ranked_totals(y_arr, t, y_arr * t - y_arr * ~t))
    if perfect - base <= 0:
        return float("nan")
    return (model - base) / (perfect - base)


def uplift_by_decile(y: object, treated: object, score: object, groups: int = 10) -> pd.DataFrame:
    """Observed uplift in each group of customers ranked by predicted uplift.

    Group g holds the customers whose rank (1 = highest predicted uplift)
    lies in ``((g-1) n/groups, g n/groups]``; customers with the same score
    share their average rank, so a tied block is never split.

    Returns
    -------
    DataFrame
        ``group, customers, treated, control, predicted_uplift`` (mean score),
        ``observed_uplift`` (treated rate - control rate).
    """
    y = np.asarray(y, float)
    t = np.asarray(treated, bool)
    s = np.asarray(score, float)
    groups = check_number("groups", groups, low=2, high=len(y), integer=True)
    # A block of tied scores stays together, in the group where its average rank falls,
    # so the table does not depend on the order of the input rows.
    ranks = stats.rankdata(-s, method="average")
    group = np.clip(np.ceil(ranks * groups / len(y) - 1e-9).astype(int), 1, groups)
    frame = pd.DataFrame({"group": group, "y": y, "t": t, "s": s})
    rows = []
    for g, d in frame.groupby("group"):
        yt, yc = d.loc[d["t"], "y"], d.loc[~d["t"], "y"]
        rows.append(
            {
                "group": g,
                "customers": len(d),
                "treated": len(yt),
                "control": len(yc),
                "predicted_uplift": d["s"].mean(),
                "observed_uplift": yt.mean() - yc.mean() if len(yt) and len(yc) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def assign_best_arm(
    predictions: pd.DataFrame,
    control: str,
    value_per_outcome: float,
    margin: float,
    cost_per_contact: float,
) -> pd.DataFrame:
    """Give each customer the arm with the highest expected net value.

    Expected net value of e-mail a = margin x value_per_outcome x
    (p_a - p_control) - cost_per_contact; of no e-mail, 0.

    Parameters
    ----------
    predictions : DataFrame
        Output of :func:`predict_arms` (one column per arm).
    control : str
        The no-e-mail arm.
    value_per_outcome : float
        Money one outcome is worth (e.g. average spend per visit).
    margin : float
        Share of that money that is profit.
    cost_per_contact : float
        Cost of one e-mail.

    Returns
    -------
    DataFrame
        ``uplift_<arm>`` and ``net_<arm>`` for each e-mail, ``assigned`` (the
        best arm; the control when no e-mail pays) and ``expected_net`` (its
        expected net value).
    """
    if control not in predictions.columns:
        raise ParameterError(f"control arm {control!r} has no model; arms: {list(predictions.columns)}.")
    for name, v in (
        ("value_per_outcome", value_per_outcome),
        ("margin", margin),
        ("cost_per_contact", cost_per_contact),
    ):
        check_number(name, v, low=0)
    out = pd.DataFrame(index=predictions.index)
    nets = {control: np.zeros(len(predictions))}
    for arm in (c for c in predictions.columns if c != control):
        uplift = predictions[arm] - predictions[control]
        out[f"uplift_{arm}"] = uplift
        nets[arm] = margin * value_per_outcome * uplift.to_numpy() - cost_per_contact
        out[f"net_{arm}"] = nets[arm]
    names = list(nets)
    matrix = np.column_stack([nets[a] for a in names])
    out["assigned"] = np.array(names, dtype=object)[matrix.argmax(axis=1)]
    out["expected_net"] = matrix.max(axis=1)
    return out


def compare_policies(
    arms: object,
    net_value: object,
    policies: Mapping[str, object],
    baseline: str,
    conf: float = 0.95,
) -> pd.DataFrame:
    """Estimate what each targeting policy is worth per customer on held-out data.

    Parameters
    ----------
    arms : array-like of str
        The arm each held-out customer actually received (at random).
    net_value : array-like of float
        Each customer's observed net value: margin x spend - cost of the
        e-mail actually sent.
    policies : mapping
        Policy name -> array of the arm the policy would give each customer.
    baseline : str
        Name of the policy the others are compared with (e.g. mail everyone).
    conf : float, default 0.95
        Confidence level of the gain interval.

    Returns
    -------
    DataFrame
        One row per policy: ``policy, value_per_customer, gain, gain_low,
        gain_high`` (gain = value minus the baseline's, with a normal
        interval from the per-customer differences) and ``matched`` (held-out
        customers whose actual arm is the policy's choice).
    """
    arms = np.asarray(arms, dtype=object)
    net = np.asarray(net_value, float)
    if baseline not in policies:
        raise ParameterError(f"baseline {baseline!r} is not one of the policies {list(policies)}.")
    shares = pd.Series(arms).value_counts(normalize=True)
    weight = 1.0 / shares.reindex(arms).to_numpy()
    terms = {}
    for name, choice in policies.items():
        choice = np.asarray(choice, dtype=object)
        if len(choice) != len(arms):
            raise ParameterError(f"policy {name!r} gives {len(choice)} choices for {len(arms)} customers.")
        unknown = set(choice) - set(shares.index)
        if unknown:
            raise ParameterError(f"policy {name!r} uses arm(s) {sorted(unknown)} not in the test.")
        terms[name] = (arms == choice) * weight * net
    z = stats.norm.ppf(0.5 + conf / 2)
    rows = []
    for name, term in terms.items():
        d = term - terms[baseline]
        se = d.std(ddof=1) / np.sqrt(len(d))
        gain = d.mean()
        rows.append(
            {
                "policy": name,
                "value_per_customer": term.mean(),
                "gain": gain,
                "gain_low": gain - z * se,
                "gain_high": gain + z * se,
                "matched": int((arms == np.asarray(policies[name], dtype=object)).sum()),
            }
        )
    return pd.DataFrame(rows)


def rule_summary(df: pd.DataFrame, assigned: object, by: Sequence[str]) -> pd.DataFrame:
    """Share of each group's customers the rule gives each arm.

    Returns
    -------
    DataFrame
        ``group, level, customers`` and one share column per arm.
    """
    assigned = pd.Series(np.asarray(assigned, dtype=object), index=df.index, name="assigned")
    parts = []
    for col in by:
        tab = pd.crosstab(df[col], assigned, normalize="index")
        tab.insert(0, "customers", df[col].value_counts().reindex(tab.index).to_numpy())
        tab.insert(0, "level", tab.index.astype(str))
        tab.insert(0, "group", col)
        parts.append(tab.reset_index(drop=True))
    out = pd.concat(parts, ignore_index=True).fillna(0.0)
    out.columns.name = None
    return out
