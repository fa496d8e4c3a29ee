"""Set-up and everyday tasks with nothing but Python 3.11 and pip.

    python3 tasks.py reports   # create .venv, install, build every report (en + zh)
    python3 tasks.py test      # create .venv, install, run the whole test suite
    python3 tasks.py check     # lint (ruff), format check (ruff format) and types (mypy)
    python3 tasks.py bench     # run every benchmark (or: bench NAME [options])

The Makefile's targets call this script, so `make reports` and `make test`
do the same on machines that have make (Windows users run the script).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def _run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True)


def ensure_env() -> Path:
    """Create .venv and install the project (with test extras) when needed."""
    python = BIN / ("python.exe" if os.name == "nt" else "python")
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    pyproject = ROOT / "pyproject.toml"
    if not STAMP.exists() or STAMP.stat().st_mtime < pyproject.stat().st_mtime:
        _run(str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(str(python), "-m", "pip", "install", "--quiet", "-e", ".[test]")
        STAMP.write_text("installed\n")
    return python


def main(argv: list[str]) -> int:
    """Run one task (``reports``, ``test``, ``check``, ``bench`` or ``env``) and return its exit code."""
    if not argv or argv[0] not in {"reports", "test", "check", "bench", "env"}:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    python = ensure_env()
    try:
        if task == "reports":
            _run(str(python), "-m", "toolkit.cli", "build", "--lang", "en,zh", "--out", "reports", *rest)
        elif task == "test":
            _run(str(python), "-m", "pytest", *rest)
        elif task == "check":
            _run(str(python), "-m", "ruff", "check", ".")
            _run(str(python), "-m", "ruff", "format", "--check", ".")
            _run(str(python), "-m", "mypy", "toolkit")
        elif task == "bench":
            modules = sorted(p.stem for p in (ROOT / "benchmarks").glob("*.py") if not p.stem.startswith("_"))
            chosen = [rest.pop(0)] if rest and rest[0] in modules else modules
            for module in chosen:
                _run(str(python), "-m", f"benchmarks.{module}", *rest)
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
