"""Charts: one module per topic, each function returning a matplotlib Figure.

:mod:`toolkit.charts.style` sets the fonts (with Chinese glyphs), sizes and
palette every chart shares.
"""

from toolkit.charts.style import apply_style, chart_font_family, palette

__all__ = ["apply_style", "chart_font_family", "palette"]
