"""Fixed cost of one report: kernel start, execution and HTML export.

Runs a one-cell notebook several times through

1. our runner (papermill + nbconvert export in the same process),
2. ``jupyter nbconvert --execute --to html`` as a new process per report
   (what a user would script by hand),
3. ``papermill`` CLI then ``jupyter nbconvert --to html`` (two processes),

and prints the median seconds of each and their ratios to ours, measured
side by side in the same run.

    python -m benchmarks.report_overhead [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

BIN = Path(sys.executable).parent


def _tiny_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["pmkt"] = {
        "name": "tiny",
        "title": {"en": "Tiny", "zh": "小"},
        "description": {"en": "x", "zh": "x"},
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            'lang = "en"        # language\noutput_dir = ""    # results\nbrand = ""         # brand',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell("x = sum(range(1000))\nx"),
    ]
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def _time(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import os

    work = Path(tempfile.mkdtemp(prefix="pmkt-bench-"))
    nb_dir = work / "nbs"
    nb_dir.mkdir()
    source = _tiny_notebook(nb_dir)
    os.environ["PMKT_NOTEBOOKS_DIR"] = str(nb_dir)
    from toolkit.report.runner import run_notebook

    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    ours = _time(lambda: run_notebook("tiny", out=work / "ours"), args.repeat)
    nbconvert = _time(
        lambda: subprocess.run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--execute",
                "--to",
                "html",
                "--no-input",
                "--output-dir",
                str(work / "nbc"),
                str(source),
            ],
            **quiet,
        ),
        args.repeat,
    )
    two_step = _time(
        lambda: (
            subprocess.run(
                [str(BIN / "papermill"), str(source), str(work / "pm.ipynb"), "--no-progress-bar"], **quiet
            ),
            subprocess.run(
                [
                    str(BIN / "jupyter"),
                    "nbconvert",
                    "--to",
                    "html",
                    "--no-input",
                    "--output-dir",
                    str(work / "pm"),
                    str(work / "pm.ipynb"),
                ],
                **quiet,
            ),
        ),
        args.repeat,
    )
    print(f"median of {args.repeat} runs of a one-cell report")
    print(f"{'method':<46}{'seconds':>9}{'ratio':>8}")
    for label, value in [
        ("pmkt runner (papermill + in-process export)", ours),
        ("jupyter nbconvert --execute (new process)", nbconvert),
        ("papermill CLI + jupyter nbconvert CLI", two_step),
    ]:
        print(f"{label:<46}{value:>9.2f}{value / ours:>7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
