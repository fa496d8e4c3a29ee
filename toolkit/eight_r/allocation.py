"""Effectiveness of marketing spend and a better allocation of a fixed budget.

Measures per channel or segment (the syllabus' conversion rate, cost rate
and expense ratio, plus the usual CPA and ROMI):

- conversion rate = conversions / contacts;
- CPA (cost per acquisition) = spend / conversions;
- expense ratio (费用率) = marketing spend / revenue it brought;
- cost rate (成本率) = (marketing spend + cost of the goods sold) /
  revenue, with the cost of goods = revenue x (1 - gross margin); below 1
  the channel pays for itself;
- ROMI = (revenue x gross margin - spend) / spend.

Reallocation. One observed point per segment cannot show how revenue
would respond to more or less spend, so we assume diminishing returns of
a stated shape: revenue_i(s) = R_i x (s / S_i) ^ b, with S_i and R_i the
current spend and revenue and 0 < b < 1 the *response exponent* (0.5:
doubling spend brings about 41% more revenue). The curve passes through
today's figures. Maximising total gross profit for a fixed total budget
equalises the marginal return of the last unit spent in every segment
(a Lagrange condition solved by bisection); each segment stays between
``min_ratio`` and ``max_ratio`` times its current spend so the
recommendation stays near what has been observed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.eight_r._checks import require_columns, require_numeric
from toolkit.errors import DataError, ParameterError, check_number

__all__ = ["SPEND_COLUMNS", "campaign_segments", "read_spend_file", "effectiveness", "reallocate"]

#: Columns of a spend file (one row per channel or segment).
SPEND_COLUMNS: tuple[str, ...] = (
    "segment",
    "spend",
    "contacts",
    "incremental_conversions",
    "incremental_revenue",
)


def campaign_segments(
    df: pd.DataFrame,
    by: str = "channel",
    *,
    arm: str = "segment",
    control: str = "No E-Mail",
    conversion: str = "conversion",
    revenue: str = "spend",
    cost_per_contact: float = 0.10,
    spend: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per-segment contacts, conversions and revenue from a test with a control group.

    The campaign's effect in a segment is measured against the segment's
    own control group: incremental conversions = contacts x (conversion
    rate of contacted - of control), and the same for revenue.

    Parameters
    ----------
    df : DataFrame
        One row per customer (Hillstrom layout by default).
    by : str, default "channel"
        The segment column.
    arm, control : str
        Arm column and the control label; every other arm counts as contacted.
    conversion, revenue : str
        Outcome columns (0/1 conversion, spend per customer).
    cost_per_contact : float, default 0.10
        Cost of one contact, used when ``spend`` is not given.
    spend : mapping, optional
        Spend per segment ``{segment: amount}``; every segment must be given.

    Returns
    -------
    DataFrame
        ``segment``, ``contacts``, ``conversions``, ``revenue`` (of the
        contacted), ``control_customers``, ``incremental_conversions``,
        ``incremental_revenue``, ``spend``.
    """
    require_columns(df, [by, arm, conversion, revenue], "Campaign segments")
    for c in (conversion, revenue):
        require_numeric(df, c, "Campaign segments")
    is_control = df[arm].astype(str) == control
    if not is_control.any():
        raise DataError(
            f"Campaign segments: no control rows ('{control}') in column '{arm}'; "
            f"found {sorted(df[arm].astype(str).unique())}.",
            column=arm,
        )
    rows = []
    for seg, part in df.groupby(by, observed=True, sort=True):
        ctrl = part[is_control.loc[part.index]]
        treat = part[~is_control.loc[part.index]]
        if ctrl.empty or treat.empty:
            raise DataError(
                f"Campaign segments: segment {seg!r} has {len(treat)} contacted and {len(ctrl)} "
                "control customers; both are needed to measure the effect.",
                column=by,
            )
        n = len(treat)
        rows.append(
            {
                "segment": str(seg),
                "contacts": n,
                "conversions": int(treat[conversion].sum()),
                "revenue": float(treat[revenue].sum()),
                "control_customers": len(ctrl),
                "incremental_conversions": n * (treat[conversion].mean() - ctrl[conversion].mean()),
                "incremental_revenue": n * (treat[revenue].mean() - ctrl[revenue].mean()),
            }
        )
    out = pd.DataFrame(rows)
    if spend:
        unknown = sorted(set(map(str, spend)) - set(out["segment"]))
        missing = sorted(set(out["segment"]) - set(map(str, spend)))
        if unknown or missing:
            raise ParameterError(
                f"The 'spend' parameter must give a spend for each segment {list(out['segment'])}; "
                f"unknown: {unknown}, missing: {missing}."
            )
        out["spend"] = out["segment"].map(
            {str(k): check_number(f"spend[{k!r}]", v, low=0, closed="neither") for k, v in spend.items()}
        )
    else:
        out["spend"] = out["contacts"] * check_number(
            "cost_per_contact", cost_per_contact, low=0, closed="neither"
        )
    return out


