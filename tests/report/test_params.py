"""Notebook parameters are typed by their declared default and checked before any kernel starts."""

import pytest

from toolkit.errors import ParameterError
from toolkit.report.catalog import list_notebooks
from toolkit.report.params import (
    check_parameters,
    convert_value,
    declared_type,
    load_params_file,
    parameter_spec,
)


def spec(name, default_source, help_text="help", **constraints):
    return parameter_spec(name, default_source, help_text, constraints)


def test_the_declared_default_gives_the_type():
    assert declared_type('"yes"') == ("str", "yes")
    assert declared_type("6") == ("int", 6)
    assert declared_type("0.10") == ("float", 0.1)
    assert declared_type("True") == ("bool", True)
    assert declared_type("[10, 2, 0.02]") == ("list", [10, 2, 0.02])
    assert declared_type("{}") == ("dict", {})
    assert declared_type("None") == ("any", None)
    assert declared_type("os.getcwd()") == ("any", "os.getcwd()")


def test_text_parameters_keep_the_text_as_typed():
    positive = spec("positive", '"yes"')
    assert convert_value(positive, "yes") == "yes"
    assert convert_value(positive, "010") == "010"
    assert convert_value(positive, "2011-06-30") == "2011-06-30"
    with pytest.raises(
        ParameterError, match=r"The 'positive' parameter must be a text. Got \['a'\] instead."
    ):
        convert_value(positive, ["a"])


def test_whole_numbers():
    months = spec("migration_months", "6")
    assert convert_value(months, "010") == 10  # YAML 1.1 would read octal 8
    assert convert_value(months, "1e3") == 1000 and isinstance(convert_value(months, "1e3"), int)
    assert convert_value(months, "-3") == -3 and convert_value(months, 7) == 7
    for bad in ("2.5", "six", "", True):
        with pytest.raises(
            ParameterError, match=r"The 'migration_months' parameter must be a whole number. Got"
        ):
            convert_value(months, bad)


def test_numbers():
    share = spec("test_share", "0.3")
    assert convert_value(share, "1e3") == 1000.0 and convert_value(share, "3") == 3.0
    assert convert_value(share, ".25") == 0.25 and convert_value(share, 2) == 2.0
    for bad in ("nan", "inf", "30%", "0,3"):
        with pytest.raises(
            ParameterError, match=rf"The 'test_share' parameter must be a number. Got '{bad}' instead."
        ):
            convert_value(share, bad)


