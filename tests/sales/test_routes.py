"""Sales screens: checkout (cart actions, errors inline, double submit), orders, live stock."""

from __future__ import annotations

import re

import pytest

from tests.conftest import in_tenant
from tests.sales.helpers import EAN, make_shop
from webapp.identity.models import Role
from webapp.sales import services as sales

HX = {"HX-Request": "true"}


@pytest.fixture
def shop(app, tenant):
    return make_shop(app, tenant)


@pytest.fixture
def seller(tenant, make_user):
    return make_user(tenant.tenant_id, Role.SELLER)


@pytest.fixture
def seller_client(login_as, seller):
    return login_as("seller", account=seller)


def _ready_cart(client, shop, scans=1):
    client.post("/checkout/customer", data={"customer_id": shop.customer_id}, headers=HX)
    for _ in range(scans):
        client.post("/checkout/scan", data={"code": EAN}, headers=HX)


def _checkout(app, tenant, seller, shop, qty=1):
    """An order made through the service by ``seller`` (for the orders screens)."""
    from types import SimpleNamespace

    from webapp.extensions import db
    from webapp.identity.models import User

    with in_tenant(app, tenant.tenant_id):
        user = db.session.get(User, seller.id)
        order = sales.checkout(
            user,
            customer_id=shop.customer_id,
            shipping_address_id=shop.address_id,
            items=[sales.CheckoutItem(shop.product_id, qty)],
            payment_method="pix",
            idempotency_key=f"test-{seller.id}-{qty}-{id(SimpleNamespace())}",
        )
        return order.id


# --- checkout page and cart ----------------------------------------------------------------


def test_checkout_full_page_and_partials(seller_client, shop):
    page = seller_client.get("/checkout")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert 'id="scan-code"' in html and "autofocus" in html and "Carrinho vazio" in html
    response = seller_client.post("/checkout/scan", data={"code": EAN}, headers=HX)
    part = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in part
    assert (
        'id="cart-lines" class="cart-lines mt-3" data-testid="cart-lines" hx-swap-oob="true"'
        in part
    )
    assert "Café torrado 500 g" in part and 'id="stock-' in part
    assert 'id="cart-summary"' in part and "R$ 20,00" in part


def test_cart_survives_a_reload(seller_client, shop):
    _ready_cart(seller_client, shop, scans=2)
    html = seller_client.get("/checkout").get_data(as_text=True)
    assert "Maria da Silva" in html and 'value="2"' in html and "R$ 40,00" in html


