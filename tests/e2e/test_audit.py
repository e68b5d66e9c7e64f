"""Audit screens in a real browser: filter the history with htmx, read a diff, open an error."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import insert

from tests.conftest import in_tenant
from tests.e2e.conftest import assert_no_console_errors, screenshot, sign_in
from webapp.core.audit import AuditEntry
from webapp.core.errors import ErrorLog
from webapp.core.models import utcnow
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity import services as identity
from webapp.identity.models import Role, User

pytestmark = pytest.mark.e2e


def _audit_data(app, admin) -> str:
    """A seller created and renamed by the admin, a customer change, and one error."""
    with in_tenant(app, admin.tenant_id):
        actor = db.session.get(User, admin.id)
        seller = identity.create_user(
            actor,
            f"bruno-{uuid.uuid4().hex[:6]}@loja.com.br",
            "Bruno Lima",
            Role.SELLER,
            "senha-segura-123",
        )
        with unit_of_work(admin.id):
            user = db.session.get(User, seller.id)
            user.name = "Bruno Lima Souza"
            user.active = False
        db.session.execute(
            insert(AuditEntry.__table__),
            [
                {
                    "tenant_id": admin.tenant_id,
                    "table_name": "customers",
                    "record_id": "41",
                    "action": "update",
                    "actor_id": admin.id,
                    "created_at": utcnow(),
                    "before": {"email": "ana@antigo.com.br", "credit_limit": "1500.00"},
                    "after": {"email": "ana@novo.com.br", "credit_limit": "2750.50"},
                }
            ],
        )
        error_id = uuid.uuid4().hex[:12].upper()
        db.session.add(
            ErrorLog(
                id=error_id,
                tenant_id=admin.tenant_id,
                user_id=admin.id,
                method="POST",
                path="/pedidos/17/pagar",
                exception_type="builtins.ZeroDivisionError",
                message="division by zero",
                request_id=uuid.uuid4().hex,
                traceback="Traceback (most recent call last):\n"
                + "".join(
                    f'  File "webapp/sales/services.py", line {n}, in pay\n' for n in range(40)
                )
                + "ZeroDivisionError: division by zero\n",
            )
        )
        db.session.commit()
    return error_id


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_admin_filters_history_and_reads_an_error(app, new_page, make_tenant, kind):
    from playwright.sync_api import expect

    admin = make_tenant(f"Loja Auditoria {kind}")
    error_id = _audit_data(app, admin)
    page = new_page(kind)
    sign_in(page, admin)

    page.goto("/audit")
    expect(page.locator("h1")).to_have_text("Auditoria")
    rows = page.locator("[data-testid=audit-entry]")
    expect(rows).to_have_count(4)  # admin + seller created, seller renamed, customer changed
    screenshot(page, f"audit-{kind}-01-history")

    # Filtering by entity swaps only the results (htmx) and keeps the filter in the URL.
    page.locator("#f-table").select_option("users")
    expect(page).to_have_url(re.compile(r"/audit\?table=users$"))
    expect(rows).to_have_count(3)
    page.locator("#f-action").select_option("update")
    expect(page).to_have_url(re.compile(r"/audit\?table=users&action=update$"))
    expect(rows).to_have_count(1)
    rename = rows.first
    expect(rename.locator("[data-field=name] del")).to_have_text("Bruno Lima")
    expect(rename.locator("[data-field=name] ins")).to_have_text("Bruno Lima Souza")
    expect(rename.locator("[data-field=active] ins")).to_have_text("Não")
    expect(rename.locator("td[data-label=Quem]")).to_have_text("Admin Teste")
    screenshot(page, f"audit-{kind}-02-filtered")

    # The URL is the state: a reload shows the same filtered list and selected filters.
    page.reload()
    expect(rows).to_have_count(1)
    expect(page.locator("#f-table")).to_have_value("users")

    page.goto("/audit?table=customers")
    expect(rows.first.locator("[data-field=credit_limit] ins")).to_have_text("R$ 2.750,50")

    # Error log: search by the id the user saw, open the detail.
    page.get_by_role("link", name="Log de erros").click()
    expect(page.locator("h1")).to_have_text("Log de erros")
    page.locator("#error-search").fill(error_id.lower())
    expect(page).to_have_url(re.compile(rf"/audit/errors\?q={error_id.lower()}$"))
    expect(page.locator("[data-testid=error-row]")).to_have_count(1)
    screenshot(page, f"audit-{kind}-03-errors")
    page.get_by_role("link", name=error_id).click()
    expect(page.locator("[data-testid=error-id]")).to_have_text(error_id)
    expect(page.locator("[data-testid=error-traceback]")).to_contain_text("ZeroDivisionError")
    screenshot(page, f"audit-{kind}-04-error-detail")

    assert_no_console_errors(page)
