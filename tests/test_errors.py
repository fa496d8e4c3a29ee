"""One voice for errors: the validators every module uses, and their sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import (
    ParameterError,
    check_bool,
    check_choice,
    check_number,
    describe_value,
    parameter_error,
)


def test_numpy_values_are_shown_as_python_values():
    assert describe_value(np.float64(4.0)) == "4.0"
    assert describe_value(np.int64(3)) == "3"
    assert describe_value(np.str_("a")) == "'a'"
    assert describe_value([np.int64(1), 2.5]) == "[1, 2.5]"
    assert describe_value("x" * 100).endswith("...") and len(describe_value("x" * 100)) == 60


def test_the_one_sentence():
    error = parameter_error("bins", "an integer in the range [2, 9]", np.int64(12), "Use fewer bins.")
    assert isinstance(error, ParameterError)
    assert (
        str(error)
        == "The 'bins' parameter must be an integer in the range [2, 9]. Got 12 instead. Use fewer bins."
    )


@pytest.mark.parametrize(
    ("kwargs", "value", "message"),
    [
        ({"low": 2, "high": 9, "integer": True}, 12, "an integer in the range [2, 9]. Got 12 instead."),
        ({"low": 2, "high": 9, "integer": True}, 2.5, "an integer in the range [2, 9]. Got 2.5 instead."),
        ({"low": 0, "high": 1, "closed": "right"}, 0, "a number in the range (0, 1]. Got 0 instead."),
        (
            {"low": 0, "high": 1, "closed": "neither"},
            np.float64(1.0),
            "a number in the range (0, 1). Got 1.0 instead.",
        ),
        ({"low": 0, "high": 1, "closed": "left"}, 1, "a number in the range [0, 1). Got 1 instead."),
        ({"low": 1, "integer": True}, 0, "an integer in the range [1, inf). Got 0 instead."),
        ({"high": 0}, 0.5, "a number in the range (-inf, 0]. Got 0.5 instead."),
        ({}, float("nan"), "a number. Got nan instead."),
        ({}, float("inf"), "a number. Got inf instead."),
        ({}, True, "a number. Got True instead."),
        ({}, "3", "a number. Got '3' instead."),
    ],
)
def test_check_number_refuses_with_the_range_written_out(kwargs, value, message):
    with pytest.raises(ParameterError) as info:
        check_number("x", value, **kwargs)
    assert str(info.value) == "The 'x' parameter must be " + message


def test_check_number_accepts_any_real_type_and_returns_plain_python():
    assert check_number("x", np.int64(3), low=1, integer=True) == 3
    assert type(check_number("x", np.int64(3), low=1, integer=True)) is int
    assert type(check_number("x", 3.0, integer=True)) is int
    assert type(check_number("x", np.float32(0.5), low=0, high=1)) is float
    assert check_number("x", 1, low=0, high=1) == 1.0  # closed at both ends by default
    assert check_number("x", 0, low=0, high=1, closed="left") == 0.0


def test_check_choice_and_check_bool():
    assert check_choice("method", "nested", ["quantile", "nested"]) == "nested"
    with pytest.raises(ParameterError) as info:
        check_choice("method", "kmeans", ["quantile", "nested"])
    assert (
        str(info.value)
        == "The 'method' parameter must be one of 'quantile' or 'nested'. Got 'kmeans' instead."
    )
    with pytest.raises(ParameterError, match=r"must be 'en'\. Got \['en'\] instead\."):
        check_choice("lang", ["en"], {"en"})  # an unhashable value is refused, not a crash
    assert check_bool("warn", np.bool_(True)) is True
    with pytest.raises(
        ParameterError, match=r"^The 'warn' parameter must be True or False\. Got 'yes' instead\.$"
    ):
        check_bool("warn", "yes")


def test_modules_speak_with_the_one_voice():
    """A sample of argument checks across the package, each through the validators."""
    from toolkit.bullseye.model import score_criteria
    from toolkit.campaign.ab_test import wilson_interval
    from toolkit.concentration import top_count
    from toolkit.rfm.scoring import quantile_scores
    from toolkit.value.clv import customer_lifetime_value

    cases = [
        (
            lambda: top_count(100, np.float64(1.5)),
            "The 'share' parameter must be a number in the range (0, 1]. Got 1.5 instead.",
        ),
        (
            lambda: wilson_interval(3, 10, conf=95),
            "The 'conf' parameter must be a number in the range (0, 1). Got 95 instead. For 95%, write 0.95.",
        ),
        (
            lambda: customer_lifetime_value(None, {}, {}, months=0),
            "The 'months' parameter must be an integer in the range [1, 1200]. Got 0 instead.",
        ),
        (
            lambda: quantile_scores(
                pd.DataFrame({"customer_id": ["a"], "recency": [1.0], "frequency": [1.0], "monetary": [1.0]}),
                bins=12,
            ),
            "The 'bins' parameter must be an integer in the range [2, 9]. Got 12 instead. Scores are single digits of the cell code.",
        ),
        (
            lambda: score_criteria(None, None, disagreement=0),
            "The 'disagreement' parameter must be an integer in the range [1, 10]. Got 0 instead.",
        ),
    ]
    for call, message in cases:
        with pytest.raises(ParameterError) as info:
            call()
        assert str(info.value) == message
        assert "np." not in str(info.value)