def test_unknown_code_shows_message_next_to_scan_box(seller_client, shop):
    response = seller_client.post("/checkout/scan", data={"code": "999"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="scan-feedback"' in html and "Nenhum produto com o código “999”" in html


def test_without_js_actions_redirect_or_rerender_the_page(seller_client, shop):
    ok = seller_client.post("/checkout/scan", data={"code": EAN})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/checkout")
    bad = seller_client.post("/checkout/scan", data={"code": "nada"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<html" in html and "Nenhum produto com o código" in html


def test_price_outside_bounds_inline_error_and_nothing_saved(seller_client, shop):
    seller_client.post("/checkout/scan", data={"code": EAN}, headers=HX)
    line_id = re.search(
        r'data-line-id="(\d+)"', seller_client.get("/checkout").get_data(as_text=True)
    ).group(1)
    response = seller_client.post(
        f"/checkout/lines/{line_id}/price", data={"unit_price": "10,00"}, headers=HX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="price-{line_id}-error" data-error="price">Preço fora da faixa permitida' in html
    assert "R$ 18,00 a R$ 25,00" in html
    ok = seller_client.post(
        f"/checkout/lines/{line_id}/price", data={"unit_price": "22,00"}, headers=HX
    )
    assert ok.status_code == 200 and "R$ 22,00" in ok.get_data(as_text=True)


def test_qty_buttons_and_typed_qty(seller_client, shop):
    seller_client.post("/checkout/scan", data={"code": EAN}, headers=HX)
    line_id = re.search(
        r'data-line-id="(\d+)"', seller_client.get("/checkout").get_data(as_text=True)
    ).group(1)
    inc = seller_client.post(
        f"/checkout/lines/{line_id}/qty", data={"qty": "1", "step": "inc"}, headers=HX
    )
    assert 'data-qty="2"' in inc.get_data(as_text=True)
    typed = seller_client.post(f"/checkout/lines/{line_id}/qty", data={"qty": "12"}, headers=HX)
    html = typed.get_data(as_text=True)
    assert 'data-qty="12"' in html and "over-stock" in html  # stock is 10: flagged
    bad = seller_client.post(f"/checkout/lines/{line_id}/qty", data={"qty": "0"}, headers=HX)
    assert bad.status_code == 422 and "A quantidade mínima é 1" in bad.get_data(as_text=True)


def _line_id(client, nth: int = 0) -> str:
    html = client.get("/checkout").get_data(as_text=True)
    return re.findall(r'data-line-id="(\d+)"', html)[nth]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2.5", "Informe uma quantidade inteira."),
        ("1,5", "Informe uma quantidade inteira."),
        ("abc", "Informe uma quantidade inteira."),
        ("-2", "A quantidade mínima é 1"),
    ],
)
def test_bad_typed_qty_is_sent_answered_next_to_the_line_and_cleared_when_valid(
    seller_client, shop, typed, message
):
    seller_client.post("/checkout/scan", data={"code": EAN}, headers=HX)
    line_id = _line_id(seller_client)
    page = seller_client.get("/checkout").get_data(as_text=True)
    qty_input = re.search(rf'<input[^>]+id="qty-{line_id}"[^>]*>', page).group(0)
    # A pattern= would make htmx drop the request without a word; the phone keypad stays.
    assert "pattern=" not in qty_input and 'inputmode="numeric"' in qty_input
    bad = seller_client.post(f"/checkout/lines/{line_id}/qty", data={"qty": typed}, headers=HX)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert f'id="qty-{line_id}-error" data-error="qty">{message}' in html
    assert 'data-qty="1"' in html and 'value="1"' in html  # the box shows what the cart has
    ok = seller_client.post(f"/checkout/lines/{line_id}/qty", data={"qty": "3"}, headers=HX)
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and 'data-qty="3"' in html
    assert f'id="qty-{line_id}-error" data-error="qty"></div>' in html


def test_customer_search_by_masked_document_and_by_name(seller_client, shop):
    by_doc = seller_client.get("/checkout/customers?q=529.982.247-25", headers=HX)
    by_doc = by_doc.get_data(as_text=True)
    assert "Maria da Silva" in by_doc
    by_name = seller_client.get("/checkout/customers?q=mar", headers=HX).get_data(as_text=True)
    assert "Maria da Silva" in by_name
    chosen = seller_client.post(
        "/checkout/customer", data={"customer_id": shop.customer_id}, headers=HX
    )
    html = chosen.get_data(as_text=True)
    assert "Rua das Laranjeiras" in html and f'value="{shop.address_id}" checked' in html


def test_inline_address_form_errors_and_success(seller_client, shop):
    seller_client.post("/checkout/customer", data={"customer_id": shop.customer_id}, headers=HX)
    bad = seller_client.post("/checkout/address/new", data={"zip": "1", "street": ""}, headers=HX)
    assert bad.status_code == 422 and "Informe a rua." in bad.get_data(as_text=True)
    good = seller_client.post(
        "/checkout/address/new",
        data={
            "zip": "01310-100",
            "street": "Av. Paulista",
            "number": "1000",
            "district": "Bela Vista",
            "city": "São Paulo",
            "state": "SP",
        },
        headers=HX,
    )
    assert good.status_code == 200 and "Av. Paulista" in good.get_data(as_text=True)


NEW_ADDRESS = {
    "zip": "01310-100",
    "street": "Av. Paulista",
    "number": "1000",
    "complement": 'Apto "12"',
    "district": "Bela Vista",
    "city": "São Paulo",
    "state": "XX",
}


def test_refused_address_comes_back_as_typed_with_only_the_bad_field_marked(seller_client, shop):
    seller_client.post("/checkout/customer", data={"customer_id": shop.customer_id}, headers=HX)
    bad = seller_client.post("/checkout/address/new", data=NEW_ADDRESS, headers=HX)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "UF inválida" in html
    for name, value in NEW_ADDRESS.items():
        shown = value.replace('"', "&#34;")
        assert re.search(rf'id="addr-{name}" name="{name}" value="{shown}"', html), name
    assert re.findall(r'class="form-control[^"]*is-invalid" id="addr-(\w+)"', html) == ["state"]
    assert 'aria-describedby="addr-state-error"' in html
    assert seller_client.get("/checkout").get_data(as_text=True).count("Av. Paulista") == 0


def test_park_and_resume(seller_client, shop):
    _ready_cart(seller_client, shop)
    parked = seller_client.post(
        "/checkout/park", data={"label": "Cliente volta às 15h"}, headers=HX
    )
    html = parked.get_data(as_text=True)
    assert "Cliente volta às 15h" in html and "Carrinho vazio" in html
    cart_id = re.search(r"/checkout/parked/(\d+)/resume", html).group(1)
    resumed = seller_client.post(f"/checkout/parked/{cart_id}/resume", headers=HX).get_data(
        as_text=True
    )
    assert "Café torrado 500 g" in resumed and "Maria da Silva" in resumed


def test_wallet_amount_is_clamped_to_balance(seller_client, shop):
    _ready_cart(seller_client, shop)
    html = seller_client.post(
        "/checkout/wallet", data={"wallet_amount": "50,00"}, headers=HX
    ).get_data(as_text=True)
    assert 'data-testid="wallet-balance">R$ 0,00' in html
    assert 'data-testid="amount-due"><span class="money">R$ 20,00' in html


def test_wallet_payment_short_of_balance_is_explained_and_not_offered(
    app, tenant, seller_client, shop
):
    from decimal import Decimal

    from webapp.extensions import db
    from webapp.identity.models import User
    from webapp.wallet import services as wallet

    with in_tenant(app, tenant.tenant_id):
        admin = db.session.get(User, tenant.id)
        wallet.manual_adjustment(admin, shop.customer_id, Decimal("15.00"), "Brinde", "gift-15")
    _ready_cart(seller_client, shop)  # R$ 20,00
    seller_client.post("/checkout/wallet", data={"use": "all"}, headers=HX)
    summary = seller_client.post(
        "/checkout/payment", data={"payment_method": "wallet"}, headers=HX
    ).get_data(as_text=True)
    message = (
        "O saldo da carteira (R$ 15,00) não cobre o total (R$ 20,00): "
        "escolha outra forma de pagamento para o restante."
    )
    assert 'data-testid="payment-problem"' in summary and message in summary
    assert re.search(r'confirm-btn disabled"[^>]*data-testid="finish"', summary)
    review = seller_client.get("/checkout/review", headers=HX).get_data(as_text=True)
    assert message in review
    assert re.search(r'data-testid="confirm" disabled', review)
    cart_id = re.search(r'name="cart_id" value="(\d+)"', review).group(1)
    refused = seller_client.post("/checkout/confirm", data={"cart_id": cart_id}, headers=HX)
    assert refused.status_code == 422 and refused.get_data(as_text=True).count(message) == 1
    pix = seller_client.post("/checkout/payment", data={"payment_method": "pix"}, headers=HX)
    html = pix.get_data(as_text=True)  # the balance pays R$ 15,00, Pix the rest
    assert message not in html and 'data-testid="amount-due"><span class="money">R$ 5,00' in html


# --- confirm ------------------------------------------------------------------------------


def test_double_submit_creates_one_order(app, tenant, seller, seller_client, shop):
    _ready_cart(seller_client, shop, scans=2)
    review = seller_client.get("/checkout/review", headers=HX).get_data(as_text=True)
    cart_id = re.search(r'name="cart_id" value="(\d+)"', review).group(1)
    first = seller_client.post("/checkout/confirm", data={"cart_id": cart_id}, headers=HX)
    second = seller_client.post("/checkout/confirm", data={"cart_id": cart_id}, headers=HX)
    assert first.status_code == second.status_code == 204
    assert first.headers["HX-Redirect"] == second.headers["HX-Redirect"]
    with in_tenant(app, tenant.tenant_id):
        from webapp.catalog.models import Product
        from webapp.extensions import db
        from webapp.sales.models import Order

        assert db.session.query(Order).count() == 1
        assert db.session.get(Product, shop.product_id).stock_qty == 8
    page = seller_client.get(first.headers["HX-Redirect"]).get_data(as_text=True)
    assert "Venda concluída" in page and "Nova venda" in page
    fresh = seller_client.get("/checkout").get_data(as_text=True)
    assert "Carrinho vazio" in fresh


def test_checkout_error_lands_on_the_line_and_keeps_the_cart(app, tenant, seller_client, shop):
    _ready_cart(seller_client, shop)
    html = seller_client.get("/checkout").get_data(as_text=True)
    line_id = re.search(r'data-line-id="(\d+)"', html).group(1)
    seller_client.post(f"/checkout/lines/{line_id}/qty", data={"qty": "11"}, headers=HX)
    cart_id = re.search(
        r'name="cart_id" value="(\d+)"',
        seller_client.get("/checkout/review").get_data(as_text=True),
    ).group(1)
    response = seller_client.post("/checkout/confirm", data={"cart_id": cart_id}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "checkout:failed" in response.headers["HX-Trigger"]
    assert f'data-line-id="{line_id}"' in body
    line = body[body.index(f'data-line-id="{line_id}"') : body.index("</article>")]
    assert line.count("Estoque insuficiente do produto CAFE-500: disponível 10.") == 1
    assert 'data-qty="11"' in seller_client.get("/checkout").get_data(as_text=True)


def _cart_on_screen(client) -> str:
    html = client.get("/checkout").get_data(as_text=True)
    return re.search(r'data-testid="summary" data-cart-id="(\d+)"', html).group(1)


def test_a_sale_finished_in_another_tab_redraws_the_whole_screen_with_a_notice(
    app, tenant, seller_client, shop
):
    _ready_cart(seller_client, shop)
    shown = _cart_on_screen(seller_client)  # tab B keeps showing this sale
    done = seller_client.post("/checkout/confirm", data={"cart_id": shown}, headers=HX)  # tab A
    order_id = re.search(r"/orders/(\d+)", done.headers["HX-Redirect"]).group(1)
    response = seller_client.post(
        "/checkout/scan", data={"code": EAN}, headers=HX | {"X-Cart-Id": shown}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"A venda anterior já foi finalizada em outra aba (pedido #{order_id})." in html
    for panel in ("cart-customer", "cart-lines", "cart-summary", "scan-feedback", "cart-parked"):
        assert re.search(rf'<\w+ id="{panel}"[^>]* hx-swap-oob="true"', html), panel
    assert 'id="customer-q"' in html and "Maria da Silva" not in html  # the new sale's panel
    assert html.count('data-testid="line"') == 1 and f'data-cart-id="{shown}"' not in html


def test_a_sale_parked_or_discarded_in_another_tab_is_named_too(seller_client, shop):
    _ready_cart(seller_client, shop)
    parked = _cart_on_screen(seller_client)
    seller_client.post("/checkout/park", headers=HX | {"X-Cart-Id": parked})
    html = seller_client.post(
        "/checkout/payment", data={"payment_method": "cash"}, headers=HX | {"X-Cart-Id": parked}
    ).get_data(as_text=True)
    assert "A venda desta tela foi estacionada em outra aba." in html and 'id="cart-lines"' in html
    # Tab A brings the first sale back (the one tab B shows is parked) and throws B's away.
    seller_client.post("/checkout/scan", data={"code": EAN}, headers=HX)
    dropped = _cart_on_screen(seller_client)
    seller_client.post(f"/checkout/parked/{parked}/resume", headers=HX)
    seller_client.post("/checkout/discard", data={"cart_id": dropped}, headers=HX)
    html = seller_client.post(
        "/checkout/scan", data={"code": EAN}, headers=HX | {"X-Cart-Id": dropped}
    ).get_data(as_text=True)
    assert "A venda desta tela foi descartada em outra aba." in html
    assert "Maria da Silva" in html  # the resumed sale, all of it


def test_actions_on_the_sale_on_screen_answer_only_their_panels(seller_client, shop):
    _ready_cart(seller_client, shop)
    shown = _cart_on_screen(seller_client)
    html = seller_client.post(
        "/checkout/scan", data={"code": EAN}, headers=HX | {"X-Cart-Id": shown}
    ).get_data(as_text=True)
    assert 'data-testid="cart-warning"' not in html and 'id="cart-customer"' not in html
    assert 'data-qty="2"' in html


# --- orders ---------------------------------------------------------------------------------


def test_seller_sees_only_own_orders_admin_sees_all(
    app, tenant, make_user, login_as, seller, seller_client, shop
):
    other = make_user(tenant.tenant_id, Role.SELLER)
    mine = _checkout(app, tenant, seller, shop)
    theirs = _checkout(app, tenant, other, shop, qty=2)
    listing = seller_client.get("/orders").get_data(as_text=True)
    assert f"#{mine}<" in listing and f"#{theirs}<" not in listing
    assert seller_client.get(f"/orders/{theirs}").status_code == 404
    assert seller_client.get(f"/orders/{theirs}/receipt").status_code == 404
    admin = login_as("admin")
    all_orders = admin.get("/orders").get_data(as_text=True)
    assert f"#{mine}<" in all_orders and f"#{theirs}<" in all_orders
    filtered = admin.get(f"/orders?seller={other.id}", headers=HX).get_data(as_text=True)
    assert "<html" not in filtered and f"#{theirs}<" in filtered and f"#{mine}<" not in filtered


def test_transition_buttons_only_for_allowed_transitions(app, tenant, seller, seller_client, shop):
    order_id = _checkout(app, tenant, seller, shop)
    html = seller_client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert 'data-testid="action-paid"' in html and 'data-testid="action-cancelled"' in html
    assert (
        'data-testid="action-shipped"' not in html and 'data-testid="action-delivered"' not in html
    )
    no_reason = seller_client.post(f"/orders/{order_id}/transitions", data={"to": "cancelled"})
    assert no_reason.status_code == 422 and "open" in no_reason.get_data(as_text=True)
    paid = seller_client.post(f"/orders/{order_id}/transitions", data={"to": "paid"})
    assert paid.status_code == 302
    html = seller_client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert 'data-testid="action-shipped"' in html and 'data-testid="action-paid"' not in html
    invalid = seller_client.post(f"/orders/{order_id}/transitions", data={"to": "delivered"})
    assert invalid.status_code == 409
    # The dialog's form is boosted: a plain redirect lets htmx swap the order page in
    # (no HX-Redirect, which would reload the whole page).
    boosted = {"HX-Request": "true", "HX-Boosted": "true"}
    shipped = seller_client.post(
        f"/orders/{order_id}/transitions",
        data={"to": "shipped", "tracking_code": "BR123456789"},
        headers=boosted,
    )
    assert shipped.status_code == 302 and "HX-Redirect" not in shipped.headers
    assert shipped.headers["Location"].endswith(f"/orders/{order_id}")
    html = seller_client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert "BR123456789" in html and 'data-testid="action-delivered"' in html


def test_receipt_and_customer_orders_tab(app, tenant, seller, seller_client, shop):
    order_id = _checkout(app, tenant, seller, shop)
    receipt = seller_client.get(f"/orders/{order_id}/receipt").get_data(as_text=True)
    assert "Recibo" in receipt and "app-navbar" not in receipt and "Café torrado 500 g" in receipt
    tab = seller_client.get(f"/customers/{shop.customer_id}?tab=orders").get_data(as_text=True)
    assert f"/customers/{shop.customer_id}/orders" in tab
    rows = seller_client.get(f"/customers/{shop.customer_id}/orders", headers=HX)
    rows = rows.get_data(as_text=True)
    assert f"#{order_id}<" in rows


def test_order_page_and_receipt_name_the_customer_the_seller_and_who_moved_the_order(
    app, tenant, seller, seller_client, login_as, shop
):
    """The seller's and customer's names come with the order; an admin who cancelled it is
    named in the timeline although they did not sell it."""
    from tests.customers.conftest import CPF
    from webapp.core.documents import format_document
    from webapp.extensions import db
    from webapp.identity.models import User

    with in_tenant(app, tenant.tenant_id):
        db.session.get(User, seller.id).name = "Bruna Vendedora"
        db.session.get(User, tenant.id).name = "Ana Gerente"
        db.session.commit()
    order_id = _checkout(app, tenant, seller, shop)
    admin = login_as("admin")
    cancelled = admin.post(
        f"/orders/{order_id}/transitions", data={"to": "cancelled", "reason": "Desistiu"}
    )
    assert cancelled.status_code == 302
    page = admin.get(f"/orders/{order_id}").get_data(as_text=True)
    assert "vendedor Bruna Vendedora" in page
    assert "Maria da Silva" in page and format_document(CPF) in page
    timeline = page[page.index('data-testid="timeline"') :]
    assert "Bruna Vendedora" in timeline and "Ana Gerente" in timeline
    assert "Motivo: Desistiu" in timeline
    receipt = seller_client.get(f"/orders/{order_id}/receipt").get_data(as_text=True)
    assert "Bruna Vendedora" in receipt and "Cliente: Maria da Silva" in receipt


# --- live stock ------------------------------------------------------------------------------


def test_live_stock_etag_304_until_stock_changes(app, tenant, seller_client, shop):
    first = seller_client.get(f"/live/stock?ids={shop.product_id}")
    assert first.status_code == 200 and 'hx-swap-oob="true"' in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    idle = seller_client.get(f"/live/stock?ids={shop.product_id}", headers={"If-None-Match": etag})
    assert idle.status_code == 304 and idle.get_data() == b""
    with in_tenant(app, tenant.tenant_id):
        from webapp.catalog import services as catalog

        catalog.adjust_stock(shop.product_id, "out", 3, "Quebra", actor=tenant.id)
    changed = seller_client.get(
        f"/live/stock?ids={shop.product_id}", headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200 and 'data-stock="7"' in changed.get_data(as_text=True)
    assert seller_client.get("/live/stock?ids=abc").status_code == 200


def test_product_list_includes_the_live_stock_poller(login_as, shop):
    html = login_as("seller").get("/products").get_data(as_text=True)
    assert 'id="live-stock"' in html and 'hx-trigger="every 1s"' in html


def test_customer_orders_tab_empty_state(seller_client, shop):
    html = seller_client.get(f"/customers/{shop.customer_id}/orders", headers=HX)
    assert "Nenhum pedido ainda" in html.get_data(as_text=True)


def test_pieces_opened_outside_htmx_send_the_browser_to_their_page(seller_client, shop):
    """A new tab, a bookmark or a reload of a list's rows or a tab body shows the page
    that holds it, not the bare fragment."""
    tab = seller_client.get(f"/customers/{shop.customer_id}/orders")
    assert tab.status_code == 302
    assert tab.location == f"/customers/{shop.customer_id}?tab=orders"
    rows = seller_client.get("/orders/rows?status=paid&page=2&bogus=1")
    assert rows.status_code == 302 and rows.location == "/orders?status=paid"
    picks = seller_client.get("/checkout/customers?q=maria")
    assert picks.status_code == 302 and picks.location == "/checkout"
    assert seller_client.get("/customers/999999/orders").status_code == 404


def test_order_page_shows_what_the_order_moved_on_the_wallet(app, tenant, shop, login_as):
    """Balance spent at the checkout, then the estorno of a paid order, on the order page."""
    from decimal import Decimal

    from tests.catalog.factories import run_pending_jobs
    from webapp.extensions import db
    from webapp.identity.models import User
    from webapp.wallet import services as wallet

    with in_tenant(app, tenant.tenant_id):
        admin = db.session.get(User, tenant.id)
        wallet.manual_adjustment(admin, shop.customer_id, Decimal("5.00"), "Brinde", "gift-1")
        order = sales.checkout(
            admin,
            customer_id=shop.customer_id,
            shipping_address_id=shop.address_id,
            items=[sales.CheckoutItem(shop.product_id, 1)],  # R$ 20,00
            payment_method="pix",
            wallet_amount=Decimal("5.00"),
            idempotency_key="order-page-wallet",
        )
        order_id = order.id
    client = login_as("admin", account=tenant)
    html = client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert 'data-testid="order-wallet"' in html and "Compra com saldo" in html
    assert "-R$ 5,00" in html
    assert "o saldo usado (R$ 5,00) retorna à carteira do cliente" in html
    client.post(f"/orders/{order_id}/transitions", data={"to": "paid"})
    # The cancel dialog says the estorno is wallet balance (not a card/Pix refund to make).
    html = client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert "o total pago (R$ 20,00) é creditado como saldo na carteira do cliente" in html
    run_pending_jobs(app)  # the cashback job (inline on the embedded default)
    client.post(f"/orders/{order_id}/transitions", data={"to": "cancelled", "reason": "Devolveu"})
    html = client.get(f"/orders/{order_id}").get_data(as_text=True)
    moves = re.findall(r'data-kind="(\w+)"', html)
    assert moves == ["purchase_with_balance", "cashback_credit", "refund", "cashback_reversal"]
    assert "R$ 20,00" in html and "Estorno de cashback" in html  # the whole R$ 20,00 back


def test_review_names_the_wallet_when_the_balance_pays_it_all(app, tenant, seller_client, shop):
    from decimal import Decimal

    from webapp.extensions import db
    from webapp.identity.models import User
    from webapp.wallet import services as wallet

    with in_tenant(app, tenant.tenant_id):
        admin = db.session.get(User, tenant.id)
        wallet.manual_adjustment(admin, shop.customer_id, Decimal("30.00"), "Brinde", "gift-30")
    _ready_cart(seller_client, shop)  # R$ 20,00
    seller_client.post("/checkout/payment", data={"payment_method": "pix"}, headers=HX)
    seller_client.post("/checkout/wallet", data={"use": "all"}, headers=HX)
    review = seller_client.get("/checkout/review", headers=HX).get_data(as_text=True)
    # The order is recorded as paid with the wallet: the dialog must not promise a Pix.
    method = re.search(r'data-testid="review-method">([^<]*)<', review).group(1)
    assert method == "Carteira · o saldo paga tudo"
    assert 'data-testid="review-due"><span class="money">R$ 0,00' in review

    seller_client.post("/checkout/wallet", data={"wallet_amount": "5,00"}, headers=HX)
    review = seller_client.get("/checkout/review", headers=HX).get_data(as_text=True)
    assert re.search(r'data-testid="review-method">Pix<', review)  # Pix pays the R$ 15,00 left


def test_order_totals_say_a_pagar_only_while_the_order_waits_for_payment(
    app, tenant, seller, seller_client, shop
):
    def due_label(order_id: int) -> str:
        html = seller_client.get(f"/orders/{order_id}").get_data(as_text=True)
        return re.search(r'data-testid="order-due-label">([^<]*)<', html).group(1)

    order_id = _checkout(app, tenant, seller, shop)
    assert due_label(order_id) == "A pagar"
    seller_client.post(f"/orders/{order_id}/transitions", data={"to": "paid"})
    assert due_label(order_id) == "Pago"
    seller_client.post(f"/orders/{order_id}/transitions", data={"to": "cancelled", "reason": "x"})
    assert due_label(order_id) == "Pago e estornado"
    unpaid = _checkout(app, tenant, seller, shop, qty=2)
    seller_client.post(f"/orders/{unpaid}/transitions", data={"to": "cancelled", "reason": "x"})
    assert due_label(unpaid) == "Não cobrado"
