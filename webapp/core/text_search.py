"""Name search that ignores accents and case, the same on PostgreSQL and SQLite.

Sellers type "joao" for "João" and "acucar" for "Açúcar". Neither database can fold accents
by itself without an extension (PostgreSQL's unaccent is not immutable, so no index can use
it; SQLite has nothing), so folding is done here, in Python, the same for every database.
"""

from __future__ import annotations

import unicodedata

LIKE_ESCAPE = "\\"


def fold(text: str) -> str:
    """Lowercase, no accents, whitespace collapsed: " Açúcar  REFINADO" -> "acucar refinado"."""
    decomposed = unicodedata.normalize("NFKD", text)  # "ú" -> "u" + combining acute accent
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def escape_like(term: str) -> str:
    """``term`` matched literally by ``like(..., escape=LIKE_ESCAPE)``: "e_d" is not "e?d"."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
