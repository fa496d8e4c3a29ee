"""Results on bundled data: labelled everywhere, in the executive summary only when the report runs on bundled data."""

import pytest

from toolkit.errors import ParameterError
from toolkit.report import Report
from toolkit.report.illustrative import illustrative_finding, on_user_data, source_label


def test_which_data_is_the_users():
    assert not on_user_data("") and not on_user_data("   ") and not on_user_data(None)
    assert on_user_data("sales.csv") and on_user_data("db.duckdb#orders")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_the_users_file_the_finding_stays_out_of_the_summary(lang, capsys):
    rpt = Report(lang=lang)
    text = illustrative_finding(rpt, user_data=True, source="hillstrom", en="Profit of 334.", zh="利润 334。")
    assert rpt.findings == [] and rpt.summary()["findings"] == []
    assert rpt.metrics["illustrative_findings"] == [text]
    assert text.startswith("Profit of 334." if lang == "en" else "利润 334。")
    assert source_label("hillstrom", lang) in text
    illustrative_finding(rpt, user_data=True, source="bank_marketing", en="Calls.", zh="电话。")
    assert len(rpt.metrics["illustrative_findings"]) == 2 and rpt.findings == []


def test_on_bundled_data_the_labelled_finding_is_a_key_finding():
    rpt = Report(lang="en")
    text = illustrative_finding(
        rpt, user_data=False, source="hillstrom", en="Profit of 334.", zh="利润 334。"
    )
    assert rpt.findings == [text] == ["Profit of 334. (on the bundled Hillstrom e-mail test, not your data)"]
    assert "illustrative_findings" not in rpt.metrics


def test_unknown_source_is_refused():
    with pytest.raises(
        ParameterError, match="The 'source' parameter must be one of .* Got 'mystery' instead."
    ):
        source_label("mystery", "en")
