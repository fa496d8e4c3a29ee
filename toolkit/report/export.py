"""Turn an executed notebook into a client-ready, self-contained HTML report.

The export runs in-process with nbconvert (no new process per report). It
keeps the outputs and the report language's narrative, and drops code,
papermill's injected parameters, the other language, course-only cells and
stray stderr output (which the runner reports on the console instead). It
then wraps the body in our page: branded header, table of contents,
executive summary on top, and an appendix with parameters and provenance.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat

from toolkit.i18n import t
from toolkit.report.branding import Brand
from toolkit.report.editions import in_edition
from toolkit.report.notebook import EXEC_END, EXEC_START

__all__ = [
    "READING_FLAGS",
    "READING_KEYS",
    "options_as_flags",
    "prepare_notebook",
    "render_html",
    "renumber_exhibits",
    "export_report",
    "library_versions",
]

#: Cells no edition shows as output: the parameters and papermill's injected copy
REMOVED_TAGS = {"injected-parameters", "parameters", "remove"}
_CSS_PATH = Path(__file__).with_name("report.css")


def library_versions() -> dict[str, str]:
    """Versions of the toolkit and the libraries behind a report."""
    names = [
        "jingzhun-pmkt",
        "pandas",
        "numpy",
        "statsmodels",
        "seaborn",
        "matplotlib",
        "duckdb",
        "papermill",
        "nbconvert",
    ]
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    import platform

    versions["python"] = platform.python_version()
    return versions


def prepare_notebook(nb: nbformat.NotebookNode, lang: str) -> tuple[nbformat.NotebookNode, list[str]]:
    """Keep only what a client should see, for the report language.

    Returns
    -------
    notebook : NotebookNode
        A filtered copy.
    stderr : list of str
        Text the notebook wrote to stderr (warnings), for the console.
    """
    other = {f"lang-{code}" for code in ("en", "zh") if code != lang}
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    kept, stderr = [], []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVED_TAGS or tags & other or not in_edition(tags, "report"):
            continue
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    stderr.append(out.get("text", ""))
                    continue
                outputs.append(out)
            cell.outputs = outputs
            if not outputs:
                continue
        kept.append(cell)
    nb.cells = kept
    return nb, stderr


def _body_html(nb: nbformat.NotebookNode) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link" href="#[^"]*">¶</a>', "", body)
    body = re.sub(r"<h1[^>]*>.*?</h1>", "", body, flags=re.S)
    return body


_EXHIBIT = re.compile(r'<span class="pmkt-exhibit-number">(\D*?)\d+(\D*?)</span>')


def renumber_exhibits(body: str) -> str:
    """Number the figures and the tables the report keeps 1, 2, 3 ... in order of appearance."""
    counters: dict[str, int] = {}

    def next_number(match: re.Match[str]) -> str:
        kind = match.group(1)
        counters[kind] = counters.get(kind, 0) + 1
        return f'<span class="pmkt-exhibit-number">{kind}{counters[kind]}{match.group(2)}</span>'

    return _EXHIBIT.sub(next_number, body)


def _extract_summary(body: str) -> tuple[str, str]:
    start, end = body.find(EXEC_START), body.find(EXEC_END)
    if start == -1 or end == -1:
        return body, ""
    summary = body[start + len(EXEC_START) : end]
    return body[:start] + body[end + len(EXEC_END) :], summary


def _toc(body: str) -> str:
    items = []
    for level, anchor, text in re.findall(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', body, flags=re.S):
        label = re.sub(r"<[^>]+>", "", text).strip()
        items.append(
            f'<li class="toc-h{level}"><a href="#{html.escape(anchor, quote=True)}">{label}</a></li>'
        )
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def _kv_table(rows: list[tuple[str, str]], lang: str, head: tuple[str, str] | None = None) -> str:
    """A two-column table of (label HTML, value HTML) rows."""
    first, second = head or (t("report.label.item", lang), t("report.label.value", lang))
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<div class="pmkt-table-wrap"><table class="pmkt-table pmkt-kv"><thead><tr><th>{html.escape(first)}</th>'
        f"<th>{html.escape(second)}</th></tr></thead><tbody>{cells}</tbody></table></div>"
    )


READING_KEYS = ("encoding", "delimiter", "formats", "options")
#: The command-line option of each reading option (they travel in the column mapping)
READING_FLAGS = {
    "decimal": "--decimal",
    "date_format": "--date-format",
    "dayfirst": "--dayfirst",
    "non_merchandise": "--non-merchandise",
}


def options_as_flags(options: Mapping[str, Any]) -> str:
    """Reading options written as the command-line options that give them, e.g. ``--dayfirst yes``."""
    words = []
    for key, value in options.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        words.append(f"{READING_FLAGS.get(key, key)} {value}")
    return " ".join(words)


def _meta_items(brand: Brand, lang: str, generated: _dt.datetime, provenance: Mapping[str, Any]) -> list[str]:
    """Client, author, report date, data period and version, each as text."""
    from toolkit import __version__
    from toolkit.i18n import numbers

    items = []
    if brand.client:
        items.append(t("report.label.prepared_for", lang, client=brand.client))
    if brand.author:
        items.append(t("report.label.prepared_by", lang, author=brand.author))
    items.append(t("report.label.report_date", lang, date=numbers.date(generated, lang)))
    period = provenance.get("period")
    if isinstance(period, (list, tuple)) and len(period) == 2 and all(period):
        items.append(
            t(
                "report.label.period",
                lang,
                start=numbers.date(period[0], lang),
                end=numbers.date(period[1], lang),
            )
        )
    items.append(t("report.label.version", lang, version=brand.version or __version__))
    return items


def render_html(
    body: str,
    *,
    lang: str,
    title: str,
    description: str,
    brand: Brand,
    parameters: Mapping[str, Any],
    provenance: Mapping[str, Any],
    run_seconds: float | None,
    generated: _dt.datetime | None = None,
    defaults: Mapping[str, Any] | None = None,
    links: Mapping[str, str] | None = None,
    downloads: list[tuple[str, str]] | None = None,
    currency: str | None = "",
) -> str:
    """Wrap a report body in the branded page with summary, contents and appendix.

    Parameters
    ----------
    body : str
        The notebook's exported HTML.
    lang : {"en", "zh"}
    title, description : str
        The report's title and one-line description in ``lang``.
    brand : Brand
    parameters : dict
        Every parameter with the value in force.
    provenance : dict
        The ``provenance`` of summary.json.
    run_seconds : float, optional
    generated : datetime, optional
        The report date (default: now).
    defaults : dict, optional
        Each parameter's default, so the appendix marks values left at it.
    links : dict, optional
        ``index`` and ``other_lang``: relative links to the index page and to
        the same report in the other language.
    downloads : list of (label, href), optional
        The result files to link in the appendix.
    currency : str, optional
        The report's currency; ``None`` or "" on the user's data without
        one makes the page say so.
    """
    from toolkit.report import appendix

    body, summary = _extract_summary(renumber_exhibits(body))
    generated = generated or _dt.datetime.now()
    esc = html.escape
    css = _CSS_PATH.read_text(encoding="utf-8").replace("--accent: #1f5f8b", f"--accent: {brand.accent}")
    header_bits = []
    if brand.logo_data_uri:
        header_bits.append(f'<img class="logo" src="{brand.logo_data_uri}" alt="{esc(brand.company)}">')
    if brand.company:
        header_bits.append(f'<div class="company">{esc(brand.company)}</div>')
    meta = _meta_items(brand, lang, generated, provenance)
    meta_html = " · ".join(esc(m) for m in meta)
    confidentiality = (
        f'<div class="confidential">{esc(brand.confidentiality)}</div>' if brand.confidentiality else ""
    )
    nav = ""
    if links:
        parts = []
        if links.get("index"):
            parts.append(
                f'<a href="{esc(links["index"], quote=True)}">{esc(t("report.label.index", lang))}</a>'
            )
        if links.get("other_lang"):
            other = "en" if lang == "zh" else "zh-CN"
            parts.append(
                f'<a href="{esc(links["other_lang"], quote=True)}" hreflang="{other}" lang="{other}">'
                f"{esc(t('report.label.other_lang', lang))}</a>"
            )
        nav = f'<nav class="pmkt-links">{" · ".join(parts)}</nav>'
    no_currency = (
        f'<aside class="pmkt-note pmkt-no-currency">{esc(t("report.label.no_currency", lang))}</aside>'
        if currency is not None and not currency
        else ""
    )
    shown = dict(parameters)
    if "currency" in shown and not shown["currency"] and currency:
        shown["currency"] = currency  # the currency in force: brand file or the bundled data's
    sections = [
        f"<h3>{esc(t('report.heading.parameters', lang))}</h3>",
        _kv_table(appendix.parameter_rows(shown, defaults or {}, lang), lang),
    ]
    dictionary = appendix.dictionary_rows(provenance, lang)
    if dictionary:
        sections += [
            f"<h3>{esc(t('report.heading.data_dictionary', lang))}</h3>",
            _kv_table(
                dictionary, lang, (t("report.label.canonical", lang), t("report.label.file_column", lang))
            ),
        ]
    reading = appendix.reading_rows(provenance, lang, options_as_flags(dict(provenance.get("options") or {})))
    if reading:
        sections += [f"<h3>{esc(t('report.label.reading', lang))}</h3>", _kv_table(reading, lang)]
    provenance_rows = appendix.provenance_rows(
        provenance, lang, versions=library_versions(), run_seconds=run_seconds
    )
    provenance_rows.append(
        (
            esc(t("report.provenance.parameters_hash", lang)),
            f'<span class="pmkt-data">{appendix.settings_hash(parameters, provenance)}</span>',
        )
    )
    sections += [f"<h3>{esc(t('report.heading.provenance', lang))}</h3>", _kv_table(provenance_rows, lang)]
    if downloads:
        items = "".join(
            f'<li><a href="{esc(href, quote=True)}">{label}</a></li>' if href else f"<li>{label}</li>"
            for label, href in downloads
        )
        sections = [
            f'<h3 id="downloads">{esc(t("report.heading.downloads", lang))}</h3><ul class="pmkt-downloads">{items}</ul>'
        ] + sections
    toc = _toc(body)
    running = esc(" · ".join(x for x in (brand.client, title) if x))
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{css}</style>
</head>
<body>
<div class="pmkt-running" aria-hidden="true">{running}</div>
<div class="pmkt-running-foot" aria-hidden="true">{esc(brand.confidentiality or brand.company or "")}</div>
<header class="pmkt-header">
  {nav}
  <div class="brand">{"".join(header_bits)}</div>
  <h1>{esc(title)}</h1>
  <p class="lede">{esc(description)}</p>
  <p class="meta">{meta_html}</p>
  {confidentiality}
</header>
<main>
{no_currency}
{summary}
<nav class="pmkt-toc"><h2>{esc(t("report.heading.contents", lang))}</h2>{toc}</nav>
<article class="pmkt-body">
{body}
</article>
<section class="pmkt-appendix" id="appendix">
<h2>{esc(t("report.heading.appendix", lang))}</h2>
{"".join(sections)}
</section>
</main>
<footer class="pmkt-footer"><p class="meta">{meta_html}</p>{confidentiality}{nav}</footer>
</body>
</html>
"""


def export_report(
    executed: nbformat.NotebookNode,
    target: Path,
    *,
    lang: str,
    title: str,
    description: str,
    brand: Brand,
    parameters: Mapping[str, Any],
    provenance: Mapping[str, Any],
    run_seconds: float | None = None,
    defaults: Mapping[str, Any] | None = None,
    links: Mapping[str, str] | None = None,
    downloads: list[tuple[str, str]] | None = None,
    currency: str | None = None,
) -> list[str]:
    """Write the HTML report for an executed notebook; return its stderr text.

    See :func:`render_html` for the keyword arguments.
    """
    nb, stderr = prepare_notebook(executed, lang)
    page = render_html(
        _body_html(nb),
        lang=lang,
        title=title,
        description=description,
        brand=brand,
        parameters=parameters,
        provenance=provenance,
        run_seconds=run_seconds,
        defaults=defaults,
        links=links,
        downloads=downloads,
        currency=currency,
    )
    target.write_text(page, encoding="utf-8")
    return stderr
