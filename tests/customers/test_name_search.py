"""Customer search ignores accents and case, both ways, and takes LIKE wildcards literally."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import in_tenant
from webapp.core.documents import make_cpf
from webapp.core.text_search import fold
from webapp.customers import services
from webapp.customers.demo import seed_customers
from webapp.customers.models import Customer
from webapp.extensions import db

PEOPLE = ["João Pereira", "Natália Conceição", "Eduardo Lima", "Joao Batista", "Edgar Dias"]


@pytest.fixture
def people(make_customer):
    for n, name in enumerate(PEOPLE):
        make_customer(document=make_cpf(300_000_000 + n), name=name, email=f"c{n}@x.com")


def found(app, tenant, q: str) -> list[str]:
    with in_tenant(app, tenant.tenant_id):
        return [c.name for c in services.search(q).items]


@pytest.mark.parametrize(
    "q,names",
    [
        ("joao", ["Joao Batista", "João Pereira"]),
        ("JOÃO", ["Joao Batista", "João Pereira"]),
        ("jo", ["Joao Batista", "João Pereira"]),  # short: a prefix
        ("natalia", ["Natália Conceição"]),
        ("NATÁLIA conceicao", ["Natália Conceição"]),
        ("  conceição  ", ["Natália Conceição"]),
    ],
)
def test_names_are_found_with_or_without_accents(app, tenant, people, q, names):
    assert found(app, tenant, q) == names


@pytest.mark.parametrize("q", ["e_d", "e%d", "ed%o", "_", "%", "\\"])
def test_like_wildcards_match_only_themselves(app, tenant, people, q):
    assert found(app, tenant, q) == []


def test_an_underscore_in_an_email_is_searched_literally(app, tenant, make_customer):
    make_customer(name="Edu Dantas", email="e_d@x.com")
    make_customer(document=make_cpf(400_000_000), name="Eder Dias", email="eed@x.com")
    assert found(app, tenant, "e_d") == ["Edu Dantas"]


def test_the_screens_and_the_api_find_without_accents(api_client, login_as, people):
    listing = api_client("seller").get("/api/v1/customers?q=natalia").get_json()
    assert [c["name"] for c in listing["data"]] == ["Natália Conceição"]
    seller = login_as("seller")
    for url in ["/customers?q=natalia", "/checkout/customers?q=natalia"]:
        page = seller.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "Natália Conceição" in page and "Eduardo" not in page, url


def test_a_renamed_customer_is_found_by_the_new_name_only(app, tenant, make_customer):
    customer_id = make_customer(name="Maria da Silva", email="ms@x.com")
    with in_tenant(app, tenant.tenant_id):
        services.update_customer(tenant.id, customer_id, {"name": "Iara Gonçalves"})
    assert found(app, tenant, "goncalves") == ["Iara Gonçalves"]
    assert found(app, tenant, "maria") == []


def test_demo_customers_loaded_in_bulk_are_found_without_accents(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        seed_customers(tenant.tenant_id, 200, echo=lambda _m: None)
        customers = db.session.scalars(select(Customer)).all()
    assert all(c.name_folded == fold(c.name) for c in customers)
    accented = next(c for c in customers if fold(c.name) != c.name.lower())
    assert accented.name in found(app, tenant, fold(accented.name))
