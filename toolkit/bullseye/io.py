"""Reading scorecards (YAML, CSV, Excel) and the bundled Bullseye files.

Table files (CSV, TSV, Excel) hold the long layout, one row per product,
rater and criterion::

    product,rater,criterion,score,evidence
    Language app,Ana,T1,7,Runs on phones and laptops
    Language app,Ana,T2,8,

``rater`` and ``evidence`` are optional; the Chinese headers written by the
Chinese template (产品, 评分人, 指标, 得分, 依据) are read as well, and other
columns (such as the template's question and band guide) are ignored. A file
without a ``product`` column is read as one product named after the file.

YAML files hold a list of entries, one per product and rater; any text may
be given in both languages as ``{en: ..., zh: ...}``::

    title: {en: My products, zh: 我的产品}
    products:
      - product: {en: Language app, zh: 语言学习应用}
        rater: Ana
        description: Subscription app for adult learners
        scores: {T1: 7, T2: {score: 8, evidence: Early adopters}, ...}
        evidence: {T1: Runs on phones and laptops}
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from toolkit.bullseye.criteria import load_criteria
from toolkit.bullseye.scorecard import Scorecard, validate_scores
from toolkit.errors import DataError
from toolkit.i18n import check_lang, t

__all__ = [
    "COLUMN_ALIASES",
    "bundled_dir",
    "example_scorecard_path",
    "textbook_scorecard_path",
    "textbook_reference_path",
    "read_scorecard",
    "read_raw_scorecard",
    "load_textbook_reference",
]

#: Header spellings accepted for the canonical scorecard columns.
COLUMN_ALIASES: dict[str, str] = {
    "product": "product",
    "产品": "product",
    "产品名称": "product",
    "rater": "rater",
    "评分人": "rater",
    "criterion": "criterion",
    "criterion_id": "criterion",
    "id": "criterion",
    "指标": "criterion",
    "指标编号": "criterion",
    "score": "score",
    "得分": "score",
    "评分": "score",
    "evidence": "evidence",
    "note": "evidence",
    "依据": "evidence",
}

_TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}
_YAML_SUFFIXES = {".yaml", ".yml"}


def bundled_dir() -> Path:
    """Folder of the bundled Bullseye files (``data/bullseye``)."""
    from toolkit.data.datasets import data_dir

    return data_dir() / "bullseye"


def example_scorecard_path() -> Path:
    """The bundled, illustrative scorecard of a few products."""
    return bundled_dir() / "example_scorecard.yaml"


def textbook_scorecard_path() -> Path:
    """The textbook example as one scorecard (an illustrative split)."""
    return bundled_dir() / "textbook_example.yaml"


def textbook_reference_path() -> Path:
    """The textbook's printed group totals and rates (``data/reference``)."""
    from toolkit.data.datasets import data_dir

    return data_dir() / "reference" / "bullseye_textbook_example.csv"


def load_textbook_reference() -> pd.DataFrame:
    """The textbook's printed table, exactly as printed.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``group_zh``, ``criteria``, ``score``,
        ``possible``, ``printed_rate_pct``; the last row is ``total``.
    """
    return pd.read_csv(textbook_reference_path(), encoding="utf-8")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice in one mapping."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise DataError(
                f"the key {key!r} is written twice in one block (lines {seen[key]} and {line}); "
                "YAML would silently keep only the last one."
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _pick(value: Any, lang: str) -> Any:
    """Pick the ``lang`` text from ``{en: ..., zh: ...}``; other values pass through."""
    if isinstance(value, dict) and set(value) <= {"en", "zh"} and value:
        return value.get(lang, value.get("en", next(iter(value.values()))))
    return value


def _yaml_rows(doc: Any, lang: str, source: str) -> tuple[pd.DataFrame, pd.DataFrame, str, str]:
    """Turn a parsed YAML scorecard into raw rows, products, title and note."""
    if isinstance(doc, dict):
        entries = doc.get("products")
        title, note = _pick(doc.get("title", ""), lang), _pick(doc.get("note", ""), lang)
    else:
        entries, title, note = doc, "", ""
    if not isinstance(entries, list) or not entries:
        raise DataError(
            "a YAML scorecard needs a 'products' list, one entry per product and rater, "
            "each with a 'product' name and a 'scores' mapping such as {T1: 7, T2: 8}.",
            source=source,
        )
    rows: list[dict[str, Any]] = []
    products: dict[str, str] = {}
    for k, entry in enumerate(entries, start=1):
        place = f"products entry {k}"
        if not isinstance(entry, dict):
            raise DataError(
                f"{place} is {entry!r}; expected a mapping with 'product' and 'scores'.", source=source
            )
        product = _pick(entry.get("product", ""), lang)
        product = "" if product is None else str(product).strip()
        rater = _pick(entry.get("rater", ""), lang)
        rater = "" if rater is None else str(rater).strip()
        scores = entry.get("scores")
        if not isinstance(scores, dict) or not scores:
            raise DataError(
                f"{place} (product {product!r}) has no 'scores' mapping such as {{T1: 7, T2: 8}}.",
                source=source,
            )
        notes = entry.get("evidence") or {}
        if not isinstance(notes, dict):
            raise DataError(
                f"{place} (product {product!r}): 'evidence' must map criteria to notes.", source=source
            )
        description = _pick(entry.get("description", ""), lang)
        if product and product not in products:
            products[product] = "" if description is None else str(description).strip()
        elif product and description and not products[product]:
            products[product] = str(description).strip()
        for crit in list(scores) + [c for c in notes if c not in scores]:
            value = scores.get(crit)
            evidence = notes.get(crit, "")
            if isinstance(value, dict) and "score" in value:
                evidence = value.get("evidence", evidence)
                value = value["score"]
            evidence = _pick(evidence, lang)
            rows.append(
                {
                    "product": product,
                    "rater": rater,
                    "criterion": "" if crit is None else str(crit),
                    "score": value,
                    "evidence": "" if evidence is None else str(evidence).strip(),
                    "where": f"{place}, {crit}",
                }
            )
    raw = pd.DataFrame(rows)
    described = pd.DataFrame({"product": list(products), "description": list(products.values())})
    return raw, described, "" if title is None else str(title), "" if note is None else str(note)


