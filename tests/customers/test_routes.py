"""Customer screens: list/search, forms with field errors, address panel, history, lookup."""

from __future__ import annotations

import re

from tests.conftest import in_tenant
from tests.customers.conftest import ADDRESS, CPF, CPF_DIGITS, OTHER_CPF
from webapp.customers import services

HX = {"HX-Request": "true"}
FORM = {
    "name": "Maria da Silva",
    "document": CPF,
    "email": "maria@example.com",
    "phone": "(21) 98765-4321",
    "birth_date": "1985-04-12",
}


def test_list_page_search_partial_and_empty_state(login_as, make_customer):
    client = login_as("seller")
    empty = client.get("/customers").get_data(as_text=True)
    assert "Nenhum cliente cadastrado" in empty
    make_customer()
    page = client.get("/customers").get_data(as_text=True)
    assert "Maria da Silva" in page and "529.982.247-25" in page and "(21) 98765-4321" in page
    assert 'hx-trigger="input changed delay:250ms, search"' in page
    partial = client.get("/customers?q=529.98", headers=HX)
    html = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in html and "Maria da Silva" in html
    assert "HX-Request" in partial.headers["Vary"]
    none = client.get("/customers?q=zzzz", headers=HX).get_data(as_text=True)
    assert "Nenhum cliente encontrado" in none


def test_infinite_scroll_sentinel(login_as, make_customer):
    from webapp.core.documents import make_cpf

    for n in range(27):
        make_customer(document=make_cpf(100_000_000 + n), name=f"Cliente {n:02d}")
    client = login_as()
    html = client.get("/customers").get_data(as_text=True)
    assert html.count('data-testid="customer-row"') == 25
    assert 'hx-trigger="revealed"' in html
    more = client.get("/customers/rows?page=2", headers=HX).get_data(as_text=True)
    assert more.count('data-testid="customer-row"') == 2 and "revealed" not in more


def test_create_customer_redirects_to_its_page(login_as, app, tenant):
    client = login_as("seller")
    response = client.post("/customers/new", data=FORM)
    assert response.status_code == 302
    with in_tenant(app, tenant.tenant_id):
        customer = services.find_by_document(CPF_DIGITS)
        assert customer.phone == "21987654321"
        assert customer.active is True
    assert f"/customers/{customer.id}" in response.headers["Location"]


