"""Charts for the Bullseye model: the target, group bars, comparisons.

Every function takes the output of :mod:`toolkit.bullseye` plus ``lang`` and
returns a matplotlib Figure; all labels come from the translation catalogue.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Patch, Wedge

from toolkit.bullseye.criteria import BANDS, GROUPS, SCORE_MAX
from toolkit.errors import ParameterError, check_choice
from toolkit.i18n import check_lang, t

__all__ = [
    "ZONE_EDGES",
    "bullseye_chart",
    "bullseye_grid",
    "group_rates_chart",
    "comparison_chart",
    "textbook_chart",
    "what_if_chart",
    "rater_chart",
]

#: Rates at which the target's rings change band: a group whose average
#: score rounds to 8-10 (rate >= 0.75) lands in the centre ("high fit"), 5-7
#: in the next ring, 2-4 further out and 0-1 on the outer ring.
ZONE_EDGES: tuple[float, ...] = (0.15, 0.45, 0.75)

_GREY = "#5b6670"
_LIGHT = "#b9c7d3"
_WARN = "#c44e52"


def _accent() -> str:
    return plt.rcParams["axes.prop_cycle"].by_key()["color"][0]


def _mix(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white; ``amount`` 1 = colour, 0 = white."""
    r, g, b = to_rgb(colour)
    return (1 - amount + amount * r, 1 - amount + amount * g, 1 - amount + amount * b)


def _wrap(text: str, width: int) -> str:
    """Wrap for labels; Chinese has no spaces, so cut it by characters."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        width = max(4, width // 2 + 2)
        return "\n".join(text[i : i + width] for i in range(0, len(text), width))
    return textwrap.fill(text, width, break_long_words=False)


def _pick_product(frame: pd.DataFrame, product: str | None) -> str:
    products = list(dict.fromkeys(frame["product"]))
    if product is None:
        if len(products) != 1:
            raise ParameterError(
                f"The 'product' parameter is needed when the table holds several products: {products}."
            )
        return products[0]
    if product not in products:
        check_choice("product", product, products)
    return product


def _fmt_points(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def _draw_target(ax: plt.Axes, part: pd.DataFrame, lang: str, detail: bool = True) -> None:
    """Draw one target on ``ax`` from one product's group rows.

    With ``detail`` the sector labels give score / maximum and rate, else
    only the rate (for small multiples).
    """
    accent = _accent()
    part = part.set_index("group")
    groups = [g for g in GROUPS if g in part.index]
    # Rings from the outside in: low, low-medium, medium, high (the bullseye).
    radii = [1.0] + [1 - e for e in ZONE_EDGES]
    for k, radius in enumerate(radii):
        ax.add_patch(
            Circle((0, 0), radius, facecolor=_zone_colour(k), edgecolor="white", linewidth=1.2, zorder=1)
        )
    step = 360 / len(groups)
    for k, group in enumerate(groups):
        start = 90 - (k + 1) * step
        end = 90 - k * step
        mid = math.radians((start + end) / 2)
        rate = float(part.loc[group, "rate"])
        hit = 1 - rate
        pad = min(5.0, step * 0.1)
        ax.add_patch(
            Wedge(
                (0, 0),
                1.0,
                start + pad,
                end - pad,
                width=max(1.0 - hit, 1e-6),
                facecolor=accent,
                alpha=0.30,
                edgecolor="none",
                zorder=2,
            )
        )
        ax.add_patch(
            Wedge(
                (0, 0),
                hit + 0.014,
                start + pad,
                end - pad,
                width=0.028,
                facecolor=accent,
                edgecolor="none",
                zorder=3,
            )
        )
        ax.scatter(
            [hit * math.cos(mid)],
            [hit * math.sin(mid)],
            s=70,
            color=accent,
            edgecolor="white",
            linewidth=1.5,
            zorder=4,
        )
        ax.plot(
            [0, math.cos(math.radians(end))],
            [0, math.sin(math.radians(end))],
            color="white",
            linewidth=2.5,
            zorder=3.5,
        )
        x, y = 1.13 * math.cos(mid), 1.13 * math.sin(mid)
        ha = "left" if x > 0.15 else ("right" if x < -0.15 else "center")
        va = "bottom" if y > 0.5 else ("top" if y < -0.5 else "center")
        name = _wrap(t(f"bullseye.group.{group}", lang), 16)
        if detail:
            score, possible = part.loc[group, "score"], part.loc[group, "possible"]
            label = f"{name}\n{_fmt_points(score)}/{possible:.0f} · {rate:.0%}"
        else:
            label = f"{name}\n{rate:.0%}"
        ax.text(x, y, label, ha=ha, va=va, fontsize=9.5 if detail else 11, zorder=5)
    ax.add_patch(Circle((0, 0), 0.012, color=_GREY, zorder=5))
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.32, 1.36)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.axis("off")


def _zone_colour(k: int) -> tuple[float, float, float]:
    """Colour of ring ``k`` (0 = outer, "low"; 3 = centre, "high")."""
    return _mix(_GREY, (0.07, 0.17, 0.30, 0.48)[k])


def _zone_legend(fig: Figure, lang: str, ncol: int = 4, fontsize: float = 9.5) -> None:
    handles = [
        Patch(facecolor=_zone_colour(k), edgecolor=_LIGHT, label=t(f"bullseye.band.{band}", lang))
        for k, band in enumerate(BANDS)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=fontsize)


def bullseye_chart(groups: pd.DataFrame, product: str | None = None, lang: str = "en") -> Figure:
    """The Bullseye target of one product.

    Each group is a sector; its shaded part reaches from the outer edge
    towards the centre in proportion to the group's rate, so the closer a
    sector gets to the centre, the better the product fits online direct
    sales on that group. The rings mark the four score bands.

    Parameters
    ----------
    groups : pandas.DataFrame
        Output of :func:`toolkit.bullseye.group_scores`.
    product : str, optional
        Which product; needed when ``groups`` holds several.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    product = _pick_product(groups, product)
    part = groups[groups["product"] == product]
    total, possible = float(part["score"].sum()), float(part["possible"].sum())
    fig, ax = plt.subplots(figsize=(8, 6.8))
    _draw_target(ax, part, lang)
    ax.set_title(t("bullseye.chart.target_title", lang, product=product))
    ax.text(
        0.5,
        -0.02,
        t("bullseye.chart.target_caption", lang, total=total, possible=int(possible), rate=total / possible),
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=10.5,
        color=_GREY,
    )
    _zone_legend(fig, lang, ncol=2)
    return fig


