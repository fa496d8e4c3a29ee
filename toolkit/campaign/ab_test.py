"""Read a randomised campaign test: results per arm, tests against control, economics.

The functions take one row per customer with the arm the customer was
randomly assigned to (for example ``segment`` in the Hillstrom e-mail test:
"Mens E-Mail", "Womens E-Mail", "No E-Mail") and one column per outcome
(``visit`` and ``conversion`` are 0/1, ``spend`` is money).

Which test for which outcome
----------------------------
* 0/1 outcomes (visit, conversion): the two-proportion z-test with the
  pooled proportion under the null hypothesis; the confidence interval of
  the difference uses the unpooled standard error. Arm rates carry a Wilson
  score interval, which stays inside [0, 1] for rare events.
* Spend: nearly everybody spends nothing (99 % zeros in Hillstrom) and the
  few buyers spend very different amounts. What the business needs is the
  difference in *mean* spend (revenue per customer), so we use Welch's
  t-test, which compares means without assuming equal variances, and back it
  with a bootstrap percentile interval of the difference in means, which
  does not rely on the normal approximation. We do not use the Mann-Whitney
  test: it asks whether one arm's spend tends to be larger than the other's,
  and with 99 % zeros that is mostly a test of conversion, not of money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.errors import DataError, ParameterError, check_number, format_examples

__all__ = [
    "TestResult",
    "wilson_interval",
    "two_proportion_ztest",
    "welch_ttest",
    "bootstrap_mean_difference",
    "is_binary",
    "check_test_data",
    "arm_results",
    "compare_arms",
    "campaign_economics",
]


@dataclass(frozen=True)
class TestResult:
    """Outcome of a comparison of a treatment arm with its control.

    Attributes
    ----------
    difference : float
        Treatment minus control (rate or mean).
    ci_low, ci_high : float
        Confidence interval of the difference.
    statistic : float
        The test statistic (z or t).
    p_value : float
        Two-sided p-value.
    test : str
        ``"z"`` (two-proportion z-test) or ``"welch_t"``.
    dof : float
        Degrees of freedom (Welch) or ``inf`` for the z-test.
    """

    difference: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    test: str
    dof: float = float("inf")


def wilson_interval(successes: int, n: int, conf: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    Parameters
    ----------
    successes : int
        Number of customers with the outcome.
    n : int
        Number of customers.
    conf : float, default 0.95
        Confidence level.

    Returns
    -------
    (float, float)
        Lower and upper bound.
    """
    conf = check_number("conf", conf, low=0, high=1, closed="neither", hint="For 95%, write 0.95.")
    check_number("n", n, low=1, integer=True)
    z = stats.norm.ppf(0.5 + conf / 2)
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return float(centre - half), float(centre + half)


def two_proportion_ztest(x_t: int, n_t: int, x_c: int, n_c: int, conf: float = 0.95) -> TestResult:
    """Two-sided two-proportion z-test of treatment against control.

    The statistic uses the pooled proportion (the null hypothesis says both
    arms share one rate); the interval of the difference uses each arm's own
    rate.

    Parameters
    ----------
    x_t, n_t : int
        Successes and customers in the treatment arm.
    x_c, n_c : int
        Successes and customers in the control arm.
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TestResult
    """
    conf = check_number("conf", conf, low=0, high=1, closed="neither", hint="For 95%, write 0.95.")
    if min(n_t, n_c) <= 0:
        raise ParameterError(f"Both arms need customers; got n_t={n_t}, n_c={n_c}.")
    p_t, p_c = x_t / n_t, x_c / n_c
    pooled = (x_t + x_c) / (n_t + n_c)
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    z = (p_t - p_c) / se0 if se0 > 0 else 0.0
    p_value = 2 * stats.norm.sf(abs(z))
    se1 = np.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    zc = stats.norm.ppf(0.5 + conf / 2)
    diff = p_t - p_c
    return TestResult(diff, diff - zc * se1, diff + zc * se1, float(z), float(p_value), "z")


