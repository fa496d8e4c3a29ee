"""The report lint catches each defect it is written for, and passes clean pages."""

from __future__ import annotations

import pytest

from toolkit.report.lint import lint_report


def page(body: str, lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><body>{body}</body></html>'


def rules(body: str, lang: str = "en") -> set[str]:
    return {p.rule for p in lint_report(page(body, lang), lang)}


@pytest.mark.parametrize(
    ("body", "lang", "rule"),
    [
        ("<p>This lesson shows the scores.</p>", "en", "course-word"),
        ("<p>See Exercise 1 below.</p>", "en", "course-word"),
        ("<p>The textbook's table.</p>", "en", "course-word"),
        ("<p>本课介绍评分方法。</p>", "zh", "course-word"),
        ("<p>教材中的加权评分法。</p>", "zh", "course-word"),
        ("<p>课堂上可以讨论。</p>", "zh", "course-word"),
        ("<p>Set <code>returns</code> to drop.</p>", "en", "code-in-prose"),
        ('<p>Set returns="net" to subtract.</p>', "en", "identifier-in-prose"),
        ("<p>Use segments_file for your own table.</p>", "en", "identifier-in-prose"),
        ("<p>The rules are in data/bullseye/criteria.csv.</p>", "en", "path-in-prose"),
        ("<p>按分数 month=mar 计算。</p>", "zh", "latin-in-zh"),
        ("<p>United Kingdom 贡献了 82% 的销售额。</p>", "zh", "latin-in-zh"),
        (
            '<table><thead><tr><th class="num">Revenue</th></tr></thead><tbody></tbody></table>',
            "en",
            "money-without-currency",
        ),
        (
            '<table><thead><tr><th class="num">销售额</th></tr></thead><tbody></tbody></table>',
            "zh",
            "money-without-currency",
        ),
        ('<img src="x.png" alt="No description has been provided for this image">', "en", "default-alt-text"),
        ("<p>p-value 0.000</p>", "en", "zero-p-value"),
        ("<p>提升 0.50% 个百分点。</p>", "zh", "percent-points"),
        ("<p>The profit was -1,234.</p>", "en", "hyphen-minus"),
        ("<p>数据截至 2011-12-09。</p>", "zh", "date-style"),
        ("<p>数据截至 2011年12月09日。</p>", "zh", "date-style"),
        ("<p>Response rate nan%.</p>", "en", "placeholder"),
    ],
)
def test_each_defect_is_caught(body, lang, rule):
    assert rule in rules(body, lang)


def test_clean_pages_pass_in_both_languages():
    clean_en = (
        "<p>The top fifth of customers bring 61% of revenue; profit fell by \u2212£1,234 (9 Dec 2011).</p>"
        '<table class="pmkt-table"><thead><tr><th class="num">Revenue (GBP)</th><th>Product</th></tr></thead>'
        '<tbody><tr><td class="num">1,234</td><td class="txt">WHITE HANGING HEART</td></tr></tbody></table>'
        '<img src="x.png" alt="Monthly revenue: highest in Nov 2011">'
    )
    assert lint_report(page(clean_en), "en") == []
    clean_zh = (
        '<p>RFM 评分显示，<span class="pmkt-data">WHITE HANGING HEART</span> 销量最高；'
        "提升 0.5 个百分点（2011年12月9日）。</p>"
        '<table class="pmkt-table"><thead><tr><th class="num">销售额（英镑）</th><th>销售额占比</th></tr></thead>'
        '<tbody><tr><td class="txt">United Kingdom</td><td class="num">82.3%</td></tr></tbody></table>'
        '<a href="../en/rfm.html" lang="en">English version</a>'
    )
    assert lint_report(page(clean_zh, "zh"), "zh") == []


def test_data_values_may_be_latin_in_zh_but_only_when_marked():
    assert "latin-in-zh" in rules("<p>畅销品是 REGENCY CAKESTAND。</p>", "zh")
    assert "latin-in-zh" not in rules(
        '<p>畅销品是 <span class="pmkt-data">REGENCY CAKESTAND</span>。</p>', "zh"
    )
    # a chart title naming a product the page shows as data
    alt = '<td>REGENCY CAKESTAND</td><img src="x.png" alt="REGENCY CAKESTAND 销量最高">'
    assert "latin-in-zh" not in rules(f"<table><tbody><tr>{alt}</tr></tbody></table>", "zh")