def bullseye_grid(groups: pd.DataFrame, totals: pd.DataFrame, lang: str = "en", cols: int = 2) -> Figure:
    """Small Bullseye targets of several products, best first.

    Parameters
    ----------
    groups : pandas.DataFrame
        Output of :func:`toolkit.bullseye.group_scores`.
    totals : pandas.DataFrame
        Output of :func:`toolkit.bullseye.product_totals` (for the order and
        the titles).
    lang : {"en", "zh"}
        Label language.
    cols : int, default 2
        Targets per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    ranked = totals.sort_values("rank", kind="stable")
    n = len(ranked)
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.7 * cols, 4.3 * rows + 0.5), squeeze=False)
    for ax, (_, row) in zip(axes.flat, ranked.iterrows()):
        _draw_target(ax, groups[groups["product"] == row["product"]], lang, detail=False)
        ax.set_title(
            f"{row['rank']}. {_wrap(str(row['product']), 34)} — {row['rate']:.0%}", fontsize=12, loc="center"
        )
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    best = str(ranked["product"].iloc[0])
    fig.suptitle(_wrap(t("bullseye.chart.grid_title", lang, best=best), 70), fontsize=13)
    _zone_legend(fig, lang, ncol=min(4, 2 * cols), fontsize=11)
    return fig


def group_rates_chart(groups: pd.DataFrame, product: str | None = None, lang: str = "en") -> Figure:
    """Each group's score against its maximum, as horizontal bars.

    Parameters
    ----------
    groups : pandas.DataFrame
        Output of :func:`toolkit.bullseye.group_scores`.
    product : str, optional
        Which product; needed when ``groups`` holds several.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    product = _pick_product(groups, product)
    part = groups[groups["product"] == product].iloc[::-1]
    names = [t(f"bullseye.group.{g}", lang) for g in part["group"]]
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(part) + 1.6))
    ax.barh(names, part["possible"], color=_mix(_GREY, 0.18), label=t("bullseye.chart.possible", lang))
    ax.barh(names, part["score"], color=_accent(), height=0.55, label=t("bullseye.chart.scored", lang))
    top = float(part["possible"].max())
    for y, (score, possible, rate) in enumerate(zip(part["score"], part["possible"], part["rate"])):
        ax.text(
            possible + top * 0.01,
            y,
            f"{_fmt_points(score)} / {possible:.0f}  ({rate:.0%})",
            va="center",
            fontsize=9.5,
        )
    ax.set_xlim(0, top * 1.25)
    ax.set_xlabel(t("bullseye.chart.points", lang))
    ax.set_title(t("bullseye.chart.rates_title", lang, product=product))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return fig


