"""A search page is the same whichever way it is read: gathered matches or the walked index.

Up to ``GATHER_UP_TO`` matches the search collects its matches first and sorts them; past it
PostgreSQL walks the sort's index. Both must show the same products, in the same order, with
the same total, for every sort and page, and only the tenant's own products.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.catalog.factories import make_product
from tests.conftest import in_tenant, requires_postgres
from webapp.catalog import queries
from webapp.catalog.demo import seed_catalog
from webapp.extensions import db

NAMES = [
    "Teclado sem fio",
    "Teclado gamer",
    "Mouse óptico",
    "Teclado numérico",
    "Água mineral",
    "Teclado compacto",
]


def page_of(q: str, sort: str, page: int, per_page: int = 2) -> tuple[list[str], int | None]:
    filters = queries.ProductFilters(q=q, sort=sort, page=page, per_page=per_page)
    found = queries.search_products(filters)
    return [p.name for p in found.items], found.total


@pytest.mark.parametrize("sort", sorted(queries.SORTS))
def test_gathered_and_walked_pages_are_the_same(app, tenant, make_tenant, monkeypatch, sort):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        make_product(other.id, name="Teclado da outra loja", stock_qty=3)
    with in_tenant(app, tenant.tenant_id):
        for n, name in enumerate(NAMES):
            make_product(tenant.id, name=name, stock_qty=n % 3)
        pages = {}
        for gather_up_to in (0, queries.GATHER_UP_TO):  # 0: always walk
            monkeypatch.setattr(queries, "GATHER_UP_TO", gather_up_to)
            pages[gather_up_to] = [page_of("teclado", sort, n) for n in (1, 2, 3)]
    walked, gathered = pages[0], pages[queries.GATHER_UP_TO]
    assert gathered == walked
    names = [name for items, _total in gathered for name in items]
    assert sorted(names) == sorted(n for n in NAMES if n.startswith("Teclado"))
    assert {total for _items, total in gathered} == {4}


def test_a_search_without_matches_is_an_empty_page(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        make_product(tenant.id, name="Teclado sem fio")
        assert page_of("violão", "name", 1) == ([], 0)


@requires_postgres
def test_a_word_late_in_the_alphabet_is_not_found_by_walking_the_catalog(app, tenant):
    """20,000 products (the benchmark's catalog): the page PostgreSQL runs for the 260
    "Teclado ..." reads the search index, not the name index from "Abacate" on."""
    with in_tenant(app, tenant.tenant_id):
        seed_catalog(tenant.tenant_id, 20_000, echo=lambda _m: None)
        executed: list[tuple[str, dict]] = []

        def keep(_conn, _cursor, statement, parameters, _context, _many):
            executed.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            found = queries.search_products(queries.ProductFilters(q="Teclado"))
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        page_sql, parameters = executed[-1]
        plan = db.session.connection().exec_driver_sql(f"EXPLAIN {page_sql}", parameters)
        explained = "\n".join(row[0] for row in plan)
        assert "ix_products_tenant_name" not in explained, explained
        assert "ix_products_name_folded_trgm" in explained, explained
        assert [p.name.split()[0] for p in found.items] == ["Teclado"] * 25
