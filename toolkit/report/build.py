"""Build every report on the bundled data, in parallel, with an index page."""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from toolkit.i18n import t
from toolkit.report.catalog import NotebookSpec, list_notebooks

__all__ = ["BuildItem", "build_reports", "write_index"]


@dataclass
class BuildItem:
    """The outcome of one report in a build."""

    name: str
    lang: str
    seconds: float
    ok: bool
    message: str = ""
    warnings: int = 0


def _run_one(name: str, lang: str, out: str, brand: str, timeout: int) -> BuildItem:
    from toolkit.errors import PmktError
    from toolkit.report.runner import run_notebook

    started = time.perf_counter()
    try:
        result = run_notebook(name, lang=lang, brand=brand, out=Path(out) / lang, timeout=timeout)
    except PmktError as exc:
        return BuildItem(name, lang, time.perf_counter() - started, False, str(exc))
    for text in result.warnings:
        print(f"warning: {name} ({lang}) wrote to stderr: {text.strip()[:300]}", file=sys.stderr)
    return BuildItem(name, lang, result.seconds, True, warnings=len(result.warnings))


def build_reports(
    langs: list[str],
    out: str | Path = "reports",
    jobs: int | None = None,
    brand: str = "",
    names: list[str] | None = None,
    timeout: int = 900,
    progress: bool = True,
) -> list[BuildItem]:
    """Run every notebook in every language, ``jobs`` at a time, then write the index.

    Parameters
    ----------
    langs : list of str
        Report languages, e.g. ``["en", "zh"]``.
    out : str or Path
        Output folder: ``OUT/<lang>/<name>.html`` plus ``OUT/index.html``.
    jobs : int, optional
        Parallel workers; default one per core.
    brand : str
        Branding file applied to every report.
    names : list of str, optional
        Only these notebooks.
    timeout : int
        Seconds a single cell may run.
    progress : bool
        Show a progress bar and each report's time.

    Returns
    -------
    list of BuildItem
    """
    from tqdm import tqdm

    out = Path(out).resolve()
    specs = [s for s in list_notebooks() if not names or s.name in names]
    tasks = [(s.name, lang) for s in specs for lang in langs]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    items: list[BuildItem] = []
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool,
        tqdm(total=len(tasks), disable=not progress, unit="report", file=sys.stderr) as bar,
    ):
        futures = {
            pool.submit(_run_one, name, lang, str(out), brand, timeout): (name, lang) for name, lang in tasks
        }
        for future in as_completed(futures):
            item = future.result()
            items.append(item)
            status = "ok" if item.ok else "FAILED"
            bar.write(
                f"{status:>6}  {item.name:<20} {item.lang}  {item.seconds:6.1f} s"
                + (f"  ({item.warnings} warning output(s))" if item.warnings else "")
            )
            if not item.ok:
                bar.write("        " + item.message.replace("\n", "\n        "))
            bar.update(1)
    order = {task: i for i, task in enumerate(tasks)}
    items.sort(key=lambda it: order[(it.name, it.lang)])
    write_index(out, specs, langs, items)
    return items


def write_index(out: Path, specs: list[NotebookSpec], langs: list[str], items: list[BuildItem]) -> Path:
    """Write ``OUT/index.html`` linking every report in both languages."""
    esc = html.escape
    by_key = {(i.name, i.lang): i for i in items}
    rows = []
    for spec in specs:
        links = []
        for lang in langs:
            item = by_key.get((spec.name, lang))
            label = t(f"common.lang.{lang}", lang)
            if item and item.ok:
                links.append(
                    f'<a href="{lang}/{esc(spec.name)}.html" lang="{lang}">{esc(label)}</a>'
                    f' <span class="time">{item.seconds:.0f} s</span>'
                )
            elif item:
                links.append(f'<span class="failed" title="{esc(item.message)}">{esc(label)}: failed</span>')
        rows.append(
            f'<tr><td><strong>{esc(spec.title_in("en"))}</strong><br><span lang="zh-CN">{esc(spec.title_in("zh"))}</span></td>'
            f'<td>{esc(spec.description_in("en"))}<br><span lang="zh-CN">{esc(spec.description_in("zh"))}</span></td>'
            f'<td class="links">{"<br>".join(links)}</td></tr>'
        )
    css = (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(t("report.label.index_title", "en"))} · {esc(t("report.label.index_title", "zh"))}</title>
<style>{css}
.index td {{ vertical-align: top; padding: 10px; border-bottom: 1px solid var(--rule); }}
.index .links {{ white-space: nowrap; }} .index .time {{ color: var(--muted); font-size: .8rem; }}
.index .failed {{ color: #b00020; }}</style></head>
<body><header class="pmkt-header"><h1>{esc(t("report.label.index_title", "en"))}<br><span lang="zh-CN">{esc(t("report.label.index_title", "zh"))}</span></h1>
<p class="lede">{esc(t("report.label.index_intro", "en"))}<br><span lang="zh-CN">{esc(t("report.label.index_intro", "zh"))}</span></p></header>
<main><table class="index">{"".join(rows)}</table></main></body></html>
"""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    (out / "build.json").write_text(
        json.dumps([i.__dict__ for i in items], ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return path
