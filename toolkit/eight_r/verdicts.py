"""From measured figures to a judgement and a next step, per R.

Each ``*_verdict`` function takes the figures the analyses measured and
returns a :class:`Verdict`: catalogue keys (with their format values) for
the measured figure, the judgement and the next step. The rules are simple
thresholds, written down here so a reader can check why a report says
what it says. :func:`verdict_table` turns them into the overview table of
the report in either language; :func:`not_assessed` gives the verdict for
an R the data could not assess.

A verdict keeps the raw figures; :meth:`Verdict.text` formats them for the
language (percentages, percentage points, a true minus sign, months) with
:mod:`toolkit.i18n.numbers`, and passes data values (product names,
regions without a translation) through a marker the report supplies, so a
Chinese report can show them as data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.eight_r.coverage import RS
from toolkit.errors import check_choice, parameter_error
from toolkit.i18n import has, t
from toolkit.i18n import numbers as num

__all__ = [
    "Verdict",
    "CONCENTRATED",
    "VERY_CONCENTRATED",
    "STRONG_LIFT",
    "HIGH_RETURNS",
    "HOME_MARKET",
    "people_verdict",
    "needs_verdict",
    "product_verdict",
    "price_verdict",
    "information_verdict",
    "way_verdict",
    "time_verdict",
    "place_verdict",
    "not_assessed",
    "verdict_table",
    "source_label",
    "coverage_table",
    "skip_text",
    "headers",
    "label_codes",
    "region_label",
    "code_label",
    "column_labels",
]

#: Top-20% revenue share from which revenue counts as concentrated / very concentrated.
CONCENTRATED, VERY_CONCENTRATED = 0.6, 0.8
#: Lift from which a pair of products counts as a strong co-purchase.
STRONG_LIFT = 2.0
#: Return rate (by value) above which returns need attention.
HIGH_RETURNS = 0.05
#: Share of revenue from one region above which the business depends on it.
HOME_MARKET = 0.7


#: How each figure of a verdict is written: (kind, decimals). Kinds are the
#: functions of :mod:`toolkit.i18n.numbers` plus ``"signed"`` (a percentage
#: with its sign), ``"data"`` (a data value, shown as given) and ``"region"``
#: (a region name, translated when the catalogue knows it). Fields not listed
#: are text already in the report language.
FORMATS: dict[str, tuple[str, int]] = {
    "top": ("percent", 0),
    "repeat": ("percent", 0),
    "gini": ("number", 2),
    "rules": ("count", 0),
    "lift": ("number", 1),
    "conf": ("percent", 0),
    "orders": ("count", 0),
    "a": ("data", 0),
    "b": ("data", 0),
    "a_share": ("percent", 0),
    "returns": ("percent", 1),
    "e": ("number", 2),
    "lo": ("number", 2),
    "hi": ("number", 2),
    "lift_a": ("points", 1),
    "lift_b": ("points", 1),
    "groups_a": ("count", 0),
    "groups_either": ("count", 0),
    "best": ("percent", 1),
    "other": ("percent", 1),
    "first": ("percent", 1),
    "cap": ("count", 0),
    "next": ("count", 0),
    "kept": ("percent", 0),
    "median": ("number", 0),
    "repurchase": ("percent", 0),
    "month": ("month", 0),
    "peak": ("percent", 0),
    "region": ("region", 0),
    "fast": ("region", 0),
    "share": ("percent", 0),
    "growth": ("signed", 0),
    "regions": ("count", 0),
    "missing": ("columns", 0),
}


def _as_is(text: str) -> str:
    return text


def format_value(name: str, value: Any, lang: str, mark: Callable[[str], str] = _as_is) -> Any:
    """One verdict figure written for ``lang`` (see :data:`FORMATS`); unknown fields stay as they are."""
    kind, decimals = FORMATS.get(name, ("text", 0))
    if kind == "text":
        return value
    if kind == "data":
        return mark(str(value))
    if kind == "region":
        return region_label(str(value), lang, mark)
    if kind == "columns":
        return column_labels(str(value), lang)
    if kind == "signed":
        text = num.percent(value, lang, decimals)
        return "+" + text if value is not None and float(value) > 0 and text != "0%" else text
    if kind in {"percent", "points", "number"}:
        return getattr(num, kind)(value, lang, decimals)
    if kind == "month" and isinstance(value, str) and len(value) == 7:
        value = value + "-01"  # a "YYYY-MM" month label
    return getattr(num, kind)(value, lang)


@dataclass(frozen=True)
class Verdict:
    """Figure, judgement and next step for one R, as catalogue keys plus raw values."""

    r: str
    figure: str
    judgement: str
    action: str
    fmt: dict = field(default_factory=dict)
    assessed: bool = True
    source: str = "transactions"

    def text(self, part: str, lang: str, mark: Callable[[str], str] = _as_is) -> str:
        """The translated ``"figure"``, ``"judgement"`` or ``"action"`` (first letter capitalised).

        ``mark`` wraps data values (product names, untranslated regions), e.g.
        the report's ``rpt.data``.
        """
        values = {k: format_value(k, v, lang, mark) for k, v in self.fmt.items()}
        if "lo" in values and "hi" in values:
            values["ci"] = num.span(values["lo"], values["hi"], lang)
        text = t(getattr(self, part), lang, **values)
        return text[:1].upper() + text[1:]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def code_label(value: Any, prefix: str, lang: str, mark: Callable[[str], str] = _as_is) -> str:
    """A data code in the report language through ``<prefix>.<code>`` (lower case, ``_`` for spaces).

    Codes the catalogue does not know are data values: they are shown as
    given, through ``mark``.
    """
    key = f"{prefix}.{_slug(str(value))}"
    return t(key, lang) if has(key) else mark(str(value))


def region_label(name: str, lang: str, mark: Callable[[str], str] = _as_is) -> str:
    """A region (country) name in the report language: ``common.country.<name>`` when known, else marked as data."""
    return code_label(name, "common.country", lang, mark)


def column_labels(missing: str, lang: str) -> str:
    """Comma-separated canonical column names (e.g. ``"order_id, product_id"``) as readable labels."""
    names = [m.strip() for m in str(missing or "").split(",") if m.strip()]
    labels = [t(f"common.column.{m}", lang) if has(f"common.column.{m}") else m for m in names]
    return num.join(labels, lang)


def _k(r: str, part: str, case: str) -> str:
    return f"eight_r.verdict.{r}.{part}.{case}"


def people_verdict(top_share: float, repeat_share: float, gini: float) -> Verdict:
    """Concentration of revenue: very concentrated (>= 80% from the top 20%), concentrated (>= 60%) or broad."""
    case = "very" if top_share >= VERY_CONCENTRATED else "conc" if top_share >= CONCENTRATED else "broad"
    return Verdict(
        "people",
        _k("people", "figure", "all"),
        _k("people", "judgement", case),
        _k("people", "action", case),
        {"top": top_share, "repeat": repeat_share, "gini": gini},
    )


def needs_verdict(rules: pd.DataFrame, orders: int, repeat_a: float) -> Verdict:
    """Strong co-purchases when the best rule's lift reaches :data:`STRONG_LIFT`."""
    if rules.empty:
        return Verdict(
            "needs",
            _k("needs", "figure", "none"),
            _k("needs", "judgement", "weak"),
            _k("needs", "action", "weak"),
            {"orders": orders, "repeat": repeat_a},
        )
    best = rules.iloc[0]
    name = lambda side: str(best.get(f"{side}_name") or best[side])  # noqa: E731
    strong = best["lift"] >= STRONG_LIFT
    case = "strong" if strong else "weak"
    fmt = {
        "rules": int(len(rules)),
        "lift": float(best["lift"]),
        "a": name("antecedent"),
        "b": name("consequent"),
        "conf": float(best["confidence"]),
        "orders": orders,
        "repeat": repeat_a,
    }
    return Verdict(
        "needs",
        _k("needs", "figure", "rules"),
        _k("needs", "judgement", case),
        _k("needs", "action", case),
        fmt,
    )


