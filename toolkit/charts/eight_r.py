"""Charts of the 8R diagnostic: each takes a model output and ``lang`` and returns a Figure.

Labels come from the catalogue (``eight_r.chart.*``); colours from the
shared style (the first colour of the cycle is the brand accent). Money axes
carry their currency (the report's, or the one passed for a bundled case
such as the Hillstrom test in US dollars); percentages, months and dates are
written by :mod:`toolkit.i18n.numbers` in the report language.
"""

from __future__ import annotations

from typing import cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes

from toolkit.charts.style import money_formatter, money_label, percent_formatter
from toolkit.charts.value import lorenz_chart as value_lorenz_chart
from toolkit.concentration import Concentration
from toolkit.eight_r.coverage import RS
from toolkit.eight_r.verdicts import code_label, region_label
from toolkit.i18n import numbers as num
from toolkit.i18n import t

__all__ = [
    "lorenz_chart",
    "new_returning_chart",
    "rules_chart",
    "abc_chart",
    "elasticity_chart",
    "price_band_chart",
    "message_chart",
    "funnel_chart",
    "contact_curve_chart",
    "hour_weekday_chart",
    "monthly_chart",
    "gap_chart",
    "success_by_group_chart",
    "region_chart",
    "allocation_chart",
    "radar_chart",
]


def _colors(n: int = 3) -> list[str]:
    cycle = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["#1f5f8b", "#e07b39", "#3a9d5d"])
    return [cycle[i % len(cycle)] for i in range(n)]


def _short(text: str, n: int = 30) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _month_ticks(periods: pd.Series, lang: str) -> list[str]:
    """Month tick labels without rotation: the month name, with the year under the first month and each January."""
    out = []
    for i, p in enumerate(pd.PeriodIndex(periods.astype(str), freq="M")):
        name = t(f"eight_r.month.{p.strftime('%b').lower()}", lang)
        year = f"{p.year}年" if lang == "zh" else str(p.year)
        out.append(f"{name}\n{year}" if i == 0 or p.month == 1 else name)
    return out


def lorenz_chart(conc: Concentration, lang: str = "en") -> Figure:
    """Lorenz curve of revenue per customer with the top group marked and the Gini in the title.

    The drawing is :func:`toolkit.charts.value.lorenz_chart`, shared by every report.
    """
    return value_lorenz_chart(
        conc.lorenz, lang, conc.top, title=t("eight_r.chart.lorenz_title", lang, gini=conc.gini)
    )


def new_returning_chart(nvr: pd.DataFrame, lang: str = "en") -> Figure:
    """Customers per month, split into new and returning (first month marked as censored)."""
    fig, ax = plt.subplots(figsize=(8.5, 4.0))
    c = _colors(2)
    x = np.arange(len(nvr))
    ax.bar(x, nvr["returning_customers"], color=c[0], label=t("eight_r.chart.returning", lang))
    ax.bar(
        x,
        nvr["new_customers"],
        bottom=nvr["returning_customers"],
        color=c[1],
        label=t("eight_r.chart.new", lang),
    )
    ax.set_xticks(x, _month_ticks(nvr["period"], lang), fontsize=8.5)
    if nvr["censored"].any():
        i = int(np.flatnonzero(nvr["censored"].to_numpy())[0])
        ax.annotate(
            t("eight_r.chart.censored", lang),
            (i, nvr["customers"].iloc[i]),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=8.5,
            color="#555555",
        )
    ax.set_ylabel(t("eight_r.chart.customers", lang))
    ax.set_title(t("eight_r.chart.new_returning_title", lang))
    ax.legend(loc="upper left")
    return fig


def rules_chart(rules: pd.DataFrame, lang: str = "en", top: int = 10) -> Figure:
    """Lift of the strongest rules (one bar per rule A -> B, the stronger direction only)."""
    r = rules.copy()
    key = r[["antecedent", "consequent"]].apply(lambda s: tuple(sorted(s)), axis=1)
    r = (
        r.assign(_pair=key)
        .sort_values(["lift", "confidence"], ascending=False)
        .drop_duplicates("_pair")
        .head(top)
    )
    r = r.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(r) + 1.4))
    name = (lambda s: r[f"{s}_name"].fillna(r[s])) if "antecedent_name" in r else (lambda s: r[s])
    labels = [f"{_short(a, 26)} → {_short(b, 26)}" for a, b in zip(name("antecedent"), name("consequent"))]
    ax.barh(np.arange(len(r)), r["lift"], color=_colors(1)[0])
    for i, (lift, conf) in enumerate(zip(r["lift"], r["confidence"])):
        ax.text(
            lift,
            i,
            "  " + t("eight_r.chart.rule_label", lang, lift=lift, conf=conf),
            va="center",
            fontsize=8.5,
        )
    ax.set_yticks(np.arange(len(r)), labels, fontsize=8.5)
    ax.set_xlabel(t("eight_r.chart.lift", lang))
    ax.set_xlim(0, r["lift"].max() * 1.35 if len(r) else 1)
    ax.grid(axis="y", visible=False)
    ax.set_title(t("eight_r.chart.rules_title", lang))
    return fig


