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

from toolkit.charts.style import style_params
from toolkit.data.transactions import TransactionData, load_transactions
from toolkit.errors import ParameterError, parameter_error
from toolkit.i18n import check_lang, t
from toolkit.report.branding import load_brand
from toolkit.report.safe_cells import excel_safe
from toolkit.report.tables import table_html

__all__ = ["Report", "EXEC_START", "EXEC_END", "to_jsonable"]

EXEC_START = "<!--pmkt-exec-summary-start-->"
EXEC_END = "<!--pmkt-exec-summary-end-->"


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
    """

    def __init__(self, lang: str = "en", brand: str = "", output_dir: str = "", name: str = "") -> None:
        self.lang = check_lang(lang)
        self.name = name
        self.brand = load_brand(brand)
        self.output_dir = Path(output_dir) if output_dir else None
        if self.output_dir:
            self.output_dir.mkdir(parents=True, exist_ok=True)
        self.findings: list[str] = []
        self.metrics: dict[str, Any] = {}
        self.files: list[str] = []
        self.data: TransactionData | None = None
        self.provenance: dict[str, Any] = {}
        self._started = time.perf_counter()
        # The chart style and display options hold while the report is open; finish()
        # (or leaving a ``with Report(...)`` block) restores what the process had before.
        self._settings = contextlib.ExitStack()
        self._settings.enter_context(matplotlib.rc_context(style_params(self.brand.accent)))
        self._settings.enter_context(pd.option_context("display.max_columns", 30))

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
        """Show a paragraph written with live numbers (escaped, may hold **bold**)."""
        body = html.escape(self.pick(en, zh))
        parts = body.split("**")
        body = "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))
        self._html(f'<p class="pmkt-text">{body}</p>')

    def _html(self, markup: str) -> None:
        from IPython.display import HTML

        _display(HTML(markup))

    # ----------------------------------------------------------------- data
    def load_transactions(
        self, data: str = "", columns: Any = None, as_of: str = "", rules: Mapping[str, str] | None = None
    ) -> TransactionData:
        """Load transactions (see :func:`toolkit.data.load_transactions`) and record provenance."""
        self.data = load_transactions(data, columns=columns, as_of=as_of, rules=rules)
        self.record_source(self.data.provenance())
        self.metrics["data_quality"] = self.data.quality.counts()
        return self.data

    def record_source(self, provenance: Mapping[str, Any]) -> None:
        """Record where the data came from (for notebooks that read other inputs)."""
        self.provenance.update(to_jsonable(dict(provenance)))

    def quality_table(self, quality: Any = None) -> pd.DataFrame:
        """Show the data-quality table (rule, rows matching, removed, share, action)."""
        quality = quality or (self.data.quality if self.data else None)
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
    ) -> None:
        """Show a table and, when ``name`` is given, write ``name.csv``.

        The CSV keeps the canonical column names and every row, with text
        that Excel could run as a formula prefixed by ``'`` (see
        :mod:`toolkit.report.safe_cells`); the shown table translates
        headers and is cut at ``max_rows``.
        """
        if caption_key:
            caption = self.t(caption_key)
        if name and self.output_dir:
            path = self.output_dir / f"{name}.csv"
            excel_safe(frame).to_csv(path, index=index, encoding="utf-8-sig")
            self.files.append(path.name)
        if show:
            note = self.t("report.label.table_cut", shown=min(max_rows, len(frame)), total=len(frame))
            if name and self.output_dir:
                note += " " + self.t("report.label.all_rows_in", file=f"{name}.csv")
            self._html(
                table_html(
                    frame,
                    self.lang,
                    caption=caption,
                    percent=percent,
                    decimals=decimals,
                    headers=headers,
                    max_rows=max_rows,
                    index=index,
                    total_note=note,
                )
            )

    def figure(self, fig: Any, name: str | None = None) -> None:
        """Show a matplotlib figure as an embedded PNG (and save ``name.png``)."""
        import matplotlib.pyplot as plt
        from IPython.display import Image

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
        png = buffer.getvalue()
        if name and self.output_dir:
            (self.output_dir / f"{name}.png").write_bytes(png)
            self.files.append(f"{name}.png")
        _display(Image(data=png))

    def metric(self, key: str, value: Any) -> Any:
        """Record a key figure for summary.json; returns the value."""
        self.metrics[key] = to_jsonable(value)
        return value

    def finding(self, text: str | None = None, *, en: str | None = None, zh: str | None = None) -> None:
        """Record a key finding for the executive summary (give real numbers)."""
        chosen = text if text is not None else self.pick(en or "", zh or "")
        if not chosen:
            raise parameter_error(f"{self.lang} text of the finding", "non-empty text", chosen)
        self.findings.append(chosen)

    # --------------------------------------------------------------- finish
    def summary(self) -> dict[str, Any]:
        """The content of summary.json."""
        return {
            "notebook": self.name,
            "lang": self.lang,
            "findings": list(self.findings),
            "metrics": to_jsonable(self.metrics),
            "provenance": self.provenance,
            "files": sorted(set(self.files)),
            "notebook_seconds": round(time.perf_counter() - self._started, 2),
        }

    def finish(self) -> dict[str, Any]:
        """Show the executive summary, write summary.json and restore the global settings."""
        items = (
            "".join(f"<li>{html.escape(f)}</li>" for f in self.findings)
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
