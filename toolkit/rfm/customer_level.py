"""Customer-level input: one row per customer with R, F and M already computed.

This is the form of the textbook example (customer number, months since
the last purchase, number of purchases, total spend) and of many CRM
exports. The columns are mapped to ``customer_id, recency, frequency,
monetary``; recency may be in days or in months.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.data.mapping import ALIASES, parse_mapping, resolve_mapping
from toolkit.errors import DataError, ParameterError, check_choice, format_examples
from toolkit.rfm.customers import CustomerTable, months_since

__all__ = ["LEVEL_COLUMNS", "LEVEL_ALIASES", "RECENCY_UNITS", "customers_from_table"]

LEVEL_COLUMNS: tuple[str, ...] = ("customer_id", "recency", "frequency", "monetary")
RECENCY_UNITS: tuple[str, ...] = ("days", "months")
LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ALIASES["customer_id"],
    "recency": (
        "months_since_last_purchase",
        "days_since_last_purchase",
        "recency_days",
        "recency_months",
        "最近购买",
        "距上次购买月数",
        "距上次购买天数",
        "最近一次购买",
        "近度",
    ),
    "frequency": (
        "purchases",
        "orders",
        "order_count",
        "frequency",
        "购买次数",
        "购买频率",
        "订单数",
        "频次",
    ),
    "monetary": (
        "total_spend",
        "spend",
        "monetary_value",
        "revenue",
        "购买金额",
        "消费金额",
        "购买币值",
        "总消费",
        "累计消费",
    ),
}


def _resolve(available: list[str], mapping: Mapping[str, str] | list[str] | str | None) -> dict[str, str]:
    used = parse_mapping(mapping, strict=False)
    unknown = [k for k in used if k not in LEVEL_COLUMNS]
    if unknown:
        raise ParameterError(
            f"Unknown column(s) {unknown} in the mapping; customer-level data uses {list(LEVEL_COLUMNS)}."
        )
    return resolve_mapping(available, used, LEVEL_ALIASES)


def customers_from_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | list[str] | str | None = None,
    *,
    recency_unit: str = "days",
    source: str = "customer table",
    row_offset: int = 1,
) -> CustomerTable:
    """Check and standardise customer-level RFM data.

    Parameters
    ----------
    frame : DataFrame
        One row per customer.
    columns : dict or list of "canonical=column", optional
        ``{canonical: your column}`` for ``customer_id, recency, frequency,
        monetary``; exact names and common aliases (including the textbook's
        ``months_since_last_purchase, purchases, total_spend`` and Chinese
        headers) need no mapping.
    recency_unit : {"days", "months"}, default "days"
        Unit of the recency column. With months, ``recency_months`` is the
        value as given (the weighted method raises months below 1 to 1 and
        counts them); with days it is derived as in
        :func:`toolkit.rfm.customers.months_since`.
    source : str
        Name of the file, for messages.
    row_offset : int, default 1
        Added to 0-based positions for row numbers in messages (2 for a
        file with a header line).

    Returns
    -------
    CustomerTable
        ``customers`` has ``customer_id, recency, recency_months,
        frequency, monetary, mean_order_value``; ``as_of`` is None.

    Raises
    ------
    DataError
        Missing columns, missing or non-numeric values, negative recency or
        frequency, duplicate customer ids.
    """
    check_choice("recency_unit", recency_unit, RECENCY_UNITS)
    available = [str(c) for c in frame.columns]
    used = _resolve(available, columns)
    for canonical in LEVEL_COLUMNS:
        column = used.get(canonical)
        if column is None or column not in available:
            raise DataError(
                f"no column for {canonical}; available: {available}. Map it with "
                f"columns={{'{canonical}': '<your column>'}}.",
                source=source,
                column=canonical,
            )
    out = pd.DataFrame({"customer_id": frame[used["customer_id"]].astype("string").str.strip()})
    blank = out["customer_id"].isna() | (out["customer_id"] == "")
    if blank.any():
        rows = [int(i) + row_offset for i in np.flatnonzero(blank.to_numpy())[:5]]
        raise DataError(
            f"column {used['customer_id']!r} is empty on {int(blank.sum())} row(s): rows {rows}.",
            source=source,
            column=used["customer_id"],
            rows=rows,
        )
    dup = out["customer_id"].duplicated(keep=False)
    if dup.any():
        raise DataError(
            f"customer-level data needs one row per customer; {int(dup.sum())} rows repeat an id "
            f"(e.g. {format_examples(out.loc[dup, 'customer_id'].unique()[:5].tolist())}).",
            source=source,
            column=used["customer_id"],
        )
    for canonical in ("recency", "frequency", "monetary"):
        column = used[canonical]
        raw = frame[column]
        values = pd.to_numeric(
            raw.astype("string").str.replace(r"[,\s¥￥$€£元]", "", regex=True)
            if not pd.api.types.is_numeric_dtype(raw)
            else raw,
            errors="coerce",
        )
        bad = values.isna()
        if canonical != "monetary":
            bad |= values < 0
        if bad.any():
            rows = [int(i) + row_offset for i in np.flatnonzero(bad.to_numpy())[:5]]
            expected = "numbers" if canonical == "monetary" else "numbers >= 0"
            raise DataError(
                f"column {column!r} (mapped to {canonical}) has {int(bad.sum())} value(s) that are not {expected}: "
                f"rows {rows} hold {format_examples(raw[bad].head(5).tolist())}.",
                source=source,
                column=column,
                rows=rows,
            )
        out[canonical] = values.astype("float64").to_numpy()
    if recency_unit == "days":
        out["recency_months"] = months_since(out["recency"])
    else:
        out["recency_months"] = out["recency"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["mean_order_value"] = np.where(out["frequency"] > 0, out["monetary"] / out["frequency"], np.nan)
    out = out[["customer_id", "recency", "recency_months", "frequency", "monetary", "mean_order_value"]]
    counts = {
        "customers": int(len(out)),
        "customers_non_positive_monetary": int((out["monetary"] <= 0).sum()),
    }
    return CustomerTable(
        out.reset_index(drop=True), None, "as given", "as given", counts, recency_unit=recency_unit
    )