def read_spend_file(path: str | Path) -> pd.DataFrame:
    """Read a spend table (CSV or Excel): one row per channel or segment.

    Columns: ``segment``, ``spend`` (marketing spend), ``contacts``
    (people reached), ``incremental_conversions`` and
    ``incremental_revenue`` (what the spend brought beyond what would have
    happened anyway; plain conversions and revenue if no control exists).

    Raises
    ------
    DataError
        Naming the file, the missing columns, or the rows with a
        non-numeric or non-positive spend.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"The spend file {str(p)!r} does not exist.", source=str(p))
    frame = (
        pd.read_excel(p) if p.suffix.lower() in (".xlsx", ".xls") else pd.read_csv(p, encoding="utf-8-sig")
    )
    missing = [c for c in SPEND_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column(s) {missing}; a spend file needs {list(SPEND_COLUMNS)} "
            f"(found {list(frame.columns)}).",
            source=str(p),
            column=missing[0],
        )
    for c in SPEND_COLUMNS[1:]:
        values = pd.to_numeric(frame[c], errors="coerce")
        bad = values.isna()
        if c == "spend":
            bad |= values <= 0
        if bad.any():
            rows = [int(i) + 2 for i in frame.index[bad][:5]]
            raise DataError(
                f"column '{c}' needs {'positive ' if c == 'spend' else ''}numbers; rows {rows} have "
                f"{frame.loc[bad, c].head(5).tolist()}.",
                source=str(p),
                column=c,
                rows=rows,
            )
        frame[c] = values
    frame["segment"] = frame["segment"].astype(str)
    return frame[list(SPEND_COLUMNS)]


def effectiveness(
    seg: pd.DataFrame,
    margin: float = 0.3,
    *,
    revenue: str = "incremental_revenue",
    conversions: str = "incremental_conversions",
) -> pd.DataFrame:
    """Conversion rate, CPA, expense ratio, cost rate, profit and ROMI per segment.

    Parameters
    ----------
    seg : DataFrame
        ``segment``, ``spend``, ``contacts`` and the revenue and
        conversions columns (e.g. the output of :func:`campaign_segments`, or a
        user's own table).
    margin : float, default 0.3
        Gross margin on revenue (0-1).
    revenue, conversions : str
        Which columns count as the spend's result (incremental by default).

    Returns
    -------
    DataFrame
        The input plus ``conversion_rate`` (``conversions`` column /
        contacts), ``cpa``, ``expense_ratio``, ``cost_rate``,
        ``gross_profit``, ``profit`` and ``romi``, and a total row
        (``segment == "total"``).
    """
    margin = check_number("margin", margin, low=0, high=1, closed="right")
    require_columns(seg, ["segment", "spend", "contacts", revenue, conversions], "Marketing effectiveness")
    for c in ("spend", "contacts", revenue, conversions):
        require_numeric(seg, c, "Marketing effectiveness")
    if (seg["spend"] <= 0).any():
        bad = seg.loc[seg["spend"] <= 0, "segment"].tolist()
        raise DataError(
            f"Marketing effectiveness: spend must be positive; segments {bad} have none.", column="spend"
        )
    out = seg.copy()
    total = out.select_dtypes("number").sum().to_frame().T
    total.insert(0, "segment", "total")
    out = pd.concat([out, total[[c for c in out.columns if c in total.columns]]], ignore_index=True)
    rev, conv = out[revenue].astype(float), out[conversions].astype(float)
    out["conversion_rate"] = conv / out["contacts"]
    out["cpa"] = out["spend"] / conv.where(conv > 0)
    out["expense_ratio"] = out["spend"] / rev.where(rev > 0)
    out["cost_rate"] = (out["spend"] + (1 - margin) * rev) / rev.where(rev > 0)
    out["gross_profit"] = margin * rev
    out["profit"] = out["gross_profit"] - out["spend"]
    out["romi"] = out["profit"] / out["spend"]
    return out


def _allocate(
    spend: np.ndarray, rev: np.ndarray, budget: float, b: float, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Spend per segment maximising sum rev_i (s_i/spend_i)^b with sum s_i = budget, lo <= s <= hi."""
    pos = rev > 0

    def at(log_mu: float) -> np.ndarray:
        s = lo.copy()
        mu = np.exp(log_mu)
        s[pos] = spend[pos] * (b * rev[pos] / (mu * spend[pos])) ** (1 / (1 - b))
        return np.clip(s, lo, hi)

    fixed = lo[~pos].sum()
    if fixed + hi[pos].sum() < budget - 1e-9 * max(budget, 1):
        raise DataError(
            "Reallocation: the segments that bring revenue cannot absorb the budget within the "
            f"allowed range (at most {fixed + hi[pos].sum():,.2f} of {budget:,.2f}); lower the "
            "budget or raise max_ratio."
        )
    low, high = -60.0, 60.0
    for _ in range(300):
        mid = (low + high) / 2
        if at(mid).sum() > budget:
            low = mid
        else:
            high = mid
    s = at((low + high) / 2)
    # put the last rounding residue on the segment with room and the best marginal return
    residue = budget - s.sum()
    room = (hi - s) if residue > 0 else (s - lo)
    if abs(residue) > 0 and room.max() > 0:
        s[int(np.argmax(room))] += residue
    return s


def reallocate(
    eff: pd.DataFrame,
    margin: float = 0.3,
    *,
    budget: float | None = None,
    exponent: float = 0.5,
    min_ratio: float = 0.5,
    max_ratio: float = 2.0,
    revenue: str = "incremental_revenue",
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Recommend a split of a fixed budget that raises expected profit.

    Parameters
    ----------
    eff : DataFrame
        ``segment``, ``spend`` and the revenue column, one row per segment
        (a ``"total"`` row, as :func:`effectiveness` adds, is ignored).
    margin : float, default 0.3
        Gross margin on revenue.
    budget : float, optional
        Total budget to split; default the current total spend.
    exponent : float, default 0.5
        Response exponent ``b`` of the diminishing-returns curve (0 < b < 1).
    min_ratio, max_ratio : float, default 0.5 and 2.0
        Each segment's new spend stays within these multiples of its current spend.

    Returns
    -------
    (DataFrame, dict)
        Per segment: ``segment``, ``spend``, ``recommended_spend``,
        ``change``, ``revenue``, ``expected_revenue``, ``profit``,
        ``expected_profit``, ``romi``, ``expected_romi`` and
        ``marginal_return`` (gross profit from the last unit of spend at
        the recommendation, minus 1). The dict has ``budget``,
        ``current_profit``, ``expected_profit``, ``gain`` and
        ``gain_share`` (gain / current total spend).
    """
    margin = check_number("margin", margin, low=0, high=1, closed="right")
    b = check_number("exponent", exponent, low=0, high=1, closed="neither")
    min_ratio = check_number("min_ratio", min_ratio, low=0)
    max_ratio = check_number("max_ratio", max_ratio, low=0, closed="neither")
    if not min_ratio <= 1 <= max_ratio:
        raise ParameterError(
            f"The 'min_ratio' and 'max_ratio' parameters must satisfy min_ratio <= 1 <= max_ratio. "
            f"Got {min_ratio} and {max_ratio}."
        )
    require_columns(eff, ["segment", "spend", revenue], "Budget reallocation")
    seg = eff[eff["segment"].astype(str) != "total"].reset_index(drop=True)
    if len(seg) < 2:
        raise DataError("Budget reallocation needs at least two segments to move money between.")
    spend = seg["spend"].to_numpy(float)
    rev = seg[revenue].to_numpy(float)
    if (spend <= 0).any():
        raise DataError("Budget reallocation: every segment needs a positive current spend.", column="spend")
    budget = (
        float(spend.sum()) if budget in (None, 0) else check_number("budget", budget, low=0, closed="neither")
    )
    lo, hi = spend * min_ratio, spend * max_ratio
    if not lo.sum() - 1e-9 <= budget <= hi.sum() + 1e-9:
        raise ParameterError(
            f"The 'budget' parameter must lie between {lo.sum():,.2f} and {hi.sum():,.2f} "
            f"(min_ratio and max_ratio times the current spend). Got {budget:,.2f} instead."
        )
    new = _allocate(spend, rev, budget, b, lo, hi)
    exp_rev = rev * (new / spend) ** b
    out = pd.DataFrame({"segment": seg["segment"].astype(str), "spend": spend, "recommended_spend": new})
    out["change"] = out["recommended_spend"] - out["spend"]
    out["revenue"] = rev
    out["expected_revenue"] = exp_rev
    out["profit"] = margin * rev - spend
    out["expected_profit"] = margin * exp_rev - new
    out["romi"] = out["profit"] / out["spend"]
    out["expected_romi"] = out["expected_profit"] / out["recommended_spend"]
    out["marginal_return"] = margin * b * exp_rev / new - 1
    current = float(out["profit"].sum())
    expected = float(margin * exp_rev.sum() - budget)
    summary = {
        "budget": budget,
        "current_spend": float(spend.sum()),
        "current_profit": current,
        "expected_profit": expected,
        "gain": expected - current,
        "gain_share": (expected - current) / float(spend.sum()),
    }
    return out, summary
