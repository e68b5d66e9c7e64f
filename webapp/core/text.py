"""Free text typed by people (reasons, notes), checked before it reaches the database."""

from __future__ import annotations

import unicodedata

# Tab and line breaks are what a textarea sends; every other control character is not text.
_TYPED_CONTROLS = frozenset("\t\n\r")


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control character other than tab or a line break.

    PostgreSQL refuses NUL in a text column (the request became a 500, not a message), and
    an XLSX file cannot hold the other C0 controls, so an export that met one failed.
    """
    return any(unicodedata.category(char) == "Cc" and char not in _TYPED_CONTROLS for char in text)


def control_characters_message(subject: str = "") -> str:
    """The refusal of such text: "O nome tem caracteres de controle: ..." (or "Tem ...")."""
    verb = f"{subject} tem" if subject else "Tem"
    return f"{verb} caracteres de controle: digite apenas texto."