def product_verdict(a_share: float, return_rate: float | None) -> Verdict:
    """Share of products making up class A, and the return rate (when known)."""
    known = return_rate is not None and np.isfinite(return_rate)
    high = return_rate is not None and known and return_rate > HIGH_RETURNS
    fig = "returns" if known else "noreturns"
    case = "high_returns" if high else "ok"
    return Verdict(
        "product",
        _k("product", "figure", fig),
        _k("product", "judgement", case),
        _k("product", "action", case),
        {"a_share": a_share, "returns": return_rate if known else 0.0},
    )


def price_verdict(elasticity: float, ci_low: float, ci_high: float) -> Verdict:
    """Undetermined when the CI contains 0 (or the slope is positive); else elastic (< -1) or inelastic."""
    if ci_low <= 0 <= ci_high or elasticity > 0:
        case = "unclear"
    elif elasticity < -1:
        case = "elastic"
    else:
        case = "inelastic"
    return Verdict(
        "price",
        _k("price", "figure", "all"),
        _k("price", "judgement", case),
        _k("price", "action", case),
        {"e": elasticity, "lo": ci_low, "hi": ci_high},
    )


def information_verdict(lift_a: float, lift_b: float, groups_a: int, groups_either: int) -> Verdict:
    """Message A (men's) versus B (women's): lifts over the control and how many groups each wins."""
    case = "a" if lift_a > lift_b else "b"
    return Verdict(
        "information",
        _k("information", "figure", "all"),
        _k("information", "judgement", case),
        _k("information", "action", "all"),
        {"lift_a": lift_a, "lift_b": lift_b, "groups_a": groups_a, "groups_either": groups_either},
        source="hillstrom",
    )


