"""CSV cells a spreadsheet must not run (CSV injection).

Excel, LibreOffice and Google Sheets run a cell that starts with one of FORMULA_STARTS as a
formula, so a product or customer named ``=HYPERLINK(...)`` would act when an export is
opened. A leading apostrophe is the spreadsheets' own "this is text" mark: it is not shown.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(text: str) -> str:
    """``=1+1`` -> ``'=1+1``; anything else unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_text_cell(text: str) -> str:
    """Undo :func:`as_text_cell` when reading a file back (``'=1+1`` -> ``=1+1``)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text
