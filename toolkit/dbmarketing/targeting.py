"""Steps 4-5: pick the target list from the scores and record the campaign.

The list is selected in SQL (customers scoring at least ``min_score``, minus
anyone on the do-not-contact list), then split at random into a group that
is contacted and a hold-out group that is not, so the campaign's effect can
be measured against customers who were left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.dbmarketing.connection import MarketingDB
from toolkit.dbmarketing.schema import create_tables
from toolkit.errors import DataError, ParameterError, check_date, check_number, parameter_error

__all__ = [
    "GROUPS",
    "Campaign",
    "load_suppressions",
    "read_suppression_file",
    "resolve_campaign_date",
    "select_targets",
    "assign_holdout",
    "record_campaign",
    "target_list",
]

#: The two groups of a campaign's list.
GROUPS: tuple[str, ...] = ("mail", "holdout")


@dataclass(frozen=True)
class Campaign:
    """A campaign as recorded in the ``campaigns`` table.

    Attributes
    ----------
    campaign_id : str
        Short key, e.g. ``"autumn-2011"``.
    name : str
        What it was.
    campaign_date : Timestamp
        When the contacts went out; customers were scored on what they had
        bought before it.
    window_days : int
        How long responses are counted after ``campaign_date``.
    min_score : int
        The lowest total score selected.
    holdout_share : float
        Share of the selected customers held back as a control group.
    seed : int
        Seed of the random split (and of any simulated outcomes).
    cost_per_contact : float
        What one contact costs.
    note : str
        What in the outcomes is observed and what is simulated or assumed.
    """

    campaign_id: str
    name: str
    campaign_date: pd.Timestamp
    window_days: int
    min_score: int
    holdout_share: float
    seed: int
    cost_per_contact: float
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.campaign_id, str) or not self.campaign_id.strip():
            raise parameter_error("campaign_id", "non-empty text", self.campaign_id)
        check_number("window_days", self.window_days, low=1, integer=True)
        check_number("holdout_share", self.holdout_share, low=0, high=1, closed="neither")
        check_number("seed", self.seed, integer=True)
        check_number("cost_per_contact", self.cost_per_contact, low=0)

    @property
    def window_end(self) -> pd.Timestamp:
        """The first moment after the response window."""
        return pd.Timestamp(self.campaign_date) + pd.Timedelta(days=int(self.window_days))


def load_suppressions(db: MarketingDB, customer_ids: Iterable[object], reason: str = "opted out") -> int:
    """Fill the do-not-contact list (the ``suppressions`` table).

    Parameters
    ----------
    customer_ids : iterable
        Customers who must not be contacted (opted out, complained, asked to
        be forgotten). Blank values are ignored; duplicates count once.
    reason : str, default "opted out"
        Recorded with each id.

    Returns
    -------
    int
        Customers on the list.
    """
    create_tables(db, ["suppressions"])
    ids = sorted(
        {str(c).strip() for c in customer_ids if c is not None and str(c).strip() and str(c) != "nan"}
    )
    frame = pd.DataFrame({"customer_id": ids, "reason": [reason] * len(ids)})
    return db.insert_frame("suppressions", frame)


def select_targets(db: MarketingDB, min_score: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """Select the customers scoring at least ``min_score``, in SQL.

    Customers on the do-not-contact list are left out and counted. Ids
    are compared ignoring a trailing ".0" (a spreadsheet often turns 17850
    into 17850.0), erring on the side of not contacting someone.

    Parameters
    ----------
    min_score : int
        Lowest total score (3-15) to select.

    Returns
    -------
    targets : DataFrame
        customer_id, score, r_score, f_score, m_score, sorted by customer_id.
    counts : dict
        ``scored`` (customers with a score), ``qualifying`` (score high
        enough), ``suppressed`` (qualifying but on the do-not-contact list)
        and ``selected``.
    """
    check_number("min_score", min_score, low=3, high=15, integer=True)
    if not db.table_exists("suppressions"):
        create_tables(db, ["suppressions"])
    frame = db.query(
        """
        SELECT s.customer_id, s.score, s.r_score, s.f_score, s.m_score,
               CASE WHEN d.customer_id IS NULL THEN 0 ELSE 1 END AS suppressed
        FROM {s}.customer_scores s
        LEFT JOIN {s}.suppressions d
               ON REGEXP_REPLACE(d.customer_id, '\\.0+$', '') = REGEXP_REPLACE(s.customer_id, '\\.0+$', '')
        WHERE s.score >= :min_score
        """,
        {"min_score": int(min_score)},
    )
    scored = int(db.scalar("SELECT COUNT(*) FROM {s}.customer_scores"))
    suppressed = int(frame["suppressed"].sum()) if len(frame) else 0
    targets = frame[frame["suppressed"] == 0].drop(columns="suppressed")
    targets = targets.astype({c: "int64" for c in ("score", "r_score", "f_score", "m_score")})
    targets = targets.sort_values("customer_id").reset_index(drop=True)
    counts = {"scored": scored, "qualifying": len(frame), "suppressed": suppressed, "selected": len(targets)}
    return targets, counts


def assign_holdout(
    targets: pd.DataFrame, holdout_share: float, seed: int, strata: str | None = "score"
) -> pd.DataFrame:
    """Split a target list at random into ``mail`` and ``holdout`` groups.

    Within each stratum (by default each total score) exactly
    ``round(customers * holdout_share)`` customers are held out, so both
    groups have the same mix of scores. The draw depends only on the seed
    and the customer ids (they are sorted first), so the same list and seed
    always give the same split.

    Parameters
    ----------
    targets : DataFrame
        Must have a ``customer_id`` column with unique values.
    holdout_share : float
        Share held out, between 0 and 1.
    seed : int
        Seed for :func:`numpy.random.default_rng`.
    strata : str or None, default "score"
        Column to stratify on; None draws from the whole list at once.

    Returns
    -------
    DataFrame
        A copy of ``targets`` sorted by customer_id with a ``campaign_group`` column.
    """
    share = check_number("holdout_share", holdout_share, low=0, high=1, closed="neither")
    if "customer_id" not in targets.columns:
        raise ParameterError(f"The target list needs a 'customer_id' column; it has {list(targets.columns)}.")
    if strata is not None and strata not in targets.columns:
        raise ParameterError(
            f"The 'strata' column {strata!r} is not in the target list; it has {list(targets.columns)}."
        )
    if targets["customer_id"].duplicated().any():
        dupes = targets.loc[targets["customer_id"].duplicated(), "customer_id"].head(5).tolist()
        raise ParameterError(
            f"The target list repeats customer ids, e.g. {dupes}; each customer may appear once."
        )
    out = targets.sort_values("customer_id").reset_index(drop=True).copy()
    rng = np.random.default_rng(int(seed))
    held = np.zeros(len(out), dtype=bool)
    groups = (
        [out.index.to_numpy()]
        if strata is None
        else [out.index[out[strata] == value].to_numpy() for value in sorted(out[strata].unique())]
    )
    for members in groups:
        n_hold = int(round(len(members) * share))
        held[members[rng.permutation(len(members))[:n_hold]]] = True
    out["campaign_group"] = np.where(held, "holdout", "mail")
    return out


def record_campaign(db: MarketingDB, campaign: Campaign, contacts: pd.DataFrame) -> int:
    """Step 5: write the campaign and its contact list into the database.

    A campaign with the same id is replaced, with its contacts and outcomes.

    Parameters
    ----------
    campaign : Campaign
        The campaign.
    contacts : DataFrame
        Output of :func:`assign_holdout` (customer_id, campaign_group, score).

    Returns
    -------
    int
        Contacts recorded (both groups).
    """
    bad = sorted(set(contacts["campaign_group"]) - set(GROUPS))
    if bad:
        raise ParameterError(f"The 'campaign_group' column must hold only {list(GROUPS)}; found {bad}.")
    for name in ("campaigns", "campaign_contacts", "campaign_outcomes"):
        if not db.table_exists(name):
            create_tables(db, [name], replace=False)
    params = {"cid": campaign.campaign_id}
    db.execute("DELETE FROM {s}.campaign_outcomes WHERE campaign_id = :cid", params)
    db.execute("DELETE FROM {s}.campaign_contacts WHERE campaign_id = :cid", params)
    db.execute("DELETE FROM {s}.campaigns WHERE campaign_id = :cid", params)
    db.insert_frame(
        "campaigns",
        pd.DataFrame(
            [
                {
                    "campaign_id": campaign.campaign_id,
                    "name": campaign.name,
                    "campaign_date": pd.Timestamp(campaign.campaign_date)
                    .to_datetime64()
                    .astype("datetime64[us]"),
                    "window_days": int(campaign.window_days),
                    "min_score": int(campaign.min_score),
                    "holdout_share": float(campaign.holdout_share),
                    "seed": int(campaign.seed),
                    "cost_per_contact": float(campaign.cost_per_contact),
                    "note": campaign.note,
                }
            ]
        ),
    )
    rows = pd.DataFrame(
        {
            "campaign_id": campaign.campaign_id,
            "customer_id": contacts["customer_id"].astype(str).to_numpy(),
            "grp": contacts["campaign_group"].to_numpy(),
            "score": contacts["score"].astype("int64").to_numpy(),
        }
    )
    return db.insert_frame("campaign_contacts", rows)


def target_list(db: MarketingDB, campaign_id: str) -> pd.DataFrame:
    """The exported target list: who is contacted, who is held out, and why.

    Only pseudonymous ids and the marketing scores are included — no
    contact details (see docs/database-marketing.md on data minimisation).

    Returns
    -------
    DataFrame
        customer_id, campaign_group, region, score, r_score, f_score, m_score,
        recency_days, frequency, monetary; contacted customers first, then
        by score (highest first) and customer id.
    """
    frame = db.query(
        """
        SELECT k.customer_id, k.grp AS campaign_group, c.region, s.score, s.r_score, s.f_score, s.m_score,
               s.recency_days, s.frequency, s.monetary
        FROM {s}.campaign_contacts k
        JOIN {s}.customers c ON c.customer_id = k.customer_id
        JOIN {s}.customer_scores s ON s.customer_id = k.customer_id
        WHERE k.campaign_id = :cid
        """,
        {"cid": campaign_id},
    )
    ints = ["score", "r_score", "f_score", "m_score", "recency_days", "frequency"]
    frame = frame.astype({**{c: "int64" for c in ints}, "monetary": "float64"})
    frame["_g"] = frame["campaign_group"].map({g: i for i, g in enumerate(GROUPS)})
    frame = frame.sort_values(["_g", "score", "customer_id"], ascending=[True, False, True])
    return frame.drop(columns="_g").reset_index(drop=True)


def read_suppression_file(path: str) -> list[str]:
    """Read a do-not-contact file: customer ids, one per row.

    The file may be any format :func:`toolkit.data.read_table` reads; the
    ids are taken from a column named ``customer_id`` when there is one,
    else from the first column. Whole-number floats become plain ids
    ("17850.0" -> "17850"), as in the transactions.

    Returns
    -------
    list of str
        The ids, blanks dropped.
    """
    from toolkit.data.readers import read_table
    from toolkit.data.validation import parse_ids

    frame, info = read_table(path)
    if frame.shape[1] == 0:
        raise DataError(
            "the do-not-contact file has no columns; expected customer ids, one per row.", source=info.name
        )
    column = "customer_id" if "customer_id" in frame.columns else frame.columns[0]
    ids = parse_ids(frame[column]).dropna().astype(str)
    return ids.str.replace(r"^(\d+)\.0+$", r"\1", regex=True).tolist()


def resolve_campaign_date(
    campaign_date: str | pd.Timestamp | None, as_of: pd.Timestamp, window_days: int
) -> pd.Timestamp:
    """The campaign date to use, checked against the data's analysis date.

    Parameters
    ----------
    campaign_date : str or Timestamp, optional
        Empty: ``window_days`` before ``as_of``, so the whole response
        window lies inside the data.
    as_of : Timestamp
        The analysis date (end of the data).
    window_days : int
        Length of the response window.

    Raises
    ------
    ParameterError
        When the date cannot be read or the window would run past ``as_of``
        (responses after the data ends cannot be seen).
    """
    check_number("window_days", window_days, low=1, integer=True)
    if campaign_date is None or (isinstance(campaign_date, str) and not campaign_date.strip()):
        return pd.Timestamp(as_of) - pd.Timedelta(days=int(window_days))
    date = check_date("campaign_date", campaign_date, example="2011-09-11")
    end = date + pd.Timedelta(days=int(window_days))
    if end > pd.Timestamp(as_of):
        raise ParameterError(
            f"The response window {date:%Y-%m-%d} + {window_days} days ends {end:%Y-%m-%d}, after the analysis "
            f"date {pd.Timestamp(as_of):%Y-%m-%d}: responses after the data ends cannot be seen. "
            f"Choose a campaign_date on or before {pd.Timestamp(as_of) - pd.Timedelta(days=int(window_days)):%Y-%m-%d} "
            "or a shorter window_days."
        )
    return date
