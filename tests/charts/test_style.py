"""The chart style's one compact money format, used by every chart."""

from __future__ import annotations

from toolkit.charts.style import money_formatter, money_label, percent_formatter, short_money, use_currency


def test_compact_amounts_in_both_languages():
    assert short_money(12_800_000, "en") == "12.8M"
    assert short_money(12_800_000, "zh") == "1,280万"
    assert short_money(179_670_480, "zh") == "1.8亿"
    assert short_money(1_250, "en") == "1.25k"
    assert short_money(15_000, "zh") == "1.5万"  # not "2万": three significant digits
    assert short_money(5_000, "zh") == "5,000"  # Chinese never mixes k with 万
    assert short_money(-342.5, "en") == "-342"
    assert short_money(2_500_000_000, "en") == "2.5B"


def test_axis_ticks_share_one_unit_and_exact_decimals():
    # one unit for the whole axis, never "5,000, 1万, 2万, 2万"
    zh = money_formatter("zh").format_ticks([0, 5_000, 10_000, 15_000, 20_000])
    assert zh == ["0", "0.5万", "1.0万", "1.5万", "2.0万"]
    en = money_formatter("en").format_ticks([0, 250_000, 500_000, 750_000])
    assert en == ["0", "250k", "500k", "750k"]
    assert money_formatter("en").format_ticks([-2_000, 0, 2_000]) == ["-2k", "0", "2k"]


def test_percent_ticks_on_a_2_5_point_grid_are_exact():
    ticks = percent_formatter().format_ticks([0.0, 0.025, 0.05, 0.075, 0.10])
    assert ticks == ["0%", "2.5%", "5.0%", "7.5%", "10.0%"]
    assert percent_formatter().format_ticks([0.0, 0.1, 0.2]) == ["0%", "10%", "20%"]


def test_money_labels_name_the_report_currency():
    assert money_label("Revenue", "en", "GBP") == "Revenue (GBP)"
    assert money_label("销售额", "zh", "GBP") == "销售额（英镑）"
    with use_currency("EUR"):
        assert money_label("Profit", "en") == "Profit (EUR)"
    assert money_label("Profit", "en") == "Profit"
