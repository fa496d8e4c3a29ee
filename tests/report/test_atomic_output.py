"""Results are complete or untouched: temporary folder, lock, Ctrl-C, and data errors from a cell."""

import json
import os
import subprocess
import sys

import nbformat
import pytest

from tests.report.tiny_notebooks import make_notebook
from toolkit.cli import main
from toolkit.errors import ParameterError
from toolkit.report.output import Interrupted, OutputSlot, prepare_out
from toolkit.report.runner import run_notebook


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    folder = tmp_path / "nbs"
    folder.mkdir()
    monkeypatch.setenv("PMKT_NOTEBOOKS_DIR", str(folder))
    make_notebook(folder, "tiny", ["x = 1"])
    return folder


def previous_results(out):
    (out / "tiny").mkdir(parents=True)
    (out / "tiny" / "old.csv").write_text("a\n1\n", encoding="utf-8")
    (out / "tiny.html").write_text("old page", encoding="utf-8")


def leftovers(out):
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def fake_papermill(monkeypatch, behaviour):
    """Replace the kernel run: write one result file into output_dir, then do ``behaviour``."""
    import papermill

    def execute(source, target, parameters, **kwargs):
        from pathlib import Path

        folder = Path(parameters["output_dir"])
        (folder / "new.csv").write_text("b\n2\n", encoding="utf-8")
        (folder / "summary.json").write_text(
            json.dumps({"provenance": {"db": str(folder / "x.duckdb")}}), encoding="utf-8"
        )
        nbformat.write(nbformat.v4.new_notebook(), target)
        return behaviour()

    monkeypatch.setattr(papermill, "execute_notebook", execute)


def test_a_finished_run_replaces_the_results_and_leaves_no_temporary_files(notebooks, tmp_path, monkeypatch):
    out = tmp_path / "out"
    previous_results(out)
    fake_papermill(monkeypatch, nbformat.v4.new_notebook)
    result = run_notebook("tiny", out=out)
    # the Excel workbook of the result tables is written beside them
    assert sorted(p.name for p in (out / "tiny").iterdir()) == ["new.csv", "summary.json", "tiny.xlsx"]
    assert result.html == out / "tiny.html" and "old page" not in result.html.read_text(encoding="utf-8")
    assert result.summary["provenance"]["db"] == str(out / "tiny" / "x.duckdb")  # not the temporary folder
    assert leftovers(out) == []


def test_ctrl_c_leaves_the_previous_results_untouched(notebooks, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    previous_results(out)

    def interrupt():
        raise KeyboardInterrupt

    fake_papermill(monkeypatch, interrupt)
    with pytest.raises(Interrupted, match=r"interrupted: .*tiny and .*tiny.html not changed"):
        run_notebook("tiny", out=out)
    assert main(["run", "tiny", "--out", str(out)]) == 130
    assert capsys.readouterr().err.strip().startswith(f"interrupted: {out / 'tiny'} and")
    assert [p.name for p in (out / "tiny").iterdir()] == ["old.csv"]
    assert (out / "tiny.html").read_text(encoding="utf-8") == "old page"
    assert leftovers(out) == []


def test_a_data_error_in_a_cell_exits_2_like_check_data(notebooks, tmp_path, monkeypatch, capsys):
    from papermill.exceptions import PapermillExecutionError

    out = tmp_path / "out"
    previous_results(out)

    def data_error():
        raise PapermillExecutionError(
            2,
            1,
            "tx = rpt.load_transactions(data)",
            "DataError",
            "sales.csv: column 'amount'\nholds 'abc' (row 3)",
            [],
        )

    fake_papermill(monkeypatch, data_error)
    assert main(["run", "tiny", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: sales.csv: column 'amount' holds 'abc' (row 3) (executed notebook kept at ")
    assert (out / "tiny.failed.ipynb").exists() and (out / "tiny.html").read_text(
        encoding="utf-8"
    ) == "old page"
    assert leftovers(out) == []


def test_a_second_run_into_the_same_output_is_refused(tmp_path):
    out = prepare_out(tmp_path / "out")
    with OutputSlot(out, "rfm"):
        with pytest.raises(
            ParameterError, match=rf"another pmkt run \(process {os.getpid()}\) is writing {out / 'rfm'}"
        ):
            OutputSlot(out, "rfm").__enter__()
        with OutputSlot(out, "bullseye"):  # another notebook in the same folder may run
            pass
    assert leftovers(out) == []


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    out = prepare_out(tmp_path / "out")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / ".rfm.lock").write_text(str(dead.pid), encoding="ascii")
    with OutputSlot(out, "rfm") as slot:
        assert (out / ".rfm.lock").read_text(encoding="ascii") == str(os.getpid())
        (slot.results_dir / "a.csv").write_text("x\n", encoding="utf-8")
        slot.html.write_text("page", encoding="utf-8")
        slot.commit()
    assert (out / "rfm" / "a.csv").exists() and (out / "rfm.html").read_text(encoding="utf-8") == "page"
    assert leftovers(out) == []


def test_an_error_inside_the_slot_changes_nothing(tmp_path):
    out = prepare_out(tmp_path / "out")
    (out / "rfm").mkdir()
    with pytest.raises(RuntimeError):
        with OutputSlot(out, "rfm") as slot:
            (slot.results_dir / "half.csv").write_text("x\n", encoding="utf-8")
            raise RuntimeError("cell failed")
    assert list((out / "rfm").iterdir()) == [] and leftovers(out) == []


def test_a_real_cell_raising_a_parameter_error_exits_2(notebooks, tmp_path, capsys):
    make_notebook(
        notebooks,
        "picky",
        [
            "from toolkit.errors import ParameterError\n"
            "raise ParameterError('The value for `bins` must be 2-9. Got 12 instead.')"
        ],
    )
    assert main(["run", "picky", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: The value for `bins` must be 2-9. Got 12 instead. (executed notebook kept at "
    )
    assert "Traceback" not in err and not (tmp_path / "out" / "picky").exists()
