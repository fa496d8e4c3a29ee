"""Write a run's results so they are either complete or untouched.

``pmkt run NAME --out OUT`` produces ``OUT/NAME/`` (result tables) and
``OUT/NAME.html``. While the notebook runs, both are written in a hidden
temporary folder next to them, ``OUT/.NAME.partial-<pid>/``; only a run that
finishes moves them into place. A failed or interrupted run leaves the
previous results as they were and removes its temporary folder.

A lock file ``OUT/.NAME.lock`` holding the process id keeps a second run of
the same notebook into the same folder from mixing its files with the
first; a lock left by a process that no longer exists is taken over.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from types import TracebackType

from toolkit.errors import ParameterError

__all__ = ["Interrupted", "OutputSlot", "prepare_out"]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run; the message says what was left as it was."""


def prepare_out(out: str | Path) -> Path:
    """The output folder, created if needed, as an absolute path.

    Raises
    ------
    ParameterError
        When ``out`` is a file, or the folder cannot be created or written.
    """
    path = Path(out).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ParameterError(
            f"--out {path} is a file; give a folder for the reports (it is created if missing)."
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(
            f"cannot create the output folder {path} ({exc.strerror}); choose another --out."
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ParameterError(
            f"the output folder {path} is not writable; choose another --out or fix its permissions."
        )
    return path


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (unknown counts as alive)."""
    try:
        import psutil
    except ImportError:
        if sys.platform == "win32":  # os.kill would end the process there
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return psutil.pid_exists(pid)


class OutputSlot:
    """The place of one notebook's results, held for one run.

    Use as a context manager: entering takes the lock and creates the
    temporary folder; :meth:`commit` moves the results into place; leaving
    removes the temporary folder and releases the lock, whatever happened.

    Parameters
    ----------
    out : Path
        The output folder (see :func:`prepare_out`).
    name : str
        The notebook's name.
    """

    def __init__(self, out: Path, name: str) -> None:
        self.out = out
        self.name = name
        self.final_results = out / name
        self.final_html = out / f"{name}.html"
        self.lock = out / f".{name}.lock"
        self.temp = out / f".{name}.partial-{os.getpid()}"
        self.results_dir = self.temp / name
        self.html = self.temp / f"{name}.html"
        self.running = self.temp / f"{name}.running.ipynb"
        self._locked = False

    # ------------------------------------------------------------- the lock
    def _acquire(self) -> None:
        for _ in range(3):
            try:
                fd = os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    pid = int(self.lock.read_text(encoding="ascii").strip() or "0")
                except (OSError, ValueError):
                    pid = 0
                if pid and _alive(pid):
                    raise ParameterError(
                        f"another pmkt run (process {pid}) is writing {self.final_results}; wait for it to finish "
                        f"or choose another --out (if no run is going on, delete {self.lock})."
                    ) from None
                self.lock.unlink(missing_ok=True)  # left by a run that died: take it over
                continue
            except OSError as exc:
                raise ParameterError(
                    f"cannot write in the output folder {self.out} ({exc.strerror}); choose another --out."
                ) from None
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(str(os.getpid()))
            self._locked = True
            return
        raise ParameterError(f"could not take the lock {self.lock}; delete it if no pmkt run is going on.")

    def __enter__(self) -> OutputSlot:
        self._acquire()
        try:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.results_dir.mkdir(parents=True)
        except OSError as exc:
            self._release()
            raise ParameterError(
                f"cannot write in the output folder {self.out} ({exc.strerror}); choose another --out."
            ) from None
        return self

    def _release(self) -> None:
        if self._locked:
            self.lock.unlink(missing_ok=True)
            self._locked = False

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)
        self._release()

    # ----------------------------------------------------------- the result
    def keep_failed(self, target: Path) -> Path | None:
        """Move the partly executed notebook out of the temporary folder, for debugging."""
        if self.running.exists():
            self.running.replace(target)
            return target
        return None

    def commit(self) -> None:
        """Move the finished results into place, replacing the previous ones."""
        old = self.out / f".{self.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        if self.final_results.is_dir():
            self.final_results.rename(old)
        elif self.final_results.exists():
            raise ParameterError(f"{self.final_results} is a file, not a results folder; move it away.")
        self.results_dir.rename(self.final_results)
        os.replace(self.html, self.final_html)
        shutil.rmtree(old, ignore_errors=True)

    def unchanged_message(self) -> str:
        """What an interrupted or failed run left as it was."""
        return f"{self.final_results} and {self.final_html} not changed"
