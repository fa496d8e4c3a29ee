"""Every bundled report is a client edition: it passes the report lint, reads on a
phone, and prints to an A4 PDF with nothing beyond the margins.

These tests run on the one build of all reports per test session
(``built_reports``, both languages). The browser checks use headless
Chromium: a small script measures the laid-out page and writes the result
into the DOM, which ``--dump-dom`` returns.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import IN_CI, chromium_command, screenshot
from toolkit.report.catalog import list_notebooks
from toolkit.report.lint import lint_report

NAMES = [s.name for s in list_notebooks()]
REPORTS = [(lang, name) for lang in ("en", "zh") for name in NAMES]
PHONE, DESKTOP = 390, 1280
MIN_CHART_PX = 9.0
#: the A4 page's left and right margins in the print styles (16 mm), in points
SIDE_MARGIN_PT = 16 / 25.4 * 72

#: Runs inside the report, framed at the width under test, and writes into the framing page
_MEASURE = """<script>
(function () {
  var doc = document.documentElement, out = {};
  out.scrollWidth = doc.scrollWidth; out.viewport = window.innerWidth;
  out.wideTables = Array.prototype.slice.call(document.querySelectorAll('.pmkt-table-wrap'))
    .filter(function (w) { return w.scrollWidth > w.clientWidth + 1; })
    .map(function (w) { var c = w.querySelector('caption'); return c ? c.textContent : w.textContent.slice(0, 60); });
  out.chartText = Array.prototype.slice.call(document.querySelectorAll('img[data-min-text-px]'))
    .map(function (i) { return [i.alt, i.getBoundingClientRect().width / +i.dataset.pngWidth * +i.dataset.minTextPx]; });
  var box = parent.document.createElement('pre'); box.id = 'pmkt-measure'; box.textContent = JSON.stringify(out);
  parent.document.body.appendChild(box);
})();
</script>"""


def _measure(browser: str, report: Path, width: int, work: Path) -> dict:
    # A frame of the exact width: headless windows have a minimum width above a phone's.
    framed = report.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>")
    probe = work / f"{report.parent.name}-{report.stem}-{width}.html"
    probe.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0;width:{width}px;height:1200px" '
        f'srcdoc="{html.escape(framed, quote=True)}"></iframe></body></html>',
        "utf-8",
    )
    done = subprocess.run(
        chromium_command(
            browser, work / f".profile-{probe.stem}", 1400, 1300, "--dump-dom", probe.resolve().as_uri()
        ),
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    found = re.search(r'<pre id="pmkt-measure">(.*?)</pre>', done.stdout, flags=re.S)
    assert found, f"the measuring script did not run on {report}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture(scope="module")
def layout(built_reports, chromium, tmp_path_factory):
    """Each report measured at phone and desktop width, and screenshot at both."""
    work = tmp_path_factory.mktemp("layout")

    def one(item):
        lang, name = item
        report = built_reports / lang / f"{name}.html"
        shots = [
            screenshot(chromium, report, work / f"{lang}-{name}-{w}.png", width=w, height=1800)
            for w in (DESKTOP, PHONE)
        ]
        return item, {
            "phone": _measure(chromium, report, PHONE, work),
            "desktop": _measure(chromium, report, DESKTOP, work),
            "shots": shots,
        }

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, REPORTS))


@pytest.mark.parametrize(("lang", "name"), REPORTS)
def test_bundled_report_passes_the_lint(built_reports, lang, name):
    problems = lint_report((built_reports / lang / f"{name}.html").read_text(encoding="utf-8"), lang)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(map(str, problems[:40]))


@pytest.mark.parametrize(("lang", "name"), REPORTS)
def test_report_reads_on_a_phone(layout, lang, name):
    phone = layout[(lang, name)]["phone"]
    # the page itself never scrolls sideways; wide tables and charts scroll in their own box
    assert phone["scrollWidth"] <= phone["viewport"], phone
    small = [(alt, round(px, 1)) for alt, px in phone["chartText"] if px < MIN_CHART_PX]
    assert not small, f"chart text below {MIN_CHART_PX} px on a phone: {small}"
    for shot in layout[(lang, name)]["shots"]:
        assert shot.stat().st_size > 20_000, f"{shot.name} looks blank"


@pytest.mark.parametrize(("lang", "name"), REPORTS)
def test_tables_fit_the_text_column_on_a_desktop(layout, lang, name):
    wide = layout[(lang, name)]["desktop"]["wideTables"]
    assert not wide, f"tables wider than the text column: {wide}"


def _words_outside(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    outside = []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", text, flags=re.S), start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', page
        ):
            if float(x_min) < SIDE_MARGIN_PT - 2 or float(x_max) > width - SIDE_MARGIN_PT + 2:
                outside.append(f"page {number}: {word}")
    return outside


@pytest.fixture(scope="module")
def pdfs(built_reports, tmp_path_factory):
    if shutil.which("pdftotext") is None:
        if IN_CI:
            pytest.fail("pdftotext is not installed; .ci/run must install poppler-utils")
        pytest.skip("pdftotext is not installed")
    from toolkit.report.pdf import write_pdf

    work = tmp_path_factory.mktemp("pdf")

    def one(item):
        lang, name = item
        return item, write_pdf(built_reports / lang / f"{name}.html", work / f"{lang}-{name}.pdf")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, REPORTS))


@pytest.mark.parametrize(("lang", "name"), REPORTS)
def test_pdf_is_a4_with_a_cover_and_nothing_beyond_the_margins(pdfs, lang, name):
    pdf = pdfs[(lang, name)]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3  # cover, contents, body
    outside = _words_outside(pdf)
    assert not outside, f"text beyond the margin: {outside[:20]}"
    first = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "3", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    # the contents give page numbers
    assert re.search(r"\.\s*\d+\s*$", first, flags=re.M), "the contents list has no page numbers"
