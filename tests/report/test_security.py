"""Branding logos, Excel formulas in result files, and HTML escaping."""

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from toolkit.bullseye import write_template
from toolkit.errors import ParameterError
from toolkit.report.branding import MAX_LOGO_BYTES, Brand, load_brand, read_logo
from toolkit.report.export import render_html
from toolkit.report.notebook import Report
from toolkit.report.safe_cells import excel_safe

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def brand_with_logo(tmp_path, logo):
    path = tmp_path / "brand.yaml"
    path.write_text(f"company: Acme\nlogo: {logo}\n", encoding="utf-8")
    return path


def test_a_logo_is_judged_by_its_bytes_not_its_name(tmp_path):
    (tmp_path / "logo.txt").write_bytes(PNG)
    assert load_brand(brand_with_logo(tmp_path, "logo.txt")).logo_data_uri.startswith(
        "data:image/png;base64,"
    )
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 8)
    assert read_logo(tmp_path / "photo.jpg").startswith("data:image/jpeg;base64,")
    (tmp_path / "fake.png").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    with pytest.raises(
        ParameterError, match=r"brand.yaml: the logo fake.png is not a PNG, JPEG or SVG image"
    ):
        load_brand(brand_with_logo(tmp_path, "fake.png"))


@pytest.mark.skipif(not Path("/etc/passwd").exists(), reason="needs a Unix system file")
def test_system_files_devices_and_folders_are_refused(tmp_path):
    with pytest.raises(ParameterError, match=r"the logo passwd is not a PNG, JPEG or SVG image"):
        load_brand(brand_with_logo(tmp_path, "/etc/passwd"))
    with pytest.raises(ParameterError, match=r"the logo /dev/zero is not a regular file"):
        load_brand(brand_with_logo(tmp_path, "/dev/zero"))
    (tmp_path / "logos").mkdir()
    with pytest.raises(ParameterError, match=r"the logo .*logos is a folder; give a PNG, JPEG or SVG file"):
        load_brand(brand_with_logo(tmp_path, "logos"))


def test_a_large_logo_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.png"
    with big.open("wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.write(PNG)
        handle.truncate(100 * 1024 * 1024)
    with pytest.raises(ParameterError, match=r"the logo big.png is 100.0 MB; a logo may be at most 2 MB"):
        read_logo(big)
    exact = tmp_path / "exact.png"
    exact.write_bytes(PNG + b"\x00" * (MAX_LOGO_BYTES - len(PNG)))
    assert read_logo(exact).startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    "svg, what",
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a <script> element"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            "an on...= event attribute",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
            "a javascript: URL",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>',
            "a link to another file or site",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
            "an XML entity declaration",
        ),
    ],
)
def test_svg_logos_with_scripts_or_outside_references_are_refused(tmp_path, svg, what):
    path = tmp_path / "logo.svg"
    path.write_text(svg, encoding="utf-8")
    with pytest.raises(ParameterError, match=f"the SVG logo logo.svg contains {what}"):
        read_logo(path)


def test_a_plain_svg_logo_is_accepted(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/></svg>',
        encoding="utf-8",
    )
    assert read_logo(path).startswith("data:image/svg+xml;base64,")


def test_text_that_excel_would_run_is_prefixed_but_numbers_are_not():
    frame = pd.DataFrame(
        {
            "product": ['=HYPERLINK("http://x")', "+1", "-sale", "@SUM(A1)", "\tx", "\rx", "Mug", None],
            "amount": [-5, 1, 2, 3, 4, 5, 6, 7],
            "=col": [-1.5] * 8,
        }
    )
    safe = excel_safe(frame)
    assert safe["product"].tolist()[:7] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-sale",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "Mug",
    ]
    assert pd.isna(safe["product"].iloc[7])
    assert safe["amount"].tolist() == [-5, 1, 2, 3, 4, 5, 6, 7] and safe["'=col"].tolist() == [-1.5] * 8
    assert frame["product"].iloc[0] == '=HYPERLINK("http://x")'  # the input is not changed


def test_result_csv_files_carry_no_live_formulas(tmp_path):
    rpt = Report(output_dir=str(tmp_path), name="t")
    rpt.table(pd.DataFrame({"customer_id": ["=1+1", "C42"], "net": [-5.5, 3.0]}), "customers", show=False)
    text = (tmp_path / "customers.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["customer_id,net", "'=1+1,-5.5", "C42,3.0"]


def test_the_scorecard_template_carries_no_live_formulas(tmp_path):
    csv_path = write_template(tmp_path / "card.csv", products=("=cmd|' /C calc'!A0",), raters=("-Li",))
    row = csv_path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert row.startswith("'=cmd|' /C calc'!A0,'-Li,T1,")
    from openpyxl import load_workbook

    xlsx = write_template(tmp_path / "card.xlsx", products=("=cmd",), raters=("@me",))
    sheet = load_workbook(xlsx)["scorecard"]
    assert sheet["A2"].value == "'=cmd" and sheet["B2"].value == "'@me" and sheet["A2"].data_type == "s"
    with zipfile.ZipFile(xlsx) as book:
        assert all(
            "<f>" not in book.read(n).decode("utf-8")
            for n in book.namelist()
            if n.startswith("xl/worksheets/")
        )


def test_data_strings_are_escaped_in_the_report_page():
    page = render_html(
        "<p>body</p>",
        lang="en",
        title="T",
        description="d",
        brand=Brand(),
        parameters={"data": "<script>alert(1)</script>.csv"},
        provenance={
            "encoding": "utf-8",
            "formats": {"amount": "<img src=x onerror=alert(1)>"},
            "input_name": "<b>sales</b>.csv",
        },
        run_seconds=None,
    )
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;sales&lt;/b&gt;.csv" in page
