"""Row ids that come from outside (URLs, query strings, JSON bodies).

Keys are BIGINT, so an id is 1 to 2**63 - 1. A larger number names no row, but handed to
the database it overflows the column type: a 500 instead of a plain "not found".
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1


def is_id(value: Any) -> bool:
    """An int (not a bool) that a row could have as its id."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def parse_id(raw: Any) -> int | None:
    """The id in a query-string value ("42"), or None for anything else."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if is_id(value) else None


class IdConverter(IntegerConverter):
    """The routes' ``<int:...>``, capped at MAX_ID: a larger number in a URL is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
