"""Record history queries and the readable formatting of stored audit values."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import insert

from tests.conftest import in_tenant
from webapp.audit import labels, presenters, services
from webapp.core.audit import AuditEntry
from webapp.core.models import utcnow
from webapp.extensions import db

SP = ZoneInfo("America/Sao_Paulo")


def file_entry(app, tenant_id: int, **values) -> None:
    """An audit row as another module's audited child model would write it."""
    row = {"tenant_id": tenant_id, "action": "create", "created_at": utcnow(), **values}
    with in_tenant(app, tenant_id):
        db.session.execute(insert(AuditEntry.__table__), [row])
        db.session.commit()


def test_history_for_includes_rows_filed_under_the_record(app, tenant, make_tenant):
    file_entry(app, tenant.tenant_id, table_name="customers", record_id="7", after={"name": "Ana"})
    file_entry(
        app,
        tenant.tenant_id,
        table_name="addresses",
        record_id="3",
        parent_table="customers",
        parent_id="7",
        after={"city": "Recife"},
    )
    file_entry(app, tenant.tenant_id, table_name="customers", record_id="8", after={"name": "Bia"})
    other = make_tenant("Outra")
    file_entry(app, other.tenant_id, table_name="customers", record_id="7", after={"name": "X"})
    file_entry(app, other.tenant_id, table_name="products", record_id="1", after={"name": "Y"})

    with in_tenant(app, tenant.tenant_id):
        history = services.history_for("customers", 7)
        assert [i.entry.table_name for i in history.items] == ["addresses", "customers"]
        assert history.total == 2 and history.record_id == "7"
        only_own = services.history_for("customers", 7, include_children=False)
        assert [i.entry.table_name for i in only_own.items] == ["customers"]
        assert services.audited_tables() == ["addresses", "customers", "users"]


def test_history_for_pages_newest_first(app, tenant):
    for n in range(5):
        file_entry(app, tenant.tenant_id, table_name="orders", record_id="1", after={"n": n})
    with in_tenant(app, tenant.tenant_id):
        second = services.history_for("orders", 1, page=2, per_page=2)
    assert [i.entry.after["n"] for i in second.items] == [2, 1]
    assert second.has_next and second.total == 5


def test_values_are_formatted_for_people():
    fmt = presenters.format_value
    assert fmt("users", "active", True, SP) == "Sim"
    assert fmt("users", "active", False, SP) == "Não"
    assert fmt("products", "sale_price", "1234.50", SP) == "R$ 1.234,50"
    assert fmt("products", "tax_rate", "18.00", SP) == "18%"
    assert fmt("orders", "paid_at", "2025-03-10T15:30:00+00:00", SP) == "10/03/2025 12:30"
    assert fmt("customers", "birth_date", "1990-07-04", SP) == "04/07/1990"
    assert fmt("users", "role", "seller", SP) == "Vendedor"
    assert fmt("customers", "email", None, SP) == "—"
    assert fmt("products", "stock_qty", 12, SP) == "12"


def test_modules_register_their_own_labels_and_formats():
    labels.register_labels(
        "gadgets", "Aparelho", fields={"code": "Código"}, formats={"code": "text"}
    )
    entry = AuditEntry(
        table_name="gadgets",
        record_id="1",
        action="update",
        before={"code": "10.50", "version": 1, "color": None},
        after={"code": "11.50", "version": 2, "color": "azul"},
    )
    changes = presenters.field_changes(entry, SP)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Código", "10.50", "11.50"),  # registered as text: not money
        ("color", "—", "azul"),  # unknown column: raw name; version is bookkeeping
    ]
    assert presenters.record_label("gadgets", "1") == "Aparelho #1"
    assert presenters.actor_label(None, None) == "Sistema"
    assert presenters.actor_label(5, None) == "Usuário #5 (removido)"


def test_a_detail_page_renders_a_history_tab_with_one_include(app, tenant, change_user):
    from flask import render_template_string

    for n in range(21):
        change_user(tenant, actor=tenant, name=f"Nome {n:02d}")
    with in_tenant(app, tenant.tenant_id), app.test_request_context("/clientes/1"):
        history = services.history_for("users", tenant.id)
        html = render_template_string('{% include "audit/_entries.html" %}', history=history)
        empty = services.history_for("customers", 999)
        nothing = render_template_string('{% include "audit/_entries.html" %}', history=empty)
    assert html.count('data-testid="audit-entry"') == 20
    assert "<ins>Nome 20</ins>" in html
    # Without an admin (or a more_url from the page) the tab shows the latest entries only.
    assert "Mostrando as 20 alterações mais recentes de 22." in html
    assert 'data-testid="audit-more"' not in html
    assert "Nenhuma alteração registrada" in nothing
