"""A psycopg cursor whose ``description`` is built only when something reads it.

psycopg 3 builds ``cursor.description`` afresh on every access: one ``Column`` object per
result column, each decoding the column name and looking its type up in Python (psycopg
issues #446 and #457). SQLAlchemy asks for it after every statement, but for a statement
whose compiled form is cached (nearly all of ours) it only checks whether the statement
returned rows, and never looks at the columns. On the order page that was about 7% of the
instructions of a request (callgrind, bench/results).

:class:`LazyDescription` answers that question without building anything. The columns are
built on the first real use (indexing, iteration), from the result the description was
taken from, so a description read after the cursor ran another statement still describes
its own result, as psycopg's list does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import psycopg
from psycopg import pq

_RETURNS_ROWS = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class LazyDescription(Sequence):
    """``cursor.description`` of one result, its ``Column`` objects built on first use."""

    __slots__ = ("_columns", "_cursor", "_result")

    def __init__(self, cursor: psycopg.Cursor, result: pq.abc.PGresult) -> None:
        self._cursor = cursor
        self._result = result
        self._columns: list[psycopg.Column] | None = None

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyDescription):
            other = other._built()
        return self._built() == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compares as the list it stands for

    def __repr__(self) -> str:
        return repr(self._built())

    def _built(self) -> list[psycopg.Column]:
        if self._columns is None:
            source: Any = self._cursor
            if source.pgresult is not self._result:
                # The cursor has moved on to another result: read this one's columns.
                source = SimpleNamespace(
                    pgresult=self._result, _encoding=source._encoding, adapters=source.adapters
                )
            self._columns = [psycopg.Column(source, i) for i in range(self._result.nfields)]
        return self._columns


class LazyDescriptionCursor(psycopg.Cursor):
    """psycopg's client-side cursor with :class:`LazyDescription`."""

    @property
    def description(self) -> LazyDescription | None:  # type: ignore[override]
        # The same test psycopg makes: columns, or a result that said it holds rows
        # (``SELECT ;`` has none of the first and is still a row-returning statement).
        result = self.pgresult
        if result and (result.nfields or result.status in _RETURNS_ROWS):
            return LazyDescription(self, result)
        return None