def comparison_chart(groups: pd.DataFrame, totals: pd.DataFrame, lang: str = "en") -> Figure:
    """Products side by side: a heat map of group rates and the total rates.

    Parameters
    ----------
    groups : pandas.DataFrame
        Output of :func:`toolkit.bullseye.group_scores`.
    totals : pandas.DataFrame
        Output of :func:`toolkit.bullseye.product_totals`.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        Products ranked best first, top to bottom.
    """
    check_lang(lang)
    ranked = totals.sort_values("rank", kind="stable")
    present = [g for g in GROUPS if g in set(groups["group"])]
    wide = groups.pivot(index="product", columns="group", values="rate").loc[ranked["product"], present]
    n = len(ranked)
    fig, (heat, bars) = plt.subplots(
        1, 2, figsize=(9.2, 0.62 * n + 2.4), gridspec_kw={"width_ratios": [3.8, 1.1]}, sharey=True
    )
    cmap = LinearSegmentedColormap.from_list("fit", [_mix(_accent(), 0.06), to_rgb(_accent())])
    heat.imshow(wide.to_numpy(dtype=float), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(n):
        for j in range(len(present)):
            value = float(wide.iloc[i, j])
            heat.text(
                j,
                i,
                f"{value:.0%}",
                ha="center",
                va="center",
                fontsize=11,
                color="white" if value > 0.6 else "#222222",
            )
    heat.set_xticks(range(len(present)), [_wrap(t(f"bullseye.group.{g}", lang), 10) for g in present])
    heat.tick_params(axis="x", labelsize=9.5)
    labels = [f"{r}. {_wrap(str(p), 24)}" for r, p in zip(ranked["rank"], ranked["product"])]
    heat.set_yticks(range(n), labels)
    heat.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    heat.grid(False)
    for side in ("left", "bottom"):
        heat.spines[side].set_visible(False)
    heat.set_title(t("bullseye.chart.group_rates", lang))
    bars.barh(range(n), ranked["rate"], color=_accent())
    for i, rate in enumerate(ranked["rate"]):
        bars.text(rate + 0.02, i, f"{rate:.0%}", va="center", fontsize=11)
    bars.set_xlim(0, 1.25)
    bars.set_xticks([0, 0.5, 1], ["0%", "50%", "100%"])
    bars.grid(axis="y", visible=False)
    bars.set_title(_wrap(t("bullseye.chart.total_rate", lang), 22), fontsize=11)
    best = str(ranked["product"].iloc[0])
    fig.suptitle(_wrap(t("bullseye.chart.compare_title", lang, best=best), 80), x=0.01, ha="left")
    return fig


def textbook_chart(check: pd.DataFrame, lang: str = "en") -> Figure:
    """Printed rates against rates recomputed from the printed scores.

    Parameters
    ----------
    check : pandas.DataFrame
        Output of :func:`toolkit.bullseye.textbook_check`.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        Pairs of bars per group (and the total); groups whose printed rate
        is wrong are marked.
    """
    check_lang(lang)
    x = np.arange(len(check))
    fig, ax = plt.subplots(figsize=(10, 4.6))
    ax.bar(
        x - 0.2, check["printed_rate_pct"], width=0.4, color=_LIGHT, label=t("bullseye.chart.printed", lang)
    )
    ax.bar(x + 0.2, check["rate_pct"], width=0.4, color=_accent(), label=t("bullseye.chart.computed", lang))
    for i, row in enumerate(check.itertuples(index=False)):
        ax.text(i - 0.2, row.printed_rate_pct + 1.5, f"{row.printed_rate_pct:.0f}", ha="center", fontsize=9)
        ax.text(i + 0.2, row.rate_pct + 1.5, f"{row.rate_pct:.0f}", ha="center", fontsize=9)
        if not row.matches:
            ax.text(
                i,
                max(row.printed_rate_pct, row.rate_pct) + 9,
                "≠",
                ha="center",
                fontsize=15,
                color=_WARN,
                fontweight="bold",
            )
    ax.set_xticks(x, [_wrap(t(f"bullseye.group.{g}", lang), 12) for g in check["group"]])
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("bullseye.chart.rate", lang) + " (%)")
    ax.set_title(_wrap(t("bullseye.chart.textbook_title", lang), 80))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", ncol=2)
    return fig


