"""The HTML export: what is kept, what is removed, escaping and page structure."""

import nbformat
import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.report.branding import Brand, load_brand
from toolkit.report.export import prepare_notebook, render_html
from toolkit.report.notebook import EXEC_END, EXEC_START
from toolkit.report.tables import format_value, table_html


def notebook():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell
    md = nbformat.v4.new_markdown_cell
    nb.cells = [
        code("x = 1", metadata={"tags": ["parameters"]}),
        code("x = 2", metadata={"tags": ["injected-parameters"]}),
        md("## English section", metadata={"tags": ["lang-en"]}),
        md("## 中文小节", metadata={"tags": ["lang-zh"]}),
        md("Shared text"),
        md("Try this", metadata={"tags": ["exercise", "lang-en"]}),
        code("answer = 42", metadata={"tags": ["solution"]}),
        code("print(1)"),
    ]
    nb.cells[-1].outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: something"),
        nbformat.v4.new_output("stream", name="stdout", text="visible"),
    ]
    return nb


def test_prepare_keeps_only_the_report_language_and_drops_course_cells():
    nb, stderr = prepare_notebook(notebook(), "zh")
    sources = [c.source for c in nb.cells]
    assert sources == ["## 中文小节", "Shared text", "print(1)"]
    assert stderr == ["FutureWarning: something"]
    assert [o["text"] for o in nb.cells[-1].outputs] == ["visible"]


def test_page_structure_summary_on_top_and_escaping():
    body = (
        f'<h2 id="a">Section A</h2><p>text</p>{EXEC_START}<section class="pmkt-exec-summary">'
        f"<h2>Executive summary</h2><ul><li>finding</li></ul></section>{EXEC_END}"
    )
    brand = Brand(
        company="<script>alert(1)</script> & Co", client="Client <b>", confidentiality="Confidential"
    )
    page = render_html(
        body,
        lang="zh",
        title="报告 <i>",
        description="desc",
        brand=brand,
        parameters={"data": "<evil>.csv"},
        provenance={"sha256": "abc"},
        run_seconds=1.5,
    )
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert page.index("pmkt-exec-summary") < page.index("pmkt-toc") < page.index('id="a"')
    assert page.count('pmkt-exec-summary"') == 1
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "报告 &lt;i&gt;" in page and "&lt;evil&gt;.csv" in page
    assert '<a href="#a">Section A</a>' in page
    assert "附录" in page and "1.5 秒" in page


def test_table_html_formats_and_escapes():
    frame = pd.DataFrame(
        {"segment": ["<b>x</b>"], "revenue": [12345.678], "share_of_revenue": [0.1234], "customers": [1200]}
    )
    html = table_html(frame, "zh")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x" not in html
    assert "12,346" in html and "12.3%" in html and "1,200" in html
    assert "销售额" in html and "客户数" in html
    assert format_value(float("nan")) == "—"
    assert format_value(pd.Timestamp("2024-01-02")) == "2 Jan 2024"
    assert format_value(pd.Timestamp("2024-01-02 08:05"), lang="zh") == "2024年1月2日 08:05"
    assert format_value(-5.5, decimals=1) == "\u22125.5" and format_value(0.0004, p_value=True) == "< 0.001"
    # money headers name the currency, totals are emphasised
    money = table_html(pd.DataFrame({"segment": ["a", "Total"], "revenue": [1.0, 2.0]}), "en", currency="GBP")
    assert "Revenue (GBP)" in money and '<tr class="total">' in money
    assert "（英镑）" in table_html(frame, "zh", currency="GBP")


def test_brand_file_validation(tmp_path):
    good = tmp_path / "brand.yaml"
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    good.write_text("company: Acme\naccent: '#0b7a75'\nlogo: logo.png\n", encoding="utf-8")
    brand = load_brand(good)
    assert brand.accent == "#0b7a75" and brand.logo_data_uri.startswith("data:image/png;base64,")
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: Acme\ncolour: red\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"bad.yaml: unknown field\(s\) \['colour'\]"):
        load_brand(bad)
    bad.write_text("accent: red\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="must be a colour like '#1f5f8b'. Got 'red' instead."):
        load_brand(bad)
    bad.write_text("logo: missing.png\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="logo file not found"):
        load_brand(bad)


def test_appendix_shows_how_the_file_was_read_in_both_languages():
    provenance = {
        "input_name": "销售.csv",
        "encoding": "gbk",
        "delimiter": "\t",
        "formats": {"order_date": "day/month/year (%d/%m/%Y), decided from the values"},
        "options": {"decimal": ",", "dayfirst": True, "non_merchandise": ["FEE", "TIP"]},
    }
    pages = {
        lang: render_html(
            "<p>b</p>",
            lang=lang,
            title="T",
            description="d",
            brand=Brand(),
            parameters={},
            provenance=provenance,
            run_seconds=None,
        )
        for lang in ("en", "zh")
    }
    en, zh = pages["en"], pages["zh"]
    data = '<span class="pmkt-data">{}</span>'.format
    assert "<h3>How the data file was read</h3>" in en
    assert f"<th>Text encoding</th><td>{data('gbk')}</td>" in en
    assert "<th>Column delimiter</th><td>tab</td>" in en
    # a decision the catalogue has no words for is shown as it was recorded, marked as data
    assert (
        f"<th>Format of Order date</th><td>{data('day/month/year (%d/%m/%Y), decided from the values')}</td>"
        in en
    )
    assert (
        f"<th>Reading options given</th><td>{data('--decimal , --dayfirst yes --non-merchandise FEE,TIP')}</td>"
        in en
    )
    assert "<h3>数据文件的读取方式</h3>" in zh and "<th>列分隔符</th><td>制表符</td>" in zh
    assert "<th>下单日期 的格式</th>" in zh
    # the reading facts are shown once, in their own table, not again under provenance
    assert en.count("gbk") == 1 and f"<th>Data</th><td>{data('销售.csv')}</td>" in en
    plain = render_html(
        "<p>b</p>",
        lang="en",
        title="T",
        description="d",
        brand=Brand(),
        parameters={},
        provenance={"input_name": "x.csv", "encoding": "utf-8"},
        run_seconds=None,
    )
    assert "<th>Reading options given</th><td>none (each format decided from the values)</td>" in plain
    assert "How the data file was read" not in render_html(
        "<p>b</p>",
        lang="en",
        title="T",
        description="d",
        brand=Brand(),
        parameters={},
        provenance={},
        run_seconds=None,
    )


def test_appendix_values_are_read_as_written():
    from toolkit.report.appendix import value_html

    assert value_html([10, 2, 0.02], "zh") == "10、2、0.02"
    assert value_html(0.3, "en") == "0.3" and value_html(64000, "en") == "64,000"
    assert value_html("quantile", "zh") == "分位数" and value_html(True, "zh") == "是"
    assert value_html("", "en") == "none"