def test_yes_no_flags():
    flag = spec("net", "False")
    assert [convert_value(flag, v) for v in ("yes", "No", "TRUE", "false", True)] == [
        True,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(
        ParameterError, match=r"The 'net' parameter must be true or false \(yes or no\). Got 'maybe' instead."
    ):
        convert_value(flag, "maybe")


def test_lists_and_dicts_use_yaml_1_2_rules():
    codes = spec("non_product_codes", '["POST", "DOT"]')
    assert convert_value(codes, "[POST, yes, 010]") == [
        "POST",
        "yes",
        "010",
    ]  # a text list keeps its items as text
    weights = spec("weights", "[10, 2, 0.02]")
    assert convert_value(weights, "[5, 1e1, 0.5]") == [5, 10.0, 0.5]
    with pytest.raises(
        ParameterError, match=r"The 'weights' parameter must be a list of numbers. Got \[5, 'x'\] instead."
    ):
        convert_value(weights, "[5, x]")
    thresholds = spec("thresholds", "{}")
    assert convert_value(thresholds, "{recency: [30, 90], flag: yes}") == {"recency": [30, 90], "flag": "yes"}
    assert convert_value(thresholds, '{"recency": [30, 90]}') == {"recency": [30, 90]}
    outcomes = spec("outcomes", '["visit"]')
    with pytest.raises(
        ParameterError, match=r"The 'outcomes' parameter must be a list like \[a, b\]. Got 'visit' instead."
    ):
        convert_value(outcomes, "visit")
    with pytest.raises(ParameterError, match=r"the parameter `thresholds`: not valid YAML/JSON"):
        convert_value(thresholds, "{recency: [30, 90}")


def test_constraints_declared_as_data():
    bins = spec("bins", "5", min=2, max=9)
    assert convert_value(bins, "9") == 9
    with pytest.raises(
        ParameterError, match=r"The 'bins' parameter must be an integer in the range \[2, 9\]. Got 1 instead."
    ):
        convert_value(bins, "1")
    with pytest.raises(
        ParameterError,
        match=r"The 'bins' parameter must be an integer in the range \[2, 9\]. Got 12 instead.",
    ):
        convert_value(bins, "12")
    method = spec("method", '"quantile"', choices=["quantile", "nested"])
    with pytest.raises(
        ParameterError,
        match=r"The 'method' parameter must be one of 'quantile' or 'nested'. Got 'kmeans' instead.",
    ):
        convert_value(method, "kmeans")
    end = spec("calibration_end", '""', kind="date")
    assert convert_value(end, "2011-06-30") == "2011-06-30" and convert_value(end, "") == ""
    with pytest.raises(
        ParameterError,
        match=r"The 'calibration_end' parameter must be a date like 2011-12-09 \(or empty\). Got '30/06' instead.",
    ):
        convert_value(end, "30/06")
    money = spec("currency", '""', kind="currency")
    assert convert_value(money, " cny ") == "CNY" and convert_value(money, "") == ""
    assert money.rule == "an ISO currency code"
    with pytest.raises(ParameterError, match=r"three-letter ISO code.*Got 'pounds'"):
        convert_value(money, "pounds")
    with pytest.raises(ParameterError, match=r"unknown constraint\(s\) \['minimum'\]"):
        spec("bins", "5", minimum=2)


def test_unused_parameters_are_recognised():
    assert spec(
        "as_of", '""', "not used by this notebook (kept so every notebook takes the same parameters)"
    ).unused
    assert spec("as_of", '""', "analysis date", unused=True).unused
    assert not spec("as_of", '""', "analysis date YYYY-MM-DD").unused


def test_params_file_values_are_typed_like_command_line_values(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(
        "positive: yes\nmigration_months: 010\ntest_share: 1e-1\nweights: [1, 2.5]\n"
        "label: '010'\nas_of: 2011-06-30\n",
        encoding="utf-8",
    )
    specs = {
        s.name: s
        for s in (
            spec("positive", '"y"'),
            spec("migration_months", "6"),
            spec("test_share", "0.3"),
            spec("weights", "[10, 2, 0.02]"),
            spec("label", '""'),
            spec("as_of", '""'),
        )
    }
    assert check_parameters("nb", specs, load_params_file(path)) == {
        "positive": "yes",
        "migration_months": 10,
        "test_share": 0.1,
        "weights": [1, 2.5],
        "label": "010",
        "as_of": "2011-06-30",
    }
    with pytest.raises(
        ParameterError,
        match=r"Notebook 'nb' has no parameter\(s\) \['colour'\]; its parameters are \['positive'",
    ):
        check_parameters("nb", specs, {"colour": "red"})


def test_broken_params_files_give_one_clear_error(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("bins: 4\nthresholds:\n\trecency: [30]\n", encoding="utf-8")
    with pytest.raises(
        ParameterError, match=r"p.yaml: line\(s\) \[3\] are indented with tabs; YAML needs spaces"
    ):
        load_params_file(path)
    path.write_bytes("segment: 冠军\n".encode("gbk"))
    with pytest.raises(
        ParameterError, match=r"p.yaml: the parameter file is not UTF-8 \(byte 0xb9 at offset 9, line 1\)"
    ):
        load_params_file(path)
    path.write_text("bins: [4\n", encoding="utf-8")
    with pytest.raises(
        ParameterError, match=r"p.yaml: the parameter file is not valid YAML \(.* at line 2, column 1\)"
    ):
        load_params_file(path)
    path.write_text("- 4\n- 5\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p.yaml: expected 'name: value' lines"):
        load_params_file(path)
    with pytest.raises(ParameterError, match=r"parameter file .* is not a file"):
        load_params_file(tmp_path)
    with pytest.raises(ParameterError, match=r"parameter file not found"):
        load_params_file(tmp_path / "missing.yaml")


@pytest.mark.parametrize("spec", list_notebooks(), ids=lambda s: s.name)
def test_every_notebook_declares_constraints_its_defaults_meet(spec):
    declared = [p for p in spec.specs.values() if p.rule]
    assert any(p.choices for p in declared), f"{spec.name}: no parameter declares its choices"
    assert spec.specs["lang"].choices == ("en", "zh")
    for param in spec.specs.values():
        if param.unused or param.default in ("", None):
            continue
        assert convert_value(param, param.default) == param.default, f"{spec.name}: {param.name}"


def test_a_constraint_on_a_parameter_the_notebook_lacks_is_refused(tmp_path):
    import nbformat

    source = next(s for s in list_notebooks() if s.name == "bullseye").path
    nb = nbformat.read(source, as_version=4)
    nb.metadata["pmkt"]["parameters"]["targte"] = {"min": 1}
    nbformat.write(nb, tmp_path / "07_bullseye.ipynb")
    with pytest.raises(
        ParameterError, match=r"constrains \['targte'\], which the parameters cell does not define"
    ):
        list_notebooks(tmp_path)
