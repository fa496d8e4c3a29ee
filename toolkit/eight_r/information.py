"""Right Information: which message works for which customers.

The Hillstrom e-mail test sent a randomly chosen third of customers a
men's-merchandise e-mail, a third a women's-merchandise e-mail and kept a
third as a control with no e-mail. Because the split is random, the
difference between an e-mailed group and the control is the message's
effect, and the difference between the two e-mails says which message to
send to whom. Differences come with a normal-approximation confidence
interval (difference of two means with unequal variances); a group gets a
"winner" only when the interval excludes zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.eight_r._checks import require_columns, require_numeric
from toolkit.errors import DataError, check_number, parameter_error

__all__ = ["HILLSTROM_ARMS", "add_buyer_type", "mean_difference", "arm_summary", "message_by_group"]

#: Arm labels of the Hillstrom test: (men's e-mail, women's e-mail, control).
HILLSTROM_ARMS: tuple[str, str, str] = ("Mens E-Mail", "Womens E-Mail", "No E-Mail")


def add_buyer_type(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``buyer_type`` from Hillstrom's ``mens``/``womens`` purchase flags.

    Values: ``"mens"`` (bought men's merchandise only in the past year),
    ``"womens"`` (women's only), ``"both"``, ``"neither"``.
    """
    require_columns(df, ["mens", "womens"], "Buyer type")
    out = df.copy()
    m, w = out["mens"].astype(int) == 1, out["womens"].astype(int) == 1
    out["buyer_type"] = np.select([m & w, m, w], ["both", "mens", "womens"], default="neither")
    return out


def mean_difference(
    a: pd.Series | np.ndarray, b: pd.Series | np.ndarray, confidence: float = 0.95
) -> dict[str, float]:
    """Difference of two means, mean(a) - mean(b), with a normal-approximation CI.

    The standard error is sqrt(var(a)/n_a + var(b)/n_b) with sample
    variances (ddof=1); for 0/1 outcomes this is the usual interval for a
    difference of two proportions.

    Returns
    -------
    dict
        ``diff``, ``ci_low``, ``ci_high``, ``se``, ``p_value`` (two-sided z test).
    """
    confidence = check_number("confidence", confidence, low=0, high=1, closed="neither")
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.size < 2 or b.size < 2:
        raise DataError(
            f"A difference of means needs at least 2 observations per group; got {a.size} and {b.size}."
        )
    diff = float(a.mean() - b.mean())
    se = float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else (0.0 if diff != 0 else 1.0)
    return {"diff": diff, "ci_low": diff - z * se, "ci_high": diff + z * se, "se": se, "p_value": p}


def arm_summary(
    df: pd.DataFrame,
    arm: str = "segment",
    outcomes: Sequence[str] = ("visit", "conversion", "spend"),
    by: str | None = None,
) -> pd.DataFrame:
    """Customers and mean outcomes per arm (and group, if ``by`` is given).

    Returns
    -------
    DataFrame
        [``by``,] ``arm``, ``customers`` and the mean of each outcome.
    """
    keys = [by, arm] if by else [arm]
    require_columns(df, keys + list(outcomes), "Test summary")
    for col in outcomes:
        require_numeric(df, col, "Test summary")
    out = df.groupby(keys, observed=True).agg(
        customers=(outcomes[0], "size"), **{c: (c, "mean") for c in outcomes}
    )
    return out.reset_index().rename(columns={arm: "arm"})


def message_by_group(
    df: pd.DataFrame,
    group: str = "buyer_type",
    outcome: str = "visit",
    *,
    arm: str = "segment",
    arms: tuple[str, str, str] = HILLSTROM_ARMS,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Compare two messages and a control within each customer group.

    Parameters
    ----------
    df : DataFrame
        One row per customer with the arm, the group and the outcome
        (Hillstrom layout by default; ``group="buyer_type"`` is derived
        from ``mens``/``womens`` when missing).
    group : str, default "buyer_type"
        Column defining the customer groups (e.g. ``"history_segment"``,
        ``"zip_code"``, ``"channel"``, ``"newbie"``).
    outcome : {"visit", "conversion", "spend"} or another numeric column
        What counts as a response.
    arms : (str, str, str)
        Labels of message A, message B and the control.

    Returns
    -------
    DataFrame
        One row per group: ``group``, ``customers``, ``rate_a``,
        ``rate_b``, ``rate_control``, ``lift_a`` and ``lift_b`` (versus the
        control), ``diff`` (A - B) with ``ci_low``/``ci_high`` and
        ``p_value``, and ``best`` (``"a"``, ``"b"`` or ``"either"`` when
        the interval contains 0). Column ``group`` holds the group values.
    """
    if group == "buyer_type" and "buyer_type" not in df.columns:
        df = add_buyer_type(df)
    require_columns(df, [arm, group, outcome], "Message test by group")
    require_numeric(df, outcome, "Message test by group")
    found = set(df[arm].astype(str).unique())
    missing = [a for a in arms if a not in found]
    if missing:
        raise DataError(
            f"Message test: column '{arm}' has no rows for arm(s) {missing}; found {sorted(found)}.",
            column=arm,
        )
    if len(arms) != 3 or len(set(arms)) != 3:
        raise parameter_error("arms", "three different arms (A, B, control)", arms)
    a_lab, b_lab, c_lab = arms
    rows = []
    for value, part in df.groupby(group, observed=True, sort=True):
        ya = part.loc[part[arm] == a_lab, outcome]
        yb = part.loc[part[arm] == b_lab, outcome]
        yc = part.loc[part[arm] == c_lab, outcome]
        d = mean_difference(ya, yb, confidence)
        best = "either" if d["ci_low"] <= 0 <= d["ci_high"] else ("a" if d["diff"] > 0 else "b")
        rows.append(
            {
                "group": value,
                "customers": int(len(part)),
                "rate_a": float(ya.mean()),
                "rate_b": float(yb.mean()),
                "rate_control": float(yc.mean()),
                "lift_a": float(ya.mean() - yc.mean()),
                "lift_b": float(yb.mean() - yc.mean()),
                "diff": d["diff"],
                "ci_low": d["ci_low"],
                "ci_high": d["ci_high"],
                "p_value": d["p_value"],
                "best": best,
            }
        )
    return pd.DataFrame(rows)
