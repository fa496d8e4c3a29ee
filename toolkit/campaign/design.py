"""Turn customer columns into a numeric design matrix for a logistic regression.

Numbers are used as they are; text columns become one 0/1 column per level
(the most frequent level is the reference and gets none). Levels seen in
fewer than ``min_level_count`` rows are pooled into "(other)" so that a
handful of rows cannot produce an unstable coefficient; when the pooled rows
are themselves fewer than ``min_level_count``, they join the reference level. Columns that are an
exact linear combination of earlier ones (for example "unknown" housing and
"unknown" loan in the bank data, which always occur together) are dropped.
Everything pooled or dropped is recorded on the :class:`Design` so a report
can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.errors import DataError, ParameterError, check_number, format_examples

__all__ = ["OTHER", "MISSING", "Design", "fit_design", "apply_design", "unseen_levels"]

OTHER = "(other)"
MISSING = "(missing)"


@dataclass(frozen=True)
class Design:
    """How to build the model's columns from customer data.

    Attributes
    ----------
    numeric : tuple of str
        Numeric feature columns, used as they are.
    levels : dict
        For each text feature, the levels that get their own column.
    reference : dict
        For each text feature, the reference level (no column).
    pooled : dict
        For each text feature with rare levels, ``(into, levels)``: the rare
        levels and the level they were pooled into — "(other)", or the
        reference level when even the pooled rows are too few.
    columns : tuple of str
        Final column names, ``const`` first.
    dropped : tuple of str
        Columns dropped because they duplicated others (collinear).
    """

    numeric: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]
    reference: dict[str, str]
    pooled: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def features(self) -> tuple[str, ...]:
        """The input columns the design reads."""
        return self.numeric + tuple(self.levels)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def _text(series: pd.Series) -> np.ndarray:
    """Values as text (missing -> "(missing)"), as a numpy object array."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    labels = np.array([str(u) for u in uniques] + [MISSING], dtype=object)
    return labels[codes]


def _check_features(df: pd.DataFrame, features: Sequence[str], source: str | None) -> None:
    if not features:
        raise ParameterError("The 'features' parameter must name at least one column.")
    missing = [f for f in features if f not in df.columns]
    if missing:
        raise DataError(
            f"feature column(s) {missing} not found; available: {list(df.columns)}.",
            source=source,
        )
    for f in features:
        if _is_numeric(df[f]) and df[f].isna().any():
            rows = (np.flatnonzero(df[f].isna().to_numpy()) + 1).tolist()
            raise DataError(
                f"numeric feature '{f}' has {len(rows)} missing value(s), e.g. rows {format_examples(rows)}; "
                "remove those rows first (toolkit.campaign.response_model.prepare_response_data does "
                "this and counts them).",
                source=source,
                column=f,
                rows=rows[:20],
            )


def _raw_matrix(design: Design, df: pd.DataFrame) -> pd.DataFrame:
    parts = {"const": np.ones(len(df))}
    for col in design.numeric:
        parts[col] = df[col].astype(float).to_numpy()
    for col, levels in design.levels.items():
        values = _text(df[col])
        if col in design.pooled:
            into, rare = design.pooled[col]
            values = np.where(np.isin(values, list(rare)), into, values)
        for level in levels:
            parts[f"{col}={level}"] = (values == level).astype(float)
    return pd.DataFrame(parts, index=df.index)


def _independent_columns(matrix: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Mask of columns that are not linear combinations of the earlier ones.

    Works on the small cross-product matrix: a column is kept when the part
    of it not explained by the columns kept so far still carries more than
    ``tol`` of its (squared) length.
    """
    gram = matrix.T @ matrix
    scale = np.sqrt(np.clip(np.diag(gram), 0, None))
    scale[scale == 0] = 1.0
    gram = gram / np.outer(scale, scale)
    keep = np.zeros(gram.shape[0], dtype=bool)
    for j in range(gram.shape[0]):
        norm = gram[j, j]
        if norm <= 0:
            continue
        kept = np.flatnonzero(keep)
        if len(kept):
            g = gram[np.ix_(kept, np.array([j]))]
            explained = float((g.T @ np.linalg.solve(gram[np.ix_(kept, kept)], g))[0, 0])
            residual = norm - explained
        else:
            residual = norm
        keep[j] = residual > tol * norm
    return keep


def fit_design(
    df: pd.DataFrame,
    features: Sequence[str],
    min_level_count: int = 30,
    source: str | None = None,
) -> Design:
    """Work out the model columns from the training data.

    Parameters
    ----------
    df : DataFrame
        Training rows, one per customer.
    features : sequence of str
        Columns to use. Numeric columns (including 0/1 and booleans) enter
        as they are; other columns are treated as categories.
    min_level_count : int, default 30
        Category levels with fewer training rows are pooled into "(other)".
    source : str, optional
        File name for error messages.

    Returns
    -------
    Design
    """
    min_level_count = check_number("min_level_count", min_level_count, low=1, integer=True)
    features = list(dict.fromkeys(features))
    _check_features(df, features, source)
    numeric = tuple(f for f in features if _is_numeric(df[f]))
    levels: dict[str, tuple[str, ...]] = {}
    reference: dict[str, str] = {}
    pooled: dict[str, tuple[str, tuple[str, ...]]] = {}
    for col in (f for f in features if f not in numeric):
        counts = pd.Series(_text(df[col])).value_counts()
        rare = tuple(sorted(str(v) for v in counts.index[counts < min_level_count]))
        rare_rows = int(counts[counts < min_level_count].sum())
        counts = counts.drop(list(rare)).sort_values(ascending=False, kind="stable")
        if rare and (rare_rows >= min_level_count or counts.empty):
            pooled[col] = (OTHER, rare)
            counts[OTHER] = rare_rows
            counts = counts.sort_values(ascending=False, kind="stable")
        reference[col] = str(counts.index[0])
        if rare and col not in pooled:
            pooled[col] = (reference[col], rare)
        levels[col] = tuple(sorted(str(v) for v in counts.index[1:]))
    draft = Design(numeric, levels, reference, pooled)
    raw = _raw_matrix(draft, df)
    keep = _independent_columns(raw.to_numpy())
    return Design(
        numeric,
        levels,
        reference,
        pooled,
        columns=tuple(raw.columns[keep]),
        dropped=tuple(raw.columns[~keep]),
    )


def apply_design(design: Design, df: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Build the model matrix of ``df`` with the columns of ``design``.

    A category level not seen in training gets no column of its own: the row
    is treated like the reference level. Use :func:`unseen_levels` in the
    caller to count such rows.

    Returns
    -------
    DataFrame
        Float columns ``design.columns``, same index as ``df``.
    """
    _check_features(df, list(design.features), source)
    return _raw_matrix(design, df)[list(design.columns)]


def unseen_levels(design: Design, df: pd.DataFrame) -> dict[str, int]:
    """Rows per text feature whose level was not seen in training (nor pooled)."""
    out = {}
    for col, levels in design.levels.items():
        known = set(levels) | {design.reference[col]} | set(design.pooled.get(col, ("", ()))[1])
        n = int((~np.isin(_text(df[col]), list(known))).sum())
        if n:
            out[col] = n
    return out
