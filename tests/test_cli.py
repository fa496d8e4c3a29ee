"""Command-line details: the Bullseye template command and path parameters."""

import os

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
    with pytest.raises(
        DataError,
        match=r"the scorecard has 30 problem\(s\): row 2: product .跑鞋., rater .张三., criterion .T1.: no score",
    ):
        read_scorecard(path)
    assert main(["bullseye-template", str(tmp_path / "x.pdf")]) == 2


def test_relative_file_parameters_become_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "card.yaml").write_text("x: 1\n", encoding="utf-8")
    spec = find_notebook("bullseye")
    params = build_parameters(spec, output_dir=tmp_path, params={"scorecard": "card.yaml"})
    assert params["scorecard"] == str(tmp_path / "card.yaml")


def test_parameter_values_take_the_type_of_the_declared_default(tmp_path):
    spec = find_notebook("rfm")
    params = build_parameters(
        spec,
        output_dir=tmp_path,
        params={
            "bins": "4",
            "migration_months": "010",
            "method": "nested",
            "margin": "1e-1",
            "thresholds": "{recency: [30, 90]}",
            "weights": "[10, 2, 0.02]",
        },
    )
    assert params["bins"] == 4 and params["migration_months"] == 10 and params["margin"] == 0.1
    assert params["method"] == "nested" and params["thresholds"] == {"recency": [30, 90]}
    assert params["weights"] == [10, 2, 0.02]
    tele = build_parameters(find_notebook("telemarketing"), output_dir=tmp_path, params={"positive": "yes"})
    assert tele["positive"] == "yes"  # YAML 1.1 would have made it True


def test_database_passwords_are_masked_in_the_appendix():
    from toolkit.report.runner import _mask_secrets

    assert (
        _mask_secrets("postgresql+psycopg://pmkt:s3cret@127.0.0.1:5432/pmkt")
        == "postgresql+psycopg://pmkt:***@127.0.0.1:5432/pmkt"
    )
    assert _mask_secrets("sales.duckdb") == "sales.duckdb" and _mask_secrets(3) == 3


def test_spreadsheet_float_ids_become_whole_numbers():
    import pandas as pd

    from toolkit.data.validation import parse_ids

    assert parse_ids(pd.Series(["17850.0", "13047.0", None])).tolist()[:2] == ["17850", "13047"]
    # each value on its own: a text id in the column does not stop 17850.0 from being 17850
    assert parse_ids(pd.Series(["A1.0", "17850.0"])).tolist() == ["A1.0", "17850"]


def one_error_line(capsys, argv):
    """Run the CLI, expect exit 2 and a single ``error:`` line; return that line."""
    code = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2, captured.err
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in captured.err, (
        captured.err
    )
    return lines[0]


def test_options_a_notebook_cannot_use_are_errors(tmp_path, capsys):
    out = ["--out", str(tmp_path / "o")]
    assert "'bullseye' has no `data` parameter, so --data cannot be used" in one_error_line(
        capsys, ["run", "bullseye", "--data", "scorecard.csv", *out]
    )
    assert "'bullseye' has no `columns` parameter, so --map cannot be used" in one_error_line(
        capsys, ["run", "bullseye", "--map", "customer_id=id", *out]
    )
    assert "'bullseye' has no `as_of` parameter, so --as-of cannot be used" in one_error_line(
        capsys, ["run", "bullseye", "--as-of", "2011-12-10", *out]
    )
    for name in ("email_campaign", "telemarketing"):
        assert f"'{name}' does not use its `as_of` parameter, so --as-of cannot be used" in one_error_line(
            capsys, ["run", name, "--as-of", "2011-12-10", *out]
        )
        assert "reading option(s) ['--decimal', '--dayfirst'] do not apply" in one_error_line(
            capsys, ["run", name, "--decimal", ",", "--dayfirst", "yes", *out]
        )
    assert not (tmp_path / "o").exists()  # refused before anything was written


