"""How to read a user's export: decimal mark, date order, extra fee codes.

These choices travel with the column mapping, because they describe the
same thing: the user's file. On the command line they are ``--decimal ,``,
``--date-format %d/%m/%Y``, ``--dayfirst yes|no`` and ``--non-merchandise
POST,FEE``; in a mapping YAML file they are keys beside the columns::

    customer_id: 客户编号
    order_date: 订单日期
    amount: 金额
    decimal: ","
    dayfirst: yes

Left out, each is decided from the data for the whole column and reported
(see ``docs/data-quality.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from toolkit.errors import parameter_error

__all__ = ["OPTION_KEYS", "ReadOptions", "split_options"]

OPTION_KEYS: tuple[str, ...] = ("decimal", "date_format", "dayfirst", "non_merchandise")
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True)
class ReadOptions:
    """The user's explicit choices for reading a file; ``None`` means "decide from the data".

    Attributes
    ----------
    decimal : {".", ","} or None
        The decimal mark of every numeric column.
    date_format : str or None
        A ``strftime`` format such as ``"%d/%m/%Y %H:%M"`` for the date column.
    dayfirst : bool or None
        Whether ambiguous dates such as 03/04/2011 are day first.
    non_merchandise : tuple of str
        Product codes, besides the built-in list, that are fees, postage or
        adjustments rather than goods.
    """

    decimal: str | None = None
    date_format: str | None = None
    dayfirst: bool | None = None
    non_merchandise: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The options that were set, for the report's appendix."""
        out: dict[str, Any] = {}
        if self.decimal is not None:
            out["decimal"] = self.decimal
        if self.date_format is not None:
            out["date_format"] = self.date_format
        if self.dayfirst is not None:
            out["dayfirst"] = self.dayfirst
        if self.non_merchandise:
            out["non_merchandise"] = list(self.non_merchandise)
        return out


def _codes(value: Any) -> tuple[str, ...]:
    items: Iterable[Any] = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


def split_options(mapping: Mapping[str, Any] | None) -> tuple[dict[str, str], ReadOptions]:
    """Separate the reading options from the column mapping.

    Parameters
    ----------
    mapping : dict, optional
        A mapping as returned by :func:`toolkit.data.mapping.parse_mapping`,
        which may hold the keys of :data:`OPTION_KEYS` beside the columns.

    Returns
    -------
    columns : dict
        ``{canonical: column}`` only.
    options : ReadOptions

    Raises
    ------
    ParameterError
        A decimal mark other than "." or ",", a ``dayfirst`` that is not
        yes or no, or a date format without ``%d``, ``%m`` and ``%Y``/``%y``.
    """
    columns: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for key, value in (mapping or {}).items():
        (raw if key in OPTION_KEYS else columns)[key] = value
    decimal = raw.get("decimal")
    if decimal is not None:
        decimal = str(decimal).strip()
        if decimal not in (".", ","):
            raise parameter_error(
                "decimal", "'.' or ','", decimal, "Write --decimal , for 2,95 or --decimal . for 2.95."
            )
    date_format = raw.get("date_format")
    if date_format is not None:
        date_format = str(date_format).strip()
        has_month = "%m" in date_format or "%b" in date_format
        has_year = "%Y" in date_format or "%y" in date_format
        if "%d" not in date_format or not has_month or not has_year:
            raise parameter_error(
                "date_format",
                "a format naming the day, month and year, like %d/%m/%Y or %m/%d/%Y %H:%M",
                date_format,
            )
    dayfirst = raw.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        text = str(dayfirst).strip().lower()
        if text not in _TRUE | _FALSE:
            raise parameter_error("dayfirst", "yes or no", dayfirst)
        dayfirst = text in _TRUE
    codes = _codes(raw["non_merchandise"]) if raw.get("non_merchandise") not in (None, "") else ()
    return columns, ReadOptions(decimal, date_format, dayfirst, codes)
