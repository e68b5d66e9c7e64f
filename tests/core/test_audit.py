"""Audit trail of audited models."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import in_tenant
from webapp.core.audit import AuditEntry
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity.models import User


def entries(app, tenant_id: int) -> list[AuditEntry]:
    with in_tenant(app, tenant_id):
        rows = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        db.session.expunge_all()
    return rows


def test_update_writes_one_entry_with_before_and_after(app, tenant):
    before_count = len(entries(app, tenant.tenant_id))
    with in_tenant(app, tenant.tenant_id), unit_of_work(tenant.id):
        db.session.get(User, tenant.id).name = "Nome Novo"
    new = entries(app, tenant.tenant_id)[before_count:]
    assert len(new) == 1
    entry = new[0]
    assert entry.action == "update"
    assert entry.table_name == "users" and entry.record_id == str(tenant.id)
    assert entry.before == {"name": "Admin Teste"}
    assert entry.after == {"name": "Nome Novo"}
    assert entry.actor_id == tenant.id


def test_create_entry_never_contains_secrets(app, tenant):
    [created] = [e for e in entries(app, tenant.tenant_id) if e.action == "create"]
    assert created.after["email"] == tenant.email
    assert not any("password" in key or "hash" in key for key in created.after)


def test_password_change_alone_is_not_audited_as_secret(app, tenant):
    before_count = len(entries(app, tenant.tenant_id))
    with in_tenant(app, tenant.tenant_id), unit_of_work(tenant.id):
        db.session.get(User, tenant.id).password_hash = "novo-hash"
    assert entries(app, tenant.tenant_id)[before_count:] == []


def test_rolled_back_change_leaves_no_audit(app, tenant):
    before_count = len(entries(app, tenant.tenant_id))
    with in_tenant(app, tenant.tenant_id):
        try:
            with unit_of_work(tenant.id):
                db.session.get(User, tenant.id).name = "Vai voltar"
                db.session.flush()
                raise ValueError
        except ValueError:
            pass
    assert len(entries(app, tenant.tenant_id)) == before_count


def test_delete_keeps_the_last_state(app, tenant, make_user):
    seller = make_user(tenant.tenant_id)
    with in_tenant(app, tenant.tenant_id), unit_of_work(tenant.id):
        db.session.delete(db.session.get(User, seller.id))
    last = entries(app, tenant.tenant_id)[-1]
    assert last.action == "delete" and last.before["email"] == seller.email and last.after is None
