"""Reading a user's campaign file: numbers through the toolkit's one number reader."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.campaign.io import load_campaign_table, numeric_columns
from toolkit.errors import DataError


def _write(tmp_path, text: str):
    path = tmp_path / "campaign.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_decimal_commas_are_decided_per_column_and_reported(tmp_path):
    data = _write(
        tmp_path, 'segment,visit,spend\nMens E-Mail,1,"2,50"\nNo E-Mail,0,"1.234,75"\nMens E-Mail,1,"0,00"\n'
    )
    table = load_campaign_table(data, "hillstrom")
    assert table.frame["spend"].tolist() == [2.5, 1234.75, 0.0]
    assert table.frame["visit"].tolist() == [1, 0, 1] and table.frame["visit"].dtype == "int64"
    assert table.frame["segment"].tolist() == ["Mens E-Mail", "No E-Mail", "Mens E-Mail"]  # text stays text
    assert table.converted == ["visit", "spend"]
    assert "decimal comma" in table.provenance["formats"]["spend"]


def test_decimal_points_with_thousands_and_blanks(tmp_path):
    data = _write(tmp_path, 'arm,spend\nA,"1,234.50"\nB,\nA,7.25\n')
    frame = load_campaign_table(data, "hillstrom").frame
    assert (
        frame["spend"].iloc[0] == 1234.5
        and pd.isna(frame["spend"].iloc[1])
        and frame["spend"].iloc[2] == 7.25
    )


def test_a_column_mixing_both_styles_is_refused_not_guessed():
    frame = pd.DataFrame({"spend": ["2,5", "2.5", "3"]})
    with pytest.raises(DataError, match="spend"):
        numeric_columns(frame, "campaign.csv")


def test_a_column_with_words_stays_text():
    frame = pd.DataFrame({"note": ["12", "twelve"], "score": ["0,5", "1,25"]})
    out, converted, formats = numeric_columns(frame, "campaign.csv")
    assert converted == ["score"] and out["score"].tolist() == [0.5, 1.25]
    assert out["note"].tolist() == ["12", "twelve"] and set(formats) == {"score"}
