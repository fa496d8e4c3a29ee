"""The Bullseye report's result files, checked against independent sums.

Uses the session-wide ``built_reports`` fixture (every notebook built once in
both languages), so the notebook is not executed again here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
import yaml

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
    assert len(summary["findings"]) >= 4


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