def test_invalid_document_is_a_field_error_and_nothing_is_saved(login_as, app, tenant):
    client = login_as()
    response = client.post("/customers/new", data={**FORM, "document": "529.982.247-26"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "CPF inválido" in html and 'aria-invalid="true"' in html
    with in_tenant(app, tenant.tenant_id):
        assert services.search("").items == []


def test_a_name_past_the_field_limit_is_refused_in_portuguese(login_as, app, tenant):
    # The page's maxlength stops a browser; a script or an old form reaches WTForms' check.
    response = login_as().post("/customers/new", data={**FORM, "name": "M" * 151})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use no máximo 150 caracteres." in html and "cannot be longer" not in html
    with in_tenant(app, tenant.tenant_id):
        assert services.search("").items == []


def test_duplicate_document_links_to_existing_customer(login_as, make_customer):
    existing = make_customer()
    client = login_as()
    response = client.post("/customers/new", data={**FORM, "name": "Outra Maria"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Já existe um cliente com este CPF: Maria da Silva" in html
    assert f'href="/customers/{existing}"' in html


def test_inline_validation_renders_the_field(login_as, make_customer):
    existing = make_customer()
    client = login_as()
    bad = client.post("/customers/validate", data={**FORM, "document": "123"}, headers=HX)
    assert bad.status_code == 200
    assert 'id="field-document"' in bad.get_data(as_text=True)
    assert "CPF tem 11 dígitos" in bad.get_data(as_text=True)
    dup = client.post("/customers/validate", data=FORM, headers=HX).get_data(as_text=True)
    assert f'href="/customers/{existing}"' in dup
    assert "Já existe um cliente com este CPF: Maria da Silva" in dup  # the services' wording
    own = client.post(f"/customers/{existing}/validate", data=FORM, headers=HX)
    assert "Já existe" not in own.get_data(as_text=True)


def test_edit_and_history_tab_shows_before_and_after(login_as, make_customer):
    customer_id = make_customer()
    client = login_as()
    response = client.post(
        f"/customers/{customer_id}/edit", data={**FORM, "name": "Maria Souza", "active": "y"}
    )
    assert response.status_code == 302
    html = client.get(f"/customers/{customer_id}?tab=history", headers=HX).get_data(as_text=True)
    assert 'data-action="update"' in html
    row = re.search(r'data-field="name">.*?</div>', html, re.S).group(0)
    assert "<dt>Nome</dt>" in row
    assert "<del>Maria da Silva</del>" in row and "<ins>Maria Souza</ins>" in row
    assert "Admin Teste" in html
    assert "529.982.247-25" in html  # the creation entry shows the document masked


def test_detail_tabs(login_as, make_customer):
    customer_id = make_customer(addresses=[{}])
    client = login_as("seller")
    page = client.get(f"/customers/{customer_id}").get_data(as_text=True)
    for label in ("Dados", "Endereços", "Pedidos", "Carteira", "Histórico"):
        assert label in page
    for tab, text in [
        ("addresses", "Rua das Laranjeiras"),
        ("orders", f'hx-get="/customers/{customer_id}/orders"'),  # the sales module's list
        ("wallet", "Carteira sem movimentação"),
    ]:
        html = client.get(f"/customers/{customer_id}?tab={tab}", headers=HX).get_data(as_text=True)
        assert text in html and "<html" not in html
    assert client.get(f"/customers/{customer_id}?tab=nope").status_code == 404
    assert client.get("/customers/999999").status_code == 404


def test_address_field_errors_return_the_form_partial(login_as, make_customer, app, tenant):
    customer_id = make_customer()
    client = login_as()
    cases = {"state": "XX", "zip": "1234", "kind": "home"}
    for field, value in cases.items():
        response = client.post(
            f"/customers/{customer_id}/addresses", data={**ADDRESS, field: value}, headers=HX
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 422, field
        assert 'id="address-form"' in html and "<html" not in html
        assert re.search(rf'id="field-{field}".*?is-invalid', html, re.S), field
    with in_tenant(app, tenant.tenant_id):
        assert services.get_customer(customer_id).addresses == []


def test_address_inline_add_edit_default_delete(login_as, make_customer, app, tenant):
    customer_id = make_customer()
    client = login_as()
    url = f"/customers/{customer_id}/addresses"
    assert "Novo endereço" in client.get(f"{url}/new", headers=HX).get_data(as_text=True)
    added = client.post(url, data=ADDRESS, headers=HX)
    assert added.status_code == 200 and added.headers["HX-Retarget"] == "#addresses-panel"
    client.post(url, data={**ADDRESS, "number": "99"}, headers=HX)
    with in_tenant(app, tenant.tenant_id):
        first, second = (a.id for a in services.get_customer(customer_id).addresses)
    client.post(f"{url}/{second}/default", headers=HX)
    edited = client.post(f"{url}/{first}", data={**ADDRESS, "city": "Niterói"}, headers=HX)
    assert "Niterói" in edited.get_data(as_text=True)
    deleted = client.post(f"{url}/{second}/delete", headers=HX).get_data(as_text=True)
    assert "Endereço excluído" in deleted
    with in_tenant(app, tenant.tenant_id):
        (remaining,) = services.get_customer(customer_id).addresses
        assert remaining.id == first and remaining.is_default


def test_address_of_customer_x_via_customer_y_url_is_404(login_as, make_customer, app, tenant):
    owner = make_customer(addresses=[{}])
    intruder = make_customer(document=OTHER_CPF, name="Outro")
    with in_tenant(app, tenant.tenant_id):
        address_id = services.get_customer(owner).addresses[0].id
    client = login_as()
    base = f"/customers/{intruder}/addresses/{address_id}"
    assert client.get(f"{base}/edit", headers=HX).status_code == 404
    assert client.post(base, data={**ADDRESS, "city": "Hackeada"}).status_code == 404
    assert client.post(f"{base}/delete").status_code == 404
    assert client.post(f"{base}/default").status_code == 404
    with in_tenant(app, tenant.tenant_id):
        assert services.get_address(owner, address_id).city == "Rio de Janeiro"


def test_other_tenant_customer_is_404(login_as, make_customer, make_tenant, app):
    other = make_tenant("Outra Loja")
    foreign = make_customer(tenant_id=other.tenant_id)
    assert login_as().get(f"/customers/{foreign}").status_code == 404


def test_deactivate(login_as, make_customer, app, tenant):
    customer_id = make_customer()
    client = login_as()
    assert client.post(f"/customers/{customer_id}/deactivate").status_code == 302
    with in_tenant(app, tenant.tenant_id):
        assert services.get_customer(customer_id).active is False