def what_if_chart(
    whatif: pd.DataFrame,
    totals: pd.DataFrame,
    product: str | None = None,
    lang: str = "en",
    steps: int = 5,
) -> Figure:
    """The total now and after raising the weakest criteria one by one.

    Parameters
    ----------
    whatif : pandas.DataFrame
        Output of :func:`toolkit.bullseye.what_if`.
    totals : pandas.DataFrame
        Output of :func:`toolkit.bullseye.product_totals`.
    product : str, optional
        Which product; needed when the tables hold several.
    lang : {"en", "zh"}
        Label language.
    steps : int, default 5
        How many improvements to show.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    product = _pick_product(totals, product)
    now = totals.loc[totals["product"] == product].iloc[0]
    part = whatif[whatif["product"] == product].head(steps)
    target = int(part["target"].iloc[0]) if len(part) else SCORE_MAX
    labels = [t("bullseye.chart.now", lang)] + [
        f"+ {c} ({t(f'bullseye.group.{g}', lang)}) +{_fmt_points(gain)}"
        for c, g, gain in zip(part["criterion"], part["group"], part["gain"])
    ]
    values = [float(now["total"])] + list(part["cumulative_total"])
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(values) + 1.5))
    y = np.arange(len(values))[::-1]
    colours = [_LIGHT] + [_accent()] * (len(values) - 1)
    ax.barh(y, values, color=colours)
    possible = float(now["possible"])
    for yi, value in zip(y, values):
        ax.text(
            value + possible * 0.01,
            yi,
            f"{_fmt_points(value)}  ({value / possible:.0%})",
            va="center",
            fontsize=9.5,
        )
    ax.set_yticks(y, labels)
    ax.set_xlim(0, possible * 1.15)
    ax.set_xlabel(t("bullseye.chart.points", lang))
    ax.set_title(_wrap(t("bullseye.chart.whatif_title", lang, product=product, target=target), 70))
    ax.grid(axis="y", visible=False)
    return fig


def rater_chart(
    scores: pd.DataFrame,
    criterion_scores: pd.DataFrame,
    product: str | None = None,
    lang: str = "en",
) -> Figure:
    """Every rater's score of every criterion, with the mean and disagreements.

    Parameters
    ----------
    scores : pandas.DataFrame
        A validated scorecard (``Scorecard.scores``).
    criterion_scores : pandas.DataFrame
        Output of :func:`toolkit.bullseye.score_criteria`.
    product : str, optional
        Which product; needed when the tables hold several.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    matplotlib.figure.Figure
        One row per criterion; rows where raters disagree are shaded.
    """
    check_lang(lang)
    product = _pick_product(criterion_scores, product)
    part = criterion_scores[criterion_scores["product"] == product].reset_index(drop=True)
    own = scores[scores["product"] == product]
    ypos = {c: len(part) - 1 - i for i, c in enumerate(part["criterion"])}
    fig, ax = plt.subplots(figsize=(9, 0.27 * len(part) + 1.8))
    for c, flag in zip(part["criterion"], part["disagree"]):
        if flag:
            ax.axhspan(ypos[c] - 0.5, ypos[c] + 0.5, color=_mix(_WARN, 0.15), zorder=0)
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"][1:] or ["#e07b39"]
    for k, rater in enumerate(dict.fromkeys(own["rater"])):
        mine = own[own["rater"] == rater]
        ax.scatter(
            mine["score"],
            mine["criterion"].map(ypos),
            marker=markers[k % len(markers)],
            s=30,
            color=cycle[k % len(cycle)],
            label=rater or "—",
            zorder=3,
            alpha=0.85,
        )
    ax.scatter(
        part["score"],
        part["criterion"].map(ypos),
        marker="|",
        s=260,
        linewidths=2.5,
        color="#222222",
        label=t("bullseye.chart.mean", lang),
        zorder=4,
    )
    ax.set_yticks(list(ypos.values()), list(ypos.keys()))
    ax.set_ylim(-0.6, len(part) - 0.4)
    ax.set_xlim(-0.5, SCORE_MAX + 0.5)
    ax.set_xticks(range(0, SCORE_MAX + 1))
    ax.set_xlabel(t("bullseye.chart.points", lang))
    ax.set_title(_wrap(t("bullseye.chart.raters_title", lang, product=product), 70))
    handles, names = ax.get_legend_handles_labels()
    if part["disagree"].any():
        handles.append(Patch(color=_mix(_WARN, 0.15)))
        names.append(t("bullseye.chart.disagree", lang))
    fig.legend(handles, names, loc="outside lower center", ncol=min(len(names), 5), fontsize=9)
    return fig
