"""Named RFM segments defined as data, their summary and playbook.

A segment table has one row per segment with score ranges
``r_min..r_max``, ``f_min..f_max``, ``m_min..m_max`` (inclusive). A
customer belongs to the first segment, in table order, whose three ranges
hold its scores. The default table (``segments.csv`` beside this module)
covers all 125 combinations of 5-point scores; a user's table may leave
gaps, and customers that no row matches are put in
:data:`UNASSIGNED`, counted and shown, never lost.

Optional columns give display names and the playbook in each report
language: ``name_en``, ``name_zh``, ``action_en``, ``action_zh``,
``channel_en``, ``channel_zh``, ``why_en``, ``why_zh``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError
from toolkit.i18n import check_lang

__all__ = [
    "DEFAULT_SEGMENTS_PATH",
    "UNASSIGNED",
    "RANGE_COLUMNS",
    "load_segment_table",
    "check_segment_table",
    "segment_coverage",
    "assign_segments",
    "segment_summary",
    "playbook",
]

DEFAULT_SEGMENTS_PATH = Path(__file__).with_name("segments.csv")
UNASSIGNED = "unassigned"
RANGE_COLUMNS: tuple[str, ...] = ("r_min", "r_max", "f_min", "f_max", "m_min", "m_max")
_TEXT_COLUMNS = ("name", "action", "channel", "why")


def load_segment_table(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check a segment table (CSV or Excel, UTF-8 or GBK).

    Parameters
    ----------
    path : str or Path, optional
        The table; empty or None gives the default table.

    Returns
    -------
    DataFrame
        ``segment`` plus the six integer range columns and any name or
        playbook columns, in file order.

    Raises
    ------
    DataError
        Missing columns, duplicate segment names, ranges that are not
        whole numbers or where min > max; the message names the file, row
        and column.
    """
    if path is None or not str(path).strip():
        path = DEFAULT_SEGMENTS_PATH
    path = Path(path)
    if not path.exists():
        raise DataError(f"segment table not found (looked for {path.resolve()})", source=path.name)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = pd.read_excel(path, dtype=object)
    else:
        from toolkit.data.encoding import detect_encoding

        table = pd.read_csv(path, encoding=detect_encoding(path), dtype=str, keep_default_na=False)
    table.columns = [str(c).strip() for c in table.columns]
    return check_segment_table(table, source=path.name)


def check_segment_table(table: pd.DataFrame, source: str = "segment table") -> pd.DataFrame:
    """Validate a segment table already in memory; see :func:`load_segment_table`."""
    missing = [c for c in ("segment",) + RANGE_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(
            f"the segment table has no column {missing}; it needs segment, {', '.join(RANGE_COLUMNS)}. "
            f"Columns found: {list(table.columns)}.",
            source=source,
            column=missing[0],
        )
    out = table.copy()
    out["segment"] = out["segment"].astype(str).str.strip()
    if (out["segment"] == "").any():
        rows = [int(i) + 2 for i in np.flatnonzero(out["segment"] == "")]
        raise DataError(f"rows {rows} have no segment name.", source=source, column="segment", rows=rows)
    dup = out["segment"][out["segment"].duplicated()].tolist()
    if dup:
        raise DataError(f"segment name(s) {dup} appear more than once.", source=source, column="segment")
    if UNASSIGNED in set(out["segment"]):
        raise DataError(
            f"the name {UNASSIGNED!r} is reserved for customers no segment matches.", source=source
        )
    for column in RANGE_COLUMNS:
        values = pd.to_numeric(out[column], errors="coerce")
        bad = values.isna() | (values != np.floor(values)) | (values < 1)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"row {i + 2} (segment {out['segment'].iloc[i]!r}) has {column} = {table[column].iloc[i]!r}; "
                "score bounds must be whole numbers from 1 up.",
                source=source,
                column=column,
                rows=[i + 2],
            )
        out[column] = values.astype("int64")
    for dim in "rfm":
        wrong = out[f"{dim}_min"] > out[f"{dim}_max"]
        if wrong.any():
            i = int(np.flatnonzero(wrong.to_numpy())[0])
            raise DataError(
                f"row {i + 2} (segment {out['segment'].iloc[i]!r}) has {dim}_min > {dim}_max "
                f"({out[f'{dim}_min'].iloc[i]} > {out[f'{dim}_max'].iloc[i]}).",
                source=source,
                column=f"{dim}_min",
                rows=[i + 2],
            )
    for column in out.columns:
        if column.split("_")[0] in _TEXT_COLUMNS and column not in RANGE_COLUMNS:
            out[column] = out[column].fillna("").astype(str)
    return out.reset_index(drop=True)


def _scale(table: pd.DataFrame) -> int:
    return int(table[["r_max", "f_max", "m_max"]].to_numpy().max())


