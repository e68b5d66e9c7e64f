"""Orders API exactly as SPEC 8."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import Account, in_tenant
from tests.sales.orders_factory import D, make_shop, new_customer, product
from webapp.api.orders import OrderListSchema, OrderOutSchema
from webapp.catalog import services as catalog
from webapp.extensions import db
from webapp.identity.models import Role, User


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


@pytest.fixture
def stock(app, shop):
    with in_tenant(app, shop.tenant_id):
        return product(shop.admin_id, stock=5, sale_price=D("9.99"), min_price=D("9.00"))


def body(shop, items, **overrides):
    return {
        "customer_id": shop.customer_id,
        "shipping_address_id": shop.address_id,
        "items": items,
        "payment_method": "pix",
        **overrides,
    }


def post_order(client, payload, key: str | None = "auto"):
    headers = {} if key is None else {"Idempotency-Key": uuid.uuid4().hex if key == "auto" else key}
    return client.post("/api/v1/orders", json=payload, headers=headers)


@pytest.fixture
def seller(api_client, shop, app):
    with in_tenant(app, shop.tenant_id):
        email = db.session.get(User, shop.seller_id).email
    return api_client(account=Account(shop.seller_id, shop.tenant_id, email, Role.SELLER))


def test_post_order_returns_201_with_lines_and_string_money(seller, shop, stock):
    response = post_order(seller, body(shop, [{"product_id": stock, "qty": 3}]))
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["status"] == "created" and order["seller_id"] == shop.seller_id
    assert (order["subtotal"], order["tax_total"], order["total"]) == ("29.97", "5.39", "29.97")
    assert (order["wallet_amount"], order["amount_due"]) == ("0.00", "29.97")
    [line] = order["lines"]
    assert (line["qty"], line["unit_price"], line["line_total"]) == (3, "9.99", "29.97")
    assert order["history"][0]["to_status"] == "created"
    assert order["allowed_transitions"] == ["paid", "cancelled"]
    # Sent as built (not dumped through the schema): the schema that documents it agrees.
    assert OrderOutSchema().dump(order) == order


def test_missing_idempotency_key_is_422(seller, shop, stock):
    response = post_order(seller, body(shop, [{"product_id": stock, "qty": 1}]), key=None)
    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"


def test_repeated_key_returns_the_same_order_and_another_cart_is_409(seller, shop, stock, app):
    payload = body(shop, [{"product_id": stock, "qty": 2}])
    first = post_order(seller, payload, key="k-1").get_json()
    again = post_order(seller, payload, key="k-1")
    assert again.get_json()["id"] == first["id"]
    other = post_order(seller, body(shop, [{"product_id": stock, "qty": 1}]), key="k-1")
    assert other.status_code == 409 and other.get_json()["error"] == "conflict"
    with in_tenant(app, shop.tenant_id):
        assert catalog.get_product(stock).stock_qty == 3


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"items": []}, 422, "validation_error", "items"),
        ({"items": [{"product_id": "STOCK", "qty": 0}]}, 422, "validation_error", "items.0"),
        (
            {"items": [{"product_id": "STOCK", "qty": 1, "unit_price": "1.00"}]},
            422,
            "validation_error",
            "items.0",
        ),
        ({"items": [{"product_id": "STOCK", "qty": 6}]}, 409, "insufficient_stock", "items.0"),
        ({"wallet_amount": "1.00"}, 409, "insufficient_balance", "wallet_amount"),
        ({"payment_method": "cheque"}, 422, "validation_error", "payment_method"),
        ({"customer_id": 987654}, 422, "validation_error", "customer_id"),
        ({"items": [{"product_id": "STOCK", "qty": "muitos"}]}, 422, "validation_error", None),
    ],
)
def test_refusals_use_the_contract_codes(seller, shop, stock, overrides, status, code, field):
    payload = {**body(shop, [{"product_id": stock, "qty": 1}]), **overrides}
    for item in payload["items"]:
        if item["product_id"] == "STOCK":
            item["product_id"] = stock
    response = post_order(seller, payload)
    assert response.status_code == status, response.get_json()
    error = response.get_json()
    assert error["error"] == code and error["message"]
    if field:
        assert field in error["details"]["fields"], error


def test_wallet_payment_short_of_balance_keeps_its_code_and_field(seller, shop, stock):
    payload = body(shop, [{"product_id": stock, "qty": 1}], payment_method="wallet")
    response = post_order(seller, payload)
    error = response.get_json()
    assert response.status_code == 422 and error["error"] == "validation_error"
    assert error["details"]["fields"]["wallet_amount"] == [
        "O saldo da carteira (R$ 0,00) não cobre o total (R$ 9,99): "
        "escolha outra forma de pagamento para o restante."
    ]


def test_get_list_and_transitions(seller, api_client, shop, stock):
    order = post_order(seller, body(shop, [{"product_id": stock, "qty": 1}])).get_json()
    url = f"/api/v1/orders/{order['id']}"
    assert seller.get(url).get_json()["lines"][0]["sku"]

    paid = seller.post(f"{url}/transitions", json={"to": "paid"})
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid"
    wrong = seller.post(f"{url}/transitions", json={"to": "delivered"})
    assert wrong.status_code == 409 and wrong.get_json()["error"] == "invalid_transition"
    no_reason = seller.post(f"{url}/transitions", json={"to": "cancelled"})
    assert no_reason.status_code == 422
    shipped = seller.post(f"{url}/transitions", json={"to": "shipped", "tracking_code": "BR1BR"})
    detail = shipped.get_json()
    assert detail["tracking_code"] == "BR1BR"
    assert [h["to_status"] for h in detail["history"]] == ["created", "paid", "shipped"]

    listing = seller.get("/api/v1/orders?status=shipped").get_json()
    assert [o["id"] for o in listing["data"]] == [order["id"]]
    assert listing["pagination"] == {"page": 1, "per_page": 25, "total": 1}
    assert OrderListSchema().dump(listing) == listing
    assert OrderOutSchema().dump(detail) == detail
    assert seller.get("/api/v1/orders?status=refunded").status_code == 422
    assert seller.get("/api/v1/orders?from=2020-01-01&to=2020-01-31").get_json()["data"] == []

    colleague = api_client("seller")
    assert colleague.get(url).status_code == 404
    assert colleague.post(f"{url}/transitions", json={"to": "delivered"}).status_code == 404
    assert colleague.get("/api/v1/orders").get_json()["data"] == []
    admin = api_client("admin")
    assert admin.get("/api/v1/orders").get_json()["pagination"]["total"] == 1


def test_list_filters_by_customer_and_seller(seller, api_client, shop, stock, app):
    with in_tenant(app, shop.tenant_id):
        other_customer, other_address, _ = new_customer(shop.admin_id)
    one = {"product_id": stock, "qty": 1}
    to_shop_customer = post_order(seller, body(shop, [one])).get_json()["id"]
    to_other = post_order(
        seller, body(shop, [one], customer_id=other_customer, shipping_address_id=other_address)
    ).get_json()["id"]
    admin = api_client("admin")
    by_admin = post_order(admin, body(shop, [one])).get_json()["id"]

    def ids(query: str) -> set[int]:
        response = admin.get(f"/api/v1/orders?{query}")
        assert response.status_code == 200, response.get_json()
        return {o["id"] for o in response.get_json()["data"]}

    assert ids(f"customer_id={shop.customer_id}") == {to_shop_customer, by_admin}
    assert ids(f"seller_id={shop.seller_id}") == {to_shop_customer, to_other}
    both = f"customer_id={other_customer}&seller_id={shop.seller_id}"
    assert ids(both) == {to_other}
    refused = admin.get("/api/v1/orders?customer_id=abc")
    assert refused.status_code == 422
    assert refused.get_json()["details"]["fields"]["customer_id"] == ["Informe um número inteiro."]


def test_a_body_that_is_not_json_or_money_as_a_number_is_refused_in_portuguese(seller, shop):
    broken = seller.post(
        "/api/v1/orders",
        data="{customer_id: 1,",
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert broken.status_code == 422 and broken.get_json()["error"] == "validation_error"
    assert broken.get_json()["details"]["fields"] == {
        "json": ["O corpo da requisição não é um JSON válido."]
    }
    as_number = post_order(seller, body(shop, [], wallet_amount=1.5))
    fields = as_number.get_json()["details"]["fields"]
    assert fields["wallet_amount"] == ['Envie o valor como texto, como "19.90".']


def test_every_refused_field_comes_as_a_dotted_path_with_a_list_of_messages(seller, shop, stock):
    """Schema and service refusals read alike: {"items.0.qty": ["..."]}, never nested."""
    by_schema = post_order(seller, body(shop, [{"product_id": "x", "qty": 1}]))
    assert by_schema.status_code == 422
    assert by_schema.get_json()["details"]["fields"] == {
        "items.0.product_id": ["Informe um número inteiro."]
    }
    by_service = post_order(seller, body(shop, [{"product_id": stock, "qty": 0}]))
    assert by_service.status_code == 422
    fields = by_service.get_json()["details"]["fields"]
    assert list(fields) == ["items.0"] and isinstance(fields["items.0"], list), fields


def test_a_cancel_reason_with_a_nul_byte_is_a_422_and_the_order_stays_paid(seller, shop, stock):
    order = post_order(seller, body(shop, [{"product_id": stock, "qty": 1}])).get_json()
    url = f"/api/v1/orders/{order['id']}"
    seller.post(f"{url}/transitions", json={"to": "paid"})
    # PostgreSQL refuses NUL in text: this was a 500 after the stock had been returned.
    refused = seller.post(f"{url}/transitions", json={"to": "cancelled", "reason": "Def\u0000eito"})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["details"]["fields"]["reason"] == [
        "O motivo tem caracteres de controle: digite apenas texto."
    ]
    assert seller.get(url).get_json()["status"] == "paid"
