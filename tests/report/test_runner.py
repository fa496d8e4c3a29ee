"""The runner's failure paths and the CLI's exit codes, on tiny notebooks."""

import json

import pytest

from tests.report import tiny_notebooks as tiny
from toolkit.cli import main
from toolkit.errors import ParameterError, RunError
from toolkit.report.runner import run_notebook

PARAMETERS = tiny.PARAMETERS + "\nsize = 3           # how many"


def make_notebook(folder, name, body):
    tiny.make_notebook(folder, name, body, PARAMETERS)


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    folder = tmp_path / "nbs"
    folder.mkdir()
    monkeypatch.setenv("PMKT_NOTEBOOKS_DIR", str(folder))
    make_notebook(
        folder,
        "ok",
        [
            "from toolkit.report import Report\nrpt = Report(lang=lang, output_dir=output_dir, name='ok')",
            "rpt.metric('size', size)\nrpt.finding(en=f'size is {size}', zh=f'大小为 {size}')\nsummary = rpt.finish()",
        ],
    )
    make_notebook(folder, "broken", ["x = 1", "# Fit the response model\nraise ValueError('bad column')"])
    make_notebook(folder, "slow", ["import time\ntime.sleep(30)"])
    return folder


def test_success_writes_html_and_summary(notebooks, tmp_path):
    result = run_notebook("ok", lang="zh", params={"size": 7}, out=tmp_path / "out")
    assert result.html.exists()
    summary = json.loads((tmp_path / "out" / "ok" / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"] == {"currency": None, "size": 7} and summary["findings"] == ["大小为 7"]
    page = result.html.read_text(encoding="utf-8")
    assert "大小为 7" in page and '<html lang="zh-CN">' in page and "rpt.metric" not in page
    assert not list((tmp_path / "out").glob("*.ipynb")) and not list((tmp_path / "out").glob(".*.ipynb"))


def test_failing_cell_is_named_and_notebook_kept(notebooks, tmp_path):
    with pytest.raises(RunError) as info:
        run_notebook("broken", out=tmp_path / "out")
    err = info.value
    assert err.error_name == "ValueError" and err.error_value == "bad column"
    assert err.cell_title == "# Fit the response model"
    assert "broken (en): cell 3 (`# Fit the response model`) failed: ValueError: bad column" in str(err)
    assert (tmp_path / "out" / "broken.failed.ipynb").exists()


def test_timeout_is_caught(notebooks, tmp_path):
    with pytest.raises(RunError, match="the run timed out"):
        run_notebook("slow", out=tmp_path / "out", timeout=2)
    assert (tmp_path / "out" / "slow.failed.ipynb").exists()


def test_unknown_parameter_and_notebook(notebooks, tmp_path):
    with pytest.raises(
        ParameterError,
        match=r"Notebook 'ok' has no parameter\(s\) \['colour'\]; its parameters are \['lang', 'output_dir', 'size'\]",
    ):
        run_notebook("ok", params={"colour": "red"}, out=tmp_path)
    with pytest.raises(
        ParameterError, match=r"There is no notebook 'nope'; available: \['broken', 'ok', 'slow'\]"
    ):
        run_notebook("nope", out=tmp_path)


def test_cli_exit_codes(notebooks, tmp_path, capsys):
    assert main(["run", "ok", "-p", "size", "5", "--out", str(tmp_path / "o")]) == 0
    assert main(["run", "broken", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "error: broken (en): cell 3" in err and "Traceback" not in err
    assert main(["run", "ok", "-p", "colour", "red", "--out", str(tmp_path / "o")]) == 2
    assert main(["check-data", "--data", str(tmp_path / "missing.csv")]) == 2
    assert "error: missing.csv: file not found" in capsys.readouterr().err
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "ok  —  test" in listing and "size" in listing and "how many" in listing
