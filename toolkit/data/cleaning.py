"""Explicit, counted cleaning rules for transaction data.

Each rule finds the rows it is about, then either removes them or keeps
them; either way the count is recorded, so the report's data-quality table
shows what happened to every row. Rules run in a fixed order:

1. ``duplicates`` — rows identical in every column of the file (all but the
   first copy).
2. ``missing_customer`` — no customer id.
3. ``missing_date`` — no order date.
4. ``returns`` — cancellations and returns: an order id starting with the
   cancellation prefix ("C" in UCI Online Retail), or a negative quantity
   (a negative amount when no quantity is given). With ``keep`` they stay in
   as negative amounts flagged ``is_return`` so net spend can be computed.
5. ``non_positive_price`` — a unit price of zero or below (an amount of
   zero when no price is given) on rows that are not returns: free samples,
   write-offs and bad-debt adjustments.
6. ``future_dates`` — orders on or after the analysis date. The analysis
   date is a point in time, midnight at the start of that day: it is the
   first moment not covered by the analysis window.

"Rows matching" counts every row the rule's test finds in the raw data;
"rows removed" counts what the rule took out after the rules before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from toolkit.errors import ParameterError, check_choice
from toolkit.i18n import t

__all__ = ["ACTIONS", "RULES", "DEFAULT_ACTIONS", "RuleResult", "DataQuality", "clean_transactions", "default_as_of"]

RULES: tuple[str, ...] = (
    "duplicates",
    "missing_customer",
    "missing_date",
    "returns",
    "non_positive_price",
    "future_dates",
)
DEFAULT_ACTIONS: dict[str, str] = {rule: "drop" for rule in RULES}
ACTIONS = ("drop", "keep")


@dataclass(frozen=True)
class RuleResult:
    """What one cleaning rule found and did."""

    rule: str
    matching: int
    removed: int
    action: str


@dataclass
class DataQuality:
    """The outcome of cleaning: one :class:`RuleResult` per rule."""

    raw_rows: int
    results: list[RuleResult] = field(default_factory=list)

    @property
    def clean_rows(self) -> int:
        """Rows left for analysis."""
        return self.raw_rows - sum(r.removed for r in self.results)

    def counts(self) -> dict[str, dict[str, int | str]]:
        """Rule name to ``{"matching", "removed", "action"}``, for summary.json."""
        return {r.rule: {"matching": r.matching, "removed": r.removed, "action": r.action} for r in self.results}

    def table(self, lang: str = "en") -> pd.DataFrame:
        """The data-quality table shown in every report.

        Columns: rule, description, rows_matching, rows_removed,
        share_removed, action; a last row gives the rows analysed.
        """
        rows = []
        for r in self.results:
            action = "keep_returns" if (r.rule == "returns" and r.action == "keep") else r.action
            rows.append({
                "rule": t(f"quality.rule.{r.rule}", lang),
                "description": t(f"quality.desc.{r.rule}", lang),
                "rows_matching": r.matching,
                "rows_removed": r.removed,
                "share_removed": r.removed / self.raw_rows if self.raw_rows else 0.0,
                "action": t(f"quality.action.{action}", lang) if r.matching else "",
            })
        rows.append({
            "rule": t("quality.rows_analysed", lang),
            "description": t("quality.rows_analysed_desc", lang, raw=self.raw_rows),
            "rows_matching": self.clean_rows,
            "rows_removed": self.raw_rows - self.clean_rows,
            "share_removed": (self.raw_rows - self.clean_rows) / self.raw_rows if self.raw_rows else 0.0,
            "action": "",
        })
        return pd.DataFrame(rows)


def default_as_of(order_dates: pd.Series) -> pd.Timestamp:
    """The default analysis date: midnight after the last order date."""
    last = order_dates.dropna().max()
    if pd.isna(last):
        raise ParameterError("There are no order dates to take a default analysis date from; set as_of.")
    return last.normalize() + pd.Timedelta(days=1)


def _actions(rules: Mapping[str, str] | None) -> dict[str, str]:
    actions = dict(DEFAULT_ACTIONS)
    for rule, action in (rules or {}).items():
        check_choice("cleaning rule", rule, RULES)
        actions[rule] = check_choice(f"action for rule '{rule}'", action, ACTIONS)
    return actions


def clean_transactions(
    canonical: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    rules: Mapping[str, str] | None = None,
    duplicate_mask: pd.Series | None = None,
    cancellation_prefix: str = "C",
) -> tuple[pd.DataFrame, DataQuality]:
    """Apply the cleaning rules to a canonical transaction frame.

    Parameters
    ----------
    canonical : DataFrame
        Output of :func:`toolkit.data.validation.to_canonical`.
    as_of : Timestamp
        The analysis date; orders after it are "future dates".
    rules : dict, optional
        ``{rule: "drop" | "keep"}`` overriding :data:`DEFAULT_ACTIONS`.
    duplicate_mask : Series of bool, optional
        Which rows repeat an earlier row of the raw file; computed from the
        canonical columns when not given.
    cancellation_prefix : str, default "C"
        Order ids starting with it are cancellations.

    Returns
    -------
    clean : DataFrame
        The rows kept, with an ``is_return`` column; the input is not changed.
    quality : DataQuality
        What every rule found and did.
    """
    actions = _actions(rules)
    frame = canonical.copy()
    if duplicate_mask is None:
        duplicate_mask = frame.duplicated(keep="first")
    is_return = pd.Series(False, index=frame.index)
    if "order_id" in frame:
        is_return |= frame["order_id"].fillna("").str.startswith(cancellation_prefix)
    if "quantity" in frame:
        is_return |= frame["quantity"] < 0
    else:
        is_return |= frame["amount"] < 0
    if "unit_price" in frame:
        bad_price = (frame["unit_price"] <= 0) & ~is_return
    else:
        bad_price = (frame["amount"] == 0) & ~is_return
    tests = {
        "duplicates": duplicate_mask.reindex(frame.index, fill_value=False),
        "missing_customer": frame["customer_id"].isna(),
        "missing_date": frame["order_date"].isna(),
        "returns": is_return,
        "non_positive_price": bad_price,
        "future_dates": frame["order_date"] >= as_of,
    }
    frame["is_return"] = is_return.fillna(False).astype(bool)
    keep = pd.Series(True, index=frame.index)
    quality = DataQuality(raw_rows=len(frame))
    for rule in RULES:
        hit = tests[rule].fillna(False).astype(bool)
        removed = 0
        if actions[rule] == "drop":
            removed = int((hit & keep).sum())
            keep &= ~hit
        quality.results.append(RuleResult(rule, int(hit.sum()), removed, actions[rule]))
    return frame.loc[keep].reset_index(drop=True), quality
