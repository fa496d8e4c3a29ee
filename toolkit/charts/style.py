"""One look for every chart, in English and Chinese.

Chinese labels need a font with CJK glyphs. We register Noto Sans CJK SC,
which the ``mplfonts`` package ships, so charts render the same on a fresh
machine as on a trainer's laptop, without system fonts. The font covers
Latin text too, so both languages share it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib import font_manager
from matplotlib.ticker import Formatter

__all__ = [
    "DEFAULT_ACCENT",
    "apply_style",
    "style_params",
    "chart_font_family",
    "current_currency",
    "money_formatter",
    "money_label",
    "percent_formatter",
    "use_currency",
    "AxisFormatter",
    "palette",
    "register_cjk_font",
    "short_money",
]

DEFAULT_ACCENT = "#1f5f8b"
#: After the brand accent, the Okabe-Ito colours, which stay distinct for the common
#: forms of colour blindness (Okabe and Ito, "Color Universal Design", 2008)
_BASE_PALETTE = ["#1f5f8b", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#999999"]
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
    """A compact amount for chart labels, e.g. ``"12.8M"``, ``"1.8亿"``, ``"-342"``.

    :func:`toolkit.i18n.numbers.short_number` with an ASCII minus, which the
    chart font draws.
    """
    from toolkit.i18n.numbers import MINUS, short_number

    return short_number(value, lang).replace(MINUS, "-")


_CURRENCY: contextvars.ContextVar[str] = contextvars.ContextVar("pmkt_currency", default="")


def current_currency() -> str:
    """The currency of the report being drawn (ISO code), or "" outside a report."""
    return _CURRENCY.get()


@contextlib.contextmanager
def use_currency(code: str) -> Iterator[None]:
    """Draw money charts in ``code`` while the block runs (a report sets its own currency)."""
    token = _CURRENCY.set(code or "")
    try:
        yield
    finally:
        _CURRENCY.reset(token)


def money_label(text: str, lang: str, currency: str | None = None) -> str:
    """An axis or colour-bar label with the currency: "Revenue (GBP)" / "销售额（英镑）"."""
    from toolkit.i18n.numbers import with_currency

    return with_currency(text, current_currency() if currency is None else currency, lang)


def _decimals_for(step: float) -> int:
    """Decimals needed to write every multiple of ``step`` exactly (0.25 -> 2, 2.5 -> 1)."""
    if step <= 0 or not math.isfinite(step):
        return 0
    for decimals in range(0, 7):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, abs(scaled)):
            return decimals
    return 6


class AxisFormatter(Formatter):
    """Tick labels that are exact and distinct, with one unit for the whole axis.

    The unit (none, k/m/bn in English, 万/亿 in Chinese) is chosen from the
    largest tick, and the decimals from the step between ticks, so a 2.5%
    grid reads 2.5%, 5.0%, 7.5% and a Chinese money axis reads 0.5万, 1.0万,
    1.5万, never "5k, 1万, 2万, 2万".

    Parameters
    ----------
    kind : {"number", "money", "percent"}
        Percent ticks are shares in [0, 1].
    lang : {"en", "zh"}
    currency : str, optional
        Money ticks show the currency symbol when given (the axis label
        names the currency otherwise).
    """

    def __init__(self, kind: str = "number", lang: str = "en", currency: str | None = None) -> None:
        self.kind = kind
        self.lang = lang
        self.currency = currency
        self._scale: tuple[float, str, int] = (1.0, "", 0)

    def _plan(self, values: Sequence[float]) -> tuple[float, str, int]:
        finite = sorted({float(v) for v in values if math.isfinite(float(v))})
        factor = 100.0 if self.kind == "percent" else 1.0
        top = max((abs(v) * factor for v in finite), default=0.0)
        scale, suffix = 1.0, ""
        if self.kind != "percent":
            steps = ((1e8, "亿"), (1e4, "万")) if self.lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "k"))
            for size, word in steps:
                if top >= size:
                    scale, suffix = size, word
                    break
        gaps = [b - a for a, b in zip(finite, finite[1:])]
        step = min(gaps) * factor / scale if gaps else 0.0
        return scale, suffix, _decimals_for(step)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """Labels for all ticks of an axis, sharing one unit and one number of decimals."""
        self._scale = self._plan(values)
        return [self(v) for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        """One tick label, with the unit chosen by the last :meth:`format_ticks`."""
        scale, suffix, decimals = self._scale
        if float(x) == 0:
            return "0%" if self.kind == "percent" else "0"
        value = float(x) * (100.0 if self.kind == "percent" else 1.0)
        text = f"{abs(value) / scale:,.{decimals}f}"
        sign = "-" if value < 0 and text.strip("0.,") else ""
        if self.kind == "percent":
            return f"{sign}{text}%"
        symbol = ""
        if self.kind == "money" and self.currency:
            from toolkit.i18n.numbers import CURRENCIES

            symbol = CURRENCIES.get(self.currency.upper(), (self.currency.upper() + " ",))[0]
        return f"{sign}{symbol}{text}{suffix}"


def money_formatter(lang: str, currency: str | None = None) -> AxisFormatter:
    """Money tick labels: one unit per axis, exact decimals (see :class:`AxisFormatter`).

    The ticks carry no symbol; label the axis with :func:`money_label`, which
    names the report's currency.
    """
    return AxisFormatter("money", lang, None if currency is None else currency)


def percent_formatter(lang: str = "en") -> AxisFormatter:
    """Percentage tick labels for shares in [0, 1], decimals from the tick step."""
    return AxisFormatter("percent", lang)
