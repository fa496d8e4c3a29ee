"""Step 6, refine: record what the campaign did and measure it.

The bundled data hold no real campaign, so outcomes come from two sources
that are kept apart in the ``campaign_outcomes`` table:

- observed: the orders each listed customer really placed in the response
  window (they would have placed them without any campaign — this is the
  baseline the hold-out group measures);
- simulated: the campaign's own effect, which the data cannot show. Each
  contacted customer who did not buy anyway responds with an assumed
  probability, drawn with a fixed seed; a simulated response is worth the
  customer's own average order value before the campaign.

The measurement compares the contacted group with the hold-out group, so
only the difference — the campaign's incremental effect — is credited to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from toolkit.dbmarketing.connection import MarketingDB
from toolkit.dbmarketing.targeting import Campaign
from toolkit.errors import ParameterError, check_number

__all__ = [
    "CampaignMeasure",
    "observed_outcomes",
    "simulate_campaign_effect",
    "record_outcomes",
    "campaign_results",
    "measure_campaign",
    "response_by_score",
    "minimum_detectable_lift",
    "wilson_interval",
]

_Z = NormalDist()  # the standard normal (from the standard library: scipy is slow to import)


def observed_outcomes(db: MarketingDB, campaign: Campaign) -> pd.DataFrame:
    """The orders each listed customer really placed in the response window.

    Returns
    -------
    DataFrame
        customer_id, campaign_group, score, observed_orders (orders, returns not
        counted), observed_revenue (their amounts), average_order_value (revenue
        per order before the campaign date), sorted by customer_id.
    """
    frame = db.query(
        """
        SELECT k.customer_id, k.grp AS campaign_group, k.score,
               CAST(COALESCE(SUM(CASE WHEN o.order_id IS NULL OR o.is_return THEN 0 ELSE 1 END), 0) AS INTEGER)
                   AS observed_orders,
               COALESCE(SUM(o.amount), 0) AS observed_revenue,
               MAX(s.monetary) / MAX(s.frequency) AS average_order_value
        FROM {s}.campaign_contacts k
        JOIN {s}.customer_scores s ON s.customer_id = k.customer_id
        LEFT JOIN {s}.orders o
               ON o.customer_id = k.customer_id AND o.order_date >= :start AND o.order_date < :stop
        WHERE k.campaign_id = :cid
        GROUP BY k.customer_id, k.grp, k.score
        """,
        {
            "cid": campaign.campaign_id,
            "start": pd.Timestamp(campaign.campaign_date).to_pydatetime(),
            "stop": campaign.window_end.to_pydatetime(),
        },
    )
    frame = frame.astype(
        {
            "score": "int64",
            "observed_orders": "int64",
            "observed_revenue": "float64",
            "average_order_value": "float64",
        }
    )
    return frame.sort_values("customer_id").reset_index(drop=True)


def simulate_campaign_effect(observed: pd.DataFrame, extra_response: float, seed: int) -> pd.DataFrame:
    """Add a simulated campaign effect to the observed outcomes.

    Each customer in the ``mail`` group who placed no order in the window
    responds with probability ``extra_response``; the draw uses
    ``numpy.random.default_rng([seed, 1])`` over the customers sorted by id,
    so it is repeatable. A simulated response brings one order worth the
    customer's average order value before the campaign.

    Parameters
    ----------
    observed : DataFrame
        Output of :func:`observed_outcomes`.
    extra_response : float
        Assumed share, from 0 to 1, of contacted non-buyers the campaign wins.
    seed : int
        Seed of the draw.

    Returns
    -------
    DataFrame
        A copy with simulated_response, simulated_revenue, responded and
        revenue (observed plus simulated).
    """
    check_number("extra_response", extra_response, low=0, high=1)
    out = observed.sort_values("customer_id").reset_index(drop=True).copy()
    draws = np.random.default_rng([int(seed), 1]).random(len(out))
    eligible = (out["campaign_group"] == "mail") & (out["observed_orders"] == 0)
    out["simulated_response"] = eligible.to_numpy() & (draws < float(extra_response))
    out["simulated_revenue"] = np.where(
        out["simulated_response"], out["average_order_value"].clip(lower=0), 0.0
    )
    out["responded"] = (out["observed_orders"] > 0) | out["simulated_response"]
    out["revenue"] = out["observed_revenue"] + out["simulated_revenue"]
    return out


def record_outcomes(db: MarketingDB, campaign_id: str, outcomes: pd.DataFrame) -> int:
    """Write the outcomes back into ``campaign_outcomes`` (replacing earlier ones).

    Returns
    -------
    int
        Rows written.
    """
    columns = [
        "observed_orders",
        "observed_revenue",
        "simulated_response",
        "simulated_revenue",
        "responded",
        "revenue",
    ]
    missing = [c for c in ["customer_id", *columns] if c not in outcomes.columns]
    if missing:
        raise ParameterError(
            f"The outcomes lack the column(s) {missing}; use simulate_campaign_effect() first."
        )
    db.execute("DELETE FROM {s}.campaign_outcomes WHERE campaign_id = :cid", {"cid": campaign_id})
    rows = outcomes[["customer_id", *columns]].copy()
    rows.insert(0, "campaign_id", campaign_id)
    rows["simulated_response"] = rows["simulated_response"].astype(bool)
    rows["responded"] = rows["responded"].astype(bool)
    return db.insert_frame("campaign_outcomes", rows)


def campaign_results(db: MarketingDB, campaign_id: str) -> pd.DataFrame:
    """Contacts, responses and revenue per group, from the database.

    Returns
    -------
    DataFrame
        campaign_group, contacts, responses, observed_responses, simulated_responses,
        revenue, observed_revenue, simulated_revenue, revenue_sd (standard
        deviation of revenue per contact); ``mail`` first.
    """
    frame = db.query(
        """
        SELECT k.grp AS campaign_group, COUNT(*) AS contacts,
               SUM(CASE WHEN r.responded THEN 1 ELSE 0 END) AS responses,
               SUM(CASE WHEN r.observed_orders > 0 THEN 1 ELSE 0 END) AS observed_responses,
               SUM(CASE WHEN r.simulated_response THEN 1 ELSE 0 END) AS simulated_responses,
               SUM(r.revenue) AS revenue, SUM(r.observed_revenue) AS observed_revenue,
               SUM(r.simulated_revenue) AS simulated_revenue,
               COALESCE(STDDEV_SAMP(r.revenue), 0) AS revenue_sd
        FROM {s}.campaign_contacts k
        JOIN {s}.campaign_outcomes r ON r.campaign_id = k.campaign_id AND r.customer_id = k.customer_id
        WHERE k.campaign_id = :cid
        GROUP BY k.grp
        """,
        {"cid": campaign_id},
    )
    ints = ["contacts", "responses", "observed_responses", "simulated_responses"]
    floats = ["revenue", "observed_revenue", "simulated_revenue", "revenue_sd"]
    frame = frame.astype({**{c: "int64" for c in ints}, **{c: "float64" for c in floats}})
    order = {"mail": 0, "holdout": 1}
    return frame.sort_values("campaign_group", key=lambda s: s.map(order)).reset_index(drop=True)


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (sensible even near 0 or 1)."""
    if trials <= 0:
        return (float("nan"), float("nan"))
    z = float(_Z.inv_cdf(0.5 + confidence / 2))
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return (float(centre - half), float(centre + half))


