"""The ``Report`` object a notebook uses to show results and record them.

A notebook creates one ``Report`` after its parameters cell. Through it the
notebook shows tables and charts in the report language, writes result
tables (CSV, UTF-8 with BOM so Excel opens Chinese correctly), records key
figures and findings, and finally writes ``summary.json``. The HTML export
later moves the executive summary to the top of the report.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd

from toolkit.charts.style import style_params, use_currency
from toolkit.data.transactions import TransactionData, load_transactions
from toolkit.errors import ParameterError, parameter_error
from toolkit.i18n import check_lang, has, numbers, t
from toolkit.report.branding import load_brand
from toolkit.report.marks import DATA_CLOSE, DATA_OPEN, mark_data, plain_text, prose_html
from toolkit.report.safe_cells import excel_safe
from toolkit.report.tables import table_html

__all__ = ["Report", "EXEC_START", "EXEC_END", "DATA_OPEN", "DATA_CLOSE", "mark_data", "to_jsonable"]

EXEC_START = "<!--pmkt-exec-summary-start-->"
EXEC_END = "<!--pmkt-exec-summary-end-->"
#: Phone screens show a chart at least this wide (CSS px, scrolling sideways inside its
#: box); chart text is raised so that it is still MIN_CHART_TEXT_PX there
PHONE_CHART_PX = 600
MIN_CHART_TEXT_PX = 9.0


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # plain Python: nothing to show
        return
    display(obj)


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers into JSON types."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


class Report:
    """Collects a notebook's results and shows them in the report language.

    Parameters
    ----------
    lang : {"en", "zh"}
        Report language.
    brand : str, optional
        Path of a branding YAML file (accent colour for charts).
    output_dir : str, optional
        Folder for result files; empty = write nothing.
    name : str
        The notebook's name, for summary.json.
    currency : str, optional
        ISO code of the money amounts (the ``currency`` parameter); empty
        means the brand file's currency, else ``default_currency``.
    default_currency : str, optional
        The bundled dataset's currency (see
        :data:`toolkit.data.datasets.DATASET_CURRENCY`), given by the notebook
        when it runs on bundled data; empty on the user's data.
    """

    def __init__(
        self,
        lang: str = "en",
        brand: str = "",
        output_dir: str = "",
        name: str = "",
        currency: str = "",
        default_currency: str = "",
    ) -> None:
        self.lang = check_lang(lang)
        self.name = name
        self.brand = load_brand(brand)
        self.currency = (
            numbers.check_currency(currency)
            or self.brand.currency
            or numbers.check_currency(default_currency)
        )
        self._exhibits = {"figure": 0, "table": 0}
        self.money_shown = False
        self.output_dir = Path(output_dir) if output_dir else None
        if self.output_dir:
            self.output_dir.mkdir(parents=True, exist_ok=True)
        self.findings: list[str] = []
        self.metrics: dict[str, Any] = {}
        self.files: list[str] = []
        self.transactions: TransactionData | None = None
        self.provenance: dict[str, Any] = {}
        self._started = time.perf_counter()
        # The chart style and display options hold while the report is open; finish()
        # (or leaving a ``with Report(...)`` block) restores what the process had before.
        self._settings = contextlib.ExitStack()
        self._settings.enter_context(matplotlib.rc_context(style_params(self.brand.accent)))
        self._settings.enter_context(pd.option_context("display.max_columns", 30))
        self._settings.enter_context(use_currency(self.currency))
        self._settings.enter_context(_quiet_font_fallback())
        self.metrics["currency"] = self.currency or None

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Restore the matplotlib and pandas settings the report changed (also done by finish)."""
        self._settings.close()

    # ----------------------------------------------------------------- text
    def t(self, key: str, **fmt: Any) -> str:
        """Translate a catalogue key into the report language."""
        return t(key, self.lang, **fmt)

    def pick(self, en: str, zh: str) -> str:
        """Choose between an English and a Chinese text."""
        return zh if self.lang == "zh" else en

    def text(self, en: str = "", zh: str = "") -> None:
        """Show a paragraph written with live numbers (escaped, may hold **bold** and data values)."""
        self._html(f'<p class="pmkt-text">{prose_html(self.pick(en, zh))}</p>')

    def note(self, en: str = "", zh: str = "") -> None:
        """Show a visible callout, e.g. that a section rests on bundled data."""
        self._html(f'<aside class="pmkt-note">{prose_html(self.pick(en, zh))}</aside>')

    def source_note(self, source: str) -> None:
        """Say visibly that the section below rests on a bundled source, not the user's data.

        ``source`` is one of :data:`toolkit.report.illustrative.SOURCES`.
        """
        from toolkit.report.illustrative import source_label

        text = self.t("report.label.section_source", label=source_label(source, self.lang))
        self.note(en=text, zh=text)

    def data(self, value: Any) -> str:
        """Mark a data value (product, country, customer id) in prose."""
        return mark_data(value)

    # -------------------------------------------------------------- numbers
    def money(self, value: Any, decimals: int = 0, short: bool = False, currency: str | None = None) -> str:
        """A money amount in the report's currency (or ``currency``), e.g. ``£1,234``."""
        code = self.currency if currency is None else numbers.check_currency(currency)
        self.money_shown = True
        return numbers.money(value, code, self.lang, decimals=decimals, short=short)

    def number(self, value: Any, decimals: int = 0) -> str:
        """A number with thousands separators and a true minus sign."""
        return numbers.number(value, self.lang, decimals)

    def count(self, value: Any) -> str:
        """A whole number with thousands separators."""
        return numbers.count(value, self.lang)

    def percent(self, share: Any, decimals: int = 0) -> str:
        """A share in [0, 1] as a percentage."""
        return numbers.percent(share, self.lang, decimals)

    def points(self, difference: Any, decimals: int = 1) -> str:
        """A difference of two shares in percentage points ("0.5 pp" / "0.5 个百分点")."""
        return numbers.points(difference, self.lang, decimals)

    def date(self, value: Any) -> str:
        """A date in the report language's one style."""
        return numbers.date(value, self.lang)

    def month(self, value: Any) -> str:
        """A month in the report language's one style."""
        return numbers.month(value, self.lang)

    def span(self, low: str, high: str) -> str:
        """Two formatted values as a range, with the one range separator."""
        return numbers.span(low, high, self.lang)

    def p_value(self, p: Any) -> str:
        """A p-value, "< 0.001" below 0.001."""
        return numbers.p_value(p, self.lang)

    def join(self, items: Iterable[Any]) -> str:
        """Items as a list in prose ("a, b and c" / "a、b和c")."""
        return numbers.join(items, self.lang)

    def with_currency(self, label: str, currency: str | None = None) -> str:
        """A header or label with the report's currency, e.g. "Revenue (GBP)"."""
        self.money_shown = True
        return numbers.with_currency(label, self.currency if currency is None else currency, self.lang)

    def _html(self, markup: str) -> None:
        from IPython.display import HTML

        _display(HTML(markup))

    # ----------------------------------------------------------------- data
    def load_transactions(
        self, data: str = "", columns: Any = None, as_of: str = "", rules: Mapping[str, str] | None = None
    ) -> TransactionData:
        """Load transactions (see :func:`toolkit.data.load_transactions`) and record provenance."""
        self.transactions = load_transactions(data, columns=columns, as_of=as_of, rules=rules)
        self.record_source(self.transactions.provenance())
        self.metrics["data_quality"] = self.transactions.quality.counts()
        return self.transactions

    def record_source(self, provenance: Mapping[str, Any]) -> None:
        """Record where the data came from (for notebooks that read other inputs)."""
        self.provenance.update(to_jsonable(dict(provenance)))

    def quality_table(self, quality: Any = None) -> pd.DataFrame:
        """Show the data-quality table (rule, rows matching, removed, share, action)."""
        quality = quality or (self.transactions.quality if self.transactions else None)
        if quality is None:
            raise ParameterError(
                "The data-quality table needs loaded data. Call rpt.load_transactions(...) first, "
                "or pass the quality record as 'quality'."
            )
        table = quality.table(self.lang)
        self.table(
            table,
            "data_quality",
            caption=self.t("report.heading.data_quality"),
            percent=["share_removed"],
            decimals={"share_removed": 2},
        )
        return table

    # --------------------------------------------------------------- output
    def table(
        self,
        frame: pd.DataFrame,
        name: str | None = None,
        *,
        caption: str | None = None,
        caption_key: str | None = None,
        percent: Iterable[str] | None = None,
        decimals: Mapping[str, int] | None = None,
        headers: Mapping[str, str] | None = None,
        max_rows: int = 25,
        index: bool = False,
        show: bool = True,
        money: Iterable[str] | None = None,
        currency: str | None = None,
        source: str | None = None,
    ) -> None:
        """Show a table and, when ``name`` is given, write ``name.csv``.

        The CSV keeps the canonical column names and every row, with text
        that Excel could run as a formula prefixed by ``'`` (see
        :mod:`toolkit.report.safe_cells`); the shown table translates
        headers, names the currency of money columns (``money``, by default
        detected by name), is numbered and cut at ``max_rows``.
        """
        if caption_key:
            caption = self.t(caption_key)
        if name and self.output_dir:
            path = self.output_dir / f"{name}.csv"
            excel_safe(frame).to_csv(path, index=index, encoding="utf-8-sig")
            self.files.append(path.name)
        if show:
            from toolkit.report.tables import is_money_column

            money_cols = (
                list(money) if money is not None else [c for c in frame.columns if is_money_column(c)]
            )
            self.money_shown = self.money_shown or bool(money_cols)
            self._exhibits["table"] += 1
            number = exhibit_number(self.t("report.label.table_number", number=self._exhibits["table"]))
            note = self.t("report.label.table_cut", shown=min(max_rows, len(frame)), total=len(frame))
            if name and self.output_dir:
                note += " " + self.t("report.label.all_rows_in_download")
            self._html(
                table_html(
                    frame,
                    self.lang,
                    caption=caption,
                    number_html=number,
                    percent=percent,
                    decimals=decimals,
                    headers=headers,
                    max_rows=max_rows,
                    index=index,
                    total_note=note,
                    money=money_cols,
                    currency=self.currency if currency is None else numbers.check_currency(currency),
                )
                + self._source_line(source)
            )

    def _source_line(self, source: str | None) -> str:
        """The source line under an exhibit: a bundled source's label, or the data file's name."""
        from toolkit.report.illustrative import SOURCES, source_label

        if source in SOURCES:
            text = source_label(str(source), self.lang)
        elif source:
            text = str(source)
        else:
            where = str(self.provenance.get("input") or "")
            if not where:
                return ""
            if where.startswith("bundled:"):
                key = f"report.source.{where.split(':', 1)[1]}"
                text = self.t(key) if has(key) else self.t("report.source.bundled")
            else:
                text = mark_data(self.provenance.get("input_name") or Path(where).name)
        label = self.t("report.label.source")
        return f'<p class="pmkt-source">{html.escape(label)}{prose_html(text)}</p>'

    def figure(
        self, fig: Any, name: str | None = None, *, alt: str | None = None, source: str | None = None
    ) -> None:
        """Show a matplotlib figure as a numbered exhibit (and save ``name.png``).

        Text smaller than a phone can read is raised first (see
        :func:`readable_text`). The chart's title is the exhibit's title and
        its alt text unless ``alt`` is given; ``source`` names a bundled source
        (:data:`toolkit.report.illustrative.SOURCES`) or is free text, and by
        default the report's data is named.
        """
        import base64

        import matplotlib.pyplot as plt

        title = alt or chart_title(fig) or self.t("report.label.chart")
        min_pt = readable_text(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        dpi = (
            float(matplotlib.rcParams["savefig.dpi"])
            if matplotlib.rcParams["savefig.dpi"] != "figure"
            else fig.dpi
        )
        plt.close(fig)
        png = buffer.getvalue()
        if name and self.output_dir:
            (self.output_dir / f"{name}.png").write_bytes(png)
            self.files.append(f"{name}.png")
        width = int.from_bytes(png[16:20], "big")
        self._exhibits["figure"] += 1
        number = exhibit_number(self.t("report.label.figure_number", number=self._exhibits["figure"]))
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        self._html(
            f'<figure class="pmkt-figure"><figcaption>{number} {prose_html(title)}</figcaption>'
            f'<div class="pmkt-figure-box"><img src="{uri}" alt="{html.escape(plain_text(title), quote=True)}" '
            f'width="{round(width * 100 / dpi)}" data-png-width="{width}" '
            f'data-min-text-px="{min_pt * dpi / 72:.2f}"></div>'
            f"{self._source_line(source)}</figure>"
        )

    def metric(self, key: str, value: Any) -> Any:
        """Record a key figure for summary.json; returns the value."""
        self.metrics[key] = to_jsonable(value)
        return value

    def finding(self, text: str | None = None, *, en: str | None = None, zh: str | None = None) -> None:
        """Record a key finding for the executive summary (give real numbers)."""
        chosen = text if text is not None else self.pick(en or "", zh or "")
        if not plain_text(chosen).strip():
            raise parameter_error(f"{self.lang} text of the finding", "non-empty text", chosen)
        self.findings.append(chosen)

    # --------------------------------------------------------------- finish
    def summary(self) -> dict[str, Any]:
        """The content of summary.json."""
        return {
            "notebook": self.name,
            "lang": self.lang,
            "findings": [plain_text(f) for f in self.findings],
            "metrics": to_jsonable(self.metrics),
            "provenance": self.provenance,
            "files": sorted(set(self.files)),
            "money_shown": self.money_shown,
            "notebook_seconds": round(time.perf_counter() - self._started, 2),
        }

    def finish(self) -> dict[str, Any]:
        """Show the executive summary, write summary.json and restore the global settings."""
        items = (
            "".join(f"<li>{prose_html(f)}</li>" for f in self.findings)
            or f"<li>{html.escape(self.t('report.label.no_findings'))}</li>"
        )
        self._html(
            f'{EXEC_START}<section class="pmkt-exec-summary"><h2>{html.escape(self.t("report.heading.executive_summary"))}'
            f"</h2><ul>{items}</ul></section>{EXEC_END}"
        )
        summary = self.summary()
        if self.output_dir:
            (self.output_dir / "summary.json").write_text(
                json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
            )
        self.close()
        return summary


@contextlib.contextmanager
def _quiet_font_fallback() -> Any:
    """Silence matplotlib's "Failed to find font weight bold" notice while a report draws.

    The bundled CJK font has one weight, so bold titles fall back to it; the
    notice would otherwise reach the console of every Chinese run.
    """
    import logging

    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def exhibit_number(text: str) -> str:
    """An exhibit's number ("Figure 3.", "表 2") in the span the export renumbers.

    Cells that only the course editions show still run in the report, so the
    export numbers the exhibits the report keeps again, in order.
    """
    return f'<span class="pmkt-exhibit-number">{html.escape(text)}</span>'


def chart_title(fig: Any) -> str:
    """A figure's title: its suptitle, else the first axes title ("" when it has none)."""
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        return " ".join(suptitle.get_text().split())
    for ax in fig.get_axes():
        for loc in ("center", "left", "right"):
            text = ax.get_title(loc=loc).strip()
            if text:
                return " ".join(text.split())
    return ""


def readable_text(fig: Any) -> float:
    """Raise every text of a figure to the size a phone can read; return the smallest size (pt).

    On a phone a chart is shown :data:`PHONE_CHART_PX` wide, so text of ``s``
    points on a figure ``w`` inches wide appears at ``s × 600 / (72 × w)`` px
    (the resolution cancels out). Text below :data:`MIN_CHART_TEXT_PX` there
    is raised to it.
    """
    from matplotlib.text import Text

    width_in = float(fig.get_size_inches()[0])
    # 10% to spare: a tight bounding box can make the saved image a little wider than the figure
    floor = 1.1 * MIN_CHART_TEXT_PX * 72 * width_in / PHONE_CHART_PX
    smallest = float("inf")
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if text.get_fontsize() < floor:
            text.set_fontsize(floor)
        smallest = min(smallest, float(text.get_fontsize()))
    return smallest if smallest != float("inf") else floor