def abc_chart(abc: pd.DataFrame, lang: str = "en") -> Figure:
    """Pareto curve of products: cumulative revenue share against share of products, classes shaded."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    n = len(abc)
    x = np.arange(1, n + 1) / n
    c = _colors(3)
    ax.plot(
        np.concatenate([[0], x]), np.concatenate([[0], abc["cum_share"].to_numpy()]), color="#333333", lw=1.8
    )
    start = 0.0
    for cls, colour in zip("ABC", c):
        part = abc["abc"] == cls
        if not part.any():
            continue
        end = part.to_numpy().nonzero()[0].max() + 1
        ax.axvspan(start, end / n, color=colour, alpha=0.15)
        ax.text(
            (start + end / n) / 2,
            0.06,
            t(
                "eight_r.chart.abc_label",
                lang,
                cls=cls,
                n=int(part.sum()),
                share=float(abc.loc[part, "share"].sum()),
            ),
            ha="center",
            fontsize=9,
        )
        start = end / n
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(percent_formatter(lang))
    ax.yaxis.set_major_formatter(percent_formatter(lang))
    ax.set_xlabel(t("eight_r.chart.share_products", lang))
    ax.set_ylabel(t("eight_r.chart.share_revenue_cum", lang))
    ax.set_title(t("eight_r.chart.abc_title", lang))
    return fig


def elasticity_chart(el: pd.DataFrame, pooled: dict | None, lang: str = "en") -> Figure:
    """Forest plot: each product's elasticity with its confidence interval, and the pooled estimate."""
    est = el[el["estimated"]].copy()
    labels = list(
        est.get("product_name", est["product_id"]).fillna(est["product_id"]).map(lambda s: _short(s, 34))
    )
    values = list(est["elasticity"])
    lows, highs = list(est["ci_low"]), list(est["ci_high"])
    if pooled:
        labels.append(t("eight_r.chart.pooled", lang))
        values.append(pooled["elasticity"])
        lows.append(pooled["ci_low"])
        highs.append(pooled["ci_high"])
    y = np.arange(len(values))[::-1]
    fig, ax = plt.subplots(figsize=(8.0, 0.42 * len(values) + 1.5))
    c = _colors(2)
    for yi, v, lo, hi, lab in zip(y, values, lows, highs, labels):
        colour = c[1] if pooled and lab == labels[-1] else c[0]
        ax.plot([lo, hi], [yi, yi], color=colour, lw=2)
        ax.plot([v], [yi], "D" if colour == c[1] else "o", color=colour)
    ax.axvline(0, color="#555555", lw=1)
    ax.axvline(-1, color="#999999", lw=1, ls=":")
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.set_xlabel(t("eight_r.chart.elasticity_axis", lang))
    ax.grid(axis="y", visible=False)
    ax.set_title(t("eight_r.chart.elasticity_title", lang))
    return fig


def _band_label(band: str, lang: str, currency: str | None) -> str:
    """A unit-price band "0.85-1.65" as a money range in the currency: "£0.85–£1.65"."""
    low, _, high = str(band).partition("-")
    try:
        return num.span(
            num.money(float(low), currency, lang, 2), num.money(float(high), currency, lang, 2), lang
        )
    except ValueError:
        return str(band)


