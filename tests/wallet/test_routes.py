"""Wallet screens: the tab on the customer page, period filter, CSV export, the admin
adjustment dialog (403 for sellers, 422 with the form, idempotent double submit), the
new-cashback poll and the per-category cashback settings."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from tests.wallet.conftest import fund
from webapp.catalog.models import Category
from webapp.extensions import db
from webapp.identity.models import User
from webapp.wallet import services
from webapp.wallet.models import LedgerTransaction, TransactionKind

HX = {"HX-Request": "true"}


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key"[^>]*value="([0-9a-f]+)"', html).group(1)


def _post_adjust(client, customer_id=1, **data):
    form = {"direction": "credit", "amount": "30,00", "reason": "Bônus de aniversário"}
    form.update(data)
    return client.post(f"/customers/{customer_id}/wallet/adjustments", data=form, headers=HX)


def test_wallet_tab_shows_balance_statement_and_empty_state(app, tenant, login_as):
    admin = login_as("admin")
    html = admin.get("/customers/1?tab=wallet").get_data(as_text=True)
    assert "Carteira sem movimentação" in html
    assert "R$ 0,00" in html
    with in_tenant(app, tenant.tenant_id):
        fund(1, "12.34")
        services.credit_cashback(77, 1, Decimal("1.50"))
    html = admin.get("/customers/1?tab=wallet").get_data(as_text=True)
    assert 'data-testid="wallet-balance">R$ 13,84' in html
    assert "Cashback" in html and "Estorno" in html
    assert "+R$ 1,50" in html and "text-success" in html
    assert "#77" in html  # order reference (plain text until the orders page exists)
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", html)
    assert 'data-testid="wallet-adjust"' in html  # admins get the button
    seller = login_as("seller").get("/customers/1?tab=wallet").get_data(as_text=True)
    assert "R$ 13,84" in seller and 'data-testid="wallet-adjust"' not in seller


def test_period_filter_and_bad_dates(app, tenant, login_as):
    admin = login_as("admin")
    _post_adjust(admin, idempotency_key="p1")
    old = admin.get("/customers/1/wallet?from=2001-01-01&to=2001-12-31", headers=HX)
    assert old.status_code == 200
    assert "Nenhum lançamento no período" in old.get_data(as_text=True)
    assert old.headers["HX-Push-Url"] == "/customers/1?tab=wallet&from=2001-01-01&to=2001-12-31"
    everything = admin.get("/customers/1/wallet?from=2001-01-01", headers=HX)
    assert "1 lançamento no período" in everything.get_data(as_text=True)
    bad = admin.get("/customers/1/wallet?from=2024-05-10&to=2024-05-01", headers=HX)
    bad_html = bad.get_data(as_text=True)
    assert "A data inicial deve ser anterior à final. Mostrando o extrato completo." in bad_html
    assert "1 lançamento" in bad_html
    garbage = admin.get("/customers/1?tab=wallet&from=31-02-2024")
    assert garbage.status_code == 200 and "Data inválida" in garbage.get_data(as_text=True)
    plain = admin.get("/customers/1/wallet?from=2001-01-01")
    assert plain.status_code == 302 and "tab=wallet" in plain.headers["Location"]


def test_infinite_scroll_rows(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        for n in range(25):
            fund(2, f"{n + 1}.00", key=f"scroll-{n}")
    admin = login_as("admin")
    html = admin.get("/customers/2?tab=wallet").get_data(as_text=True)
    assert html.count('data-testid="wallet-line"') == 20
    assert "/customers/2/wallet/rows?page=2" in html
    rest = admin.get("/customers/2/wallet/rows?page=2", headers=HX).get_data(as_text=True)
    assert rest.count('data-testid="wallet-line"') == 5
    assert "scroll-sentinel" not in rest


def test_csv_export_for_a_period(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        fund(3, "10.00", key="csv-a")
        services.manual_adjustment(
            db.session.get(User, tenant.id),
            3,
            Decimal("-2.50"),
            '=HYPERLINK("x")',
            "csv-b",
        )
    admin = login_as("seller")
    response = admin.get("/customers/3/wallet/statement.csv?from=2001-01-01")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    assert 'filename="extrato-cliente-3-2001-01-01.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Data;Tipo;Descrição;Pedido;Valor;Saldo após"
    assert lines[1].split(";")[1:] == [
        "Estorno",
        "Estorno do pedido #999003",
        "999003",
        "10,00",
        "10,00",
    ]
    # A formula-looking reason is defused for spreadsheets.
    assert lines[2].endswith(';Ajuste manual;"\'=HYPERLINK(""x"")";;-2,50;7,50')
    assert re.match(r"\d\d/\d\d/\d{4} \d\d:\d\d;", lines[2])
    empty = admin.get("/customers/3/wallet/statement.csv?from=2001-01-01&to=2001-01-02")
    assert empty.get_data(as_text=True).lstrip("\ufeff").splitlines() == [lines[0]]
    assert (
        admin.get("/customers/3/wallet/statement.csv?from=2024-02-02&to=2024-02-01").status_code
        == 422
    )


def test_seller_gets_403_on_the_dialog_and_the_post(login_as):
    seller = login_as("seller")
    assert seller.get("/customers/1/wallet/adjustments/new", headers=HX).status_code == 403
    assert _post_adjust(seller, idempotency_key="s").status_code == 403


def test_reason_required_returns_the_form_with_422(app, tenant, login_as):
    admin = login_as("admin")
    form = admin.get("/customers/1/wallet/adjustments/new", headers=HX).get_data(as_text=True)
    key = _key(form)
    response = _post_adjust(admin, reason="  ", amount="", idempotency_key=key)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="wallet-adjust-form"' in html
    assert "Informe o motivo do ajuste." in html and "Informe o valor do ajuste." in html
    assert _key(html) == key  # fixing the form keeps the same key
    with in_tenant(app, tenant.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(LedgerTransaction)) == 0


def test_insufficient_balance_is_shown_next_to_the_amount(login_as):
    admin = login_as("admin")
    response = _post_adjust(admin, direction="debit", amount="5,00", idempotency_key="d")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert re.search(
        r'id="amount-feedback">Saldo insuficiente na carteira: disponível R\$ 0,00', html
    )


def test_a_fraction_of_a_centavo_is_refused_not_rounded(app, tenant, login_as):
    admin = login_as("admin")
    response = _post_adjust(admin, amount="10,555", idempotency_key="f")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="amount-feedback">Use no máximo duas casas decimais \(centavos\)', html)
    with in_tenant(app, tenant.tenant_id):
        assert services.balance(1) == Decimal("0.00")


def test_double_submit_with_the_same_key_makes_one_adjustment(app, tenant, login_as):
    admin = login_as("admin")
    key = _key(admin.get("/customers/1/wallet/adjustments/new", headers=HX).get_data(as_text=True))
    first = _post_adjust(admin, idempotency_key=key)
    second = _post_adjust(admin, idempotency_key=key)
    assert first.status_code == second.status_code == 200
    assert "wallet-changed" in first.headers["HX-Trigger"]
    assert "data-wallet-adjust-done" in first.get_data(as_text=True)
    assert "Crédito de R$ 30,00 registrado" in first.get_data(as_text=True)
    with in_tenant(app, tenant.tenant_id):
        kinds = db.session.scalars(select(LedgerTransaction.kind)).all()
        assert kinds == [TransactionKind.MANUAL_ADJUSTMENT]
        assert services.balance(1) == Decimal("30.00")


def test_adjustment_without_htmx_redirects_to_the_tab(login_as):
    admin = login_as("admin")
    page = admin.get("/customers/1/wallet/adjustments/new")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    response = admin.post(
        "/customers/1/wallet/adjustments",
        data={"direction": "debit", "amount": "0", "reason": "x", "idempotency_key": "n"},
    )
    assert response.status_code == 422


def test_poll_answers_204_until_a_cashback_arrives(app, tenant, login_as):
    seller = login_as("seller")
    html = seller.get("/customers/4?tab=wallet").get_data(as_text=True)
    poll = re.search(r'hx-get="(/customers/4/wallet/changes\?since=0)"', html).group(1)
    assert 'hx-trigger="every 5s, wallet-changed from:body"' in html
    assert seller.get(poll, headers=HX).status_code == 204
    with in_tenant(app, tenant.tenant_id):
        services.credit_cashback(150, 4, Decimal("4.75"))
    response = seller.get(poll, headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Cashback de R$ 4,75 creditado" in body and 'hx-swap-oob="beforeend"' in body
    assert 'data-testid="wallet-balance">R$ 4,75' in body
    newer = re.search(r'hx-get="(/customers/4/wallet/changes\?since=\d+)"', body).group(1)
    assert seller.get(newer.replace("&amp;", "&"), headers=HX).status_code == 204
    with in_tenant(app, tenant.tenant_id):
        fund(4, "1.00", key="not-cashback")
    refreshed = seller.get(newer, headers=HX).get_data(as_text=True)
    assert "creditado" not in refreshed and "R$ 5,75" in refreshed


def test_per_category_rates_screen_and_rules(app, tenant, login_as):
    with in_tenant(app, tenant.tenant_id):
        make_product(tenant.id, category="Bebidas")
        make_product(tenant.id, category="Eletrônicos")
        ids = dict(db.session.execute(select(Category.name, Category.id)).all())
    admin = login_as("admin")
    settings = admin.get("/settings").get_data(as_text=True)
    assert 'href="/settings/cashback"' in settings
    page = admin.get("/settings/cashback").get_data(as_text=True)
    assert "Bebidas" in page and "Eletrônicos" in page and "Regra geral" in page

    url = f"/settings/cashback/categories/{ids['Eletrônicos']}"
    saved = admin.post(url, data={"rate": "12,5"}, headers=HX)
    assert saved.status_code == 200 and "12,50%" in saved.get_data(as_text=True)
    bad = admin.post(url, data={"rate": "150"}, headers=HX)
    assert bad.status_code == 422
    assert "entre 0% e 100%" in bad.get_data(as_text=True)
    with in_tenant(app, tenant.tenant_id):
        rules = services.cashback_rules()
        assert rules.rate == Decimal("5.00") and rules.min_order == Decimal("0.00")
        assert rules.category_rates == {ids["Eletrônicos"]: Decimal("12.50")}
        lines = [(ids["Eletrônicos"], Decimal("100.00")), (ids["Bebidas"], Decimal("100.00"))]
        assert services.estimate_cashback(lines, Decimal("0")) == Decimal("17.50")
        # Half paid with balance: half the cashback.
        assert services.estimate_cashback(lines, Decimal("100.00")) == Decimal("8.75")
        assert services.estimate_cashback(lines, Decimal("500.00")) == Decimal("0.00")

    cleared = admin.post(url, data={"clear": "1"}, headers=HX)
    assert cleared.status_code == 200 and "Regra geral" in cleared.get_data(as_text=True)
    with in_tenant(app, tenant.tenant_id):
        assert services.cashback_rules().category_rates == {}
    assert login_as("seller").get("/settings/cashback").status_code == 403
    assert admin.post("/settings/cashback/categories/987654", data={"rate": "1"}).status_code == 404


def test_poll_with_a_since_past_any_id_answers_204_not_500(login_as):
    seller = login_as("seller")
    for since in ("99999999999999999999999", str(2**63)):
        response = seller.get(f"/customers/4/wallet/changes?since={since}", headers=HX)
        assert response.status_code == 204, since


def test_a_reason_with_a_nul_byte_is_shown_on_the_form(login_as):
    admin = login_as("admin")
    response = _post_adjust(admin, reason="Bônus\x00", idempotency_key="nul")
    assert response.status_code == 422
    assert "O motivo tem caracteres de controle" in response.get_data(as_text=True)
    assert "R$ 0,00" in admin.get("/customers/1?tab=wallet").get_data(as_text=True)