@dataclass
class CampaignMeasure:
    """A campaign measured against its hold-out group.

    Attributes
    ----------
    groups : DataFrame
        Per group: campaign_group, contacts, responses, response_rate, ci_low, ci_high,
        revenue, revenue_per_contact, revenue_sd.
    effect : dict
        lift (response-rate difference, mail minus hold-out), lift_low,
        lift_high (its confidence interval), relative_lift,
        incremental_responses, incremental_revenue (difference in revenue
        per contact times contacts) with incremental_revenue_low/_high,
        cost, incremental_profit (incremental revenue * margin - cost) with
        incremental_profit_low/_high, roi (incremental profit / cost), and
        the naive view that credits the campaign with every order of the
        contacted group: naive_revenue, naive_profit, naive_roi.
    """

    groups: pd.DataFrame
    effect: dict[str, float]


def measure_campaign(
    results: pd.DataFrame,
    cost_per_contact: float,
    margin: float,
    confidence: float = 0.95,
) -> CampaignMeasure:
    """Measure a campaign: the contacted group against the hold-out group.

    Parameters
    ----------
    results : DataFrame
        Output of :func:`campaign_results` (needs campaign_group, contacts, responses,
        revenue with one ``mail`` and one ``holdout`` row).
    cost_per_contact : float
        Cost of one contact; only the ``mail`` group costs anything.
    margin : float
        Share of revenue kept as profit (0-1).
    confidence : float, default 0.95
        Level of the intervals.

    Returns
    -------
    CampaignMeasure
        The intervals for the lift and for revenue use the normal
        approximation for a difference of two means (for revenue, with
        each group's standard deviation ``revenue_sd`` when given).
    """
    check_number("margin", margin, low=0, high=1)
    check_number("cost_per_contact", cost_per_contact, low=0)
    check_number("confidence", confidence, low=0, high=1, closed="neither")
    by = results.set_index("campaign_group")
    missing = [g for g in ("mail", "holdout") if g not in by.index or by.at[g, "contacts"] == 0]
    if missing:
        raise ParameterError(f"A campaign needs contacts in both groups to be measured; none in {missing}.")
    rows = []
    for grp in ("mail", "holdout"):
        n, k, rev = int(by.at[grp, "contacts"]), int(by.at[grp, "responses"]), float(by.at[grp, "revenue"])
        low, high = wilson_interval(k, n, confidence)
        sd = float(by.at[grp, "revenue_sd"]) if "revenue_sd" in by.columns else float("nan")
        rows.append(
            {
                "campaign_group": grp,
                "contacts": n,
                "responses": k,
                "response_rate": k / n,
                "ci_low": low,
                "ci_high": high,
                "revenue": rev,
                "revenue_per_contact": rev / n,
                "revenue_sd": sd,
            }
        )
    groups = pd.DataFrame(rows)
    mail, hold = groups.iloc[0], groups.iloc[1]
    z = float(_Z.inv_cdf(0.5 + confidence / 2))
    lift = mail["response_rate"] - hold["response_rate"]
    se = np.sqrt(
        mail["response_rate"] * (1 - mail["response_rate"]) / mail["contacts"]
        + hold["response_rate"] * (1 - hold["response_rate"]) / hold["contacts"]
    )
    n_mail = int(mail["contacts"])
    cost = n_mail * float(cost_per_contact)
    per_contact = mail["revenue_per_contact"] - hold["revenue_per_contact"]
    se_rev = np.sqrt(mail["revenue_sd"] ** 2 / mail["contacts"] + hold["revenue_sd"] ** 2 / hold["contacts"])
    incremental_revenue = per_contact * n_mail
    naive_profit = mail["revenue"] * margin - cost
    effect = {
        "lift": float(lift),
        "lift_low": float(lift - z * se),
        "lift_high": float(lift + z * se),
        "relative_lift": float(lift / hold["response_rate"]) if hold["response_rate"] > 0 else float("nan"),
        "incremental_responses": float(lift * n_mail),
        "incremental_revenue": float(incremental_revenue),
        "incremental_revenue_low": float((per_contact - z * se_rev) * n_mail),
        "incremental_revenue_high": float((per_contact + z * se_rev) * n_mail),
        "cost": float(cost),
        "incremental_profit": float(incremental_revenue * margin - cost),
        "incremental_profit_low": float((per_contact - z * se_rev) * n_mail * margin - cost),
        "incremental_profit_high": float((per_contact + z * se_rev) * n_mail * margin - cost),
        "roi": float((incremental_revenue * margin - cost) / cost) if cost > 0 else float("nan"),
        "naive_revenue": float(mail["revenue"]),
        "naive_profit": float(naive_profit),
        "naive_roi": float(naive_profit / cost) if cost > 0 else float("nan"),
    }
    return CampaignMeasure(groups, effect)