def price_band_chart(bands: pd.DataFrame, lang: str = "en", currency: str | None = None) -> Figure:
    """Each customer spend tier's revenue split over unit-price bands (stacked to 100%)."""
    wide = bands.pivot_table(index="spend_tier", columns="band", values="share_of_tier", fill_value=0.0)
    labels = (
        bands.drop_duplicates("band")
        .set_index("band")["price_band"]
        .map(lambda b: _band_label(b, lang, currency))
    )
    fig, ax = plt.subplots(figsize=(8.0, 3.8))
    left = np.zeros(len(wide))
    colours = _colors(len(wide.columns))
    y = np.arange(len(wide))
    for colour, band in zip(colours, wide.columns):
        ax.barh(y, wide[band], left=left, color=colour, label=labels[band])
        for yi, (start, w) in enumerate(zip(left, wide[band])):
            if w > 0.06:
                ax.text(
                    start + w / 2,
                    yi,
                    num.percent(w, lang),
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    color="white",
                )
        left += wide[band].to_numpy()
    tiers = [t("eight_r.chart.tier", lang, tier=int(i), n=int(wide.index.max())) for i in wide.index]
    ax.set_yticks(y, tiers)
    ax.xaxis.set_major_formatter(percent_formatter(lang))
    ax.set_xlim(0, 1)
    ax.grid(axis="y", visible=False)
    ax.legend(
        title=money_label(t("eight_r.chart.price_band", lang), lang, currency),
        ncols=len(wide.columns),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
    )
    ax.set_title(t("eight_r.chart.price_band_title", lang))
    return fig


def message_chart(
    msg: pd.DataFrame,
    lang: str = "en",
    group_labels: dict | None = None,
    outcome_key: str = "eight_r.chart.visit_rate",
) -> Figure:
    """Response of each group to message A, message B and no message."""
    fig, ax = plt.subplots(figsize=(8.0, 4.0))
    c = _colors(3)
    x = np.arange(len(msg))
    w = 0.27
    names = [
        t("eight_r.chart.msg_a", lang),
        t("eight_r.chart.msg_b", lang),
        t("eight_r.chart.msg_none", lang),
    ]
    for i, (col, name) in enumerate(zip(["rate_a", "rate_b", "rate_control"], names)):
        colour = c[i] if i < 2 else "#b0b0b0"
        ax.bar(x + (i - 1) * w, msg[col], w, color=colour, label=name)
    labels = [group_labels.get(g, str(g)) if group_labels else str(g) for g in msg["group"]]
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_formatter(percent_formatter(lang))
    ax.set_ylabel(t(outcome_key, lang))
    ax.set_ylim(0, float(msg[["rate_a", "rate_b", "rate_control"]].to_numpy().max()) * 1.22)
    ax.grid(axis="x", visible=False)
    ax.legend(ncols=3, loc="upper right")
    ax.set_title(t("eight_r.chart.message_title", lang))
    return fig


def funnel_chart(fun: pd.DataFrame, lang: str = "en") -> Figure:
    """Visit rate and visit-to-purchase rate of contacted customers per channel (names from ``eight_r.channel.*``)."""
    fig, axes = plt.subplots(1, 2, figsize=(8.5, 3.6))
    c = _colors(2)
    groups = [code_label(g, "eight_r.channel", lang) for g in fun["group"]]
    for ax, col, key, colour in zip(
        axes,
        ["visit_rate", "visit_to_purchase"],
        ["eight_r.chart.visit_rate", "eight_r.chart.visit_to_purchase"],
        c,
    ):
        ax.bar(groups, fun[col], color=colour)
        for i, v in enumerate(fun[col]):
            ax.text(i, v, num.percent(v, lang, 1), ha="center", va="bottom", fontsize=9)
        ax.yaxis.set_major_formatter(percent_formatter(lang))
        ax.set_title(t(key, lang), fontsize=11)
        ax.grid(axis="x", visible=False)
    fig.suptitle(t("eight_r.chart.funnel_title", lang), fontweight="bold", x=0.02, ha="left")
    return fig


def contact_curve_chart(curve: pd.DataFrame, break_even: float | None, lang: str = "en") -> Figure:
    """Success rate of the k-th call with its interval, and the break-even rate."""
    fig, ax = plt.subplots(figsize=(8.0, 4.0))
    c = _colors(2)
    ax.fill_between(curve["contact"], curve["ci_low"], curve["ci_high"], color=c[0], alpha=0.15)
    ax.plot(
        curve["contact"], curve["success_rate"], "o-", color=c[0], label=t("eight_r.chart.kth_call", lang)
    )
    if break_even is not None:
        ax.axhline(
            break_even,
            color=c[1],
            ls="--",
            lw=1.3,
            label=t("eight_r.chart.break_even", lang, rate=break_even),
        )
    ax.yaxis.set_major_formatter(percent_formatter(lang))
    ax.set_xticks(curve["contact"])
    ax.set_xlabel(t("eight_r.chart.call_number", lang))
    ax.set_ylabel(t("eight_r.chart.success_rate", lang))
    ax.set_ylim(0, None)
    ax.legend()
    ax.set_title(t("eight_r.chart.contact_title", lang))
    return fig


