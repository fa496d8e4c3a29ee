"""The bundled datasets match their published figures (DATASETS.md)."""

import numpy as np
import pytest

from toolkit.data.datasets import DATASETS, dataset_path, load_bank_marketing, load_hillstrom
from toolkit.data.readers import file_sha256

PUBLISHED_SHA256 = {
    "online_retail": "fef164664c2eac99c0917000100db9a19e4c01d14012ee9f06b34b810bd3fa3e",
    "hillstrom": "4c237ee3038a280630ba3e805f542dbc8f80f9cded0c81010d768addc4b4d8df",
    "bank_marketing": "4601bcafcdad97fe6a9b427513a920bcbe066debd10eba86242513dcd49b0295",
}


@pytest.mark.parametrize("key", sorted(DATASETS))
def test_bundled_copy_is_the_published_file(key):
    assert file_sha256(dataset_path(key)) == PUBLISHED_SHA256[key]


def test_online_retail_published_figures(online_retail_raw):
    df = online_retail_raw
    assert len(df) == 541_909
    assert df["CustomerID"].nunique() == 4_372
    assert df["InvoiceNo"].nunique() == 25_900
    assert df["StockCode"].nunique() == 4_070
    assert df["Country"].nunique() == 38
    assert str(df["InvoiceDate"].min()) == "2010-12-01 08:26:00"
    assert str(df["InvoiceDate"].max()) == "2011-12-09 12:50:00"
    assert np.isclose((df["Quantity"] * df["UnitPrice"]).sum(), 9_747_747.93, atol=0.01)
    assert df["CustomerID"].isna().sum() == 135_080
    assert df["Description"].isna().sum() == 1_454
    assert df["InvoiceNo"].str.startswith("C").sum() == 9_288
    assert (df["Quantity"] < 0).sum() == 10_624
    assert (df["UnitPrice"] == 0).sum() == 2_515
    assert (df["UnitPrice"] < 0).sum() == 2
    assert df.duplicated().sum() == 5_268


def test_hillstrom_published_figures():
    df = load_hillstrom()
    assert len(df) == 64_000
    assert df["segment"].value_counts().to_dict() == {
        "Womens E-Mail": 21_387,
        "Mens E-Mail": 21_307,
        "No E-Mail": 21_306,
    }
    means = df.groupby("segment")[["visit", "conversion", "spend"]].mean().round(4)
    assert means.loc["Mens E-Mail"].tolist() == [0.1828, 0.0125, 1.4226]
    assert means.loc["Womens E-Mail"].tolist() == [0.1514, 0.0088, 1.0772]
    assert means.loc["No E-Mail"].tolist() == [0.1062, 0.0057, 0.6528]
    assert (df["visit"].sum(), df["conversion"].sum()) == (9_394, 578)
    assert round(df["spend"].sum(), 2) == 67_258.13


def test_bank_marketing_published_figures():
    df = load_bank_marketing()
    assert df.shape == (41_188, 21)
    assert (df["y"] == "yes").sum() == 4_640
    assert df.duplicated().sum() == 12
