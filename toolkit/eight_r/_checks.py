"""Input checks shared by the 8R modules (private)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from toolkit.errors import DataError, ParameterError, format_examples


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise a :class:`DataError` naming the missing columns and how to map them."""
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"{what} needs a pandas DataFrame. Got {type(df).__name__} instead.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        mapping = ", ".join(f"{c}=<your column>" for c in missing)
        raise DataError(
            f"{what} needs the column(s) {missing}, which the data does not have "
            f"(available: {list(df.columns)}). Map them with columns={{...}} or --map {mapping}.",
            column=missing[0],
        )


def require_numeric(df: pd.DataFrame, column: str, what: str) -> None:
    """Raise a :class:`DataError` when ``column`` is not numeric or has missing values."""
    values = df[column]
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        bad = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
        raise DataError(
            f"{what}: column '{column}' must be numeric; found non-numeric values "
            f"{format_examples(bad.unique())} in {len(bad):,} rows.",
            column=column,
            rows=[int(i) + 1 for i in bad.index[:5]],
        )
    missing = values.isna()
    if missing.any():
        raise DataError(
            f"{what}: column '{column}' has {int(missing.sum()):,} missing values "
            f"(first rows {[int(i) + 1 for i in values.index[missing][:5]]}); fill or drop them first.",
            column=column,
            rows=[int(i) + 1 for i in values.index[missing][:5]],
        )


def sales_only(tx: pd.DataFrame) -> pd.DataFrame:
    """Rows that are sales (not returns): all rows when there is no ``is_return`` column."""
    if "is_return" in tx.columns:
        return tx.loc[~tx["is_return"].astype(bool)]
    return tx


def order_key(tx: pd.DataFrame) -> pd.Series:
    """What identifies an order: ``order_id`` when mapped, else customer and calendar day."""
    if "order_id" in tx.columns:
        return tx["order_id"].astype(str)
    return tx["customer_id"].astype(str) + "|" + pd.to_datetime(tx["order_date"]).dt.strftime("%Y-%m-%d")


def first_label(values: pd.Series, keys: pd.Series) -> pd.Series:
    """The most frequent non-missing value of ``values`` for each key (e.g. a product's name)."""
    frame = pd.DataFrame({"k": keys.to_numpy(), "v": values.to_numpy()}).dropna()
    frame["v"] = frame["v"].astype(str).str.strip()
    if frame.empty:
        return pd.Series(dtype=object)
    counts = frame.groupby(["k", "v"]).size().rename("n").reset_index()
    counts = counts.sort_values(["k", "n", "v"], ascending=[True, False, True])
    return counts.drop_duplicates("k").set_index("k")["v"]


def iter_str(values: Iterable) -> list[str]:
    """Turn an iterable of codes into a list of strings (for exclusion lists)."""
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]
