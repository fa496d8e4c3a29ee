"""One number format per language, checked against hand-written expectations."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.i18n import numbers as n


def test_money_carries_its_currency_and_a_true_minus():
    assert n.money(1234.4, "GBP", "en") == "£1,234"
    assert n.money(-56.1, "USD", "en", decimals=2) == "\u2212$56.10"
    assert n.money(-0.2, "EUR", "en") == "€0"  # no "−€0"
    assert n.money(12_800_000, "GBP", "zh", short=True) == "£1,280万"
    assert n.money(179_670_480, "CNY", "zh", short=True) == "¥1.8亿"
    assert n.money(12_800_000, "GBP", "en", short=True) == "£12.8M"
    assert n.money(5, "XYZ", "en") == "XYZ 5"
    assert n.money(5, "", "en") == "5"
    assert n.money(float("nan"), "GBP", "en") == "—"


def test_currency_in_headers_in_both_languages():
    assert n.with_currency("Revenue", "GBP", "en") == "Revenue (GBP)"
    assert n.with_currency("销售额", "GBP", "zh") == "销售额（英镑）"
    assert n.with_currency("利润", "EUR", "zh") == "利润（欧元）"
    assert n.with_currency("Revenue", "", "en") == "Revenue"


def test_percent_against_percentage_points():
    assert n.percent(0.123, "en") == "12%"
    assert n.percent(0.01375, "zh", 3) == "1.375%"
    assert n.points(0.005, "en") == "0.5 pp"
    assert n.points(0.005, "zh") == "0.5 个百分点"
    assert n.points(-0.0123, "zh", 2) == "\u22121.23 个百分点"


def test_dates_one_style_per_language():
    day = pd.Timestamp("2011-12-09 12:50")
    assert n.date(day, "zh") == "2011年12月9日"  # not 12月09日
    assert n.date(day, "en") == "9 Dec 2011"
    assert n.date("2010-12-01", "zh") == "2010年12月1日"
    assert n.month(pd.Period("2011-03", "M"), "zh") == "2011年3月"
    assert n.month(day, "en") == "Dec 2011"


def test_counts_numbers_ranges_p_values_and_lists():
    assert n.count(4324.0) == "4,324"
    assert n.number(-1234.567, "en", 1) == "\u22121,234.6"
    assert n.span("10", "20") == "10\u201320"
    assert n.p_value(0.0004) == "< 0.001"
    assert n.p_value(0.0123) == "0.012"
    assert n.join(["A", "B", "C"], "en") == "A, B and C"
    assert n.join(["甲", "乙", "丙"], "zh") == "甲、乙和丙"


def test_currency_codes_are_checked():
    assert n.check_currency(" gbp ") == "GBP"
    assert n.check_currency("") == ""
    with pytest.raises(ParameterError, match="three-letter ISO code"):
        n.check_currency("pounds")
