"""Charts for the campaign notebooks: e-mail test, uplift, response model, profit.

Every function takes the output of a :mod:`toolkit.campaign` function plus
``lang`` and returns a matplotlib Figure; labels come from the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from toolkit.charts.style import money_formatter, short_money
from toolkit.i18n import has, t

__all__ = [
    "value_label",
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


def value_label(value: object, prefix: str, lang: str) -> str:
    """Translate a data value through ``<prefix>.<slug>`` if the catalogue has it.

    The slug is the value in lower case with runs of other characters than
    letters and digits replaced by ``_`` ("Mens E-Mail" -> "mens_e_mail").
    Values without an entry (a user's own arm names) are shown as they are.
    """
    slug = re.sub(r"[^0-9a-z]+", "_", str(value).lower()).strip("_")
    key = f"{prefix}.{slug}"
    return t(key, lang) if has(key) else str(value)


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


def _is_rate(metric_rows: pd.DataFrame) -> bool:
    return bool(metric_rows["interval"].eq("wilson").all()) if "interval" in metric_rows else False


def arm_results_chart(arms: pd.DataFrame, lang: str = "en", control: str | None = None) -> Figure:
    """One panel per outcome: each arm's mean with its confidence interval.

    Parameters
    ----------
    arms : DataFrame
        Output of :func:`toolkit.campaign.ab_test.arm_results`.
    lang : {"en", "zh"}
        Label language.
    control : str, optional
        The control arm, drawn in grey.
    """
    metrics = list(dict.fromkeys(arms["metric"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.4 * len(metrics) + 0.6, 3.9), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        rows = arms[arms["metric"] == metric]
        names = [_tick(value_label(a, "campaign.arm", lang)) for a in rows["arm"]]
        colors = _arm_colors(list(rows["arm"]), control)
        err = np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]])
        ax.bar(names, rows["mean"], color=colors, yerr=err, capsize=4, ecolor="#333333")
        rate = _is_rate(rows)
        for i, v in enumerate(rows["mean"]):
            ax.annotate(
                f"{v:.2%}" if rate else f"{v:,.2f}",
                (i, 0),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9.5,
                color="white",
                fontweight="bold",
            )
        if rate:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        ax.set_title(value_label(metric, "campaign.metric", lang))
        ax.tick_params(axis="x", labelsize=9)
        ax.grid(axis="x", visible=False)
    fig.suptitle(t("campaign.chart.arms_title", lang), x=0.01, ha="left", fontweight="bold")
    return fig


def uplift_group_chart(
    uplift: pd.DataFrame, lang: str = "en", groups: Sequence[str] | None = None, percent: bool = False
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
        Show the uplift as percentage points (for 0/1 outcomes).
    """
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
            err = np.vstack([r["uplift"] - r["ci_low"], r["ci_high"] - r["uplift"]])
            ax.barh(
                y,
                r["uplift"],
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
        ax.set_title(
            t(f"common.column.{group}", lang) if has(f"common.column.{group}") else str(group), fontsize=11
        )
        if percent:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        ax.grid(axis="y", visible=False)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
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
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
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
        axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
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
        axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(t("common.column.predicted_rate", lang))
    ax.set_ylabel(t("common.column.observed_rate", lang))
    ax.set_title(t("campaign.chart.calibration_title", lang))
    ax.legend(loc="upper left")
    return fig


def profit_chart(
    curve: pd.DataFrame, lang: str = "en", scale: float = 1.0, threshold_share: float | None = None
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
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    profit = curve["profit"] * scale
    ax.plot(curve["share"], profit, linewidth=2, label=t("campaign.chart.profit_line", lang))
    best = curve["profit"].idxmax()
    bx, by = curve.loc[best, "share"], profit.loc[best]
    ax.scatter([bx], [by], color="#c44e52", zorder=3)
    ax.annotate(
        t("campaign.chart.best_depth", lang, share=bx, profit=short_money(by)),
        (bx, by),
        xytext=(10, -4),
        textcoords="offset points",
        fontsize=9.5,
        va="top",
    )
    ax.scatter([1.0], [profit.iloc[-1]], color=_GREY, zorder=3)
    ax.annotate(
        t("campaign.chart.call_everyone", lang, profit=short_money(profit.iloc[-1])),
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
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(money_formatter("en"))
    ax.set_xlabel(t("campaign.chart.share_called", lang))
    ax.set_ylabel(t("common.column.profit", lang))
    ax.set_title(t("campaign.chart.profit_title", lang))
    ax.legend(loc="lower left")
    return fig


# ------------------------------------------------------------------ tables
# Display tables: numbers formatted as text for the report. The CSV result
# files keep the unformatted numbers.


def _fmt(value: float, rate: bool, points: bool = False) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if rate:
        return f"{value * 100:+.2f}" if points else f"{value:.2%}"
    return f"{value:+,.2f}" if points else f"{value:,.2f}"


def format_p(p: float) -> str:
    """A p-value as text: "< 0.001" or three decimals."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def arm_display_table(arms: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per arm: customers and each outcome's mean with its interval, as text.

    Parameters
    ----------
    arms : DataFrame
        Output of :func:`toolkit.campaign.ab_test.arm_results`.
    lang : {"en", "zh"}
        Language of the arm and outcome names.
    """
    rows = []
    for arm, group in arms.groupby("arm", sort=False):
        row = {
            t("common.column.arm", lang): value_label(arm, "campaign.arm", lang),
            t("common.column.customers", lang): f"{int(group['customers'].iloc[0]):,}",
        }
        for _, r in group.iterrows():
            rate = r["interval"] == "wilson"
            row[value_label(r["metric"], "campaign.metric", lang)] = (
                f"{_fmt(r['mean'], rate)} ({_fmt(r['ci_low'], rate)} – {_fmt(r['ci_high'], rate)})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_display_table(comparison: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Each e-mail against control, as text: means, lifts, interval, test and p-value.

    Rate differences are in percentage points.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`toolkit.campaign.ab_test.compare_arms`.
    lang : {"en", "zh"}
        Language of the labels.
    """
    rows = []
    for _, r in comparison.iterrows():
        rate = r["test"] == "z"
        interval = f"{_fmt(r['ci_low'], rate, True)} – {_fmt(r['ci_high'], rate, True)}"
        boot = (
            "–"
            if np.isnan(r["boot_ci_low"])
            else f"{_fmt(r['boot_ci_low'], rate, True)} – {_fmt(r['boot_ci_high'], rate, True)}"
        )
        rows.append(
            {
                t("common.column.arm", lang): value_label(r["arm"], "campaign.arm", lang),
                t("common.column.metric", lang): value_label(r["metric"], "campaign.metric", lang),
                t("common.column.treated_mean", lang): _fmt(r["treated_mean"], rate),
                t("common.column.control_mean", lang): _fmt(r["control_mean"], rate),
                t("common.column.abs_lift", lang): _fmt(r["abs_lift"], rate, True)
                + (t("campaign.table.points", lang) if rate else ""),
                t("common.column.rel_lift", lang): f"{r['rel_lift']:+.0%}",
                t("campaign.table.interval", lang): interval,
                t("campaign.table.bootstrap", lang): boot,
                t("common.column.test", lang): t(f"campaign.test.{r['test']}", lang),
                t("common.column.p_value", lang): format_p(r["p_value"]),
            }
        )
    return pd.DataFrame(rows)


def economics_display_table(economics: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The economics of each e-mail arm as text, narrow enough for a report page.

    Parameters
    ----------
    economics : DataFrame
        Output of :func:`toolkit.campaign.ab_test.campaign_economics`, with a
        ``break_even_cost`` column added when wanted.
    lang : {"en", "zh"}
        Language of the labels.
    """
    rows = []
    for _, r in economics.iterrows():
        row = {
            t("common.column.arm", lang): value_label(r["arm"], "campaign.arm", lang),
            t("campaign.table.emails_sent", lang): f"{int(r['contacts']):,}",
            t(
                "common.column.incremental_spend_per_contact", lang
            ): f"{r['incremental_spend_per_contact']:+.3f}",
            t(
                "campaign.table.revenue_interval", lang
            ): f"{r['incremental_revenue']:+,.0f} ({r['incremental_revenue_low']:+,.0f} – {r['incremental_revenue_high']:+,.0f})",
            t("common.column.incremental_margin", lang): f"{r['incremental_margin']:+,.0f}",
            t("common.column.contact_cost", lang): f"{r['contact_cost']:,.0f}",
            t("common.column.net_profit", lang): f"{r['net_profit']:+,.0f}",
            t("common.column.return_per_contact", lang): f"{r['return_per_contact']:+.3f}",
        }
        if "break_even_cost" in r:
            row[t("common.column.break_even_cost", lang)] = f"{r['break_even_cost']:.3f}"
        rows.append(row)
    return pd.DataFrame(rows)


def label_column(frame: pd.DataFrame, column: str, prefix: str, lang: str = "en") -> pd.DataFrame:
    """A copy of ``frame`` with the values of ``column`` translated through ``prefix``."""
    out = frame.copy()
    out[column] = [value_label(v, prefix, lang) for v in out[column]]
    return out
