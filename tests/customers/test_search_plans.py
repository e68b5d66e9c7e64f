"""On PostgreSQL every search kind and the checkout lookup use an index, never a table scan.

The plans are checked on a realistically sized table (60k rows, ANALYZEd) with the planner left
free: forcing ``enable_seqscan=off`` would prove nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.conftest import explain as plan
from tests.conftest import in_tenant, requires_postgres
from webapp.customers import services
from webapp.customers.demo import seed_customers
from webapp.customers.models import Customer
from webapp.extensions import db

pytestmark = requires_postgres
ROWS = 60_000


@pytest.fixture
def big_table(app, tenant, make_tenant):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        seed_customers(other.tenant_id, 2_000, echo=lambda _m: None)
    with in_tenant(app, tenant.tenant_id):
        seed_customers(tenant.tenant_id, ROWS, echo=lambda _m: None)
        around = select(Customer).order_by(Customer.id).offset(777).limit(50)
        # "name contains" searches five letters from inside the surname: a "Luz" has two.
        sample = next(c for c in db.session.scalars(around) if len(c.name.split()[-1]) >= 6)
        values = {
            "document": sample.document,
            "name": sample.name,
            "email": sample.email,
            "phone": sample.phone,
        }
        db.session.execute(text("ANALYZE customers"))
        db.session.commit()
    return values


def test_every_search_kind_uses_an_index(app, tenant, big_table):
    doc, phone = big_table["document"], big_table["phone"]
    surname = big_table["name"].split()[-1]
    queries = {
        "name contains": surname[1:6].lower(),
        "name short prefix": big_table["name"][:2],
        "cpf prefix": doc[:6],
        "masked cpf prefix": f"{doc[:3]}.{doc[3:6]}.{doc[6:8]}",
        "email prefix": big_table["email"].split(".")[0][:4],
        "email with dot": big_table["email"][:8],
        "phone prefix": f"({phone[:2]}) {phone[2:7]}",
    }
    with in_tenant(app, tenant.tenant_id):
        for kind, q in queries.items():
            statement = (
                select(Customer)
                .where(Customer.tenant_id == tenant.tenant_id, services.search_filter(q))
                .order_by(Customer.name, Customer.id)
                .limit(25)
            )
            explained = plan(statement)
            assert "Seq Scan on customers" not in explained, f"{kind} ({q!r}):\n{explained}"
            assert "Index" in explained, f"{kind} ({q!r}):\n{explained}"
            assert services.search(q).items, f"{kind} ({q!r}) found nothing"


def test_lookup_by_document_is_an_index_scan_on_the_unique_index(app, tenant, big_table):
    with in_tenant(app, tenant.tenant_id):
        statement = select(Customer).where(
            Customer.tenant_id == tenant.tenant_id, Customer.document == big_table["document"]
        )
        explained = plan(statement)
        assert "uq_customers_tenant_document" in explained, explained
        assert services.find_by_document(big_table["document"]).name == big_table["name"]