def welch_ttest(treated: np.ndarray, control: np.ndarray, conf: float = 0.95) -> TestResult:
    """Welch's t-test of the difference in means (unequal variances).

    Parameters
    ----------
    treated, control : array-like of float
        The outcome of each customer in the two arms.
    conf : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    TestResult
        With the Welch-Satterthwaite degrees of freedom.
    """
    conf = check_number("conf", conf, low=0, high=1, closed="neither", hint="For 95%, write 0.95.")
    a = np.asarray(treated, dtype=float)
    b = np.asarray(control, dtype=float)
    if min(len(a), len(b)) < 2:
        raise ParameterError(f"Each arm needs at least 2 customers for a t-test; got {len(a)} and {len(b)}.")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    diff = a.mean() - b.mean()
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)) if se > 0 else float("inf")
    t = diff / se if se > 0 else 0.0
    p_value = 2 * stats.t.sf(abs(t), dof)
    tc = stats.t.ppf(0.5 + conf / 2, dof)
    return TestResult(
        float(diff),
        float(diff - tc * se),
        float(diff + tc * se),
        float(t),
        float(p_value),
        "welch_t",
        float(dof),
    )


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` resamples (with replacement) of ``values``.

    Zeros add nothing to a sum, so a resample of size n is drawn as: the
    number of non-zero picks ~ Binomial(n, k/n), then that many picks from
    the k non-zero values. This is the same distribution as resampling all n
    values, at a fraction of the cost when most values are zero.
    """
    n = len(values)
    nonzero = values[values != 0]
    if len(nonzero) == 0:
        return np.zeros(n_boot)
    counts = rng.binomial(n, len(nonzero) / n, size=n_boot)
    width = int(counts.max()) if len(counts) else 0
    picks = nonzero[rng.integers(0, len(nonzero), size=(n_boot, max(width, 1)))]
    mask = np.arange(max(width, 1))[None, :] < counts[:, None]
    return (picks * mask).sum(axis=1) / n


def bootstrap_mean_difference(
    treated: np.ndarray,
    control: np.ndarray,
    n_boot: int = 2000,
    seed: int = 0,
    conf: float = 0.95,
) -> tuple[float, float]:
    """Bootstrap percentile interval of ``mean(treated) - mean(control)``.

    Each arm is resampled separately (customers were randomised into arms).

    Parameters
    ----------
    treated, control : array-like of float
        Outcome per customer.
    n_boot : int, default 2000
        Number of resamples.
    seed : int, default 0
        Random seed, so the interval is reproducible.
    conf : float, default 0.95
        Confidence level.

    Returns
    -------
    (float, float)
        Lower and upper bound.
    """
    conf = check_number("conf", conf, low=0, high=1, closed="neither", hint="For 95%, write 0.95.")
    n_boot = check_number("n_boot", n_boot, low=100, integer=True)
    rng = np.random.default_rng(seed)
    diffs = _bootstrap_means(np.asarray(treated, float), n_boot, rng) - _bootstrap_means(
        np.asarray(control, float), n_boot, rng
    )
    low, high = np.quantile(diffs, [(1 - conf) / 2, 0.5 + conf / 2])
    return float(low), float(high)


def is_binary(values: pd.Series) -> bool:
    """Whether a column only holds 0 and 1 (or True/False)."""
    return bool(values.dropna().isin([0, 1]).all())


def _rows(mask: np.ndarray, offset: int = 1) -> list[int]:
    """Row numbers as the user sees them (position + ``offset``) where ``mask`` is true."""
    return (np.flatnonzero(mask) + offset).tolist()


def check_test_data(
    df: pd.DataFrame,
    arm_col: str,
    outcomes: Sequence[str],
    control: str | None = None,
    source: str | None = None,
    row_offset: int = 1,
) -> None:
    """Check that a campaign-test table has what the analysis needs.

    Parameters
    ----------
    df : DataFrame
        One row per customer.
    arm_col : str
        Column naming each customer's arm.
    outcomes : sequence of str
        Outcome columns.
    control : str, optional
        The control arm, which must be present.
    source : str, optional
        File name for the messages.
    row_offset : int, default 1
        Added to a row's position to give the row number shown (2 for a
        file with a header line).

    Raises
    ------
    DataError
        A column is missing, an outcome is not numeric or has missing values,
        or the control arm is not among the arms.
    """
    missing = [c for c in [arm_col, *outcomes] if c not in df.columns]
    if missing:
        raise DataError(
            f"column(s) {missing} not found; available: {list(df.columns)}. "
            "Set the arm and outcome parameters to your column names.",
            source=source,
        )
    for col in outcomes:
        if not pd.api.types.is_numeric_dtype(df[col]):
            mask = (pd.to_numeric(df[col], errors="coerce").isna() & df[col].notna()).to_numpy()
            rows = _rows(mask, row_offset)
            raise DataError(
                f"outcome column '{col}' must be numeric (0/1 or an amount); "
                f"{int(mask.sum())} value(s) are not numbers, e.g. {format_examples(df.loc[mask, col].unique())} "
                f"in rows {format_examples(rows)}.",
                source=source,
                column=col,
                rows=rows[:20],
            )
        mask = df[col].isna().to_numpy()
        if mask.any():
            rows = _rows(mask, row_offset)
            raise DataError(
                f"outcome column '{col}' has {int(mask.sum())} missing value(s), e.g. rows "
                f"{format_examples(rows)}; fill or remove them first.",
                source=source,
                column=col,
                rows=rows[:20],
            )
    mask = df[arm_col].isna().to_numpy()
    if mask.any():
        rows = _rows(mask, row_offset)
        raise DataError(
            f"arm column '{arm_col}' is empty in {int(mask.sum())} row(s), e.g. rows {format_examples(rows)}.",
            source=source,
            column=arm_col,
            rows=rows[:20],
        )
    if control is not None and control not in df[arm_col].unique():
        raise DataError(
            f"control arm {control!r} not found in column '{arm_col}'; arms present: "
            f"{sorted(map(str, df[arm_col].unique()))}. Set `control_arm` to one of them.",
            source=source,
            column=arm_col,
        )


def arm_results(
    df: pd.DataFrame,
    arm_col: str = "segment",
    outcomes: Sequence[str] = ("visit", "conversion", "spend"),
    conf: float = 0.95,
) -> pd.DataFrame:
    """Customers, total and mean of each outcome per arm, with confidence intervals.

    Parameters
    ----------
    df : DataFrame
        One row per customer: the arm column and the outcome columns.
    arm_col : str, default "segment"
        Column naming each customer's arm.
    outcomes : sequence of str
        Outcome columns; 0/1 columns get a Wilson interval of the rate,
        other columns a t-interval of the mean.
    conf : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row per arm and outcome: ``arm, metric, customers, total, mean,
        ci_low, ci_high, interval`` (``interval`` is "wilson" or "t").
    """
    conf = check_number("conf", conf, low=0, high=1, closed="neither", hint="For 95%, write 0.95.")
    check_test_data(df, arm_col, outcomes)
    rows = []
    for arm, group in df.groupby(arm_col, sort=True):
        n = len(group)
        for metric in outcomes:
            values = group[metric].astype(float)
            total = values.sum()
            mean = total / n
            if is_binary(df[metric]):
                low, high = wilson_interval(int(total), n, conf)
                method = "wilson"
            else:
                half = (
                    stats.t.ppf(0.5 + conf / 2, n - 1) * values.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
                )
                low, high, method = mean - half, mean + half, "t"
            rows.append(
                {
                    "arm": arm,
                    "metric": metric,
                    "customers": n,
                    "total": total,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "interval": method,
                }
            )
    return pd.DataFrame(rows)


def compare_arms(
    df: pd.DataFrame,
    arm_col: str = "segment",
    control: str = "No E-Mail",
    outcomes: Sequence[str] = ("visit", "conversion", "spend"),
    conf: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Test every arm against the control arm on every outcome.

    Parameters
    ----------
    df : DataFrame
        One row per customer.
    arm_col : str, default "segment"
        Column naming each customer's arm.
    control : str, default "No E-Mail"
        The arm that received nothing.
    outcomes : sequence of str
        Outcome columns.
    conf : float, default 0.95
        Confidence level of the intervals.
    n_boot : int, default 2000
        Bootstrap resamples for the interval of a non-binary outcome.
    seed : int, default 0
        Random seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row per treatment arm and outcome: ``arm, metric, treated_mean,
        control_mean, abs_lift, rel_lift, ci_low, ci_high, test, statistic,
        dof, p_value, boot_ci_low, boot_ci_high``. ``abs_lift`` is treatment
        minus control, ``rel_lift`` that difference over the control mean;
        the bootstrap interval is filled for non-binary outcomes only.
    """
    conf = check_number("conf", conf, low=0, high=1, closed="neither", hint="For 95%, write 0.95.")
    check_test_data(df, arm_col, outcomes, control)
    ctrl = df[df[arm_col] == control]
    rows = []
    for arm, group in df[df[arm_col] != control].groupby(arm_col, sort=True):
        for metric in outcomes:
            a, b = group[metric].to_numpy(float), ctrl[metric].to_numpy(float)
            boot = (np.nan, np.nan)
            if is_binary(df[metric]):
                res = two_proportion_ztest(int(a.sum()), len(a), int(b.sum()), len(b), conf)
            else:
                res = welch_ttest(a, b, conf)
                boot = bootstrap_mean_difference(a, b, n_boot=n_boot, seed=seed, conf=conf)
            c_mean = b.mean()
            rows.append(
                {
                    "arm": arm,
                    "metric": metric,
                    "treated_mean": a.mean(),
                    "control_mean": c_mean,
                    "abs_lift": res.difference,
                    "rel_lift": res.difference / c_mean if c_mean else np.nan,
                    "ci_low": res.ci_low,
                    "ci_high": res.ci_high,
                    "test": res.test,
                    "statistic": res.statistic,
                    "dof": res.dof,
                    "p_value": res.p_value,
                    "boot_ci_low": boot[0],
                    "boot_ci_high": boot[1],
                }
            )
    return pd.DataFrame(rows)


def campaign_economics(
    df: pd.DataFrame,
    arm_col: str = "segment",
    control: str = "No E-Mail",
    spend_col: str = "spend",
    cost_per_contact: float = 0.10,
    margin: float = 0.30,
    conf: float = 0.95,
) -> pd.DataFrame:
    """Incremental revenue, profit and return per contact of each arm.

    The extra spend a mailing caused is the arm's mean spend minus the
    control's, times the customers mailed. Only the margin on that spend is
    profit; each contact costs ``cost_per_contact``.

    Parameters
    ----------
    df : DataFrame
        One row per customer with the arm and spend columns.
    arm_col, control, spend_col : str
        Arm column, control arm, spend column.
    cost_per_contact : float, default 0.10
        Cost of sending one e-mail (creative, list and delivery), money units.
    margin : float, default 0.30
        Gross margin on the extra spend, as a share (0.30 = 30 %).
    conf : float, default 0.95
        Confidence level of the interval of the incremental revenue.

    Returns
    -------
    DataFrame
        One row per treatment arm: ``arm, contacts, incremental_spend_per_contact,
        incremental_revenue, incremental_revenue_low, incremental_revenue_high,
        incremental_margin, contact_cost, net_profit, return_per_contact, roi``.
        ``return_per_contact`` is net profit per e-mail sent; ``roi`` is net
        profit over cost (NaN when the cost is 0).
    """
    check_number("cost_per_contact", cost_per_contact, low=0)
    check_number("margin", margin, low=0, high=1, closed="right", hint="For 30%, write 0.30.")
    check_test_data(df, arm_col, [spend_col], control)
    ctrl = df.loc[df[arm_col] == control, spend_col].to_numpy(float)
    rows = []
    for arm, group in df[df[arm_col] != control].groupby(arm_col, sort=True):
        spend = group[spend_col].to_numpy(float)
        n = len(spend)
        res = welch_ttest(spend, ctrl, conf)
        revenue = res.difference * n
        gross = revenue * margin
        cost = cost_per_contact * n
        net = gross - cost
        rows.append(
            {
                "arm": arm,
                "contacts": n,
                "incremental_spend_per_contact": res.difference,
                "incremental_revenue": revenue,
                "incremental_revenue_low": res.ci_low * n,
                "incremental_revenue_high": res.ci_high * n,
                "incremental_margin": gross,
                "contact_cost": cost,
                "net_profit": net,
                "return_per_contact": net / n,
                "roi": net / cost if cost > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)