def test_parameter_values_are_checked_before_the_kernel_starts(tmp_path, capsys):
    out = ["--out", str(tmp_path / "o")]
    assert (
        one_error_line(capsys, ["run", "rfm", "-p", "bins", "2.5", *out])
        == "error: The 'bins' parameter must be a whole number. Got '2.5' instead."
    )
    assert (
        one_error_line(capsys, ["run", "rfm", "-p", "weights", "heavy", *out])
        == "error: The 'weights' parameter must be a list like [a, b]. Got 'heavy' instead."
    )
    assert "its parameters are ['data', 'columns', 'as_of'" in one_error_line(
        capsys, ["run", "rfm", "-p", "colour", "red", *out]
    )
    # constraints declared as data next to the parameters, checked before any kernel starts
    assert (
        one_error_line(capsys, ["run", "rfm", "-p", "bins", "12", *out])
        == "error: The 'bins' parameter must be an integer in the range [2, 9]. Got 12 instead."
    )
    assert (
        one_error_line(capsys, ["run", "customer_value", "-p", "time_unit", "M", *out])
        == "error: The 'time_unit' parameter must be one of 'D' or 'W'. Got 'M' instead."
    )
    assert (
        one_error_line(capsys, ["run", "bullseye", "-p", "lang", "fr", *out])
        == "error: The 'lang' parameter must be one of 'en' or 'zh'. Got 'fr' instead."
    )
    assert not (tmp_path / "o").exists()
    assert "must be a date from 1900-01-01 to" in one_error_line(
        capsys, ["run", "rfm", "--as-of", "9999-12-31", *out]
    )
    assert "must be a date from 1900-01-01 to" in one_error_line(
        capsys, ["run", "rfm", "-p", "as_of", "1066-10-14", *out]
    )


def test_broken_files_and_folders_give_one_error_line(tmp_path, capsys):
    tabbed = tmp_path / "params.yaml"
    tabbed.write_text("bins: 4\nthresholds:\n\trecency: [30]\n", encoding="utf-8")
    assert "params.yaml: line(s) [3] are indented with tabs" in one_error_line(
        capsys, ["run", "rfm", "--params", str(tabbed), "--out", str(tmp_path / "o")]
    )
    gbk = tmp_path / "map.yaml"
    gbk.write_bytes("customer_id: 客户编号\n".encode("gbk"))
    assert (
        "map.yaml: the column mapping file is not UTF-8 (byte 0xbf at offset 13, line 1)"
        in one_error_line(capsys, ["check-data", "--data", "x.csv", "--map", str(gbk)])
    )
    malformed = tmp_path / "bad.yaml"
    malformed.write_text("customer_id: [客户编号\n", encoding="utf-8")
    assert "bad.yaml: the column mapping file is not valid YAML" in one_error_line(
        capsys, ["run", "rfm", "--map", str(malformed), "--out", str(tmp_path / "o")]
    )
    a_file = tmp_path / "report.txt"
    a_file.write_text("x", encoding="utf-8")
    assert f"--out {a_file} is a file; give a folder" in one_error_line(
        capsys, ["run", "data_overview", "--out", str(a_file)]
    )
    (tmp_path / "logo").mkdir()
    brand = tmp_path / "brand.yaml"
    brand.write_text("company: Acme\nlogo: logo\n", encoding="utf-8")
    assert "brand.yaml: the logo" in one_error_line(
        capsys, ["run", "bullseye", "--brand", str(brand), "--out", str(tmp_path / "o")]
    )


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_an_output_folder_that_cannot_be_written_is_an_error(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert "is not writable" in one_error_line(capsys, ["run", "bullseye", "--out", str(locked)])
    finally:
        locked.chmod(0o700)


def test_rule_overrides_are_checked(tmp_path, capsys):
    assert (
        one_error_line(capsys, ["check-data", "--data", "x.csv", "--rule", "returns"])
        == "error: --rule 'returns' must look like rule=drop or rule=keep, e.g. --rule returns=keep."
    )
    assert "there is no cleaning rule 'refunds'; the rules are ['duplicates'" in one_error_line(
        capsys, ["check-data", "--data", "x.csv", "--rule", "refunds=keep"]
    )
    assert (
        "The '--rule returns' parameter must be one of 'drop' or 'keep'. Got 'remove' instead."
        in one_error_line(capsys, ["check-data", "--data", "x.csv", "--rule", "returns=remove"])
    )
    assert "The 'date_format' parameter must be a format naming the day, month and year" in one_error_line(
        capsys, ["check-data", "--data", "x.csv", "--date-format", "%Y"]
    )


def test_check_data_shows_how_the_file_was_read(tmp_path, capsys):
    path = tmp_path / "sales.csv"
    path.write_text(
        "customer_id;order_date;amount\nA;13/01/2011;2,95\nB;14/01/2011;10,50\nA;15/02/2011;1,00\n",
        encoding="utf-8",
    )
    assert main(["check-data", "--data", str(path), "--decimal", ",", "--non-merchandise", "FEE,TIP"]) == 0
    out = capsys.readouterr().out
    assert "3 rows read, 3 rows analysed; analysis date 2011-02-16" in out
    assert "encoding: utf-8" in out and "delimiter: ';'" in out
    assert "format of order_date: " in out and "format of amount: " in out
    assert "reading options: --decimal , --non-merchandise FEE,TIP" in out
    assert main(["check-data", "--data", str(path), "--dayfirst", "yes"]) == 0
    assert "reading options: --dayfirst yes" in capsys.readouterr().out
