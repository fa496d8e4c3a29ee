"""The Bullseye report's result files, checked against independent sums.

Uses the session-wide ``built_reports`` fixture (every notebook built once in
both languages), so the notebook is not executed again here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
import yaml

from toolkit.i18n import t
from toolkit.report.lint import lint_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "bullseye" / "example_scorecard.yaml"
GROUP_OF_PREFIX = {
    "T": "target_market",
    "P": "product_brand",
    "D": "distribution",
    "R": "price",
    "Pr": "promotion",
    "E": "market_environment",
}


def _body(page: str) -> str:
    """The report without its appendix (parameters and provenance are the report frame's concern)."""
    found = re.search(r'<section[^>]*id="appendix"', page)
    return page[: found.start()] if found else page


def _group(criterion: str) -> str:
    return GROUP_OF_PREFIX["Pr"] if criterion.startswith("Pr") else GROUP_OF_PREFIX[criterion[0]]


def _expected(lang: str) -> dict[str, dict]:
    """Totals and group scores of the bundled example, straight from the YAML."""
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry in doc["products"]:
        name = entry["product"][lang]
        for crit, value in entry["scores"].items():
            scores[(name, crit)].append(value)
    out: dict[str, dict] = {}
    for (name, crit), values in scores.items():
        mean = sum(values) / len(values)
        product = out.setdefault(name, {"total": 0.0, "groups": defaultdict(float)})
        product["total"] += mean
        product["groups"][_group(crit)] += mean
    return out


@pytest.fixture(scope="module", params=["en", "zh"])
def result(request, built_reports):
    lang = request.param
    folder = built_reports / lang / "bullseye"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return lang, folder, summary


def test_summary_has_total_rate_and_groups_per_product(result):
    lang, _, summary = result
    products = summary["metrics"]["products"]
    expected = _expected(lang)
    assert set(products) == set(expected)
    for name, figures in expected.items():
        got = products[name]
        assert got["total"] == pytest.approx(figures["total"])
        assert got["rate"] == pytest.approx(figures["total"] / 300)
        assert got["possible"] == 300
        for group, score in figures["groups"].items():
            assert got["groups"][group]["score"] == pytest.approx(score)
    ranks = sorted(products, key=lambda p: products[p]["rank"])
    assert ranks == sorted(expected, key=lambda p: -expected[p]["total"])


def test_summary_has_the_textbook_figures(result):
    _, _, summary = result
    textbook = summary["metrics"]["textbook"]
    assert textbook["total"] == 189 and textbook["possible"] == 300
    assert textbook["rate"] == pytest.approx(0.63)
    assert [textbook["groups"][g]["score"] for g in GROUP_OF_PREFIX.values()] == [46, 71, 8, 15, 5, 44]
    assert sorted(summary["metrics"]["textbook_wrong_printed_rates"]) == [
        "distribution",
        "market_environment",
        "product_brand",
        "target_market",
    ]
    assert summary["metrics"]["proposed_criteria"] == ["Pr1", "E8"]


def test_summary_findings_are_on_the_example_products_and_say_they_are_invented(result):
    """The textbook is computed (course cells) but never a finding; the invented products are labelled."""
    lang, _, summary = result
    label = t("bullseye.label.illustrative", lang, text="")
    findings = summary["findings"]
    assert len(findings) == 3  # ranking, disagreements, what-if
    assert all(f.endswith(label) for f in findings)
    assert not any("189" in f or "textbook" in f.lower() or "教材" in f for f in findings)
    best = min(summary["metrics"]["products"].items(), key=lambda kv: kv[1]["rank"])
    assert findings[0].startswith(best[0]) and f"{best[1]['rate']:.0%}" in findings[0]
    assert f"{summary['metrics']['disagreements']} " in findings[1]


def test_result_files_agree_with_each_other(result):
    lang, folder, summary = result
    criteria = pd.read_csv(folder / "criteria.csv", encoding="utf-8-sig")
    groups = pd.read_csv(folder / "groups.csv", encoding="utf-8-sig")
    n = len(summary["metrics"]["products"])
    assert len(criteria) == 30 * n and len(groups) == 6 * n
    assert {
        "product",
        "criterion",
        "group",
        "score",
        "score_min",
        "score_max",
        "spread",
        "disagree",
        "band",
        "evidence",
        "question",
    } <= set(criteria.columns)
    sums = criteria.groupby(["product", "group"])["score"].sum()
    for row in groups.itertuples():
        assert row.score == pytest.approx(sums[(row.product, row.group)])
        assert row.rate == pytest.approx(row.score / row.possible)
    assert criteria["disagree"].sum() == summary["metrics"]["disagreements"]
    if lang == "zh":
        assert criteria["question"].str.contains(r"[\u4e00-\u9fff]").all()


def test_report_html_is_clean(result, built_reports):
    lang, _, _ = result
    html = (built_reports / lang / "bullseye.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}' in html
    for bad in ("Traceback", "Error:", "Warning:", "np.float64", "rpt.", "import "):
        assert bad not in html, bad
    assert ("布尔塞" in html) if lang == "zh" else ("Bullseye" in html)
    # the course cells (textbook example, exercises) are not in the report; the example is labelled
    assert t("bullseye.table.textbook_groups", lang) not in html
    assert html.count(t("bullseye.note.illustrative", lang)) == 1
    assert html.count(t("bullseye.note.illustrative_short", lang)) == 2
    assert lint_report(_body(html), lang) == []


def test_report_on_a_users_scorecard_has_no_example_or_textbook_in_the_summary(tmp_path):
    """Two products, two raters each, from a CSV: findings unlabelled, no illustrative note."""
    from toolkit.report.runner import run_notebook

    criteria = list(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["products"][0]["scores"])
    rows = ["product,rater,criterion,score"]
    for product, base in (("跑鞋", 7), ("帐篷", 4)):
        for rater, shift in (("张三", 0), ("李四", 1)):
            rows += [f"{product},{rater},{c},{min(10, base + shift)}" for c in criteria]
    card = tmp_path / "card.csv"
    card.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = run_notebook("bullseye", lang="zh", params={"scorecard": str(card)}, out=tmp_path / "out")
    summary = json.loads((run.results_dir / "summary.json").read_text(encoding="utf-8"))
    products = summary["metrics"]["products"]
    # 跑鞋: raters give 7 and 8 on every criterion -> 7.5 x 30 = 225; 帐篷: 4 and 5 -> 135
    assert products["跑鞋"]["total"] == pytest.approx(225) and products["帐篷"]["total"] == pytest.approx(135)
    findings = summary["findings"]
    assert findings[0].startswith("跑鞋") and "225.0" in findings[0] and "75%" in findings[0]
    label = t("bullseye.label.illustrative", "zh", text="")
    assert not any(label in f or "189" in f or "教材" in f for f in findings)
    page = run.html.read_text(encoding="utf-8")
    assert t("bullseye.note.illustrative", "zh") not in page
    assert t("bullseye.note.illustrative_short", "zh") not in page
    assert lint_report(_body(page), "zh") == []