def way_verdict(
    best_method: str, best_rate: float, other_rate: float, first_rate: float, cap: int, kept: float
) -> Verdict:
    """Contact method gap and the call cap from the break-even rate.

    ``best_method`` is shown as given, so pass it already translated.
    """
    return Verdict(
        "way",
        _k("way", "figure", "all"),
        _k("way", "judgement", "all"),
        _k("way", "action", "all"),
        {
            "method": best_method,
            "best": best_rate,
            "other": other_rate,
            "first": first_rate,
            "cap": cap,
            "next": cap + 1,
            "kept": kept,
        },
        source="bank_marketing",
    )


def time_verdict(median_gap: float, repurchase: float, peak_month: str, peak_share: float) -> Verdict:
    """Purchase cycle (median gap) and the busiest month."""
    return Verdict(
        "time",
        _k("time", "figure", "all"),
        _k("time", "judgement", "all"),
        _k("time", "action", "all"),
        {"median": median_gap, "repurchase": repurchase, "month": peak_month, "peak": peak_share},
    )


def place_verdict(
    top_region: str, top_share: float, fast_region: str, fast_growth: float, regions: int
) -> Verdict:
    """Dependence on the largest region (share above :data:`HOME_MARKET`) and the fastest-growing one."""
    case = "home" if top_share > HOME_MARKET else "spread"
    return Verdict(
        "place",
        _k("place", "figure", "all"),
        _k("place", "judgement", case),
        _k("place", "action", case),
        {
            "region": top_region,
            "share": top_share,
            "fast": fast_region,
            "growth": fast_growth,
            "regions": regions,
        },
    )


def not_assessed(r: str, reason: str, **fmt: str) -> Verdict:
    """Verdict for an R the data could not assess.

    Parameters
    ----------
    r : str
        The R.
    reason : str
        Catalogue key suffix under ``eight_r.reason.`` (e.g.
        ``"missing_columns"``, which takes ``missing=...``).
    """
    check_choice("r", r, RS)
    return Verdict(
        r,
        f"eight_r.reason.{reason}",
        "eight_r.verdict.not_assessed",
        f"eight_r.fix.{reason}",
        dict(fmt),
        assessed=False,
    )


def verdict_table(
    verdicts: Sequence[Verdict], lang: str, user_data: bool = False, mark: Callable[[str], str] = _as_is
) -> pd.DataFrame:
    """The overview table: per R its question, measured figure, judgement and next step.

    Parameters
    ----------
    verdicts : sequence of Verdict
    lang : {"en", "zh"}
    user_data : bool, default False
        Whether the transactions are the user's file (the source column then
        says "your transactions", else the bundled Online Retail data).
    mark : callable, optional
        Wraps data values, as in :meth:`Verdict.text`.

    Returns
    -------
    DataFrame
        Columns ``r`` (translated R name), ``question``, ``figure``,
        ``judgement``, ``action`` and ``source`` (which data the figure
        comes from), in the order of the Rs.
    """
    order = {r: i for i, r in enumerate(RS)}
    rows = []
    for v in sorted(verdicts, key=lambda v: order[v.r]):
        rows.append(
            {
                "r": t(f"eight_r.r.{v.r}", lang),
                "question": t(f"eight_r.question.{v.r}", lang),
                "figure": v.text("figure", lang, mark),
                "judgement": v.text("judgement", lang, mark),
                "action": v.text("action", lang, mark),
                "source": source_label(v.source, lang, user_data),
            }
        )
    return pd.DataFrame(rows, columns=["r", "question", "figure", "judgement", "action", "source"])


