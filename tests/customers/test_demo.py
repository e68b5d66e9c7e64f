"""Demo customers: valid CPFs, realistic fields, addresses, re-runnable."""

from datetime import timedelta

from sqlalchemy import func, select
from stdnum.br import cpf

from tests.conftest import in_tenant
from webapp.core import documents
from webapp.core.models import utcnow
from webapp.customers.demo import seed_customers
from webapp.customers.models import Address, Customer
from webapp.extensions import db


def test_seed_customers_is_valid_and_rerunnable(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        assert seed_customers(tenant.tenant_id, 300, echo=lambda _m: None) == 300
        customers = db.session.scalars(select(Customer)).all()
        assert len({c.document for c in customers}) == 300
        assert all(cpf.is_valid(c.document) for c in customers)
        assert all(documents.parse_phone(c.phone) == c.phone for c in customers)
        assert all("@" in c.email and " " in c.name for c in customers)
        # Signed up in id order before the demo's year of orders ("cliente desde" was today).
        joined = [c.created_at for c in sorted(customers, key=lambda c: c.id)]
        assert joined == sorted(joined)
        assert utcnow() - timedelta(days=366 + 731) < joined[0]
        assert joined[-1] < utcnow() - timedelta(days=366)
        shipping_defaults = db.session.scalar(
            select(func.count())
            .select_from(Address)
            .where(Address.kind == "shipping", Address.is_default.is_(True))
        )
        assert shipping_defaults == 300
        addresses = db.session.scalars(select(Address)).all()
        assert all(a.state in documents.UFS and len(a.zip) == 8 for a in addresses)
        assert seed_customers(tenant.tenant_id, 300, echo=lambda _m: None) == 0
        assert seed_customers(tenant.tenant_id, 310, echo=lambda _m: None) == 10
