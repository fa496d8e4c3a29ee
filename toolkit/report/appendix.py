"""The report appendix, readable by a client: labelled rows, never JSON.

Pure functions that turn a run's parameters and provenance record into rows
of (label, value HTML) in the report language: parameters with their labels
and the defaults marked, the data dictionary (which file column gave which
canonical column), how the file was read, provenance with dates and counts
formatted, software versions on one line and a fingerprint of the settings
for reproducing the run. File names, column names and other values taken
from the user's data are marked as data values (``pmkt-data``).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping
from typing import Any

from toolkit.i18n import has, numbers, t, translate_columns

__all__ = ["Row", "parameter_rows", "provenance_rows", "dictionary_rows", "value_html", "settings_hash"]

Row = tuple[str, str]

_DATE_KEYS = {"as_of"}
_COUNT_KEYS = {"rows_read", "rows_analysed", "products", "raters", "scores"}
_SKIPPED = {"input_name", "mapping", "encoding", "delimiter", "formats", "options"}


def _data(text: Any) -> str:
    return f'<span class="pmkt-data">{html.escape(str(text))}</span>'


def value_html(value: Any, lang: str) -> str:
    """One value for the appendix: choices translated, lists and mappings spelled out."""
    if value is None or value == "" or value == [] or value == {}:
        return html.escape(t("param.value.none", lang))
    if isinstance(value, bool):
        return html.escape(t("param.value.yes" if value else "param.value.no", lang))
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return html.escape(numbers.number(value, lang, 0))
        return html.escape(numbers.number(value, lang, 6).rstrip("0").rstrip("."))
    if isinstance(value, str):
        key = f"param.choice.{value}"
        return html.escape(t(key, lang)) if has(key) else _data(value)
    if isinstance(value, (list, tuple)):
        return (
            "、".join(value_html(v, lang) for v in value)
            if lang == "zh"
            else ", ".join(value_html(v, lang) for v in value)
        )
    if isinstance(value, Mapping):
        return "; ".join(f"{_data(k)} → {value_html(v, lang)}" for k, v in value.items())
    return _data(value)


def parameter_rows(parameters: Mapping[str, Any], defaults: Mapping[str, Any], lang: str) -> list[Row]:
    """Each parameter with its label and value; values equal to the default are marked."""
    rows = []
    for name, value in parameters.items():
        key = f"param.label.{name}"
        label = t(key, lang) if has(key) else name
        shown = value_html(value, lang)
        if name == "data" and not value:
            shown = html.escape(t("param.value.bundled", lang))
        if name in defaults and value == defaults[name]:
            shown = t("report.label.default_marked", lang, value=shown)
        rows.append((html.escape(label), shown))
    return rows


def _rule(text: str, lang: str) -> str:
    if text == "given":
        return t("report.rule.given", lang)
    if text.startswith("day after the last"):
        return t("report.rule.day_after_last", lang)
    return text


def _decision(text: str, lang: str) -> str:
    parts = []
    for part in str(text).split("; "):
        key = "report.decision." + part.strip().replace(" ", "_")
        parts.append(html.escape(t(key, lang)) if has(key) else _data(part))
    return "; ".join(parts)


def provenance_rows(
    provenance: Mapping[str, Any], lang: str, *, versions: Mapping[str, str], run_seconds: float | None
) -> list[Row]:
    """Where the data came from and how the run was made, formatted for reading."""
    rows: list[Row] = []
    if provenance.get("input_name") and not provenance.get("input"):
        rows.append((html.escape(t("report.provenance.input", lang)), _data(provenance["input_name"])))
    for key, value in provenance.items():
        if key in _SKIPPED or value in (None, "", [], {}):
            continue
        label_key = f"report.provenance.{key}"
        label = html.escape(t(label_key, lang) if has(label_key) else key.replace("_", " "))
        if key == "input":
            text = str(value)
            if text.startswith("bundled:"):
                name = text.split(":", 1)[1]
                source = f"report.source.{name}"
                shown = html.escape(t(source, lang) if has(source) else t("report.source.bundled", lang))
            else:
                shown = _data(provenance.get("input_name") or text)
        elif key in _DATE_KEYS:
            shown = html.escape(numbers.date(value, lang))
        elif key == "period" and isinstance(value, (list, tuple)) and len(value) == 2:
            shown = html.escape(
                numbers.span(numbers.date(value[0], lang), numbers.date(value[1], lang), lang)
            )
        elif key in _COUNT_KEYS:
            shown = html.escape(numbers.count(value, lang))
        elif key == "as_of_rule":
            shown = html.escape(_rule(str(value), lang))
        elif key == "format":
            fmt = f"report.format.{value}"
            shown = html.escape(t(fmt, lang)) if has(fmt) else _data(value)
        elif key == "engine":
            shown = value_html(value, lang)
        else:
            shown = value_html(value, lang)
        rows.append((label, shown))
    if run_seconds is not None:
        rows.append(
            (
                html.escape(t("report.provenance.run_time", lang)),
                html.escape(t("report.label.seconds", lang, seconds=run_seconds)),
            )
        )
    line = " · ".join(f"{name} {version}" for name, version in versions.items())
    rows.append((html.escape(t("report.provenance.versions", lang)), _data(line)))
    return rows


def reading_rows(provenance: Mapping[str, Any], lang: str, flags: str) -> list[Row]:
    """How the file was read: encoding, delimiter, each column's format decision, options given."""
    rows: list[Row] = []
    if provenance.get("encoding"):
        rows.append((html.escape(t("report.reading.encoding", lang)), _data(provenance["encoding"])))
    delimiter = provenance.get("delimiter")
    if delimiter:
        shown = html.escape(t("report.reading.tab", lang)) if delimiter == "\t" else _data(repr(delimiter))
        rows.append((html.escape(t("report.reading.delimiter", lang)), shown))
    for column, decision in dict(provenance.get("formats") or {}).items():
        name = translate_columns([column], lang)[0]
        rows.append(
            (html.escape(t("report.reading.format", lang, column=name)), _decision(str(decision), lang))
        )
    if rows or provenance.get("options"):
        rows.append(
            (
                html.escape(t("report.reading.options", lang)),
                _data(flags) if flags else html.escape(t("report.reading.no_options", lang)),
            )
        )
    return rows


def dictionary_rows(provenance: Mapping[str, Any], lang: str) -> list[Row]:
    """The data dictionary: each canonical column used and the file column it came from."""
    mapping = provenance.get("mapping") or {}
    if not isinstance(mapping, Mapping):
        return []
    names = translate_columns(list(mapping), lang)
    return [(html.escape(name), _data(column)) for name, column in zip(names, mapping.values())]


def settings_hash(parameters: Mapping[str, Any], provenance: Mapping[str, Any]) -> str:
    """A fingerprint of the settings and the data file: equal hashes mean the same run."""
    record = {"parameters": parameters, "data": provenance.get("sha256") or provenance.get("input")}
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
