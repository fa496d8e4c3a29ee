"""Right Way: how the message reaches people and how many contacts pay.

Two views. The *funnel* follows contacted customers from the contact to a
visit and to a purchase, per channel (Hillstrom e-mail test). The
*telemarketing* view (UCI bank marketing) compares contact methods and
asks how the chance of success changes with each further call.

For the calls, ``campaign`` is the number of contacts a client received
in the campaign (the last one included) and ``y`` whether they
subscribed. Reading the success as happening on the last call, the
success rate *of the k-th call* is the successes among clients called
exactly k times divided by the clients called at least k times (a
discrete hazard). When that rate falls with k, each extra call is worth
less: diminishing returns. A call is worth making while its success rate
is above the break-even rate = cost per call / value of a success.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.eight_r._checks import require_columns, require_numeric
from toolkit.errors import DataError, check_number

__all__ = ["funnel", "success_rates", "contact_curve", "contact_cap", "wilson_interval"]


def wilson_interval(
    successes: np.ndarray | pd.Series, trials: np.ndarray | pd.Series, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions (stays within 0-1 for small counts)."""
    confidence = check_number("confidence", confidence, low=0, high=1, closed="neither")
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def funnel(
    df: pd.DataFrame,
    by: str = "channel",
    *,
    arm: str | None = "segment",
    control: str | None = "No E-Mail",
    visit: str = "visit",
    conversion: str = "conversion",
) -> pd.DataFrame:
    """Contact -> visit -> purchase, per group of contacted customers.

    Parameters
    ----------
    df : DataFrame
        One row per customer, with 0/1 ``visit`` and ``conversion`` columns.
    by : str, default "channel"
        The grouping column (Hillstrom: the customer's purchase channel).
    arm, control : str or None
        Arm column and its control label: control rows are left out (they
        were not contacted) and counted. ``None`` keeps every row.

    Returns
    -------
    DataFrame
        ``group``, ``contacts``, ``visits``, ``conversions``,
        ``visit_rate`` (visits / contacts), ``visit_to_purchase``
        (conversions / visits) and ``conversion_rate`` (conversions /
        contacts). The number of control rows left out is in
        ``attrs["control_rows"]``.
    """
    cols = [by, visit, conversion] + ([arm] if arm else [])
    require_columns(df, cols, "Funnel")
    for c in (visit, conversion):
        require_numeric(df, c, "Funnel")
    control_rows = 0
    if arm and control is not None:
        is_control = df[arm].astype(str) == control
        control_rows = int(is_control.sum())
        df = df.loc[~is_control]
    bad = df[conversion].astype(int) > df[visit].astype(int)
    if bad.any():
        raise DataError(
            f"Funnel: {int(bad.sum()):,} rows have a conversion without a visit "
            f"(first rows {[int(i) + 1 for i in df.index[bad][:5]]}); the funnel assumes "
            "every purchase follows a visit.",
            column=conversion,
        )
    out = (
        df.groupby(by, observed=True)
        .agg(contacts=(visit, "size"), visits=(visit, "sum"), conversions=(conversion, "sum"))
        .reset_index()
    )
    out = out.rename(columns={by: "group"})
    out["visit_rate"] = out["visits"] / out["contacts"]
    out["visit_to_purchase"] = out["conversions"] / out["visits"].where(out["visits"] > 0)
    out["conversion_rate"] = out["conversions"] / out["contacts"]
    out.attrs["control_rows"] = control_rows
    return out


def _success(df: pd.DataFrame, outcome: str, success: str) -> pd.Series:
    values = df[outcome]
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.astype(int) == 1
    return values.astype(str) == success


