"""Product list: search by SKU, EAN or name, category and stock filters, sorting."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from webapp.catalog.models import Product
from webapp.core.ids import parse_id
from webapp.core.pagination import Page, clamp
from webapp.core.text_search import LIKE_ESCAPE, escape_like, fold
from webapp.extensions import db

# Each sort as the ORDER BY of a given entity: the products table, or a search's gathered
# matches (see search_products).
SORTS = {
    "name": lambda p: (p.name.asc(), p.id.asc()),
    "sku": lambda p: (p.sku.asc(),),
    "stock_asc": lambda p: (p.stock_qty.asc(), p.name.asc(), p.id.asc()),
    "stock_desc": lambda p: (p.stock_qty.desc(), p.name.asc(), p.id.asc()),
    "recent": lambda p: (p.id.desc(),),
}
SORT_LABELS = {
    "name": "Nome",
    "sku": "SKU",
    "stock_asc": "Menor estoque",
    "stock_desc": "Maior estoque",
    "recent": "Mais recentes",
}
STOCK_FILTERS = {"": "Todos", "low": "Estoque baixo", "zero": "Sem estoque"}


@dataclass
class ProductFilters:
    q: str = ""
    category_id: int | None = None
    stock: str = ""
    sort: str = "name"
    page: int = 1
    per_page: int = 25

    @classmethod
    def from_args(cls, args: Any) -> ProductFilters:
        """Read filters from query arguments without ever failing on bad input."""
        page, per_page = clamp(args.get("page", 1), args.get("per_page", 25))
        category_id = parse_id(args.get("category"))
        stock = args.get("stock", "")
        sort = args.get("sort", "name")
        return cls(
            q=(args.get("q") or "").strip()[:100],
            category_id=category_id,
            stock=stock if stock in STOCK_FILTERS else "",
            sort=sort if sort in SORTS else "name",
            page=page,
            per_page=per_page,
        )


@dataclass(frozen=True)
class _Shape:
    """What a list's SQL depends on, values aside: one set of statements per shape."""

    text: bool
    ean: bool
    category: bool
    stock: str
    sort: str


def _shape_and_values(filters: ProductFilters) -> tuple[_Shape, dict[str, Any]]:
    text = filters.q
    digits = "".join(ch for ch in text if ch.isdigit())
    ean = bool(digits) and len(digits) == len(text.replace(" ", ""))
    values: dict[str, Any] = {}
    if text:
        values["sku_prefix"] = f"{escape_like(text.upper())}%"
        values["name_contains"] = f"%{escape_like(fold(text))}%"
    if ean:
        values["ean_prefix"] = f"{digits}%"
    if filters.category_id:
        values["category_id"] = filters.category_id
    shape = _Shape(bool(text), ean, bool(filters.category_id), filters.stock, filters.sort)
    return shape, values


def _filtered(shape: _Shape) -> Select:
    """The products the filters keep, unordered, their values as bound parameters."""
    query = select(Product)
    if shape.text:
        conditions = [
            Product.sku.like(bindparam("sku_prefix"), escape=LIKE_ESCAPE),
            Product.name_folded.like(bindparam("name_contains"), escape=LIKE_ESCAPE),
        ]
        if shape.ean:
            conditions.append(Product.ean.like(bindparam("ean_prefix")))
        query = query.where(or_(*conditions))
    if shape.category:
        query = query.where(Product.category_id == bindparam("category_id"))
    if shape.stock == "zero":
        query = query.where(Product.stock_qty == 0)
    elif shape.stock == "low":
        query = query.where(Product.stock_qty > 0, Product.stock_qty <= Product.low_stock_threshold)
    return query


def product_query(filters: ProductFilters) -> Select:
    """Every product the filters keep, in their order (the CSV export streams it)."""
    shape, values = _shape_and_values(filters)
    return _filtered(shape).order_by(*SORTS[shape.sort](Product)).params(values)


@dataclass(frozen=True)
class _ListStatements:
    count: Select
    walk: Select  # in the sort's order, as PostgreSQL reads it by walking that order's index
    gathered: Select | None  # a search's matches collected first, then sorted


# A search's matches are shown a page at a time in the chosen order. PostgreSQL reads them
# by walking the order's index and filtering, which fills a page at once when matches are
# many; but products that share a word sort together, and to fill a page of "Teclado ..."
# the walk reads the whole catalog before the T's (7.8 ms at 20,000 products, against
# 1.8 ms to gather the matches through the search indexes and sort them). Up to this many
# matches, gathering is the cheaper way; the count, which the page shows anyway, tells.
GATHER_UP_TO = 5_000
_PAGE = (bindparam("page_limit", type_=Integer), bindparam("page_offset", type_=Integer))


@functools.cache
def _list_statements(shape: _Shape) -> _ListStatements:
    """Built once per shape and run with parameters (see core.tenancy._scoped): building a
    search's statements cost the app about as much time as PostgreSQL took to run them."""
    filtered = _filtered(shape)
    limit, offset = _PAGE
    walk = filtered.order_by(*SORTS[shape.sort](Product)).limit(limit).offset(offset)
    gathered = None
    if shape.text:
        # MATERIALIZED: otherwise PostgreSQL walks the order's index again.
        matches = aliased(Product, filtered.cte("matches").prefix_with("MATERIALIZED"))
        gathered = select(matches).order_by(*SORTS[shape.sort](matches)).limit(limit)
        gathered = gathered.offset(offset)
    count = select(func.count()).select_from(filtered.subquery())
    return _ListStatements(count=count, walk=walk, gathered=gathered)


def search_products(filters: ProductFilters) -> Page:
    shape, values = _shape_and_values(filters)
    statements = _list_statements(shape)
    total = db.session.scalar(statements.count, values)
    if not total:
        return Page([], filters.page, filters.per_page, 0)
    page = statements.walk
    if statements.gathered is not None and total <= GATHER_UP_TO:
        page = statements.gathered
    bounds = {"page_limit": filters.per_page, "page_offset": (filters.page - 1) * filters.per_page}
    items = list(db.session.scalars(page, {**values, **bounds}))
    return Page(items, filters.page, filters.per_page, total)


def products_by_ids(ids: list[int]) -> list[Product]:
    if not ids:
        return []
    return list(db.session.scalars(select(Product).where(Product.id.in_(ids))))
