"""Charts for the campaign notebooks: e-mail test, uplift, response model, profit.

Every function takes the output of a :mod:`toolkit.campaign` function plus
``lang`` and returns a matplotlib Figure; labels come from the catalogue.
Money axes and headers name the report's currency; numbers in display tables
and prose go through :mod:`toolkit.i18n.numbers` (true minus signs,
percentage points for differences of rates, "< 0.001" for tiny p-values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.campaign.labels import slug
from toolkit.charts.style import (
    AxisFormatter,
    current_currency,
    money_formatter,
    money_label,
    percent_formatter,
)
from toolkit.i18n import has, numbers, t

__all__ = [
    "value_label",
    "group_label",
    "outcome_kinds",
    "value_text",
    "lift_text",
    "lift_span",
    "signed",
    "p_text",
    "arm_results_chart",
    "uplift_group_chart",
    "qini_chart",
    "gains_chart",
    "calibration_chart",
    "profit_chart",
    "format_p",
    "arm_display_table",
    "comparison_display_table",
    "economics_display_table",
    "label_column",
]

_GREY = "#8c8c8c"


def _same(text: str) -> str:
    return text


def value_label(
    value: object,
    prefix: str,
    lang: str,
    mark: Callable[[str], str] = _same,
    lower: bool = False,
) -> str:
    """Translate a data value through ``<prefix>.<slug>`` if the catalogue has it.

    The slug is the value in lower case with runs of other characters than
    letters and digits replaced by ``_`` ("Mens E-Mail" -> "mens_e_mail").
    Values without an entry (a user's own arm names) are shown as they are,
    passed through ``mark`` (a report marks them as data values in prose).
    ``lower`` puts a translated English label in lower case, for the middle
    of a sentence.
    """
    key = f"{prefix}.{slug(value)}"
    if not has(key):
        return mark(str(value))
    text = t(key, lang)
    return text.lower() if lower and lang == "en" else text


def group_label(group: str, lang: str, mark: Callable[[str], str] = _same, lower: bool = False) -> str:
    """The name of a customer-group column ("recency_band" -> "Months since last purchase")."""
    key = f"common.column.{group}"
    if not has(key):
        return mark(str(group))
    text = t(key, lang)
    return text.lower() if lower and lang == "en" else text


def outcome_kinds(df: pd.DataFrame, outcomes: Iterable[str], money: Iterable[str] = ()) -> dict[str, str]:
    """How each outcome is shown: ``"rate"`` (0/1 flags), ``"money"`` or ``"number"``."""
    money = set(money)
    return {
        m: "money" if m in money else "rate" if bool(df[m].isin([0, 1]).all()) else "number" for m in outcomes
    }


def value_text(value: float, kind: str, lang: str, currency: str = "", decimals: int = 2) -> str:
    """A mean of an outcome as text: a percentage, a money amount or a number."""
    if kind == "rate":
        return numbers.percent(value, lang, decimals)
    if kind == "money":
        return numbers.money(value, currency, lang, decimals)
    return numbers.number(value, lang, decimals)


def signed(text: str, value: float) -> str:
    """``text`` with a plus sign in front when ``value`` is positive (a minus is already there).

    A value that rounds to zero in ``text`` gets no sign.
    """
    return f"+{text}" if value > 0 and any(ch in "123456789" for ch in text) else text


def lift_text(value: float, kind: str, lang: str, currency: str = "", decimals: int = 2) -> str:
    """A difference of two means, signed: percentage points for rates, else money or a number."""
    if kind == "rate":
        return signed(numbers.points(value, lang, decimals), value)
    return signed(value_text(value, kind, lang, currency, decimals), value)


def lift_span(low: float, high: float, kind: str, lang: str, currency: str = "", decimals: int = 2) -> str:
    """An interval of a difference: "0.48–0.88 pp", "−$0.10–$0.54"."""
    if kind == "rate":
        return numbers.span(
            numbers.number(low * 100, lang, decimals), numbers.points(high, lang, decimals), lang
        )
    return numbers.span(
        value_text(low, kind, lang, currency, decimals),
        value_text(high, kind, lang, currency, decimals),
        lang,
    )


def p_text(p: float, lang: str = "en") -> str:
    """A p-value in a sentence: "p < 0.001" or "p = 0.023"."""
    text = numbers.p_value(p, lang)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _tick(text: str) -> str:
    """Protect ``$`` so matplotlib does not read "$0 - $100" as mathematics."""
    return text.replace("$", r"\$")


def _colors(n: int) -> list[str]:
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return [cycle[i % len(cycle)] for i in range(n)]


def _arm_colors(arms: Sequence[object], control: object | None) -> list[str]:
    """Grey for the control arm; the palette in order for the others."""
    cycle = _colors(len(arms))
    out, i = [], 0
    for arm in arms:
        if arm == control:
            out.append(_GREY)
        else:
            out.append(cycle[i])
            i += 1
    return out


def number_formatter(lang: str) -> AxisFormatter:
    """Plain number ticks (uplift in percentage points, counts), exact and distinct."""
    return AxisFormatter("number", lang)


def _is_rate(metric_rows: pd.DataFrame) -> bool:
    return bool(metric_rows["interval"].eq("wilson").all()) if "interval" in metric_rows else False


def _kind(rows: pd.DataFrame, metric: str, kinds: Mapping[str, str] | None) -> str:
    if kinds and metric in kinds:
        return kinds[metric]
    return "rate" if _is_rate(rows) else "number"


def arm_results_chart(
    arms: pd.DataFrame,
    lang: str = "en",
    control: str | None = None,
    kinds: Mapping[str, str] | None = None,
    currency: str | None = None,
) -> Figure:
    """One panel per outcome: each arm's mean with its confidence interval.

    Parameters
    ----------
    arms : DataFrame
        Output of :func:`toolkit.campaign.ab_test.arm_results`.
    lang : {"en", "zh"}
        Label language.
    control : str, optional
        The control arm, drawn in grey.
    kinds : mapping, optional
        Outcome -> "rate", "money" or "number" (see :func:`outcome_kinds`);
        by default rates are told by their interval and the rest are numbers.
    currency : str, optional
        ISO code of money outcomes (default: the report's).
    """
    metrics = list(dict.fromkeys(arms["metric"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.4 * len(metrics) + 0.6, 3.9), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        rows = arms[arms["metric"] == metric]
        names = [_tick(value_label(a, "campaign.arm", lang)) for a in rows["arm"]]
        colors = _arm_colors(list(rows["arm"]), control)
        err = np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]])
        ax.bar(names, rows["mean"], color=colors, yerr=err, capsize=4, ecolor="#333333")
        kind = _kind(rows, metric, kinds)
        for i, v in enumerate(rows["mean"]):
            ax.annotate(
                _tick(value_text(v, kind, lang, currency or "", 2)),
                (i, 0),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9.5,
                color="white",
                fontweight="bold",
            )
        title = value_label(metric, "campaign.metric", lang)
        if kind == "rate":
            ax.yaxis.set_major_formatter(percent_formatter(lang))
        elif kind == "money":
            ax.yaxis.set_major_formatter(money_formatter(lang))
            title = money_label(title, lang, currency)
        ax.set_title(_tick(title))
        ax.tick_params(axis="x", labelsize=9)
        ax.grid(axis="x", visible=False)
    fig.suptitle(t("campaign.chart.arms_title", lang), x=0.01, ha="left", fontweight="bold")
    return fig


def uplift_group_chart(
    uplift: pd.DataFrame,
    lang: str = "en",
    groups: Sequence[str] | None = None,
    percent: bool = False,
    kind: str | None = None,
    currency: str | None = None,
) -> Figure:
    """Uplift of each e-mail within each customer group, with intervals.

    Parameters
    ----------
    uplift : DataFrame
        Output of :func:`toolkit.campaign.uplift.uplift_by_group`.
    lang : {"en", "zh"}
        Label language.
    groups : sequence of str, optional
        Grouping columns to draw (default all), one panel each.
    percent : bool, default False
        Show the uplift as percentage points (for 0/1 outcomes); same as ``kind="rate"``.
    kind : {"rate", "money", "number"}, optional
        How the outcome is measured: rates in percentage points, money on an
        axis that names the currency.
    currency : str, optional
        ISO code for a money outcome (default: the report's).
    """
    kind = kind or ("rate" if percent else "number")
    factor = 100.0 if kind == "rate" else 1.0
    groups = list(groups or dict.fromkeys(uplift["group"]))
    arms = list(dict.fromkeys(uplift["arm"]))
    ncols = 2 if len(groups) > 1 else 1
    nrows = int(np.ceil(len(groups) / ncols))
    heights = [
        max(len(set(uplift.loc[uplift["group"] == g, "level"])) for g in groups[r * ncols : (r + 1) * ncols])
        for r in range(nrows)
    ]
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(10, 0.42 * sum(heights) * len(arms) / 1.6 + 1.3 * nrows),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    colors = _colors(len(arms))
    height = 0.8 / len(arms)
    for ax, group in zip(axes.flat, groups):
        rows = uplift[uplift["group"] == group]
        levels = list(dict.fromkeys(rows["level"]))
        for j, arm in enumerate(arms):
            r = rows[rows["arm"] == arm].set_index("level").reindex(levels)
            y = np.arange(len(levels)) + (j - (len(arms) - 1) / 2) * height
            err = np.vstack([r["uplift"] - r["ci_low"], r["ci_high"] - r["uplift"]]) * factor
            ax.barh(
                y,
                r["uplift"] * factor,
                height=height * 0.95,
                color=colors[j],
                xerr=err,
                capsize=2,
                ecolor="#555555",
                label=_tick(value_label(arm, "campaign.arm", lang)),
            )
        ax.set_yticks(
            np.arange(len(levels)), [_tick(value_label(lv, f"campaign.level.{group}", lang)) for lv in levels]
        )
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_title(_tick(group_label(group, lang)), fontsize=11)
        ax.xaxis.set_major_formatter(money_formatter(lang) if kind == "money" else number_formatter(lang))
        ax.grid(axis="y", visible=False)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    axis = t("campaign.chart.uplift_points", lang) if kind == "rate" else t("common.column.uplift", lang)
    if kind == "money":
        axis = money_label(axis, lang, currency)
    for ax in axes[-1]:
        ax.set_xlabel(_tick(axis))
    if len(groups) % ncols and nrows > 1:  # the panel above the empty slot is the last of its column
        axes[-2][-1].set_xlabel(_tick(axis))
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(arms))
    fig.suptitle(t("campaign.chart.uplift_groups_title", lang), x=0.01, ha="left", fontweight="bold")
    return fig


def qini_chart(curves: Mapping[str, pd.DataFrame], lang: str = "en", outcome: str = "") -> Figure:
    """Uplift curves of the two-model ranking against random targeting, one panel per e-mail.

    Parameters
    ----------
    curves : mapping
        Arm -> output of :func:`toolkit.campaign.uplift.qini_curve`.
    lang : {"en", "zh"}
        Label language.
    outcome : str, optional
        The outcome counted (for the axis label).
    """
    fig, axes = plt.subplots(
        1, len(curves), figsize=(4.6 * len(curves) + 0.4, 3.9), squeeze=False, sharey=True
    )
    for ax, (arm, curve), color in zip(axes[0], curves.items(), _colors(len(curves))):
        ax.plot(
            curve["share"],
            curve["incremental"],
            color=color,
            linewidth=2,
            label=t("campaign.chart.model", lang),
        )
        ax.plot(
            curve["share"],
            curve["random"],
            color=_GREY,
            linestyle="--",
            label=t("campaign.chart.random", lang),
        )
        ax.set_title(_tick(value_label(arm, "campaign.arm", lang)))
        ax.xaxis.set_major_formatter(percent_formatter(lang))
        ax.set_xlabel(t("campaign.chart.share_targeted", lang))
        ax.legend(loc="lower right")
    what = value_label(outcome, "campaign.count", lang) if outcome else ""
    axes[0][0].set_ylabel(t("campaign.chart.incremental_axis", lang, outcome=what))
    fig.suptitle(t("campaign.chart.qini_title", lang), x=0.01, ha="left", fontweight="bold")
    return fig


def gains_chart(gains: pd.DataFrame, lang: str = "en") -> Figure:
    """Cumulative gains (left) and lift per decile (right) of a ranked list.

    Parameters
    ----------
    gains : DataFrame
        Output of :func:`toolkit.campaign.response_model.gains_table`.
    lang : {"en", "zh"}
        Label language.
    """
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.0))
    x = np.concatenate([[0.0], gains["cum_share_customers"]])
    y = np.concatenate([[0.0], gains["gain"]])
    total = gains["responses"].sum()
    n = gains["customers"].sum()
    best = np.minimum(x * n / total, 1.0) if total else x
    ax.plot(x, y, marker="o", linewidth=2, label=t("campaign.chart.model", lang))
    ax.plot([0, 1], [0, 1], color=_GREY, linestyle="--", label=t("campaign.chart.random", lang))
    ax.plot(x, best, color="#3a9d5d", linestyle=":", label=t("campaign.chart.perfect", lang))
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(percent_formatter(lang))
    ax.set_xlabel(t("campaign.chart.share_called", lang))
    ax.set_ylabel(t("campaign.chart.share_responders", lang))
    ax.set_title(t("campaign.chart.gains_title", lang))
    ax.legend(loc="lower right")
    ax2.bar(gains["group"].astype(str), gains["lift"])
    ax2.axhline(1.0, color=_GREY, linestyle="--")
    for i, v in enumerate(gains["lift"]):
        ax2.annotate(
            f"{v:.2f}",
            (i, v),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
        )
    ax2.set_xlabel(t("campaign.chart.decile", lang))
    ax2.set_ylabel(t("common.column.lift", lang))
    ax2.set_title(t("campaign.chart.lift_title", lang))
    ax2.grid(axis="x", visible=False)
    return fig


def calibration_chart(table: pd.DataFrame, lang: str = "en") -> Figure:
    """Mean predicted probability against the observed rate per score group.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`toolkit.campaign.response_model.calibration_table`.
    lang : {"en", "zh"}
        Label language.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    top = float(max(table["predicted_rate"].max(), table["observed_rate"].max())) * 1.08
    ax.plot(
        [0, top], [0, top], color=_GREY, linestyle="--", label=t("campaign.chart.perfect_calibration", lang)
    )
    ax.plot(
        table["predicted_rate"],
        table["observed_rate"],
        marker="o",
        linewidth=1.5,
        label=t("campaign.chart.score_groups", lang),
    )
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(percent_formatter(lang))
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(t("common.column.predicted_rate", lang))
    ax.set_ylabel(t("common.column.observed_rate", lang))
    ax.set_title(t("campaign.chart.calibration_title", lang))
    ax.legend(loc="upper left")
    return fig


def profit_chart(
    curve: pd.DataFrame,
    lang: str = "en",
    scale: float = 1.0,
    threshold_share: float | None = None,
    currency: str | None = None,
) -> Figure:
    """Profit of calling the top share of the ranked list, with the best depth marked.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`toolkit.campaign.profit.profit_curve` (or thinned
        with :func:`toolkit.campaign.profit.sample_curve`).
    lang : {"en", "zh"}
        Label language.
    scale : float, default 1.0
        Factor applied to profits (held-out -> whole list).
    threshold_share : float, optional
        Depth reached by the break-even rule, drawn as a dotted line.
    currency : str, optional
        ISO code of the profits (default: the report's).
    """
    code = current_currency() if currency is None else currency

    def amount(value: float) -> str:
        return _tick(numbers.money(value, code, lang, short=True))

    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    profit = curve["profit"] * scale
    ax.plot(curve["share"], profit, linewidth=2, label=t("campaign.chart.profit_line", lang))
    best = curve["profit"].idxmax()
    bx, by = curve.loc[best, "share"], profit.loc[best]
    ax.scatter([bx], [by], color="#c44e52", zorder=3)
    ax.annotate(
        t("campaign.chart.best_depth", lang, share=numbers.percent(bx, lang), profit=amount(by)),
        (bx, by),
        xytext=(10, -4),
        textcoords="offset points",
        fontsize=9.5,
        va="top",
    )
    ax.scatter([1.0], [profit.iloc[-1]], color=_GREY, zorder=3)
    ax.annotate(
        t("campaign.chart.call_everyone", lang, profit=amount(profit.iloc[-1])),
        (1.0, profit.iloc[-1]),
        xytext=(-6, 8),
        textcoords="offset points",
        ha="right",
        fontsize=9.5,
    )
    if threshold_share is not None:
        ax.axvline(
            threshold_share, color="#3a9d5d", linestyle=":", label=t("campaign.chart.break_even_rule", lang)
        )
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.xaxis.set_major_formatter(percent_formatter(lang))
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.set_xlabel(t("campaign.chart.share_called", lang))
    ax.set_ylabel(money_label(t("common.column.profit", lang), lang, code))
    ax.set_title(t("campaign.chart.profit_title", lang))
    ax.legend(loc="lower left")
    return fig


# ------------------------------------------------------------------ tables
# Display tables: numbers formatted as text for the report. The CSV result
# files keep the unformatted numbers. Money cells carry the currency symbol
# or their header names the currency.


def format_p(p: float, lang: str = "en") -> str:
    """A p-value as text: "< 0.001" or three decimals (:func:`toolkit.i18n.numbers.p_value`)."""
    return numbers.p_value(p, lang)


def arm_display_table(
    arms: pd.DataFrame, lang: str = "en", kinds: Mapping[str, str] | None = None, currency: str = ""
) -> pd.DataFrame:
    """One row per outcome and arm: customers, the mean and its 95% interval, as text.

    Parameters
    ----------
    arms : DataFrame
        Output of :func:`toolkit.campaign.ab_test.arm_results`.
    lang : {"en", "zh"}
        Language of the arm and outcome names.
    kinds : mapping, optional
        Outcome -> "rate", "money" or "number" (see :func:`outcome_kinds`).
    currency : str, optional
        ISO code of money outcomes.
    """
    rows = []
    for _, r in arms.iterrows():
        kind = _kind(pd.DataFrame([r]), r["metric"], kinds)
        rows.append(
            {
                t("common.column.metric", lang): value_label(r["metric"], "campaign.metric", lang),
                t("common.column.arm", lang): value_label(r["arm"], "campaign.arm", lang),
                t("common.column.customers", lang): numbers.count(r["customers"], lang),
                t("common.column.mean", lang): value_text(r["mean"], kind, lang, currency),
                t("campaign.table.interval_95", lang): numbers.span(
                    value_text(r["ci_low"], kind, lang, currency),
                    value_text(r["ci_high"], kind, lang, currency),
                    lang,
                ),
            }
        )
    return pd.DataFrame(rows)


def comparison_display_table(
    comparison: pd.DataFrame, lang: str = "en", kinds: Mapping[str, str] | None = None, currency: str = ""
) -> pd.DataFrame:
    """Each e-mail against control, as text: means, lifts, intervals, test and p-value.

    Differences of rates are in percentage points, of money in the currency.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`toolkit.campaign.ab_test.compare_arms`.
    lang : {"en", "zh"}
        Language of the labels.
    kinds : mapping, optional
        Outcome -> "rate", "money" or "number"; by default the z-tested
        outcomes are rates and the others numbers.
    currency : str, optional
        ISO code of money outcomes.
    """
    rows = []
    for _, r in comparison.iterrows():
        kind = (kinds or {}).get(r["metric"]) or ("rate" if r["test"] == "z" else "number")
        boot = (
            "—"
            if np.isnan(r["boot_ci_low"])
            else lift_span(r["boot_ci_low"], r["boot_ci_high"], kind, lang, currency)
        )
        rows.append(
            {
                t("common.column.arm", lang): value_label(r["arm"], "campaign.arm", lang),
                t("common.column.metric", lang): value_label(r["metric"], "campaign.metric", lang),
                t("common.column.treated_mean", lang): value_text(r["treated_mean"], kind, lang, currency),
                t("common.column.control_mean", lang): value_text(r["control_mean"], kind, lang, currency),
                t("common.column.abs_lift", lang): lift_text(r["abs_lift"], kind, lang, currency),
                t("common.column.rel_lift", lang): signed(
                    numbers.percent(r["rel_lift"], lang), r["rel_lift"]
                ),
                t("campaign.table.interval", lang): lift_span(
                    r["ci_low"], r["ci_high"], kind, lang, currency
                ),
                t("campaign.table.bootstrap", lang): boot,
                t("common.column.test", lang): t(f"campaign.test.{r['test']}", lang),
                t("common.column.p_value", lang): numbers.p_value(r["p_value"], lang),
            }
        )
    return pd.DataFrame(rows)


def economics_display_table(economics: pd.DataFrame, lang: str = "en", currency: str = "") -> pd.DataFrame:
    """The economics of each e-mail arm as text; every money header names the currency.

    Parameters
    ----------
    economics : DataFrame
        Output of :func:`toolkit.campaign.ab_test.campaign_economics`, with a
        ``break_even_cost`` column added when wanted.
    lang : {"en", "zh"}
        Language of the labels.
    currency : str, optional
        ISO code of the amounts.
    """

    def head(key: str) -> str:
        return numbers.with_currency(t(key, lang), currency, lang)

    def amount(value: float, decimals: int = 0, sign: bool = True) -> str:
        text = numbers.number(value, lang, decimals)
        return signed(text, value) if sign else text

    rows = []
    for _, r in economics.iterrows():
        row = {
            t("common.column.arm", lang): value_label(r["arm"], "campaign.arm", lang),
            t("campaign.table.emails_sent", lang): numbers.count(r["contacts"], lang),
            head("common.column.incremental_spend_per_contact"): amount(
                r["incremental_spend_per_contact"], 3
            ),
            head("common.column.incremental_revenue"): amount(r["incremental_revenue"]),
            t("campaign.table.interval_95", lang): numbers.span(
                amount(r["incremental_revenue_low"], sign=False),
                amount(r["incremental_revenue_high"], sign=False),
                lang,
            ),
            head("common.column.incremental_margin"): amount(r["incremental_margin"]),
            head("common.column.contact_cost"): amount(r["contact_cost"], sign=False),
            head("common.column.net_profit"): amount(r["net_profit"]),
            head("common.column.return_per_contact"): amount(r["return_per_contact"], 3),
        }
        if "break_even_cost" in r:
            row[head("common.column.break_even_cost")] = amount(r["break_even_cost"], 3, sign=False)
        rows.append(row)
    return pd.DataFrame(rows)


def label_column(frame: pd.DataFrame, column: str, prefix: str, lang: str = "en") -> pd.DataFrame:
    """A copy of ``frame`` with the values of ``column`` translated through ``prefix``."""
    out = frame.copy()
    out[column] = [value_label(v, prefix, lang) for v in out[column]]
    return out
