"""The CJK font of the figures: found by matplotlib with no configuration by the user.

Core objects: ``CJK_FAMILY`` (the family Chinese text is set in), ``cjk_font_path``
(the font file: Noto Sans SC, shipped by the ``pylopdf-fonts-zh-cn`` package, a
dependency of govsim) and ``use_cjk_fallback`` (registers the file with matplotlib's
font manager and adds the family after the user's own in ``font.family``).

Matplotlib (3.6 and later) draws each character in the first family of
``font.family`` that has it, so with ``["sans-serif", "Noto Sans SC"]`` Latin text
keeps the user's sans-serif (DejaVu Sans by default) and Chinese text, which DejaVu
lacks, comes from Noto Sans SC: no empty boxes, no "Glyph ... missing" warning. This is
the only global setting of the figures, made once when ``govsim.figures`` is imported:
adding a fallback changes no figure without Chinese text. Noto Sans SC is under the
SIL Open Font License; its 8 MB file comes with pip (no apt, no download at run time).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pylopdf_fonts_zh_cn
from matplotlib import font_manager

__all__ = ["CJK_FAMILY", "cjk_font_path", "use_cjk_fallback"]

CJK_FAMILY = "Noto Sans SC"


def cjk_font_path() -> Path:
    """The font file Chinese text is drawn with (Noto Sans SC, Regular)."""
    return Path(pylopdf_fonts_zh_cn.sans_path())


def use_cjk_fallback() -> None:
    """Register the CJK font and put its family after the user's in ``font.family``.

    Idempotent; a family list the user set is kept, the CJK family appended to it.
    """
    path = str(cjk_font_path())
    if path not in {entry.fname for entry in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    families = list(matplotlib.rcParams["font.family"])
    if CJK_FAMILY not in families:
        matplotlib.rcParams["font.family"] = [*families, CJK_FAMILY]
