"""Explicit, counted cleaning rules for transaction data.

Each rule finds the rows it is about, then either removes them or keeps
them; either way the count is recorded, so the report's data-quality table
shows what happened to every row. Rules run in a fixed order:

1. ``duplicates``: rows identical to an earlier row in every column, judged
   on the canonical values of the mapped columns (so ``12647`` and
   ``12647.0``, or a padded and an unpadded id, are equal) and on the
   trimmed text of the other columns. All but the first copy match.
2. ``missing_customer``: no customer id.
3. ``missing_date``: no order date.
4. ``implausible_dates``: an order date later than the end of today, or
   more than ten years before the file's median order date (the lower
   middle value when the count is even). One row dated 2099 would otherwise
   become the analysis date, and a 1900 placeholder would count as a
   purchase.
5. ``cancelled_orders``: a cancellation matched to the sale it reverses
   (same customer, product and absolute quantity, dated no later; see
   :mod:`toolkit.data.cancellations`). Both lines match. Only the lines
   the rules before it leave are paired, so a repeated cancellation line
   cancels nothing twice. Needs the customer, product and quantity columns.
6. ``non_merchandise``: lines whose product code is postage, a fee, a bank
   charge or a manual adjustment (:data:`NON_MERCHANDISE_CODES`, plus the
   user's codes), so they count neither as products nor as spend.
7. ``returns``: cancellations and returns that match no sale: an order id
   starting with the cancellation prefix ("C" in UCI Online Retail), or a
   negative quantity (a negative amount when no quantity is given). With
   ``keep`` they stay in as negative amounts flagged ``is_return`` so net
   spend can be computed.
8. ``non_positive_price``: a unit price of zero or below (an amount of
   zero when no price is given) on rows that are not returns: free samples,
   write-offs and bad-debt adjustments.
9. ``future_dates``: orders on or after the analysis date. The analysis
   date is a point in time, midnight at the start of that day: it is the
   first moment not covered by the analysis window. By default it is the
   midnight after the last plausible order date.

"Rows matching" counts every row the rule's test finds in the raw data;
"rows removed" counts what the rule took out after the rules before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit.data.cancellations import match_cancellations
from toolkit.errors import DataError, ParameterError, check_choice
from toolkit.i18n import t

__all__ = [
    "ACTIONS",
    "RULES",
    "DEFAULT_ACTIONS",
    "NON_MERCHANDISE_CODES",
    "PLAUSIBLE_YEARS_BEFORE_MEDIAN",
    "RULE_COLUMNS",
    "RuleResult",
    "DataQuality",
    "clean_transactions",
    "default_as_of",
    "implausible_dates",
    "plausible_range",
]

RULES: tuple[str, ...] = (
    "duplicates",
    "missing_customer",
    "missing_date",
    "implausible_dates",
    "cancelled_orders",
    "non_merchandise",
    "returns",
    "non_positive_price",
    "future_dates",
)
DEFAULT_ACTIONS: dict[str, str] = {rule: "drop" for rule in RULES}
ACTIONS = ("drop", "keep")
#: Product codes that are not goods: postage (POST, DOT: dotcom postage), manual lines (M), carriage (C2),
#: discounts (D), samples (S), bad debt (B), bank charges, pads, charity (CRUK), Amazon fees, adjustments.
#: Compared trimmed and without case; a user adds codes with the ``non_merchandise`` reading option.
NON_MERCHANDISE_CODES: tuple[str, ...] = (
    "POST",
    "DOT",
    "M",
    "C2",
    "D",
    "S",
    "B",
    "BANK CHARGES",
    "PADS",
    "CRUK",
    "AMAZONFEE",
    "ADJUST",
    "ADJUST2",
)
#: Order dates more than this many years before the file's median order date are implausible.
PLAUSIBLE_YEARS_BEFORE_MEDIAN = 10
_EXAMPLES = 5  # example rows kept per rule
#: The columns a rule needs beyond the required ones; without them it is not checked.
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "cancelled_orders": ("product_id", "quantity"),
    "non_merchandise": ("product_id",),
}


@dataclass(frozen=True)
class RuleResult:
    """What one cleaning rule found and did.

    ``examples`` holds up to five matching rows as ``(row number in the
    file, value)`` pairs; ``not_checked`` names the missing columns when the
    rule could not be applied.
    """

    rule: str
    matching: int
    removed: int
    action: str
    examples: tuple[tuple[int, str], ...] = ()
    not_checked: tuple[str, ...] = ()


@dataclass
class DataQuality:
    """The outcome of cleaning: one :class:`RuleResult` per rule."""

    raw_rows: int
    results: list[RuleResult] = field(default_factory=list)

    @property
    def clean_rows(self) -> int:
        """Rows left for analysis."""
        return self.raw_rows - sum(r.removed for r in self.results)

    def counts(self) -> dict[str, dict[str, Any]]:
        """Rule name to ``{"matching", "removed", "action"}`` (plus examples), for summary.json."""
        out: dict[str, dict[str, Any]] = {}
        for r in self.results:
            entry: dict[str, Any] = {"matching": r.matching, "removed": r.removed, "action": r.action}
            if r.examples:
                entry["examples"] = [{"row": row, "value": value} for row, value in r.examples]
            if r.not_checked:
                entry["not_checked"] = list(r.not_checked)
            out[r.rule] = entry
        return out

    def removed_summary(self) -> str:
        """One line saying which rules removed how many rows, for error messages."""
        return ", ".join(f"{r.rule} {r.removed:,}" for r in self.results)

    def check_rows_left(self, source: str | None = None) -> None:
        """Stop when rows were read but the rules left none, naming what each rule removed.

        Raises
        ------
        DataError
            The one message every engine gives for it.
        """
        if self.raw_rows and not self.clean_rows:
            raise DataError(
                f"no rows are left for analysis after cleaning ({self.removed_summary()} rows removed); "
                "check the column mapping and the analysis date, or keep a rule with --rule RULE=keep",
                source=source,
            )

    def table(self, lang: str = "en") -> pd.DataFrame:
        """The data-quality table shown in every report.

        Columns: rule, description, rows_matching, rows_removed,
        share_removed, action; a last row gives the rows analysed. A rule
        that could not be checked says so in its description; a rule with
        example rows lists them.
        """
        rows = []
        for r in self.results:
            action = "keep_returns" if (r.rule == "returns" and r.action == "keep") else r.action
            description = t(f"quality.desc.{r.rule}", lang)
            if r.not_checked:
                description = t("quality.label.not_checked", lang, columns=", ".join(r.not_checked))
            elif r.examples:
                shown = "; ".join(
                    t("quality.label.example_row", lang, row=row, value=value) for row, value in r.examples
                )
                description += t("quality.label.examples", lang, examples=shown)
            rows.append(
                {
                    "rule": t(f"quality.rule.{r.rule}", lang),
                    "description": description,
                    "rows_matching": r.matching,
                    "rows_removed": r.removed,
                    "share_removed": r.removed / self.raw_rows if self.raw_rows else 0.0,
                    "action": t(f"quality.action.{action}", lang) if r.matching else "",
                }
            )
        rows.append(
            {
                "rule": t("quality.label.rows_analysed", lang),
                "description": t("quality.label.rows_analysed_desc", lang, raw=self.raw_rows),
                "rows_matching": self.clean_rows,
                "rows_removed": self.raw_rows - self.clean_rows,
                "share_removed": (self.raw_rows - self.clean_rows) / self.raw_rows if self.raw_rows else 0.0,
                "action": "",
            }
        )
        return pd.DataFrame(rows)


def plausible_range(
    order_dates: pd.Series, today: pd.Timestamp | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The order dates the ``implausible_dates`` rule accepts: ``earliest <= date < end``.

    Parameters
    ----------
    order_dates : Series of datetime64
        Every order date of the file (blanks are ignored).
    today : Timestamp, optional
        The run's calendar day (default: today); dates after its end are
        implausible.

    Returns
    -------
    (earliest, end)
        ``earliest`` is ten years before the median order date (the lower
        middle value for an even count, as SQL's ``percentile_disc(0.5)``);
        ``end`` is midnight after ``today``.
    """
    today = pd.Timestamp.today() if today is None else pd.Timestamp(today)
    end = today.normalize() + pd.Timedelta(days=1)
    dates = order_dates.dropna()
    if dates.empty:
        return pd.Timestamp.min, end
    median = dates.sort_values().iloc[(len(dates) - 1) // 2]
    return median - pd.DateOffset(years=PLAUSIBLE_YEARS_BEFORE_MEDIAN), end


def implausible_dates(order_dates: pd.Series, today: pd.Timestamp | None = None) -> pd.Series:
    """Which order dates are implausible (see :func:`plausible_range`); blanks are not."""
    earliest, end = plausible_range(order_dates, today)
    return ((order_dates < earliest) | (order_dates >= end)).fillna(False).astype(bool)


def default_as_of(order_dates: pd.Series, today: pd.Timestamp | None = None) -> pd.Timestamp:
    """The default analysis date: midnight after the last plausible order date.

    Raises
    ------
    ParameterError
        When no order date is plausible.
    """
    plausible = order_dates.dropna()
    plausible = plausible[~implausible_dates(plausible, today)]
    last = plausible.max()
    if pd.isna(last):
        raise ParameterError(
            "There are no plausible order dates to take a default analysis date from; set as_of."
        )
    return last.normalize() + pd.Timedelta(days=1)


def _actions(rules: Mapping[str, str] | None) -> dict[str, str]:
    actions = dict(DEFAULT_ACTIONS)
    for rule, action in (rules or {}).items():
        check_choice("rules", rule, RULES, hint="Each key of 'rules' names a cleaning rule.")
        actions[rule] = check_choice(f"rules['{rule}']", action, ACTIONS)
    return actions


def _examples(hit: pd.Series, values: pd.Series, row_offset: int) -> tuple[tuple[int, str], ...]:
    rows = hit[hit].index[:_EXAMPLES]
    return tuple((int(i) + row_offset, str(values.loc[i])) for i in rows)


def _cancellations(frame: pd.DataFrame, is_return: pd.Series) -> pd.Series:
    lines = pd.DataFrame(
        {
            "row": frame.index,
            "customer_id": frame["customer_id"],
            "product_id": frame["product_id"],
            "quantity": frame["quantity"],
            "order_date": frame["order_date"],
            "is_cancellation": is_return,
        }
    )
    return pd.Series(frame.index.isin(match_cancellations(lines)), index=frame.index)


def clean_transactions(
    canonical: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    rules: Mapping[str, str] | None = None,
    duplicate_mask: pd.Series | None = None,
    cancellation_prefix: str = "C",
    non_merchandise: Iterable[str] = (),
    today: pd.Timestamp | None = None,
    row_offset: int = 1,
    source: str | None = None,
) -> tuple[pd.DataFrame, DataQuality]:
    """Apply the cleaning rules to a canonical transaction frame.

    Parameters
    ----------
    canonical : DataFrame
        Output of :func:`toolkit.data.validation.to_canonical`.
    as_of : Timestamp
        The analysis date; orders on or after it are "future dates".
    rules : dict, optional
        ``{rule: "drop" | "keep"}`` overriding :data:`DEFAULT_ACTIONS`.
    duplicate_mask : Series of bool, optional
        Which rows repeat an earlier row of the file; computed from the
        canonical columns when not given.
    cancellation_prefix : str, default "C"
        Order ids starting with it are cancellations.
    non_merchandise : iterable of str
        Product codes that are not goods, besides :data:`NON_MERCHANDISE_CODES`.
    today : Timestamp, optional
        The run's calendar day for ``implausible_dates`` (default: today).
    row_offset : int, default 1
        Added to the 0-based index to give the row numbers shown in examples.
    source : str, optional
        The file's name, for the error raised when no row is left.

    Returns
    -------
    clean : DataFrame
        The rows kept, with an ``is_return`` column; the input is not changed.
    quality : DataQuality
        What every rule found and did.

    Raises
    ------
    DataError
        When the rules leave no row, naming what each rule removed.
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
    is_return = is_return.fillna(False).astype(bool)
    if "unit_price" in frame:
        bad_price = (frame["unit_price"] <= 0) & ~is_return
    else:
        bad_price = (frame["amount"] == 0) & ~is_return
    missing = {rule: tuple(c for c in needs if c not in frame) for rule, needs in RULE_COLUMNS.items()}
    none = pd.Series(False, index=frame.index)
    if missing["non_merchandise"]:
        fees = none
    else:
        codes = {str(c).strip().upper() for c in (*NON_MERCHANDISE_CODES, *non_merchandise) if str(c).strip()}
        fees = frame["product_id"].str.strip().str.upper().isin(codes).fillna(False).astype(bool)
    tests = {
        "duplicates": duplicate_mask.reindex(frame.index, fill_value=False),
        "missing_customer": frame["customer_id"].isna(),
        "missing_date": frame["order_date"].isna(),
        "implausible_dates": implausible_dates(frame["order_date"], today),
        "cancelled_orders": none,  # filled in below, on the lines the rules before it leave
        "non_merchandise": fees,
        "returns": is_return,  # less the matched cancellations, below
        "non_positive_price": bad_price,
        "future_dates": frame["order_date"] >= as_of,
    }
    shown = {"implausible_dates": frame["order_date"].dt.strftime("%Y-%m-%d %H:%M")}
    frame["is_return"] = is_return
    keep = pd.Series(True, index=frame.index)
    quality = DataQuality(raw_rows=len(frame))
    for rule in RULES:
        if rule == "cancelled_orders" and not missing[rule]:
            # a repeated cancellation line or a sale with an implausible date cancels nothing: only the
            # lines the rules before this one leave are paired
            tests[rule] = _cancellations(frame.loc[keep], is_return.loc[keep]).reindex(
                frame.index, fill_value=False
            )
            if (
                actions[rule] == "drop"
            ):  # kept, the matched cancellations are returns again, as before pairing
                tests["returns"] = is_return & ~tests[rule]
        hit = tests[rule].fillna(False).astype(bool)
        removed = 0
        if actions[rule] == "drop":
            removed = int((hit & keep).sum())
            keep &= ~hit
        examples = _examples(hit, shown[rule], row_offset) if rule in shown else ()
        quality.results.append(
            RuleResult(rule, int(hit.sum()), removed, actions[rule], examples, missing.get(rule, ()))
        )
    quality.check_rows_left(source)
    return frame.loc[keep].reset_index(drop=True), quality
