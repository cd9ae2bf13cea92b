"""The shared base of a run folder and a sweep folder: a manifest that stays honest.

Core objects: ``ResultFolder`` (one output folder: its manifest, tables and figures,
each written atomically, and its final status, also on Ctrl-C, SIGTERM or an error),
``OutputError`` (a folder that cannot be used or read; the CLI exits with code 2) and
``FigureLike`` (what ``write_figure`` saves: anything with matplotlib's ``savefig``).

Order of writing: the manifest first (``status: running``), then the data files,
then the manifest again (``completed``). Every file is written atomically
(``govsim.store.files``), so a writer killed at any moment leaves a manifest that
does not say ``completed``. Ctrl-C and SIGTERM mark the manifest ``interrupted``,
errors mark it ``failed``; after SIGKILL it stays ``running``.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol, Self

import pandas as pd

from govsim.store.files import atomic_write, is_temp_file, write_bytes

__all__ = ["FIGURES", "FigureLike", "OutputError", "ResultFolder"]

#: The folder of a result's figures (PNG).
FIGURES = "figures"


class OutputError(ValueError):
    """A run or sweep folder that cannot be written or read (the CLI exits with code 2)."""


class FigureLike(Protocol):
    """A figure ``write_figure`` can save: a matplotlib Figure, or anything like it."""

    def savefig(self, fname: Any, **kwargs: Any) -> Any:
        """Save the figure to a path or a binary file (``format="png"``, ``dpi=...``)."""
        ...


class ResultFolder:
    """What a run folder and a sweep folder share (see the module docstring).

    A subclass names its manifest (``MANIFEST``) and what it holds (``KIND``: "run",
    "sweep"), what a Ctrl-C leaves the manifest saying (``INTERRUPTED``) and what a
    start killed before its first manifest may leave besides temp files
    (``LEFTOVER_FOLDERS``, while empty, and ``LEFTOVER_FILES``). It writes its own
    manifest in ``start`` and closes it in ``finish``.
    """

    MANIFEST: ClassVar[str]
    KIND: ClassVar[str]
    INTERRUPTED: ClassVar[str]
    LEFTOVER_FOLDERS: ClassVar[tuple[str, ...]] = (FIGURES,)
    LEFTOVER_FILES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.manifest: dict[str, Any] = {}
        self._clock = time.monotonic()

    @property
    def figures(self) -> Path:
        """The folder of the figures."""
        return self.folder / FIGURES

    # ---- the folder --------------------------------------------------------------------

    @classmethod
    def load_manifest(cls, folder: str | Path) -> dict[str, Any]:
        """The manifest of a folder of this kind.

        Raises:
            OutputError: no manifest, or one that is not valid JSON.
        """
        path = Path(folder) / cls.MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise OutputError(
                f"'{folder}' is not a govsim {cls.KIND} folder (no {cls.MANIFEST})."
            ) from None
        except (OSError, ValueError) as error:
            raise OutputError(f"{path} cannot be read: {error}.") from None

    @staticmethod
    def _refuse_a_file(folder: Path) -> None:
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"output folder '{folder}' is a file, not a folder. Give --out a folder "
                "path (it is created if missing)."
            )

    @classmethod
    def _holds_other_files(cls, folder: Path) -> bool:
        """Whether a folder without a manifest holds files that govsim did not leave there.

        A start killed while writing its first manifest leaves only temp files (and
        ``LEFTOVER_FOLDERS`` empty, ``LEFTOVER_FILES``): such a folder is still free.
        """
        return any(not cls._is_leftover(entry) for entry in folder.iterdir())

    @classmethod
    def _is_leftover(cls, entry: Path) -> bool:
        if is_temp_file(entry) or entry.name in cls.LEFTOVER_FILES:
            return True
        return entry.name in cls.LEFTOVER_FOLDERS and entry.is_dir() and not any(entry.iterdir())

    @staticmethod
    def _cannot_write(folder: Path, error: OSError) -> OutputError:
        reason = error.strerror or str(error)
        return OutputError(
            f"output folder '{folder}' cannot be written ({reason}). Choose a folder "
            "you can write with --out."
        )

    # ---- the manifest ------------------------------------------------------------------

    def write_manifest(self) -> None:
        """Write the manifest atomically."""
        text = json.dumps(self.manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        atomic_write(self.folder / self.MANIFEST, write_bytes(text.encode("utf-8")))

    def finish(self, status: str, error: str | None = None) -> None:
        """Rewrite the manifest with its final status (each kind records it its own way)."""
        raise NotImplementedError

    def _seconds(self) -> float:
        """Seconds since ``start``, as the manifest records them."""
        return round(time.monotonic() - self._clock, 3)

    @contextlib.contextmanager
    def recording(self) -> Iterator[Self]:
        """Mark the manifest ``interrupted`` (Ctrl-C, SIGTERM) or ``failed`` on the way out."""
        try:
            yield self
        except KeyboardInterrupt:
            self._try_finish("interrupted", self.INTERRUPTED)
            raise
        except BaseException as error:
            self._try_finish("failed", f"{type(error).__name__}: {error}")
            raise

    def _try_finish(self, status: str, error: str) -> None:
        # The manifest must not hide the original problem: if it cannot be rewritten,
        # it still says "running", which is honest too.
        with contextlib.suppress(Exception):
            self.finish(status, error)

    # ---- outputs -----------------------------------------------------------------------

    def write_table(self, name: str, table: pd.DataFrame) -> Path:
        """Write a data file atomically: ``.parquet`` (pyarrow) or ``.csv``."""
        if name.endswith(".parquet"):

            def write(handle: IO[bytes]) -> None:
                table.to_parquet(handle, engine="pyarrow", index=False)

        elif name.endswith(".csv"):

            def write(handle: IO[bytes]) -> None:
                # Streamed, not built as one string first: summaries can be long.
                text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                table.to_csv(text, index=False)
                text.flush()
                text.detach()  # atomic_write syncs and closes the file itself

        else:
            raise ValueError(f"unknown table format: {name}")
        return atomic_write(self.folder / name, write)

    def write_figure(self, name: str, figure: FigureLike) -> Path:
        """Write a figure as ``figures/<name>`` (PNG), atomically."""

        def write(handle: IO[bytes]) -> None:
            figure.savefig(handle, format="png", dpi=120)

        return atomic_write(self.figures / name, write)
