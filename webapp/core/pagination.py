"""Offset pagination for lists and the API's ``pagination`` object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_PER_PAGE = 100
# Far past any real list, and its offset still fits the database's 64-bit integers.
MAX_PAGE = 1_000_000


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int | None  # None when the count was skipped (infinite scroll)
    more: bool = False  # without a count: a row past this page exists

    @property
    def pages(self) -> int:
        if not self.total:
            return 1
        return (self.total + self.per_page - 1) // self.per_page

    @property
    def has_next(self) -> bool:
        if self.total is None:
            return self.more
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def past_end(self) -> bool:
        """An empty page after the first: an old link or a typed URL, not an empty list."""
        return not self.items and self.page > 1

    def as_api(self) -> dict[str, Any]:
        return {"page": self.page, "per_page": self.per_page, "total": self.total or 0}


def clamp(page: Any, per_page: Any, default_per_page: int = 25) -> tuple[int, int]:
    """Read page numbers from user input without ever failing."""
    try:
        page_number = min(MAX_PAGE, max(1, int(page)))
    except (TypeError, ValueError):
        page_number = 1
    try:
        size = min(MAX_PER_PAGE, max(1, int(per_page)))
    except (TypeError, ValueError):
        size = default_per_page
    return page_number, size


def paginate(
    session: Session,
    query: Select,
    page: int,
    per_page: int,
    count: bool = True,
    wrap: Callable[..., Any] | None = None,
) -> Page:
    """Run ``query`` for one page; ``count=False`` skips COUNT(*) for infinite scroll.

    Without a count one row past the page is fetched, so "is there a next page" is exact
    and a list of millions costs what one page costs. ``wrap(*row)`` turns multi-column
    rows into items; without it the query's first column (an entity) is the item.
    """
    offset = (page - 1) * per_page
    limit = per_page if count else per_page + 1
    paged = query.limit(limit).offset(offset)
    if wrap is None:
        rows = list(session.scalars(paged))
    else:
        rows = [wrap(*row) for row in session.execute(paged)]
    if not count:
        return Page(rows[:per_page], page, per_page, None, more=len(rows) > per_page)
    return Page(items=rows, page=page, per_page=per_page, total=count_rows(session, query))


def count_rows(session: Session, query: Select) -> int:
    """How many rows ``query`` returns (its ORDER BY dropped: it changes no count)."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
