"""Student and instructor editions of the course notebooks.

Both editions keep one language's narrative and show the code, because in a
classroom the code is what students learn to write.

- **student**: every ``solution`` cell becomes a stub that names the answer
  variables the exercise asks for; prompts (``exercise``) and checks
  (``exercise-check``) stay, so students can test their own answers.
- **instructor**: solutions stay, and a trainer-notes cell from the
  syllabus (timing, common mistakes, discussion questions) is added after
  the title, together with any ``trainer-note`` cells of the notebook.

Each edition is written as runnable notebooks (``.ipynb``, without outputs)
and as readable HTML pages, with an index page that is the syllabus.
"""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import nbformat

from toolkit.course.syllabus import Session, Syllabus, load_syllabus
from toolkit.errors import check_choice
from toolkit.i18n import check_lang, t
from toolkit.report.catalog import NotebookSpec, list_notebooks
from toolkit.report.editions import in_edition

__all__ = ["EDITIONS", "answer_names", "edition_notebook", "render_page", "build_edition"]

EDITIONS = ("student", "instructor")
_CSS = Path(__file__).resolve().parents[1] / "report" / "report.css"


def answer_names(source: str) -> list[str]:
    """Names a solution cell assigns at top level, in order (``answer_1`` ...)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
    return names


def _stub(solution: str, lang: str) -> str:
    lines = [f"# {t('course.label.stub_intro', lang)}"]
    names = answer_names(solution)
    lines += [f"{name} = None  # {t('course.label.stub_replace', lang)}" for name in names] or ["..."]
    return "\n".join(lines)


def _trainer_markdown(session: Session | None, extra: list[str], lang: str) -> str | None:
    parts = []
    if session:
        parts.append(
            f"### {t('course.label.trainer_notes', lang)} · {t('course.label.minutes', lang, minutes=session.minutes)}"
        )
        for key, items in (
            ("timing", session.timing),
            ("mistakes", session.mistakes),
            ("discussion", session.discussion),
        ):
            if items.get(lang):
                parts.append(
                    f"**{t(f'course.label.{key}', lang)}**\n\n" + "\n".join(f"- {x}" for x in items[lang])
                )
    parts += extra
    return "\n\n".join(parts) if parts else None


def edition_notebook(
    nb: nbformat.NotebookNode, lang: str, edition: str, session: Session | None = None
) -> nbformat.NotebookNode:
    """Make one edition of a notebook in one language.

    Parameters
    ----------
    nb : NotebookNode
        The source notebook (bilingual, with course tags).
    lang : {"en", "zh"}
    edition : {"student", "instructor"}
    session : Session, optional
        The syllabus session, for the instructor's trainer notes.

    Returns
    -------
    NotebookNode
        A new notebook without outputs; ``lang`` is set in its parameters.
    """
    check_lang(lang)
    check_choice("edition", edition, EDITIONS)
    other = {f"lang-{code}" for code in ("en", "zh") if code != lang}
    src = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells, notes = [], []
    for cell in src.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & other:
            continue
        if "trainer-note" in tags:
            notes.append(cell.source)
            continue
        if not in_edition(tags, edition):
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if "parameters" in tags:
                cell.source = "\n".join(
                    f'lang = "{lang}"        # report language: en or zh'
                    if line.startswith("lang =")
                    else line
                    for line in cell.source.splitlines()
                )
            if "solution" in tags and edition == "student":
                cell.source = _stub(cell.source, lang)
                cell.metadata["tags"] = ["answer"]
        cells.append(cell)
    if edition == "instructor":
        text = _trainer_markdown(session, notes, lang)
        if text:
            first_md = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"), -1)
            cells.insert(
                first_md + 1, nbformat.v4.new_markdown_cell(text, metadata={"tags": ["trainer-note"]})
            )
    src.cells = cells
    src.metadata.setdefault("pmkt", {})["edition"] = edition
    return src


def render_page(
    nb: nbformat.NotebookNode, lang: str, title: str, edition: str, back: str = "index.html"
) -> str:
    """A readable HTML page of an edition notebook, code shown."""
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link" href="#[^"]*">¶</a>', "", body)
    esc = html.escape
    css = (
        _CSS.read_text(encoding="utf-8")
        + HtmlFormatter(style="friendly").get_style_defs(".highlight")
        + f"""
.jp-CodeCell, .cell.code_cell {{ margin: 10px 0; }}
.highlight pre {{ background: #f7f8fa; border: 1px solid var(--rule); border-radius: 4px; padding: 10px 12px;
  overflow-x: auto; font-size: .86rem; line-height: 1.45; }}
