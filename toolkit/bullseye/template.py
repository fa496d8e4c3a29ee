"""Blank scorecards for a class to fill in.

:func:`write_template` writes a scorecard with every product, rater and
criterion and an empty score, in the layout :func:`toolkit.bullseye.read_scorecard`
reads back: fill in the scores (and, if you like, the evidence) and score it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from toolkit.bullseye.criteria import load_criteria
from toolkit.errors import ParameterError, check_choice, parameter_error
from toolkit.i18n import check_lang, t
from toolkit.report.safe_cells import excel_safe

__all__ = ["TEMPLATE_FORMATS", "template_frame", "write_template"]

TEMPLATE_FORMATS: tuple[str, ...] = (".xlsx", ".csv", ".yaml", ".yml")

# Template headers; the Chinese ones are read back through io.COLUMN_ALIASES.
_HEADERS = {
    "en": {
        "product": "product",
        "rater": "rater",
        "criterion": "criterion",
        "group": "group",
        "question": "question",
        "guide": "guide",
        "score": "score",
        "evidence": "evidence",
    },
    "zh": {
        "product": "产品",
        "rater": "评分人",
        "criterion": "指标",
        "group": "指标组",
        "question": "问题",
        "guide": "评分参考",
        "score": "得分",
        "evidence": "依据",
    },
}


def _guide(row: pd.Series, lang: str) -> str:
    parts = [
        f"{span}: {row[f'band_{key}_{lang}']}"
        for span, key in (("0-1", "0_1"), ("2-4", "2_4"), ("5-7", "5_7"), ("8-10", "8_10"))
    ]
    return " | ".join(parts)


def _names(name: str, values: Sequence[str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    values = [str(v).strip() for v in values]
    if not values or any(v == "" for v in values):
        raise parameter_error(name, "a list of non-empty names", values)
    if len(set(values)) != len(values):
        raise ParameterError(f"The '{name}' parameter names someone twice: {values!r}.")
    return values


def template_frame(
    products: Sequence[str] = ("Product A",),
    raters: Sequence[str] = ("",),
    lang: str = "en",
    criteria: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A blank scorecard as a table, headers in ``lang``.

    Parameters
    ----------
    products : sequence of str
        Product names, one block of criteria each.
    raters : sequence of str
        Rater names; ``("",)`` (default) leaves the rater column empty for a
        single rater to fill or ignore.
    lang : {"en", "zh"}
        Language of the headers, group names, questions and band guide.
    criteria : pandas.DataFrame, optional
        Default the bundled criteria.

    Returns
    -------
    pandas.DataFrame
        One row per product, rater and criterion: product, rater,
        criterion, group, question, guide, score (empty), evidence (empty).
    """
    check_lang(lang)
    products = _names("products", products)
    raters = [str(r).strip() for r in ([raters] if isinstance(raters, str) else raters)] or [""]
    if len(set(raters)) != len(raters):
        raise ParameterError(f"The 'raters' parameter names someone twice: {raters!r}.")
    criteria = load_criteria() if criteria is None else criteria
    h = _HEADERS[lang]
    rows = []
    for product in products:
        for rater in raters:
            for _, c in criteria.iterrows():
                rows.append(
                    {
                        h["product"]: product,
                        h["rater"]: rater,
                        h["criterion"]: c["id"],
                        h["group"]: t(f"bullseye.group.{c['group']}", lang),
                        h["question"]: c[f"text_{lang}"],
                        h["guide"]: _guide(c, lang),
                        h["score"]: None,
                        h["evidence"]: "",
                    }
                )
    return pd.DataFrame(rows, columns=list(h.values()))


def _write_yaml(frame: pd.DataFrame, path: Path, lang: str, criteria: pd.DataFrame) -> None:
    h = _HEADERS[lang]
    lines = [
        "# " + t("bullseye.template.intro", lang),
        "products:",
    ]
    blocks = frame[[h["product"], h["rater"]]].drop_duplicates().itertuples(index=False)
    width = max(len(i) for i in criteria["id"])
    for product, rater in blocks:
        lines.append(f"  - product: {_yaml_str(product)}")
        if rater:
            lines.append(f"    rater: {_yaml_str(rater)}")
        lines.append("    scores:")
        for _, c in criteria.iterrows():
            lines.append(
                f"      {c['id']}:{' ' * (width - len(c['id']))} ~    # {c[f'text_{lang}']} [{_guide(c, lang)}]"
            )
        lines.append("    evidence: {}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _write_excel(frame: pd.DataFrame, path: Path, lang: str) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        excel_safe(frame).to_excel(writer, sheet_name="scorecard", index=False)
        sheet = writer.sheets["scorecard"]
        sheet.freeze_panes = "A2"
        widths = {
            "product": 22,
            "rater": 14,
            "criterion": 9,
            "group": 16,
            "question": 60,
            "guide": 70,
            "score": 8,
            "evidence": 40,
        }
        for k, key in enumerate(_HEADERS[lang], start=1):
            sheet.column_dimensions[get_column_letter(k)].width = widths[key]
        score_col = get_column_letter(list(_HEADERS[lang]).index("score") + 1)
        rule = DataValidation(type="whole", operator="between", formula1="0", formula2="10", allow_blank=True)
        rule.error = t("bullseye.template.excel_error", lang)
        rule.errorTitle = t("bullseye.template.excel_error_title", lang)
        rule.add(f"{score_col}2:{score_col}{len(frame) + 1}")
        sheet.add_data_validation(rule)


def write_template(
    path: str | Path,
    products: Sequence[str] = ("Product A",),
    raters: Sequence[str] = ("",),
    lang: str = "en",
    criteria: pd.DataFrame | None = None,
) -> Path:
    """Write a blank scorecard to fill in.

    Parameters
    ----------
    path : str or Path
        Output file; its suffix picks the format: ``.xlsx`` (scores limited
        to whole numbers 0-10 by Excel), ``.csv`` (UTF-8 with BOM, opens in
        Excel) or ``.yaml``/``.yml`` (each criterion's question and band
        guide as a comment).
    products, raters, lang, criteria
        As in :func:`template_frame`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    toolkit.errors.ParameterError
        For an unsupported suffix, an unknown language or bad names.
    """
    path = Path(path)
    check_choice("template format", path.suffix.lower(), TEMPLATE_FORMATS)
    criteria = load_criteria() if criteria is None else criteria
    frame = template_frame(products, raters, lang, criteria)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_excel(frame, path, lang)
    elif suffix == ".csv":
        excel_safe(frame).to_csv(path, index=False, encoding="utf-8-sig")
    else:
        _write_yaml(frame, path, lang, criteria)
    return path
