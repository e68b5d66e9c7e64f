"""Helpers for the audit screens' tests: audit data made through the real services."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.conftest import in_tenant
from webapp.core.errors import ErrorLog
from webapp.core.models import utcnow
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity.models import User


@pytest.fixture
def change_user(app):
    """``change_user(account, actor, name="Novo")``: an audited update of a user's columns."""

    def apply(account, actor=None, **values) -> None:
        with in_tenant(app, account.tenant_id), unit_of_work(actor.id if actor else None):
            user = db.session.get(User, account.id)
            for key, value in values.items():
                setattr(user, key, value)

    return apply


@pytest.fixture
def make_error(app):
    """``make_error(tenant_id)``: an error-log row as the error handler writes it."""

    def create(tenant_id: int | None, path: str = "/pedidos/1", minutes_ago: int = 0) -> str:
        error_id = uuid.uuid4().hex[:12].upper()
        with app.app_context():
            db.session.add(
                ErrorLog(
                    id=error_id,
                    created_at=utcnow() - timedelta(minutes=minutes_ago),
                    request_id=uuid.uuid4().hex,
                    tenant_id=tenant_id,
                    user_id=None,
                    method="POST",
                    path=path,
                    exception_type="builtins.ZeroDivisionError",
                    message=f"division by zero em {path}",
                    traceback=f'Traceback (most recent call last):\n  File "x.py"\n{path}\n',
                )
            )
            db.session.commit()
            db.session.remove()
        return error_id

    return create
