"""Product list: search by SKU, EAN or name, category and stock filters, sorting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select

from webapp.catalog.models import Product
from webapp.core.ids import parse_id
from webapp.core.pagination import Page, clamp, paginate
from webapp.core.text_search import LIKE_ESCAPE, escape_like, fold
from webapp.extensions import db

SORTS = {
    "name": (Product.name.asc(), Product.id.asc()),
    "sku": (Product.sku.asc(),),
    "stock_asc": (Product.stock_qty.asc(), Product.name.asc(), Product.id.asc()),
    "stock_desc": (Product.stock_qty.desc(), Product.name.asc(), Product.id.asc()),
    "recent": (Product.id.desc(),),
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


def _search(query: Select, text: str) -> Select:
    if not text:
        return query
    conditions = [
        Product.sku.like(f"{escape_like(text.upper())}%", escape=LIKE_ESCAPE),
        Product.name_folded.like(f"%{escape_like(fold(text))}%", escape=LIKE_ESCAPE),
    ]
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) == len(text.replace(" ", "")):
        conditions.append(Product.ean.like(f"{digits}%"))
    return query.where(or_(*conditions))


def product_query(filters: ProductFilters) -> Select:
    query = _search(select(Product), filters.q)
    if filters.category_id:
        query = query.where(Product.category_id == filters.category_id)
    if filters.stock == "zero":
        query = query.where(Product.stock_qty == 0)
    elif filters.stock == "low":
        query = query.where(Product.stock_qty > 0, Product.stock_qty <= Product.low_stock_threshold)
    return query.order_by(*SORTS[filters.sort])


def search_products(filters: ProductFilters) -> Page:
    return paginate(db.session, product_query(filters), filters.page, filters.per_page)


def products_by_ids(ids: list[int]) -> list[Product]:
    if not ids:
        return []
    return list(db.session.scalars(select(Product).where(Product.id.in_(ids))))