def segment_coverage(table: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """Every score combination with the segment it falls in.

    Returns
    -------
    DataFrame
        ``r_score, f_score, m_score, rfm_cell, segment`` (first match, or
        :data:`UNASSIGNED`) and ``matches`` (how many rows match: above 1
        means overlapping rows, resolved by table order).
    """
    rows = []
    lo = {d: table[f"{d}_min"].to_numpy() for d in "rfm"}
    hi = {d: table[f"{d}_max"].to_numpy() for d in "rfm"}
    names = table["segment"].to_numpy()
    for r, f, m in itertools.product(range(1, bins + 1), repeat=3):
        hit = (
            (lo["r"] <= r)
            & (r <= hi["r"])
            & (lo["f"] <= f)
            & (f <= hi["f"])
            & (lo["m"] <= m)
            & (m <= hi["m"])
        )
        idx = np.flatnonzero(hit)
        rows.append(
            {
                "r_score": r,
                "f_score": f,
                "m_score": m,
                "rfm_cell": f"{r}{f}{m}",
                "segment": names[idx[0]] if len(idx) else UNASSIGNED,
                "matches": int(len(idx)),
            }
        )
    return pd.DataFrame(rows)


def assign_segments(scores: pd.DataFrame, table: pd.DataFrame, bins: int = 5) -> pd.Series:
    """Name each customer's segment from its scores.

    Parameters
    ----------
    scores : DataFrame
        ``r_score, f_score, m_score`` (e.g. ``Scores.scores``).
    table : DataFrame
        A checked segment table (:func:`load_segment_table`).
    bins : int, default 5
        The score scale; must match the table's largest bound.

    Returns
    -------
    Series of str
        Segment keys aligned with ``scores``; :data:`UNASSIGNED` where no
        row matches.

    Raises
    ------
    ParameterError
        If the table is written for another score scale.
    """
    scale = _scale(table)
    if scale != bins:
        raise ParameterError(
            f"The segment table is written for scores 1-{scale} (its largest bound is {scale}), but the scores "
            f"run 1-{bins} (bins={bins}). Use bins={scale}, or give a segment table for {bins} bins."
        )
    cover = segment_coverage(table, bins)
    lookup = dict(zip(cover["rfm_cell"], cover["segment"]))
    codes = scores["r_score"].astype(str) + scores["f_score"].astype(str) + scores["m_score"].astype(str)
    return codes.map(lookup).fillna(UNASSIGNED).astype("string").rename("segment")


def _names(table: pd.DataFrame, lang: str) -> dict[str, str]:
    column = f"name_{lang}"
    names = {s: s for s in table["segment"]}
    if column in table:
        names.update({s: n for s, n in zip(table["segment"], table[column]) if n})
    return names


def segment_summary(customers: pd.DataFrame, table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Customers, revenue and mean R/F/M per segment, in table order.

    Parameters
    ----------
    customers : DataFrame
        ``segment, recency, frequency, monetary`` per customer.
    table : DataFrame
        The segment table (gives order and display names).
    lang : {"en", "zh"}
        Language of the ``name`` column.

    Returns
    -------
    DataFrame
        ``segment, name, customers, share_of_customers, revenue,
        share_of_revenue, recency, frequency, monetary`` (the last three are
        means). Segments without customers are listed with zeros; a row
        :data:`UNASSIGNED` is added when some customers match no segment.
    """
    check_lang(lang)
    missing = [c for c in ("segment", "recency", "frequency", "monetary") if c not in customers]
    if missing:
        raise DataError(f"the scored customer table has no column {missing}.", column=missing[0])
    order = list(table["segment"])
    if (customers["segment"] == UNASSIGNED).any():
        order.append(UNASSIGNED)
    g = customers.groupby(customers["segment"].astype(str), sort=False)
    stats = pd.DataFrame(
        {
            "customers": g.size(),
            "revenue": g["monetary"].sum(),
            "recency": g["recency"].mean(),
            "frequency": g["frequency"].mean(),
            "monetary": g["monetary"].mean(),
        }
    ).reindex(order)
    stats["customers"] = stats["customers"].fillna(0).astype("int64")
    stats["revenue"] = stats["revenue"].fillna(0.0)
    total_customers, total_revenue = stats["customers"].sum(), stats["revenue"].sum()
    stats["share_of_customers"] = stats["customers"] / total_customers if total_customers else 0.0
    stats["share_of_revenue"] = stats["revenue"] / total_revenue if total_revenue else 0.0
    names = _names(table, lang)
    from toolkit.i18n import t

    names[UNASSIGNED] = t("rfm.segment.unassigned", lang)
    stats.index.name = "segment"
    stats = stats.reset_index()
    stats.insert(1, "name", stats["segment"].map(names))
    return stats[
        [
            "segment",
            "name",
            "customers",
            "share_of_customers",
            "revenue",
            "share_of_revenue",
            "recency",
            "frequency",
            "monetary",
        ]
    ]


def playbook(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """What to do with each segment: ``segment, name, action, channel, why``.

    Text comes from the table's ``<field>_<lang>`` columns; a missing
    column gives empty text.
    """
    check_lang(lang)
    names = _names(table, lang)
    out = pd.DataFrame({"segment": table["segment"], "name": table["segment"].map(names)})
    for field in ("action", "channel", "why"):
        column = f"{field}_{lang}"
        out[field] = table[column] if column in table else ""
    return out
