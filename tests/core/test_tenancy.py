"""Automatic tenant scoping of ORM queries and new rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import StatementError

from tests.conftest import in_tenant
from webapp.core.tenancy import TenantNotSet
from webapp.extensions import db
from webapp.identity.models import User


def test_queries_only_see_the_current_tenant(app, make_tenant, make_user):
    a = make_tenant("Loja A")
    b = make_tenant("Loja B")
    make_user(a.tenant_id)
    make_user(b.tenant_id)
    with in_tenant(app, a.tenant_id):
        users = db.session.scalars(select(User)).all()
        assert {u.tenant_id for u in users} == {a.tenant_id}
        assert len(users) == 2
        assert (
            db.session.get(User, b.id) is None
            or db.session.get(User, b.id).tenant_id == a.tenant_id
        )
        assert db.session.scalar(select(func.count(User.id))) == 2
        assert db.session.scalars(select(User).where(User.id == b.id)).first() is None


def test_one_statement_run_for_each_tenant_in_turn_sees_only_that_tenant(
    app, make_tenant, make_user
):
    # SQLAlchemy compiles a statement once and caches it: the tenant must stay a bound
    # parameter of each run, never a value baked into the cached SQL.
    a = make_tenant("Loja A")
    b = make_tenant("Loja B")
    make_user(b.tenant_id)
    names = select(User.tenant_id).order_by(User.id)
    for admin, users in [(a, 1), (b, 2), (a, 1), (b, 2)]:
        with in_tenant(app, admin.tenant_id):
            assert db.session.scalars(names).all() == [admin.tenant_id] * users


def test_scoped_copies_live_only_as_long_as_their_statements(app, tenant):
    # Statements built per call are scoped per call; keeping their copies would grow the
    # process's memory with every request.
    import gc

    from webapp.core import tenancy

    gc.collect()
    before = len(tenancy._scoped_copies)
    with in_tenant(app, tenant.tenant_id):
        for user_id in range(1, 201):
            db.session.scalars(select(User).where(User.id == user_id)).first()
    gc.collect()
    assert len(tenancy._scoped_copies) <= before


def test_bulk_update_cannot_reach_another_tenant(app, make_tenant):
    a = make_tenant("Loja A")
    b = make_tenant("Loja B")
    with in_tenant(app, a.tenant_id):
        db.session.execute(update(User).values(name="Renomeado"))
        db.session.commit()
    with in_tenant(app, b.tenant_id):
        assert db.session.scalars(select(User)).one().name == "Admin Teste"


def test_query_without_tenant_is_refused(app, tenant):
    with app.app_context(), pytest.raises(TenantNotSet):
        db.session.scalars(select(User)).all()


def test_new_rows_get_the_current_tenant(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        user = User(email="novo@teste.com.br", name="Novo", password_hash="x")
        db.session.add(user)
        db.session.commit()
        assert user.tenant_id == tenant.tenant_id


def test_writing_a_row_for_another_tenant_is_refused(app, make_tenant):
    a = make_tenant("Loja A")
    b = make_tenant("Loja B")
    with in_tenant(app, a.tenant_id):
        db.session.add(
            User(email="x@teste.com.br", name="X", password_hash="x", tenant_id=b.tenant_id)
        )
        with pytest.raises(TenantNotSet):
            db.session.flush()
        db.session.rollback()


def test_a_lazy_load_runs_for_the_tenant_in_context_when_it_executes(app, make_tenant):
    """Loads deferred past the first query (a lazy collection here) are scoped too: to the
    tenant in context when they run, never to rows of another, and refused with none."""
    from tests.customers.conftest import ADDRESS, customer_data
    from webapp.core.context import tenant_context
    from webapp.customers import services as customers
    from webapp.customers.models import Customer

    a = make_tenant("Loja A")
    b = make_tenant("Loja B")
    with in_tenant(app, a.tenant_id):
        created = customers.create_customer(a.id, customer_data())
        customers.add_address(a.id, created.id, ADDRESS)
    with in_tenant(app, a.tenant_id):
        customer = db.session.scalars(select(Customer)).one()
        assert len(customer.addresses) == 1
        db.session.expire(customer, ["addresses"])
        with tenant_context(b.tenant_id):
            assert customer.addresses == []
        db.session.expire(customer, ["addresses"])
        with tenant_context(None), pytest.raises(StatementError) as refused:
            customer.addresses  # noqa: B018 - the attribute access is the lazy load
        assert isinstance(refused.value.orig, TenantNotSet)
        db.session.expire(customer, ["addresses"])
        assert len(customer.addresses) == 1