def _normalise_headers(frame: pd.DataFrame) -> pd.DataFrame:
    renamed: dict[Any, str] = {}
    for col in frame.columns:
        key = str(col).strip()
        target = COLUMN_ALIASES.get(key.lower(), COLUMN_ALIASES.get(key))
        if target and target not in renamed.values():
            renamed[col] = target
    return frame.rename(columns=renamed)


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
        name = (
            "scorecard" if "scorecard" in sheets else ("评分表" if "评分表" in sheets else next(iter(sheets)))
        )
        return sheets[name]
    sep = "\t" if suffix == ".tsv" else None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(
                path, sep=sep, engine="python", dtype=object, encoding=encoding, skip_blank_lines=False
            )
        except UnicodeDecodeError:
            continue
    raise DataError("the file is neither UTF-8 nor GB18030 text.", source=str(path))


def read_raw_scorecard(
    path: str | Path, lang: str = "en"
) -> tuple[pd.DataFrame, pd.DataFrame, str, str, list[str]]:
    """Read a scorecard file without checking its scores.

    Returns
    -------
    tuple
        ``(raw rows, products, title, note, remarks)``: raw rows have the
        columns ``product``, ``rater``, ``criterion``, ``score``,
        ``evidence`` and ``where``; products has ``product`` and
        ``description``.

    Raises
    ------
    toolkit.errors.DataError
        If the file is missing, its format is unknown or it cannot be parsed.
    """
    check_lang(lang)
    path = Path(path)
    if not path.is_file():
        raise DataError(f"scorecard file not found: {path}")
    suffix = path.suffix.lower()
    remarks: list[str] = []
    if suffix in _YAML_SUFFIXES:
        try:
            doc = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_UniqueKeyLoader)
        except DataError as err:
            raise DataError(str(err), source=str(path)) from None
        except yaml.YAMLError as err:
            raise DataError(f"not valid YAML: {err}", source=str(path)) from None
        raw, products, title, note = _yaml_rows(doc, lang, str(path))
        return raw, products, title, note, remarks
    if suffix not in _TABLE_SUFFIXES:
        raise DataError(
            f"unknown scorecard format {suffix!r}; use .yaml/.yml, .csv/.tsv or .xlsx.", source=str(path)
        )
    raw = _normalise_headers(_read_table(path))
    raw = raw.dropna(how="all").copy()
    raw["where"] = [f"row {int(i) + 2}" for i in raw.index]
    if "product" not in raw.columns and {"criterion", "score"} <= set(raw.columns):
        raw["product"] = path.stem
        remarks.append(t("bullseye.remark.no_product_column", lang, name=path.stem))
    products = pd.DataFrame(
        {
            "product": list(
                dict.fromkeys(str(p).strip() for p in raw.get("product", pd.Series(dtype=object)).dropna())
            )
        }
    )
    products["description"] = ""
    return raw.reset_index(drop=True), products, "", "", remarks


def read_scorecard(
    path: str | Path | None = None,
    lang: str = "en",
    criteria: pd.DataFrame | None = None,
) -> Scorecard:
    """Read and check a scorecard file.

    Parameters
    ----------
    path : str or Path, optional
        A ``.yaml``/``.yml``, ``.csv``/``.tsv`` or ``.xlsx`` scorecard (see the
        module docstring for the layouts). ``None`` or ``""`` reads the
        bundled example.
    lang : {"en", "zh"}
        Which text to take where a YAML file gives both languages.
    criteria : pandas.DataFrame, optional
        Criteria to check against; default the bundled criteria.

    Returns
    -------
    Scorecard
        The validated scores, the products, title, note and any remarks.

    Raises
    ------
    toolkit.errors.DataError
        For an unreadable file or any invalid row (see
        :func:`toolkit.bullseye.validate_scores`).
    """
    path = Path(path) if path else example_scorecard_path()
    criteria = load_criteria() if criteria is None else criteria
    raw, products, title, note, remarks = read_raw_scorecard(path, lang)
    scores = validate_scores(raw, criteria, source=str(path))
    raters = scores.groupby("product", sort=False)["rater"].nunique()
    products = products[products["product"].isin(scores["product"])].reset_index(drop=True)
    products["raters"] = products["product"].map(raters).astype(int)
    bundled = path.stem if path.resolve().parent == bundled_dir().resolve() else ""
    return Scorecard(
        scores=scores,
        products=products,
        source=str(path),
        title=title,
        note=note,
        remarks=remarks,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        rows_read=len(raw),
        bundled=bundled,
    )
