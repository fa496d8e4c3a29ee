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
    "reading_rows",
    "render_html",
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


def _kv_table(rows: Mapping[str, Any], lang: str) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))}</td></tr>"
        for k, v in rows.items()
    )
    return (
        f'<table class="pmkt-table pmkt-kv"><thead><tr><th>{html.escape(t("report.label.item", lang))}</th>'
        f"<th>{html.escape(t('report.label.value', lang))}</th></tr></thead><tbody>{cells}</tbody></table>"
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


def reading_rows(provenance: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """How the data file was read, from the provenance record, with labels in the report language.

    Parameters
    ----------
    provenance : dict
        The ``provenance`` of summary.json; uses its ``encoding``,
        ``delimiter``, ``formats`` (canonical column -> decision) and
        ``options`` (the reading options given).
    lang : {"en", "zh"}

    Returns
    -------
    dict
        Label -> value; empty when the provenance says nothing about reading.
    """
    if not any(provenance.get(k) for k in READING_KEYS):
        return {}
    rows: dict[str, Any] = {}
    if provenance.get("encoding"):
        rows[t("report.reading.encoding", lang)] = str(provenance["encoding"])
    delimiter = provenance.get("delimiter")
    if delimiter:
        rows[t("report.reading.delimiter", lang)] = (
            t("report.reading.tab", lang) if delimiter == "\t" else repr(delimiter)
        )
    for column, decision in dict(provenance.get("formats") or {}).items():
        rows[t("report.reading.format", lang, column=column)] = str(decision)
    rows[t("report.reading.options", lang)] = options_as_flags(dict(provenance.get("options") or {})) or t(
        "report.reading.no_options", lang
    )
    return rows


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
) -> str:
    """Wrap a report body in the branded page with summary, contents and appendix."""
    body, summary = _extract_summary(body)
    generated = generated or _dt.datetime.now()
    esc = html.escape
    css = _CSS_PATH.read_text(encoding="utf-8").replace("--accent: #1f5f8b", f"--accent: {brand.accent}")
    header_bits = []
    if brand.logo_data_uri:
        header_bits.append(f'<img class="logo" src="{brand.logo_data_uri}" alt="{esc(brand.company)}">')
    if brand.company:
        header_bits.append(f'<div class="company">{esc(brand.company)}</div>')
    meta = [t("report.label.generated", lang, date=generated.strftime("%Y-%m-%d"))]
    if brand.client:
        meta.append(t("report.label.prepared_for", lang, client=brand.client))
    if brand.author:
        meta.append(t("report.label.prepared_by", lang, author=brand.author))
    confidentiality = (
        f'<div class="confidential">{esc(brand.confidentiality)}</div>' if brand.confidentiality else ""
    )
    reading = reading_rows(provenance, lang)
    reading_html = (
        f"<h3>{esc(t('report.label.reading', lang))}</h3>\n{_kv_table(reading, lang)}" if reading else ""
    )
    provenance_rows = {
        **{k: v for k, v in provenance.items() if k not in READING_KEYS},
        t("report.label.versions", lang): library_versions(),
    }
    if run_seconds is not None:
        provenance_rows[t("report.label.run_time", lang)] = t(
            "report.label.seconds", lang, seconds=run_seconds
        )
    toc = _toc(body)
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{css}</style>
</head>
<body>
<header class="pmkt-header">
  <div class="brand">{"".join(header_bits)}</div>
  <h1>{esc(title)}</h1>
  <p class="lede">{esc(description)}</p>
  <p class="meta">{" · ".join(esc(m) for m in meta)}</p>
  {confidentiality}
</header>
<main>
{summary}
<nav class="pmkt-toc"><h2>{esc(t("report.heading.contents", lang))}</h2>{toc}</nav>
<article class="pmkt-body">
{body}
</article>
<section class="pmkt-appendix" id="appendix">
<h2>{esc(t("report.heading.appendix", lang))}</h2>
<h3>{esc(t("report.heading.parameters", lang))}</h3>
{_kv_table(parameters, lang)}
{reading_html}
<h3>{esc(t("report.heading.provenance", lang))}</h3>
{_kv_table(provenance_rows, lang)}
</section>
</main>
<footer class="pmkt-footer">{confidentiality}</footer>
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
) -> list[str]:
    """Write the HTML report for an executed notebook; return its stderr text."""
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
    )
    target.write_text(page, encoding="utf-8")
    return stderr
