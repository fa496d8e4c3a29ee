"""End to end: build every report in both languages, open them in headless
Chromium, and check what a reader would see."""

import json
import re

import numpy as np
import pytest
from PIL import Image

from tests.conftest import screenshot
from toolkit.report.catalog import list_notebooks

NAMES = [s.name for s in list_notebooks()]


def test_index_links_every_report(built_reports):
    index = (built_reports / "index.html").read_text(encoding="utf-8")
    for name in NAMES:
        for lang in ("en", "zh"):
            assert f'href="{lang}/{name}.html"' in index
            assert (built_reports / lang / f"{name}.html").exists()
    items = json.loads((built_reports / "build.json").read_text(encoding="utf-8"))
    assert all(i["ok"] for i in items) and len(items) == 2 * len(NAMES)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", NAMES)
def test_report_content(built_reports, name, lang):
    page = (built_reports / lang / f"{name}.html").read_text(encoding="utf-8")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    # no code, no tracebacks, no error output, no papermill parameters
    for marker in (
        "jp-InputArea",
        "input_area",
        "highlight hl-ipython",
        "Traceback",
        "output_error",
        "application/vnd.jupyter.stderr",
        "injected-parameters",
        "rpt = Report(",
    ):
        assert marker not in page, f"{name} ({lang}) shows {marker!r}"
    assert page.count('pmkt-exec-summary"') == 1
    assert page.index("pmkt-exec-summary") < page.index("pmkt-body")
    assert "data:image/png;base64," in page, "charts are embedded"
    summary = json.loads((built_reports / lang / name / "summary.json").read_text(encoding="utf-8"))
    assert summary["findings"], f"{name} ({lang}) has no findings"
    han = len(re.findall(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", " ", page)))
    if lang == "zh":
        assert han > 200, f"{name} (zh) has only {han} Chinese characters"
    # result CSVs are UTF-8 with a byte-order mark
    for csv in (built_reports / lang / name).glob("*.csv"):
        assert csv.read_bytes()[:3] == b"\xef\xbb\xbf", csv.name


def _ink(png) -> np.ndarray:
    pixels = np.asarray(Image.open(png).convert("L"), dtype=np.int16)
    return pixels < 128


def test_chinese_renders_as_chinese_in_chromium(built_reports, chromium, tmp_path):
    """Distinct characters must give distinct glyphs: missing-glyph boxes all look alike."""
    report = built_reports / "zh" / "data_overview.html"
    shot = screenshot(chromium, report, tmp_path / "report.png", height=1600)
    assert _ink(shot).mean() > 0.01, "the screenshot is blank"
    title = re.search(r"<h1>(.*?)</h1>", report.read_text(encoding="utf-8")).group(1)
    assert re.search(r"[\u4e00-\u9fff]", title)
    css = re.search(r"font-family:([^;]+);", report.read_text(encoding="utf-8")).group(1)
    probes = []
    for i, text in enumerate([title, "".join(reversed(title)), "口" * len(title)]):
        page = tmp_path / f"probe{i}.html"
        page.write_text(
            f'<html lang="zh-CN"><meta charset="utf-8"><style>body {{ margin: 0 }} '
            f"div {{ font-family:{css}; font-size: 48px; padding: 8px }}</style>"
            f"<body><div>{text}</div></body></html>",
            encoding="utf-8",
        )
        probes.append(_ink(screenshot(chromium, page, tmp_path / f"probe{i}.png", width=900, height=300)))
    forward, backward, boxes = probes
    assert forward.sum() > 500, "the title left no ink"
    assert (forward != backward).mean() > 0.005, "reversed title renders identically: glyphs are boxes"
    assert (forward != boxes).mean() > 0.005, "title renders like a row of boxes"


def test_english_report_screenshot(built_reports, chromium, tmp_path):
    shot = screenshot(chromium, built_reports / "en" / "data_overview.html", tmp_path / "en.png", height=1600)
    ink = _ink(shot)
    assert ink.mean() > 0.01
    assert Image.open(shot).size == (1280, 1600)
