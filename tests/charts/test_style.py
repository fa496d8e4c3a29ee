"""The chart style's one compact money format, used by every chart."""

from __future__ import annotations

from toolkit.charts.style import money_formatter, short_money


def test_compact_amounts_in_both_languages():
    assert short_money(12_800_000, "en") == "12.8M"
    assert short_money(12_800_000, "zh") == "1,280万"
    assert short_money(179_670_480, "zh") == "1.8亿"
    assert short_money(1_250, "en") == "1.25k"
    assert short_money(15_000, "zh") == "1.5万"  # not "2万": three significant digits
    assert short_money(5_000, "zh") == "5,000"  # Chinese never mixes k with 万
    assert short_money(-342.5, "en") == "-342"
    assert short_money(2_500_000_000, "en") == "2.5B"


def test_axis_ticks_use_the_same_format():
    ticks = money_formatter("zh")
    assert [ticks(v, 0) for v in (0, 5_000, 10_000, 15_000, 20_000)] == ["0", "5,000", "1万", "1.5万", "2万"]
