"""Map a user's column names to the toolkit's canonical names.

A mapping goes from canonical name to the user's column, e.g.
``{"customer_id": "客户编号", "order_date": "订单日期"}``. It can be given as
a dict, as ``canonical=column`` strings (the ``--map`` option) or as a YAML
file. Columns that already carry a canonical name, or a well-known alias
(the UCI Online Retail names, common Chinese headers), need no mapping; the
mapping actually used is reported so nothing is guessed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from toolkit.data.options import OPTION_KEYS
from toolkit.errors import ParameterError

__all__ = [
    "CANONICAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ALIASES",
    "parse_mapping",
    "resolve_mapping",
]

CANONICAL_COLUMNS: dict[str, str] = {
    "customer_id": "who bought (customer or member id)",
    "order_date": "when (date or date-time of the order)",
    "amount": "line or order value; or give quantity and unit_price",
    "quantity": "units on the line",
    "unit_price": "price per unit",
    "order_id": "order / invoice number (optional)",
    "product_id": "product code (optional)",
    "product_name": "product name (optional)",
    "channel": "sales channel (optional)",
    "region": "region or country (optional)",
}
REQUIRED_COLUMNS = ("customer_id", "order_date")

ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customerid",
        "customer",
        "custid",
        "clientid",
        "memberid",
        "userid",
        "客户编号",
        "客户id",
        "客户号",
        "顾客编号",
        "会员id",
        "会员编号",
        "用户id",
    ),
    "order_date": (
        "invoicedate",
        "orderdate",
        "date",
        "transactiondate",
        "purchasedate",
        "订单日期",
        "下单日期",
        "下单时间",
        "交易日期",
        "购买日期",
        "日期",
    ),
    "amount": ("sales", "revenue", "total", "linetotal", "金额", "销售额", "订单金额", "实付金额"),
    "quantity": ("qty", "units", "数量", "购买数量"),
    "unit_price": ("unitprice", "price", "单价", "价格"),
    "order_id": ("invoiceno", "invoice", "orderno", "ordernumber", "订单号", "订单编号"),
    "product_id": ("stockcode", "sku", "productcode", "itemcode", "商品编码", "商品编号", "货号"),
    "product_name": ("description", "productname", "item", "商品名称", "商品", "产品名称"),
    "channel": ("saleschannel", "渠道", "销售渠道"),
    "region": ("country", "province", "city", "地区", "省份", "城市", "国家"),
}


def _value(value: object) -> str:
    """A mapping value as text; a YAML list (of non-merchandise codes) becomes comma-separated."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _normalise(name: str) -> str:
    return re.sub(r"[\s_\-./]", "", str(name)).lower()


def parse_mapping(
    spec: Mapping[str, str] | Iterable[str] | str | Path | None, *, strict: bool = True
) -> dict[str, str]:
    """Turn any accepted form of column mapping into ``{canonical: column}``.

    Parameters
    ----------
    spec : dict, list of "canonical=column" strings, path to a YAML file, or None
        A YAML file holds either the mapping itself or a ``columns:`` key
        with it.

    strict : bool, default True
        Check the keys against the canonical transaction columns. Notebooks
        on other kinds of data (campaign files) map their own names.

    Returns
    -------
    dict
        The mapping; empty for ``None`` or ``""``.

    Raises
    ------
    ParameterError
        For malformed items or canonical names the toolkit does not know.
    """
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        return {}
    if isinstance(spec, (str, Path)) and str(spec).lower().endswith((".yaml", ".yml")):
        path = Path(spec)
        if not path.exists():
            raise ParameterError(f"column mapping file not found: {path}")
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(loaded, dict) and isinstance(loaded.get("columns"), dict):
            loaded = loaded["columns"]
        if not isinstance(loaded, dict):
            raise ParameterError(
                f"{path.name}: expected 'canonical: your column' lines, got {type(loaded).__name__}"
            )
        mapping = {str(k): _value(v) for k, v in loaded.items()}
    elif isinstance(spec, Mapping):
        mapping = {str(k): _value(v) for k, v in spec.items()}
    else:
        items = [str(spec)] if isinstance(spec, (str, Path)) else [str(item) for item in spec]
        mapping = {}
        for item in items:
            if "=" not in str(item):
                raise ParameterError(
                    f"The column mapping {item!r} must look like canonical=your_column, e.g. order_date=订单日期."
                )
            key, value = str(item).split("=", 1)
            mapping[key.strip()] = value.strip()
    unknown = [k for k in mapping if k not in CANONICAL_COLUMNS and k not in OPTION_KEYS]
    if unknown and strict:
        raise ParameterError(
            f"Unknown canonical column(s) {unknown} in the mapping; the toolkit's names are "
            f"{list(CANONICAL_COLUMNS)} (write canonical=your_column)."
        )
    return mapping


def resolve_mapping(
    available: Iterable[str],
    mapping: Mapping[str, str] | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, str]:
    """Complete a user mapping with exact names and known aliases.

    Parameters
    ----------
    available : iterable of str
        The columns in the user's table.
    mapping : dict, optional
        The user's explicit mapping; it always wins.
    aliases : dict, optional
        ``{canonical: other names}`` looked for in this order; default the
        transaction columns' :data:`ALIASES`. Names are compared without
        case, blanks, ``_ - . /``.

    Returns
    -------
    dict
        ``{canonical: column}`` for every canonical column found. Mapped
        columns that do not exist are left in, for validation to report.
    """
    available = list(available)
    resolved = dict(mapping or {})
    taken = set(resolved.values())
    by_norm: dict[str, str] = {}
    for column in available:
        by_norm.setdefault(_normalise(column), column)
    for canonical, names in (ALIASES if aliases is None else aliases).items():
        if canonical in resolved:
            continue
        for candidate in (canonical, *names):
            found = by_norm.get(_normalise(candidate))
            if found is not None and found not in taken:
                resolved[canonical] = found
                taken.add(found)
                break
    return resolved
