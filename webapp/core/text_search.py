"""Name search that ignores accents and case, the same on PostgreSQL and SQLite.

Sellers type "joao" for "João" and "acucar" for "Açúcar". Neither database can fold accents
by itself without an extension (PostgreSQL's unaccent is not immutable, so no index can use
it; SQLite has nothing), so a searchable model keeps ``name_folded`` = ``fold(name)`` next to
its name, and the search folds what was typed with the same function: both sides of the
LIKE go through the same Python code, whatever the database.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column, validates

LIKE_ESCAPE = "\\"


def fold(text: str) -> str:
    """Lowercase, no accents, whitespace collapsed: " Açúcar  REFINADO" -> "acucar refinado"."""
    decomposed = unicodedata.normalize("NFKD", text)  # "ú" -> "u" + combining acute accent
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def escape_like(term: str) -> str:
    """``term`` matched literally by ``like(..., escape=LIKE_ESCAPE)``: "e_d" is not "e?d"."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fold_inserted_name(context) -> str:
    return fold(context.get_current_parameters()["name"])


class FoldedName:
    """Mixin: ``name_folded`` follows ``name`` on every write.

    The validator covers the ORM (services, the CSV import, renames); the column default
    covers Core bulk inserts that leave it out (the demo catalog). Loads that bypass
    SQLAlchemy altogether, like PostgreSQL COPY, must pass ``fold(name)`` themselves;
    NOT NULL makes one that forgets fail instead of hiding its rows from the search.
    Text, not the name's length: NFKD may expand a character ("ﬁ" -> "fi").
    """

    name_folded: Mapped[str] = mapped_column(Text, nullable=False, default=_fold_inserted_name)

    @validates("name")
    def _keep_name_folded(self, _key: str, name: str) -> str:
        self.name_folded = fold(name)
        return name