def hour_weekday_chart(hw: pd.DataFrame, lang: str = "en") -> Figure:
    """Heat map of orders by weekday and hour of day."""
    grid = hw.pivot_table(index="weekday", columns="hour", values="orders", fill_value=0)
    grid = grid.reindex(range(7), fill_value=0)
    hours = range(int(grid.columns.min()), int(grid.columns.max()) + 1)
    grid = grid.reindex(columns=hours, fill_value=0)
    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    im = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Blues")
    ax.set_yticks(range(7), [t(f"eight_r.weekday.{d}", lang) for d in range(7)])
    ax.set_xticks(range(len(hours)), [str(h) for h in hours])
    ax.set_xlabel(t("eight_r.chart.hour", lang))
    ax.grid(False)
    fig.colorbar(im, ax=ax, label=t("eight_r.chart.orders", lang))
    ax.set_title(t("eight_r.chart.hour_title", lang))
    return fig


def monthly_chart(mon: pd.DataFrame, lang: str = "en", currency: str | None = None) -> Figure:
    """Revenue per day covered in each month (part months hatched and labelled)."""
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    c = _colors(1)[0]
    x = np.arange(len(mon))
    bars = ax.bar(x, mon["revenue_per_day"], color=c)
    for bar, complete, days in zip(bars, mon["complete"], mon["days_covered"]):
        if not complete:
            bar.set_hatch("//")
            bar.set_alpha(0.55)
            ax.annotate(
                t("eight_r.chart.part_month", lang, days=int(days)),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=8.5,
            )
    ax.set_xticks(x, _month_ticks(mon["month"], lang), fontsize=8.5)
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.set_ylabel(money_label(t("eight_r.chart.revenue_per_day", lang), lang, currency))
    ax.grid(axis="x", visible=False)
    ax.set_title(t("eight_r.chart.monthly_title", lang))
    return fig


def gap_chart(gaps: pd.Series, summary: dict, lang: str = "en", clip: int = 180) -> Figure:
    """Histogram of days between purchases (longer gaps gathered in the last bar), median marked."""
    g = np.minimum(np.asarray(gaps, dtype=float), clip)
    fig, ax = plt.subplots(figsize=(8.0, 3.8))
    c = _colors(2)
    ax.hist(g, bins=list(range(0, int(clip) + 8, 7)), color=c[0])
    ax.axvline(
        summary["median"], color=c[1], lw=2, label=t("eight_r.chart.median_gap", lang, days=summary["median"])
    )
    ax.set_xlabel(t("eight_r.chart.gap_axis", lang, clip=clip))
    ax.set_ylabel(t("eight_r.chart.gaps", lang))
    ax.legend()
    ax.set_title(t("eight_r.chart.gap_title", lang))
    return fig


def success_by_group_chart(
    rates: pd.DataFrame,
    lang: str = "en",
    title_key: str = "eight_r.chart.month_title",
    labels: dict | None = None,
) -> Figure:
    """Success rate per group with its interval; the number of calls written under each bar."""
    fig, ax = plt.subplots(figsize=(9.0, 3.9))
    c = _colors(1)[0]
    x = np.arange(len(rates))
    ax.bar(x, rates["success_rate"], color=c, alpha=0.85)
    ax.errorbar(
        x,
        rates["success_rate"],
        yerr=[rates["success_rate"] - rates["ci_low"], rates["ci_high"] - rates["success_rate"]],
        fmt="none",
        ecolor="#333333",
        capsize=3,
        lw=1,
    )
    names = [labels.get(g, str(g)) if labels else str(g) for g in rates["group"]]
    ax.set_xticks(x, [f"{n}\n{int(k):,}" for n, k in zip(names, rates["calls"])], fontsize=8.5)
    ax.set_xlabel(t("eight_r.chart.calls_axis", lang))
    ax.yaxis.set_major_formatter(percent_formatter(lang))
    ax.set_ylabel(t("eight_r.chart.success_rate", lang))
    ax.grid(axis="x", visible=False)
    ax.set_title(t(title_key, lang))
    return fig


