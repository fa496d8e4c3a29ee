"""Command-line details: the Bullseye template command and path parameters."""

import pytest

from toolkit.bullseye import read_scorecard
from toolkit.cli import main
from toolkit.errors import DataError
from toolkit.report.catalog import find_notebook
from toolkit.report.runner import build_parameters


def test_bullseye_template_command_writes_a_blank_scorecard(tmp_path, capsys):
    path = tmp_path / "class.csv"
    assert main(["bullseye-template", str(path), "--product", "跑鞋", "--rater", "张三", "--lang", "zh"]) == 0
    assert path.exists() and "pmkt run bullseye -p scorecard" in capsys.readouterr().out
    with pytest.raises(DataError, match=r"the scorecard has 30 problem\(s\): row 2: product .跑鞋., rater .张三., criterion .T1.: no score"):
        read_scorecard(path)
    assert main(["bullseye-template", str(tmp_path / "x.pdf")]) == 2


def test_relative_file_parameters_become_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "card.yaml").write_text("x: 1\n", encoding="utf-8")
    spec = find_notebook("bullseye")
    params = build_parameters(spec, output_dir=tmp_path, params={"scorecard": "card.yaml"})
    assert params["scorecard"] == str(tmp_path / "card.yaml")


def test_parameter_values_are_read_as_yaml_with_dates_as_text():
    from toolkit.cli import _parse_value

    assert _parse_value("2011-06-30") == "2011-06-30"
    assert _parse_value("3") == 3 and _parse_value("0.5") == 0.5
    assert _parse_value("[a, b]") == ["a", "b"]
    assert _parse_value("{recency: [30, 90]}") == {"recency": [30, 90]}


def test_database_passwords_are_masked_in_the_appendix():
    from toolkit.report.runner import _mask_secrets

    assert _mask_secrets("postgresql+psycopg://pmkt:s3cret@127.0.0.1:5432/pmkt") == \
        "postgresql+psycopg://pmkt:***@127.0.0.1:5432/pmkt"
    assert _mask_secrets("sales.duckdb") == "sales.duckdb" and _mask_secrets(3) == 3


def test_spreadsheet_float_ids_become_whole_numbers():
    import pandas as pd

    from toolkit.data.validation import parse_ids

    assert parse_ids(pd.Series(["17850.0", "13047.0", None])).tolist()[:2] == ["17850", "13047"]
    assert parse_ids(pd.Series(["A1.0", "17850.0"])).tolist() == ["A1.0", "17850.0"]
