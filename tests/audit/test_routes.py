"""Audit screens as an admin (and a seller, and another company's admin) sees them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import TEST_REDIS_URL, sign_in
from webapp import create_app
from webapp.config import settings_for_tests
from webapp.core.models import utcnow
from webapp.identity.models import Role

HX = {"HX-Request": "true"}


def entries_in(html: str) -> list[str]:
    """The data-action of every audit entry row on the page, in order."""
    return re.findall(r'data-testid="audit-entry" data-action="(\w+)"', html)


def test_admin_sees_a_rename_with_before_and_after(login_as, tenant, change_user):
    change_user(tenant, actor=tenant, name="Ana Souza")
    html = login_as("admin").get("/audit").get_data(as_text=True)
    assert entries_in(html) == ["update", "create"]
    first = html.split('data-testid="audit-entry"')[1]
    assert "Ana Souza" in first and "Alterado" in first
    assert f"Usuário #{tenant.id}" in first
    assert re.search(
        r"<dt>Nome</dt>\s*<dd>\s*<del>Admin Teste</del>.*<ins>Ana Souza</ins>", first, re.S
    )
    # The actor is shown by name (the user's current name).
    assert re.search(r'data-label="Quem">Ana Souza<', first)


def test_values_are_shown_the_brazilian_way(login_as, tenant, make_user, change_user):
    seller = make_user(tenant.tenant_id)
    change_user(seller, actor=tenant, active=False, role=Role.ADMIN)
    html = login_as("admin").get(f"/audit?table=users&record_id={seller.id}&action=update")
    first = html.get_data(as_text=True).split('data-testid="audit-entry"')[1]
    assert re.search(r"<dt>Ativo</dt>\s*<dd>\s*<del>Sim</del>.*?<ins>Não</ins>", first, re.S)
    assert re.search(
        r"<dt>Perfil</dt>\s*<dd>\s*<del>Vendedor</del>.*?<ins>Administrador</ins>", first, re.S
    )


def test_filters_by_entity_record_user_action_and_period(login_as, tenant, make_user, change_user):
    seller = make_user(tenant.tenant_id)  # created by nobody: a "Sistema" creation
    change_user(seller, actor=tenant, name="Bruno Lima")
    change_user(tenant, actor=None, name="Chefe")
    client = login_as("admin")

    def actions(query: str) -> list[str]:
        response = client.get(f"/audit?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return entries_in(response.get_data(as_text=True))

    assert actions("") == ["update", "update", "create", "create"]
    assert actions("action=update") == ["update", "update"]
    assert actions(f"table=users&record_id={seller.id}") == ["update", "create"]
    assert actions(f"actor={tenant.id}") == ["update"]
    assert actions("table=products") == []
    today = utcnow().date()
    assert len(actions(f"date_from={today - timedelta(days=1):%d/%m/%Y}")) == 4
    assert actions(f"date_from={today + timedelta(days=2):%Y-%m-%d}") == []
    assert actions(f"date_to={today - timedelta(days=2):%Y-%m-%d}") == []


def test_the_filter_form_keeps_the_filters_and_lists_entities_and_users(
    login_as, tenant, change_user
):
    change_user(tenant, actor=tenant, name="Ana Souza")
    html = login_as("admin").get(f"/audit?table=users&actor={tenant.id}").get_data(as_text=True)
    assert '<option value="users" selected>Usuário</option>' in html
    assert f'<option value="{tenant.id}" selected>Ana Souza</option>' in html


def test_an_entity_with_no_entries_yet_still_shows_as_the_filter(login_as, tenant, change_user):
    change_user(tenant, actor=tenant, name="Ana Souza")
    html = login_as("admin").get("/audit?table=products").get_data(as_text=True)
    # The results are filtered to products (none yet); the select must not claim "Todas".
    assert '<option value="products" selected>Produto</option>' in html
    assert 'data-testid="audit-entry"' not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=31/02/2025", "Data inicial inválida"),
        ("date_to=amanhã", "Data final inválida"),
        ("date_from=2025-03-10&date_to=2025-03-01", "data final deve ser igual ou posterior"),
        ("action=drop", "Escolha uma ação da lista"),
        ("actor=abc", "Escolha um usuário da lista"),
    ],
)
def test_bad_filters_get_a_clear_message_not_a_500(login_as, query, message):
    response = login_as("admin").get(f"/audit?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_htmx_filtering_answers_only_the_results(login_as, tenant, change_user):
    change_user(tenant, actor=tenant, name="Ana Souza")
    response = login_as("admin").get("/audit?action=update", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="audit-results"') and "<html" not in html
    assert entries_in(html) == ["update"]


def test_infinite_scroll_loads_the_next_rows(login_as, tenant, change_user):
    for n in range(30):
        change_user(tenant, actor=tenant, name=f"Nome {n:02d}")
    client = login_as("admin")
    first = client.get("/audit?action=update").get_data(as_text=True)
    assert len(entries_in(first)) == 25 and "30 alterações encontradas" in first
    more = re.search(r'hx-get="([^"]+page=2)"', first).group(1).replace("&amp;", "&")
    assert "action=update" in more
    rest = client.get(more, headers=HX).get_data(as_text=True)
    assert len(entries_in(rest)) == 5 and "<table" not in rest
    assert 'data-testid="audit-more"' not in rest
    assert "<ins>Nome 04</ins>" in rest and "<ins>Nome 29</ins>" not in rest


def test_empty_states(login_as):
    client = login_as("admin")
    assert "Nenhuma alteração encontrada" in client.get("/audit?table=orders").get_data(True)
    assert "Nenhum erro registrado" in client.get("/audit/errors").get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/audit",
        "/audit?action=update",
        "/audit/errors",
        "/audit/errors/ABC123ABC123",
        "/audit/records/users/1",
    ],
)
def test_sellers_are_refused_every_audit_page(login_as, path):
    response = login_as("seller").get(path)
    assert response.status_code == 403
    assert login_as("seller").get(path, headers=HX).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_company_never_sees_our_history_or_errors(
    app, login_as, tenant, make_tenant, change_user, make_error
):
    change_user(tenant, actor=tenant, name="Segredo da Loja A")
    error_a = make_error(tenant.tenant_id, path="/clientes/segredo-a")
    orphan = make_error(None, path="/login-anonimo")
    other = make_tenant("Loja B")
    client_b = login_as(account=other)

    history = client_b.get("/audit").get_data(as_text=True)
    assert "Segredo da Loja A" not in history
    assert entries_in(history) == ["create"]  # only Loja B's own admin
    filtered = client_b.get(f"/audit?table=users&record_id={tenant.id}").get_data(as_text=True)
    assert entries_in(filtered) == []
    assert f'<option value="{tenant.id}"' not in history

    errors_b = client_b.get("/audit/errors").get_data(as_text=True)
    assert error_a not in errors_b and orphan not in errors_b
    searched = client_b.get(f"/audit/errors?q={error_a}").get_data(as_text=True)
    assert "Nenhum erro com esse código" in searched and 'data-testid="error-row"' not in searched
    assert client_b.get(f"/audit/errors/{error_a}").status_code == 404
    assert (
        client_b.get(f"/audit/records/users/{tenant.id}", headers=HX).get_data(True).strip() == ""
    )

    # Errors with no tenant belong to nobody's log, not even the first company's.
    client_a = login_as("admin")
    errors_a = client_a.get("/audit/errors").get_data(as_text=True)
    assert error_a in errors_a and orphan not in errors_a
    assert client_a.get(f"/audit/errors/{orphan}").status_code == 404


def test_error_log_lists_and_searches_by_error_id(login_as, tenant, make_error):
    older = make_error(tenant.tenant_id, path="/produtos/9", minutes_ago=5)
    newer = make_error(tenant.tenant_id, path="/pedidos/7")
    client = login_as("admin")
    listing = client.get("/audit/errors").get_data(as_text=True)
    rows = re.findall(r'data-testid="error-row" data-error-id="(\w+)"', listing)
    assert rows == [newer, older]
    assert "/pedidos/7" in listing and "ZeroDivisionError" in listing and "POST" in listing

    # People read the id off a screen: lower case and spaces still find it.
    typed = f" {older.lower()[:6]} {older.lower()[6:]} "
    found = client.get("/audit/errors", query_string={"q": typed}, headers=HX)
    html = found.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="error-results"')
    assert re.findall(r'data-error-id="(\w+)"', html) == [older]
    missing = client.get("/audit/errors?q=FFFFFFFFFFFF").get_data(as_text=True)
    assert "Nenhum erro com esse código" in missing


def test_error_detail_shows_message_and_traceback(login_as, tenant, make_error):
    error_id = make_error(tenant.tenant_id, path="/pedidos/7")
    html = login_as("admin").get(f"/audit/errors/{error_id}").get_data(as_text=True)
    assert f'data-testid="error-id">{error_id}<' in html
    assert "division by zero em /pedidos/7" in html
    assert "Traceback (most recent call last)" in html
    assert "builtins.ZeroDivisionError" in html
    assert login_as("admin").get("/audit/errors/NAOEXISTE000").status_code == 404


def test_the_error_id_shown_to_the_user_is_found_in_the_log(app, tenant, login_as):
    failing = create_app(settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], TEST_REDIS_URL))

    @failing.route("/quebra")
    def quebra():
        raise RuntimeError("falhou de verdade")

    page = sign_in(failing.test_client(), tenant).get("/quebra").get_data(as_text=True)
    shown = re.search(r'data-testid="error-id">([0-9A-F]{12})<', page).group(1)
    client = login_as("admin")
    html = client.get(f"/audit/errors?q={shown}").get_data(as_text=True)
    assert re.findall(r'data-error-id="(\w+)"', html) == [shown]
    detail = client.get(f"/audit/errors/{shown}").get_data(as_text=True)
    assert "falhou de verdade" in detail and "/quebra" in detail


def test_record_history_partial_loads_more_for_admins(login_as, tenant, change_user):
    for n in range(25):
        change_user(tenant, actor=tenant, name=f"Nome {n:02d}")
    client = login_as("admin")
    rows = client.get(f"/audit/records/users/{tenant.id}?page=2", headers=HX).get_data(True)
    assert len(entries_in(rows)) == 6  # 26 entries (25 renames + creation), 20 per page
    assert entries_in(rows)[-1] == "create"
    page = client.get(f"/audit/records/users/{tenant.id}")
    assert page.status_code == 302
    assert f"/audit?table=users&record_id={tenant.id}" in page.headers["Location"]