.celltag_exercise {{ border-left: 5px solid #e07b39; padding-left: 14px; background: #fff8f2; }}
.celltag_solution {{ border-left: 5px solid #3a9d5d; padding-left: 14px; }}
.celltag_solution::before {{ content: "{esc(t("course.label.solution", lang))}"; font-size: .8rem; color: #3a9d5d; font-weight: 600; }}
.celltag_answer {{ border-left: 5px dashed #e07b39; padding-left: 14px; }}
.celltag_answer::before {{ content: "{esc(t("course.label.your_answer", lang))}"; font-size: .8rem; color: #e07b39; font-weight: 600; }}
.celltag_exercise-check::before {{ content: "{esc(t("course.label.check", lang))}"; font-size: .8rem; color: var(--muted); }}
.celltag_trainer-note {{ background: #eef4f9; border: 1px solid #c9d9e6; border-radius: 6px; padding: 4px 16px; }}
"""
    )
    badge = t(f"course.edition.{edition}", lang)
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)} · {esc(badge)}</title>
<style>{css}</style></head><body>
<header class="pmkt-header"><p class="meta"><a href="{esc(back)}" style="color:#fff">← {esc(t("course.label.back", lang))}</a> · {esc(badge)}</p>
<h1>{esc(title)}</h1></header>
<main><article class="pmkt-body">{body}</article></main></body></html>
"""


def _index_page(syllabus: Syllabus, specs: dict[str, NotebookSpec], lang: str, edition: str) -> str:
    esc = html.escape
    rows = []
    for s in syllabus.sessions:
        spec = specs.get(s.notebook)
        stem = spec.path.stem if spec else s.notebook
        objectives = "".join(f"<li>{esc(o)}</li>" for o in s.objectives[lang])
        rows.append(
            f'<tr><td class="num">{s.number}</td><td><strong><a href="{esc(stem)}.html">{esc(s.title[lang])}</a></strong>'
            f'<br><code>{esc(stem)}.ipynb</code> · <a href="{esc(stem)}.ipynb">{esc(t("course.label.download", lang))}</a>'
            f'<ul>{objectives}</ul><p class="pmkt-table-note">{esc(s.connects[lang])}</p></td>'
            f'<td class="num">{s.minutes}</td></tr>'
        )
    css = _CSS.read_text(encoding="utf-8")
    badge = t(f"course.edition.{edition}", lang)
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(syllabus.title[lang])} · {esc(badge)}</title>
<style>{css} .syllabus td {{ vertical-align: top; }} .syllabus ul {{ margin: .3rem 0; padding-left: 1.2rem; }}</style></head><body>
<header class="pmkt-header"><p class="meta">{esc(badge)}</p><h1>{esc(syllabus.title[lang])}</h1>
<p class="lede">{esc(syllabus.intro[lang])}</p>
<p class="meta">{esc(t("course.label.total_time", lang, hours=syllabus.total_minutes / 60))}</p></header>
<main><h2>{esc(t("course.label.syllabus", lang))}</h2>
<table class="pmkt-table syllabus"><thead><tr><th class="num">#</th><th class="txt">{esc(t("course.label.session", lang))}</th>
<th class="num">{esc(t("course.label.minutes_header", lang))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table></main></body></html>
"""


def build_edition(
    edition: str, langs: list[str], out: str | Path, syllabus: Syllabus | None = None
) -> list[Path]:
    """Write one edition in each language: notebooks, pages and an index.

    Output: ``OUT/<edition>/<lang>/NN_name.ipynb``, ``NN_name.html`` and
    ``index.html`` (the syllabus). Returns the written index pages.
    """
    check_choice("edition", edition, EDITIONS)
    syllabus = syllabus or load_syllabus()
    specs = {s.name: s for s in list_notebooks()}
    indexes = []
    for lang in langs:
        check_lang(lang)
        folder = Path(out) / edition / lang
        folder.mkdir(parents=True, exist_ok=True)
        for name, spec in specs.items():
            nb = nbformat.read(spec.path, as_version=4)
            made = edition_notebook(nb, lang, edition, syllabus.session_for(name))
            nbformat.write(made, folder / f"{spec.path.stem}.ipynb")
            page = render_page(made, lang, spec.title_in(lang), edition)
            (folder / f"{spec.path.stem}.html").write_text(page, encoding="utf-8")
        index = folder / "index.html"
        index.write_text(_index_page(syllabus, specs, lang, edition), encoding="utf-8")
        indexes.append(index)
    return indexes
