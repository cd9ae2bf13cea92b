"""Text laid out by display width: what a terminal shows, not how many characters.

Core objects: ``display_width`` (columns a string takes: a Chinese character takes
two), ``fit`` (a string padded to a width, left or right) and ``format_table`` (rows
of cells in aligned columns).

Python's ``f"{name:12}"`` pads by characters, so a table with Chinese labels falls out
of line; these pad by the columns ``wcwidth`` measures (East Asian Wide and Fullwidth
characters take two, combining marks none; the Unicode rules terminals follow).
"""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth, wcwidth

__all__ = ["display_width", "fit", "format_table"]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a character ``wcwidth`` cannot size counts 1)."""
    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(character), 1) for character in text)  # a control character


def fit(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` columns: ``"<"`` left, ``">"`` right.

    Text already as wide or wider is returned as it is (a table widens, never cuts).
    """
    room = max(width - display_width(text), 0)
    return text + " " * room if align == "<" else " " * room + text


def format_table(
    rows: Sequence[Sequence[str]], aligns: str | None = None, gap: str = "  "
) -> list[str]:
    """Rows of cells as lines whose columns line up on screen.

    Args:
        rows: the cells, the header row first if there is one; rows may be shorter
            than the widest (missing cells are empty).
        aligns: one ``<`` or ``>`` per column (default: the first left, the rest right).
        gap: what separates two columns.
    """
    columns = max((len(row) for row in rows), default=0)
    aligns = aligns or "<" + ">" * (columns - 1)
    cells = [[*row, *[""] * (columns - len(row))] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(columns)]
    return [
        gap.join(fit(cell, widths[i], aligns[i]) for i, cell in enumerate(row)).rstrip()
        for row in cells
    ]
