"""One look for every chart, in English and Chinese.

Chinese labels need a font with CJK glyphs. We register Noto Sans CJK SC,
which the ``mplfonts`` package ships, so charts render the same on a fresh
machine as on a trainer's laptop, without system fonts. The font covers
Latin text too, so both languages share it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter

__all__ = [
    "DEFAULT_ACCENT",
    "apply_style",
    "style_params",
    "chart_font_family",
    "money_formatter",
    "palette",
    "register_cjk_font",
    "short_money",
]

DEFAULT_ACCENT = "#1f5f8b"
_BASE_PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def register_cjk_font() -> str | None:
    """Register the bundled CJK font with matplotlib and return its family name.

    Returns ``None`` when ``mplfonts`` is not installed (charts then fall
    back to system fonts).
    """
    try:
        import mplfonts
    except ImportError:
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    if not path.exists():
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def chart_font_family() -> list[str]:
    """Font families for charts, the CJK-capable one first."""
    cjk = register_cjk_font()
    return ([cjk] if cjk else []) + ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "DejaVu Sans"]


def palette(accent: str | None = None) -> list[str]:
    """The colour cycle: the brand accent first, then the base palette."""
    accent = accent or DEFAULT_ACCENT
    return [accent] + [c for c in _BASE_PALETTE if c.lower() != accent.lower()]


def style_params(accent: str | None = None) -> dict[Any, Any]:
    """The matplotlib settings of report charts, to apply or to use in a context.

    Parameters
    ----------
    accent : str, optional
        Brand colour (hex) used first in every chart.

    Returns
    -------
    dict
        rcParams keys and values; :class:`toolkit.report.Report` applies them
        with ``matplotlib.rc_context`` so they last only while it is open.
    """
    return dict(
        {
            "font.family": "sans-serif",
            "font.sans-serif": chart_font_family(),
            "axes.unicode_minus": False,  # CJK fonts have no U+2212 minus glyph
            "figure.figsize": (8.0, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "font.size": 10.5,
            "axes.titlesize": 12.5,
            "axes.titleweight": "bold",
            "axes.labelsize": 10.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#e6e6e6",
            "grid.linewidth": 0.8,
            "axes.axisbelow": True,
            "axes.prop_cycle": cycler(color=palette(accent)),
            "legend.frameon": False,
            "figure.constrained_layout.use": True,
        }
    )


def apply_style(accent: str | None = None) -> None:
    """Set matplotlib's defaults to the report style for the rest of the process.

    For scripts and tests that draw charts outside a report; a
    :class:`toolkit.report.Report` applies the same settings only while it is
    open and restores the previous ones when it finishes.

    Parameters
    ----------
    accent : str, optional
        Brand colour (hex) used first in every chart.
    """
    plt.rcParams.update(style_params(accent))


def short_money(value: float, lang: str = "en") -> str:
    """A compact amount for chart labels and captions, with three significant digits.

    English uses k, M and B (1.25k, 12.8M); Chinese uses 万 and 亿 (1,280万,
    1.8亿) and never k. Amounts below 1,000 (below 10,000 in Chinese) are
    written in full, rounded to whole units.

    Parameters
    ----------
    value : float
        The amount.
    lang : {"en", "zh"}, default "en"
        Language of the unit words.

    Returns
    -------
    str
        For example ``"12.8M"``, ``"1.25k"``, ``"-342"``, ``"1.8亿"``.
    """

    def scaled(x: float) -> str:
        if abs(x) >= 100:
            return f"{x:,.0f}"
        return f"{x:,.2f}".rstrip("0").rstrip(".")

    value = float(value)
    size = abs(value)
    if lang == "zh":
        if size >= 1e8:
            return scaled(value / 1e8) + "亿"
        if size >= 1e4:
            return scaled(value / 1e4) + "万"
        return f"{value:,.0f}"
    for unit, word in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= unit:
            return scaled(value / unit) + word
    return f"{value:,.0f}"


def money_formatter(lang: str) -> FuncFormatter:
    """Axis tick labels through :func:`short_money`."""
    return FuncFormatter(lambda value, _pos: short_money(value, lang))
