"""Report-ready versions of the Bullseye tables, in the report language.

The model tables keep canonical ids (``target_market``, ``medium``) so that
result files are stable; these pure functions return copies with group,
band, direction and provenance names translated, and :func:`headers` gives
the translated column headers for :meth:`toolkit.report.Report.table`.
"""

from __future__ import annotations

import pandas as pd

from toolkit.i18n import check_lang, has, t

__all__ = [
    "headers",
    "criteria_overview",
    "label_values",
]

_LABELLED = {
    "group": "bullseye.group",
    "band": "bullseye.band",
    "direction": "bullseye.direction",
    "provenance": "bullseye.provenance",
    "bands_provenance": "bullseye.provenance",
}


def headers(columns: list[str] | pd.Index, lang: str) -> dict[str, str]:
    """Translated headers for the Bullseye columns present in ``columns``.

    Parameters
    ----------
    columns : list of str
        Column names of a Bullseye table.
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    dict
        ``{column: header}`` for every column with a ``bullseye.col.<name>``
        entry; group-rate columns (``target_market`` ...) get the group name.
    """
    check_lang(lang)
    out = {}
    for col in columns:
        if has(f"bullseye.col.{col}"):
            out[col] = t(f"bullseye.col.{col}", lang)
        elif has(f"bullseye.group.{col}"):
            out[col] = t(f"bullseye.group.{col}", lang)
    return out


def label_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Translate the ids in the ``group``, ``band``, ``direction`` and provenance columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any Bullseye table.
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    pandas.DataFrame
        A copy with those columns holding translated names; ``total`` in
        the group column becomes "Total".
    """
    check_lang(lang)
    out = frame.copy()
    for col, prefix in _LABELLED.items():
        if col in out.columns:
            out[col] = [t(f"{prefix}.{v}", lang) if has(f"{prefix}.{v}") else v for v in out[col]]
    return out


def criteria_overview(criteria: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The criteria as a table for a report: question, bands, direction, source.

    Parameters
    ----------
    criteria : pandas.DataFrame
        Output of :func:`toolkit.bullseye.load_criteria`.
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    pandas.DataFrame
        ``criterion``, ``group``, ``question``, ``guide`` (the four band
        labels), ``direction`` and ``provenance`` (proposed items say so),
        translated.
    """
    check_lang(lang)
    guide = [
        " | ".join(
            f"{span}: {row[f'band_{key}_{lang}']}"
            for span, key in (("0–1", "0_1"), ("2–4", "2_4"), ("5–7", "5_7"), ("8–10", "8_10"))
        )
        for _, row in criteria.iterrows()
    ]
    provenance = []
    for item, bands in zip(criteria["provenance"], criteria["bands_provenance"]):
        text = t(f"bullseye.provenance.{item}", lang)
        if bands != item and bands == "proposed":
            text += t("bullseye.provenance.bands_proposed", lang)
        provenance.append(text)
    out = pd.DataFrame(
        {
            "criterion": criteria["id"],
            "group": criteria["group"],
            "question": criteria[f"text_{lang}"],
            "guide": guide,
            "direction": criteria["direction"],
        }
    )
    out = label_values(out, lang)
    out["provenance"] = provenance
    return out