def region_chart(reg: pd.DataFrame, lang: str = "en", top: int = 10, by: str = "region") -> Figure:
    """Revenue share (left) and growth (right) of the largest regions."""
    r = reg.head(top).iloc[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 0.38 * len(r) + 1.6), sharey=True)
    c = _colors(3)
    y = np.arange(len(r))
    axes[0].barh(y, r["share"], color=c[0])
    for yi, v in zip(y, r["share"]):
        axes[0].text(v, yi, " " + num.percent(v, lang, 1), va="center", fontsize=8.5)
    axes[0].set_xlim(0, r["share"].max() * 1.25)
    axes[0].xaxis.set_major_formatter(percent_formatter(lang))
    axes[0].set_title(t("eight_r.chart.revenue_share", lang), fontsize=11)
    growth = r["growth"].fillna(0.0)
    axes[1].barh(y, growth, color=[c[2] if g >= 0 else c[1] for g in growth])
    for yi, v, raw in zip(y, growth, r["growth"]):
        signed = ("+" if v > 0 else "") + num.percent(v, lang)
        axes[1].text(
            v,
            yi,
            f" {signed} " if pd.notna(raw) else " — ",
            va="center",
            fontsize=8.5,
            ha="left" if v >= 0 else "right",
        )
    axes[1].axvline(0, color="#555555", lw=1)
    axes[1].xaxis.set_major_formatter(percent_formatter(lang))
    if {"recent_start", "recent_end", "period_days"} <= set(reg.attrs):
        title = t(
            "eight_r.chart.growth",
            lang,
            recent_start=num.date(reg.attrs["recent_start"], lang),
            recent_end=num.date(reg.attrs["recent_end"], lang),
            period_days=num.count(reg.attrs["period_days"], lang),
        )
    else:
        title = t("eight_r.chart.growth_plain", lang)
    axes[1].set_title(title, fontsize=11)
    names = [region_label(n, lang) if by == "region" else str(n) for n in r[by]]
    axes[0].set_yticks(y, names)
    for ax in axes:
        ax.grid(axis="y", visible=False)
    fig.suptitle(t("eight_r.chart.region_title", lang), fontweight="bold", x=0.02, ha="left")
    return fig


def allocation_chart(alloc: pd.DataFrame, lang: str = "en", currency: str | None = None) -> Figure:
    """Current and recommended spend per segment, with the expected ROMI written above.

    Segment names go through ``eight_r.channel.*`` (the Hillstrom channels) when the catalogue has them.
    """
    fig, ax = plt.subplots(figsize=(8.0, 3.9))
    c = _colors(2)
    x = np.arange(len(alloc))
    w = 0.38
    ax.bar(x - w / 2, alloc["spend"], w, color="#b0b0b0", label=t("eight_r.chart.current_spend", lang))
    ax.bar(
        x + w / 2, alloc["recommended_spend"], w, color=c[0], label=t("eight_r.chart.recommended_spend", lang)
    )
    for xi, (s, r) in enumerate(zip(alloc["recommended_spend"], alloc["expected_romi"])):
        label = t("eight_r.chart.romi_label", lang, romi=num.percent(r, lang))
        ax.text(xi + w / 2, s, label, ha="center", va="bottom", fontsize=8.5)
    names = [_short(code_label(s, "eight_r.channel", lang), 18) for s in alloc["segment"]]
    ax.set_xticks(x, names, fontsize=9)
    ax.yaxis.set_major_formatter(money_formatter(lang))
    ax.set_ylabel(money_label(t("eight_r.chart.spend", lang), lang, currency))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left")
    ax.set_title(t("eight_r.chart.allocation_title", lang))
    return fig


def radar_chart(prof: pd.DataFrame, lang: str = "en") -> Figure:
    """The 8R profile: self-assessment, data evidence (where graded) and combined score on 1-5."""
    order = {r: i for i, r in enumerate(RS)}
    p = prof.sort_values("r", key=lambda s: s.map(order)).reset_index(drop=True)
    n = len(p)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    fig = plt.figure(figsize=(5.4, 5.2))
    ax = cast(PolarAxes, fig.add_subplot(projection="polar"))
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    c = _colors(3)
    score = p["score"].fillna(0).to_numpy()
    ax.plot(
        closed,
        np.concatenate([score, score[:1]]),
        color=c[0],
        lw=2.2,
        label=t("eight_r.chart.combined", lang),
    )
    ax.fill(closed, np.concatenate([score, score[:1]]), color=c[0], alpha=0.15)
    selfs = p["self_score"].to_numpy(float)
    ax.plot(
        closed,
        np.concatenate([selfs, selfs[:1]]),
        color=c[1],
        lw=1.3,
        ls="--",
        label=t("eight_r.chart.self", lang),
    )
    ev = p["evidence_score"].to_numpy(float)
    has = np.isfinite(ev)
    ax.plot(angles[has], ev[has], "s", color=c[2], ms=8, label=t("eight_r.chart.evidence", lang))
    ax.set_xticks(angles, [t(f"eight_r.r.{r}", lang) for r in p["r"]])
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"], fontsize=8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncols=3)
    ax.set_title(t("eight_r.chart.radar_title", lang), pad=28)
    return fig