def source_label(source: str, lang: str, user_data: bool = False) -> str:
    """The data a figure rests on: the user's transactions, bundled Online Retail, Hillstrom or the bank case."""
    if source == "transactions":
        source = "user" if user_data else "online_retail"
    return t(f"eight_r.source.{source}", lang)


def coverage_table(cov: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The coverage of :func:`toolkit.eight_r.coverage.coverage`, translated for the report.

    Returns
    -------
    DataFrame
        ``r``, ``analysis``, ``status`` and ``reason`` as readable text.
    """

    def reason(row: pd.Series) -> str:
        if not row["reason"]:
            return ""
        if row["reason"] == "case_data":
            return t("eight_r.reason.case_data", lang) + " — " + t(f"eight_r.source.{row['dataset']}", lang)
        return t(f"eight_r.reason.{row['reason']}", lang, missing=column_labels(row["missing"], lang))

    return pd.DataFrame(
        {
            "r": [t(f"eight_r.r.{r}", lang) for r in cov["r"]],
            "analysis": [t(f"eight_r.analysis.{a}", lang) for a in cov["analysis"]],
            "status": [t(f"eight_r.status.{s}", lang) for s in cov["status"]],
            "reason": [reason(row) for _, row in cov.iterrows()],
        }
    )


def skip_text(cov: pd.DataFrame, analysis: str, lang: str) -> str | None:
    """Why an analysis was skipped and how to enable it, or ``None`` when it can run.

    Parameters
    ----------
    cov : DataFrame
        Output of :func:`toolkit.eight_r.coverage.coverage`.
    analysis : str
        The analysis key (e.g. ``"baskets"``).
    """
    row = cov.loc[cov["analysis"] == analysis]
    if row.empty:
        raise parameter_error("analysis", "one of " + ", ".join(map(repr, cov["analysis"])), analysis)
    row = row.iloc[0]
    if row["status"] != "not_assessed":
        return None
    colon, stop = ("：", "。") if lang == "zh" else (": ", ". ")
    missing = column_labels(row["missing"], lang)
    return (
        t(f"eight_r.analysis.{analysis}", lang)
        + " — "
        + t("eight_r.status.not_assessed", lang)
        + colon
        + t(f"eight_r.reason.{row['reason']}", lang, missing=missing)
        + stop
        + t(f"eight_r.fix.{row['reason']}", lang, missing=missing)
    )


def headers(columns: Sequence[str], lang: str) -> dict[str, str]:
    """Display headers for the 8R tables: ``eight_r.col.<name>`` when the catalogue has it, else ``col.<name>``.

    The topic's own key wins where a shared header means something else
    here (e.g. ``spend`` is marketing spend, not customer spend).

    Columns with neither keep their name.
    """
    from toolkit.i18n import has

    out = {}
    for c in columns:
        for key in (f"eight_r.col.{c}", f"common.column.{c}"):
            if has(key):
                out[c] = t(key, lang)
                break
    return out


def label_codes(values: Sequence[str] | pd.Series, prefix: str, lang: str, sep: str = ";") -> list[str]:
    """Translate ``sep``-joined codes (e.g. price caveats) through ``<prefix>.<code>`` keys.

    Codes without a catalogue entry are shown as they are; empty values give "".
    """
    from toolkit.i18n import has

    out = []
    for value in values:
        codes = [c for c in str(value if value is not None else "").split(sep) if c and c != "nan"]
        out.append(
            ("、" if lang == "zh" else ", ").join(
                t(f"{prefix}.{c}", lang) if has(f"{prefix}.{c}") else c for c in codes
            )
        )
    return out
