"""One number format per language: money, counts, shares, points, dates, ranges.

Every figure a report prints goes through these functions, so a report never
mixes "5k" with "1万", writes "0.50% 个百分点" or uses a hyphen as a minus
sign. Pure functions: a value and a language in, text out.

- Thousands separators in both languages; a true minus sign (U+2212).
- Money carries its currency: ``£1,234`` in both languages, and the short
  form ``£12k`` / ``£1.2M`` in English, ``£1.2万`` / ``£3.4亿`` in Chinese.
- A share is a percentage (``12%``); a difference of two shares is in
  percentage points (``0.5 pp`` / ``0.5 个百分点``).
- Dates: ``9 Dec 2011`` and ``2011年12月9日``; months ``Dec 2011`` and
  ``2011年12月``.
- One range separator, the en dash: ``10–20``.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from typing import Any

__all__ = [
    "CURRENCIES",
    "MINUS",
    "RANGE",
    "check_currency",
    "count",
    "currency_label",
    "date",
    "join",
    "money",
    "month",
    "number",
    "p_value",
    "percent",
    "points",
    "short_number",
    "span",
    "with_currency",
]

MINUS = "\u2212"
RANGE = "\u2013"

#: ISO code -> (symbol, Chinese name, English name)
CURRENCIES: dict[str, tuple[str, str, str]] = {
    "GBP": ("£", "英镑", "pounds sterling"),
    "USD": ("$", "美元", "US dollars"),
    "EUR": ("€", "欧元", "euros"),
    "CNY": ("¥", "元", "yuan"),
    "JPY": ("JP¥", "日元", "yen"),
    "HKD": ("HK$", "港元", "Hong Kong dollars"),
    "TWD": ("NT$", "新台币", "New Taiwan dollars"),
    "SGD": ("S$", "新加坡元", "Singapore dollars"),
    "AUD": ("A$", "澳元", "Australian dollars"),
    "CAD": ("C$", "加元", "Canadian dollars"),
    "CHF": ("CHF ", "瑞士法郎", "Swiss francs"),
    "KRW": ("₩", "韩元", "won"),
    "INR": ("₹", "卢比", "rupees"),
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def check_currency(code: Any) -> str:
    """An ISO 4217 code in upper case, or ``""`` when none is given.

    Raises
    ------
    ParameterError
        For text that is not three letters.
    """
    from toolkit.errors import parameter_error

    text = str(code or "").strip().upper()
    if text and not (len(text) == 3 and text.isalpha() and text.isascii()):
        raise parameter_error("currency", "a three-letter ISO code such as GBP, USD, EUR or CNY", code)
    return text


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT, pd.NA compare unequal to themselves
    except (TypeError, ValueError):
        return True


def _fixed(value: float, decimals: int) -> str:
    text = f"{abs(value):,.{max(decimals, 0)}f}"
    negative = value < 0 and any(ch not in "0.," for ch in text)
    return (MINUS if negative else "") + text


def number(value: Any, lang: str = "en", decimals: int = 0) -> str:
    """A number with thousands separators and a true minus sign; "—" when missing."""
    if _is_missing(value):
        return "—"
    return _fixed(float(value), decimals)


def count(value: Any, lang: str = "en") -> str:
    """A whole number with thousands separators."""
    if _is_missing(value):
        return "—"
    return _fixed(float(round(float(value))), 0)


def short_number(value: Any, lang: str = "en") -> str:
    """A large number shortened to three significant digits.

    English uses k, M and B (1.25k, 12.8M); Chinese uses 万 and 亿 (1,280万,
    1.8亿) and never k. Numbers below 1,000 (below 10,000 in Chinese) are
    written in full, rounded to whole units.
    """
    if _is_missing(value):
        return "—"
    x = float(value)
    size = abs(x)
    steps = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "k"))
    for scale, suffix in steps:
        if size >= scale:
            scaled = size / scale
            text = f"{scaled:,.0f}" if scaled >= 100 else f"{scaled:,.2f}".rstrip("0").rstrip(".")
            return (MINUS if x < 0 else "") + text + suffix
    return _fixed(x, 0)


def money(value: Any, currency: str | None, lang: str = "en", decimals: int = 0, short: bool = False) -> str:
    """A money amount with its currency, e.g. ``£1,234``, ``−$56.10``, ``£1.2万``.

    Parameters
    ----------
    value : number
    currency : str or None
        ISO code; ``None`` or ``""`` prints the bare number (the report then
        says the currency was not given).
    lang : {"en", "zh"}
    decimals : int, default 0
    short : bool, default False
        Shorten large amounts (k/m in English, 万/亿 in Chinese).
    """
    if _is_missing(value):
        return "—"
    x = float(value)
    body = short_number(abs(x), lang) if short else _fixed(abs(x), decimals)
    if body.strip("0.,") == "":
        x = 0.0
    sign = MINUS if x < 0 else ""
    code = (currency or "").upper()
    if not code:
        return sign + body
    symbol = CURRENCIES.get(code, (f"{code} ", "", ""))[0]
    return f"{sign}{symbol}{body}"


def currency_label(currency: str | None, lang: str = "en") -> str:
    """How a table header or axis names the currency: ``GBP`` / ``英镑``; "" when not given."""
    code = (currency or "").upper()
    if not code:
        return ""
    if lang == "zh":
        return CURRENCIES.get(code, ("", code, ""))[1] or code
    return code


def with_currency(label: str, currency: str | None, lang: str = "en") -> str:
    """A header or axis label with its currency: "Revenue (GBP)", "销售额（英镑）"."""
    unit = currency_label(currency, lang)
    if not unit:
        return label
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def percent(share: Any, lang: str = "en", decimals: int = 0) -> str:
    """A share in [0, 1] as a percentage: 0.123 -> "12%"."""
    if _is_missing(share):
        return "—"
    return _fixed(float(share) * 100, decimals) + "%"


def points(difference: Any, lang: str = "en", decimals: int = 1) -> str:
    """A difference of two shares in percentage points: 0.005 -> "0.5 pp" / "0.5 个百分点"."""
    if _is_missing(difference):
        return "—"
    text = _fixed(float(difference) * 100, decimals)
    return f"{text} 个百分点" if lang == "zh" else f"{text} pp"


def _as_date(value: Any) -> _dt.date:
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value[:10])
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    raise TypeError(f"not a date: {value!r}")


def date(value: Any, lang: str = "en") -> str:
    """A calendar date: "9 Dec 2011" / "2011年12月9日"."""
    if _is_missing(value):
        return "—"
    d = _as_date(value)
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def month(value: Any, lang: str = "en") -> str:
    """A calendar month: "Dec 2011" / "2011年12月"."""
    if _is_missing(value):
        return "—"
    if hasattr(value, "to_timestamp"):
        value = value.to_timestamp()
    d = _as_date(value)
    return f"{d.year}年{d.month}月" if lang == "zh" else f"{_MONTHS_EN[d.month - 1]} {d.year}"


def span(low: str, high: str, lang: str = "en") -> str:
    """A range of two already formatted values with the one range separator: "10–20"."""
    return f"{low}{RANGE}{high}"


def p_value(p: Any, lang: str = "en") -> str:
    """A p-value to three decimals, never "0.000": below 0.001 it reads "< 0.001"."""
    if _is_missing(p):
        return "—"
    x = float(p)
    if x < 0.001:
        return "< 0.001"
    return f"{x:.3f}" if not math.isclose(x, 1.0) else "1.000"


def join(items: Iterable[Any], lang: str = "en") -> str:
    """A list in prose: "a, b and c" / "a、b和c"."""
    words = [str(i) for i in items]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    if lang == "zh":
        return "、".join(words[:-1]) + "和" + words[-1]
    return ", ".join(words[:-1]) + " and " + words[-1]