def response_by_score(db: MarketingDB, campaign_id: str) -> pd.DataFrame:
    """Response rates by total score, contacted and held-out side by side.

    Returns
    -------
    DataFrame
        score, mail_contacts, mail_rate, holdout_contacts, holdout_rate,
        observed_rate (share of all listed customers at that score who
        really ordered in the window), highest score first.
    """
    frame = db.query(
        """
        SELECT k.score, k.grp AS campaign_group, COUNT(*) AS contacts,
               SUM(CASE WHEN r.responded THEN 1 ELSE 0 END) AS responses,
               SUM(CASE WHEN r.observed_orders > 0 THEN 1 ELSE 0 END) AS observed
        FROM {s}.campaign_contacts k
        JOIN {s}.campaign_outcomes r ON r.campaign_id = k.campaign_id AND r.customer_id = k.customer_id
        WHERE k.campaign_id = :cid
        GROUP BY k.score, k.grp
        """,
        {"cid": campaign_id},
    ).astype({"score": "int64", "contacts": "int64", "responses": "int64", "observed": "int64"})
    scores = sorted(frame["score"].unique(), reverse=True)
    rows = []
    for score in scores:
        part = frame[frame["score"] == score].set_index("campaign_group")
        row: dict[str, float] = {"score": int(score)}
        for grp in ("mail", "holdout"):
            n = int(part.at[grp, "contacts"]) if grp in part.index else 0
            k = int(part.at[grp, "responses"]) if grp in part.index else 0
            row[f"{grp}_contacts"] = n
            row[f"{grp}_rate"] = k / n if n else float("nan")
        total = int(part["contacts"].sum())
        row["observed_rate"] = int(part["observed"].sum()) / total if total else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def minimum_detectable_lift(
    base_rate: float, n_mail: int, n_holdout: int, alpha: float = 0.05, power: float = 0.8
) -> float:
    """The smallest response-rate lift a test of this size would reliably detect.

    Uses the normal approximation: ``(z_{1-alpha/2} + z_{power}) *
    sqrt(p (1 - p) (1 / n_mail + 1 / n_holdout))`` with ``p = base_rate``.

    Parameters
    ----------
    base_rate : float
        Response rate without the campaign (the hold-out group's).
    n_mail, n_holdout : int
        Group sizes.
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Chance of detecting a lift of that size.

    Returns
    -------
    float
        The lift in rate units (0.03 = 3 percentage points).
    """
    check_number("base_rate", base_rate, low=0, high=1)
    if n_mail < 1 or n_holdout < 1:
        raise ParameterError(f"Both groups need at least one customer. Got {n_mail} and {n_holdout}.")
    z = float(_Z.inv_cdf(1 - alpha / 2) + _Z.inv_cdf(power))
    return float(z * np.sqrt(base_rate * (1 - base_rate) * (1 / n_mail + 1 / n_holdout)))