def success_rates(
    df: pd.DataFrame,
    by: str = "contact",
    *,
    outcome: str = "y",
    success: str = "yes",
    order: list | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Calls, successes and success rate with a Wilson interval, per group.

    Parameters
    ----------
    df : DataFrame
        One row per contacted client (UCI bank marketing layout by default).
    by : str, default "contact"
        Grouping column (e.g. ``"contact"``, ``"month"``).
    outcome, success : str
        Outcome column and the value that counts as success (0/1 outcomes
        are read as numbers).
    order : list, optional
        Order of the groups in the result (e.g. calendar months); groups
        not in the list follow in sorted order.

    Returns
    -------
    DataFrame
        ``group``, ``calls``, ``successes``, ``success_rate``, ``ci_low``, ``ci_high``.
    """
    require_columns(df, [by, outcome], "Success rates")
    hit = _success(df, outcome, success)
    out = (
        pd.DataFrame({"group": df[by], "hit": hit})
        .groupby("group", observed=True)["hit"]
        .agg(["size", "sum"])
    )
    out = out.rename(columns={"size": "calls", "sum": "successes"}).reset_index()
    out["successes"] = out["successes"].astype(int)
    out["success_rate"] = out["successes"] / out["calls"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["successes"], out["calls"], confidence)
    if order is not None:
        rank = {v: i for i, v in enumerate(order)}
        out["_o"] = out["group"].map(lambda v: rank.get(v, len(rank)))
        out = out.sort_values(["_o", "group"]).drop(columns="_o")
    return out.reset_index(drop=True)


def contact_curve(
    df: pd.DataFrame,
    *,
    contacts: str = "campaign",
    outcome: str = "y",
    success: str = "yes",
    max_contacts: int = 10,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Success rate of the k-th contact and the cumulative share of successes.

    Parameters
    ----------
    df : DataFrame
        One row per client: number of contacts and outcome.
    max_contacts : int, default 10
        Show contacts 1..max_contacts; clients called more often still count
        as "reached" for every k up to max_contacts, and the successes they
        bring after that are counted in the last row's ``later_successes``.

    Returns
    -------
    DataFrame
        ``contact`` (k), ``reached`` (clients called at least k times),
        ``successes`` (clients who subscribed after exactly k calls),
        ``success_rate`` (successes / reached, with ``ci_low``/``ci_high``),
        ``cum_success_share`` (share of all successes reached by k calls),
        ``later_successes`` (successes after more than k calls).
    """
    require_columns(df, [contacts, outcome], "Contact curve")
    require_numeric(df, contacts, "Contact curve")
    max_contacts = check_number("max_contacts", max_contacts, low=1, integer=True)
    n = df[contacts].astype(int)
    if (n < 1).any():
        bad = df.index[n < 1]
        raise DataError(
            f"Contact curve: column '{contacts}' must be >= 1 (number of contacts); "
            f"{len(bad):,} rows are not (first rows {[int(i) + 1 for i in bad[:5]]}).",
            column=contacts,
        )
    hit = _success(df, outcome, success)
    total = int(hit.sum())
    rows = []
    for k in range(1, max_contacts + 1):
        reached = int((n >= k).sum())
        succ = int((hit & (n == k)).sum())
        rows.append(
            {
                "contact": k,
                "reached": reached,
                "successes": succ,
                "later_successes": int((hit & (n > k)).sum()),
            }
        )
    out = pd.DataFrame(rows)
    out = out[out["reached"] > 0].copy()
    out["success_rate"] = out["successes"] / out["reached"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["successes"], out["reached"], confidence)
    out["cum_success_share"] = out["successes"].cumsum() / total if total else np.nan
    return out[
        [
            "contact",
            "reached",
            "successes",
            "success_rate",
            "ci_low",
            "ci_high",
            "cum_success_share",
            "later_successes",
        ]
    ].reset_index(drop=True)


def contact_cap(curve: pd.DataFrame, cost_per_contact: float, value_per_success: float) -> dict[str, float]:
    """The number of contacts after which a further call no longer pays.

    A call pays while its success rate is at least the break-even rate =
    ``cost_per_contact / value_per_success``. The cap is the last k before
    the first k whose success rate falls below that (0 when even the first
    call does not pay).

    Returns
    -------
    dict
        ``break_even_rate``, ``cap`` (int) and ``successes_kept`` (the
        share of successes the capped calls would still reach, from the
        curve).
    """
    cost = check_number("cost_per_contact", cost_per_contact, low=0, closed="neither")
    value = check_number("value_per_success", value_per_success, low=0, closed="neither")
    require_columns(curve, ["contact", "success_rate", "cum_success_share"], "Contact cap")
    rate = cost / value
    below = curve.loc[curve["success_rate"] < rate, "contact"]
    cap = int(below.iloc[0] - 1) if not below.empty else int(curve["contact"].max())
    kept = float(curve.loc[curve["contact"] == cap, "cum_success_share"].iloc[0]) if cap >= 1 else 0.0
    return {"break_even_rate": rate, "cap": cap, "successes_kept": kept}
