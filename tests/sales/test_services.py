"""Checkout and quote: server-side totals, snapshots, all-or-nothing, idempotency."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.conftest import in_tenant
from tests.sales.orders_factory import D, counts, make_shop, new_customer, product, sell, user
from webapp.catalog import services as catalog
from webapp.catalog.errors import InsufficientStock
from webapp.catalog.models import Product, StockMovement
from webapp.core.domain import ValidationFailed
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.sales import services as sales
from webapp.sales.errors import IdempotencyKeyReused
from webapp.sales.models import OrderLine
from webapp.wallet import services as wallet
from webapp.wallet.errors import InsufficientBalance


@pytest.fixture
def shop(app, tenant, make_user):
    return make_shop(app, tenant, make_user)


@pytest.fixture
def ctx(app, shop):
    with in_tenant(app, shop.tenant_id):
        yield


def fund(shop, amount: str) -> None:
    wallet.manual_adjustment(
        user(shop.admin_id), shop.customer_id, D(amount), "Crédito de teste", uuid.uuid4().hex
    )


def test_checkout_computes_totals_snapshots_and_takes_stock(ctx, shop):
    coffee = product(shop.admin_id, stock=10, sale_price=D("9.99"), min_price=D("9.00"))
    mug = product(
        shop.admin_id, stock=3, sale_price=D("35.00"), max_price=D("40.00"), tax_rate="12"
    )
    order = sell(shop, [(coffee, 3), (mug, 1, D("37.50"))])

    assert order.status == "created" and order.seller_id == shop.seller_id
    assert order.payment_method == "pix"
    first, second = order.lines
    # 3 x 9,99 = 29,97; 18% of it = 5,3946 -> 5,39 (rounded per line, half up)
    assert (first.qty, first.unit_price, first.line_total, first.tax_amount) == (
        3,
        D("9.99"),
        D("29.97"),
        D("5.39"),
    )
    assert (second.unit_price, second.line_total, second.tax_amount) == (
        D("37.50"),
        D("37.50"),
        D("4.50"),
    )
    assert first.sku.startswith("SKU-") and first.category_name == "Bebidas"
    assert first.cost_price == D("5.00") and first.tax_rate == D("18.00")
    assert order.subtotal == order.total == D("67.47")
    assert order.tax_total == D("9.89")
    assert order.wallet_amount == D("0.00") and order.amount_due == D("67.47")
    assert "Rua das Laranjeiras, 120 - Apto 31" in order.shipping_address_text
    [created] = order.history
    assert (created.from_status, created.to_status, created.actor_id) == (
        None,
        "created",
        shop.seller_id,
    )
    assert catalog.get_product(coffee).stock_qty == 7
    assert catalog.get_product(mug).stock_qty == 2
    moves = db.session.scalars(select(StockMovement).where(StockMovement.kind == "sale")).all()
    assert sorted((m.product_id, m.qty, m.order_id) for m in moves) == [
        (coffee, -3, order.id),
        (mug, -1, order.id),
    ]


def test_the_same_product_twice_in_the_cart_is_one_stock_movement(ctx, shop):
    coffee = product(shop.admin_id, stock=5)
    order = sell(shop, [(coffee, 2), (coffee, 3)])
    assert [line.qty for line in order.lines] == [2, 3]
    [move] = db.session.scalars(select(StockMovement).where(StockMovement.kind == "sale")).all()
    assert move.qty == -5 and catalog.get_product(coffee).stock_qty == 0


def _refusals(shop, other_tenant_customer):
    """(description, checkout kwargs, offending field) for every way a checkout is refused."""
    return [
        (
            "endereço de outro cliente",
            {"shipping_address_id": "OTHER_ADDRESS"},
            "shipping_address_id",
        ),
        ("endereço de cobrança", {"shipping_address_id": shop.billing_id}, "shipping_address_id"),
        ("preço abaixo do mínimo", {"items": [("P", 1, D("8.99"))]}, "items.0"),
        ("preço acima do máximo", {"items": [("P", 1, D("12.01"))]}, "items.0"),
        ("quantidade zero", {"items": [("P", 0)]}, "items.0"),
        ("quantidade negativa", {"items": [("P", -2)]}, "items.0"),
        ("quantidade fracionada", {"items": [("P", 1.5)]}, "items.0"),
        ("carrinho vazio", {"items": []}, "items"),
        ("cliente inativo", {"customer_id": "INACTIVE"}, "customer_id"),
        ("cliente de outra empresa", {"customer_id": other_tenant_customer}, "customer_id"),
        ("produto inexistente", {"items": [(987654, 1)]}, "items.0"),
        ("forma de pagamento", {"payment_method": "cheque"}, "payment_method"),
        ("saldo maior que o total", {"wallet_amount": D("50.00")}, "wallet_amount"),
        ("saldo só parcial com 'wallet'", {"payment_method": "wallet"}, "wallet_amount"),
        ("saldo negativo", {"wallet_amount": D("-1.00")}, "wallet_amount"),
        ("preço ilegível", {"items": [("P", 1, "dez reais")]}, "items.0"),
    ]


def test_rejected_checkouts_leave_everything_untouched(app, shop, make_tenant):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        foreign_customer, _, _ = new_customer(other.id)
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=5)
        _, other_address, _ = new_customer(shop.admin_id, name="João Souza")
        inactive, inactive_address, _ = new_customer(shop.admin_id, name="Ana Inativa")
        customer_services.deactivate_customer(shop.admin_id, inactive)
        fund(shop, "100.00")
        sell(shop, [(p, 1)])  # some history that must stay as it is
        before = counts()
        for label, overrides, field in _refusals(shop, foreign_customer):
            request = {"items": [(p, 1)], **overrides}
            request["items"] = [
                tuple(p if part == "P" else part for part in item) for item in request["items"]
            ]
            if request.get("shipping_address_id") == "OTHER_ADDRESS":
                request["shipping_address_id"] = other_address
            if request.get("customer_id") == "INACTIVE":
                request.update(customer_id=inactive, shipping_address_id=inactive_address)
            with pytest.raises(ValidationFailed) as refused:
                sell(shop, **request)
            assert field in refused.value.fields, (label, refused.value.fields)
            db.session.rollback()
            assert counts() == before, label


def test_stock_shortfall_names_the_line_and_rolls_back_every_line(ctx, shop):
    plenty = product(shop.admin_id, stock=50)
    scarce = product(shop.admin_id, stock=1)
    before = counts()
    with pytest.raises(InsufficientStock) as refused:
        sell(shop, [(plenty, 5), (scarce, 2)])
    assert refused.value.fields == {"items.1": refused.value.message}
    assert refused.value.message.startswith("Estoque insuficiente")
    db.session.rollback()
    assert counts() == before


def test_wallet_shortfall_rolls_back_the_stock_already_taken(ctx, shop):
    p = product(shop.admin_id, stock=5)
    fund(shop, "5.00")
    before = counts()
    with pytest.raises(InsufficientBalance) as refused:
        sell(shop, [(p, 1)], wallet_amount=D("6.00"))
    assert "wallet_amount" in refused.value.fields
    db.session.rollback()
    assert counts() == before
    assert wallet.balance(shop.customer_id) == D("5.00")


def test_paying_part_with_balance(ctx, shop):
    p = product(shop.admin_id, stock=5)
    fund(shop, "15.00")
    order = sell(shop, [(p, 2)], wallet_amount=D("12.50"))
    assert (order.total, order.wallet_amount, order.amount_due) == (
        D("20.00"),
        D("12.50"),
        D("7.50"),
    )
    assert wallet.balance(shop.customer_id) == D("2.50")


def test_paying_everything_with_balance(ctx, shop):
    p = product(shop.admin_id, stock=5)
    fund(shop, "30.00")
    order = sell(shop, [(p, 2)], wallet_amount="20,00", payment_method="wallet")
    assert order.amount_due == D("0.00") and wallet.balance(shop.customer_id) == D("10.00")


def test_an_order_the_balance_pays_in_full_is_recorded_as_paid_with_the_wallet(ctx, shop):
    # "Tudo" in the balance box, then "Dinheiro" picked for a remainder of R$ 0,00: the
    # payment mix must not count balance money as cash.
    p = product(shop.admin_id, stock=5)
    fund(shop, "30.00")
    order = sell(shop, [(p, 2)], wallet_amount="20,00", payment_method="cash")
    assert (order.payment_method, order.amount_due) == ("wallet", D("0.00"))
    part = sell(shop, [(p, 1)], wallet_amount="5,00", payment_method="cash")
    assert part.payment_method == "cash"


def test_wallet_payment_the_balance_cannot_cover_says_so(ctx, shop):
    p = product(shop.admin_id, stock=5)  # R$ 10,00 each
    fund(shop, "15.00")
    with pytest.raises(ValidationFailed) as short:
        sell(shop, [(p, 2)], wallet_amount="15,00", payment_method="wallet")
    assert short.value.code == "validation_error"
    assert short.value.fields == {
        "wallet_amount": "O saldo da carteira (R$ 15,00) não cobre o total (R$ 20,00): "
        "escolha outra forma de pagamento para o restante."
    }
    with pytest.raises(ValidationFailed) as partial:  # enough balance, but not all of it used
        sell(shop, [(p, 1)], wallet_amount="5,00", payment_method="wallet")
    assert partial.value.fields == {
        "wallet_amount": "Para pagar só com saldo, use o total do pedido (R$ 10,00)."
    }
    assert wallet.balance(shop.customer_id) == D("15.00")


def test_quote_names_a_wallet_payment_that_cannot_be_made(ctx, shop):
    p = product(shop.admin_id, stock=5)
    fund(shop, "15.00")
    items = [sales.CheckoutItem(p, 2)]

    def quoted(method, amount):
        return sales.quote(
            customer_id=shop.customer_id, items=items, wallet_amount=amount, payment_method=method
        )

    short = quoted("wallet", D("15.00"))
    assert short.payment_problem.startswith("O saldo da carteira (R$ 15,00) não cobre")
    assert not short.ok and short.amount_due == D("5.00")
    assert quoted("pix", D("15.00")).payment_problem is None  # the rest paid by Pix
    fund(shop, "5.00")
    assert quoted("wallet", D("20.00")).payment_problem is None
    assert quoted(None, D("0")).payment_problem is None  # the API's preview: no method


def test_product_edits_and_deletion_never_change_sold_lines(app, shop):
    with in_tenant(app, shop.tenant_id):
        p = product(shop.admin_id, stock=5, name="Café Especial 250g")
        order = sell(shop, [(p, 2)])
        order_id = order.id
        snapshot = [
            (ln.sku, ln.product_name, ln.unit_price, ln.cost_price, ln.tax_rate)
            for ln in order.lines
        ]
        current = catalog.get_product(p)
        catalog.update_product(
            current.id,
            current.version,
            {
                "name": "Café Comum",
                "sku": "NOVO-SKU",
                "sale_price": D("11.00"),
                "cost_price": D("7.00"),
                "tax_rate": "4",
            },
            actor=shop.admin_id,
        )
    with in_tenant(app, shop.tenant_id):
        lines = db.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)).all()
        assert [
            (ln.sku, ln.product_name, ln.unit_price, ln.cost_price, ln.tax_rate) for ln in lines
        ] == snapshot
        # Deleting the product (kardex purged first: movements RESTRICT deletion) keeps the line.
        db.session.execute(StockMovement.__table__.delete().where(StockMovement.product_id == p))
        db.session.execute(Product.__table__.delete().where(Product.id == p))
        db.session.commit()
    with in_tenant(app, shop.tenant_id):
        [line] = db.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)).all()
        assert line.product_id is None
        assert (line.sku, line.product_name, line.unit_price) == snapshot[0][:3]
        assert sales.get_order(order_id, user(shop.admin_id)).total == D("20.00")


def test_double_submit_with_the_same_key_creates_one_order(ctx, shop):
    p = product(shop.admin_id, stock=5)
    first = sell(shop, [(p, 2)], key="checkout-123")
    again = sell(shop, [(p, 2)], key="checkout-123")
    assert again.id == first.id
    assert catalog.get_product(p).stock_qty == 3
    assert counts()["orders"] == 1 and counts()["movements"] == 2  # initial stock + one sale


def test_a_repeat_gets_its_order_even_after_the_shop_changed(ctx, shop):
    # The key is looked up when an order cannot be placed: a repeat whose product was
    # deactivated since fails validation first, and must still get its order.
    p = product(shop.admin_id, stock=5)
    first = sell(shop, [(p, 2)], key="checkout-456")
    db.session.execute(Product.__table__.update().where(Product.id == p).values(active=False))
    db.session.commit()
    assert sell(shop, [(p, 2)], key="checkout-456").id == first.id
    with pytest.raises(IdempotencyKeyReused):
        sell(shop, [(p, 1)], key="checkout-456")
    with pytest.raises(ValidationFailed):
        sell(shop, [(p, 2)])
    assert counts()["orders"] == 1


def test_same_key_with_another_cart_is_refused(ctx, shop):
    p = product(shop.admin_id, stock=5)
    sell(shop, [(p, 2)], key="checkout-123")
    before = counts()
    with pytest.raises(IdempotencyKeyReused) as refused:
        sell(shop, [(p, 3)], key="checkout-123")
    assert refused.value.code == "conflict" and refused.value.status == 409
    assert counts() == before


def test_missing_idempotency_key_is_refused(ctx, shop):
    p = product(shop.admin_id, stock=5)
    with pytest.raises(ValidationFailed) as refused:
        sell(shop, [(p, 1)], key="   ")
    assert "idempotency_key" in refused.value.fields


def test_quote_previews_without_writing(ctx, shop):
    coffee = product(shop.admin_id, stock=2, sale_price=D("9.99"), min_price=D("9.00"))
    mug = product(shop.admin_id, stock=9)
    fund(shop, "4.00")
    before = counts()
    items = [
        sales.CheckoutItem(coffee, 3),
        sales.CheckoutItem(mug, 1, D("8.00")),
        sales.CheckoutItem(987654, 1),
    ]
    preview = sales.quote(customer_id=shop.customer_id, items=items, wallet_amount=D("50.00"))
    assert preview.lines[0].line_total == D("29.97") and preview.lines[0].available == 2
    assert preview.problems["items.0"].startswith("Estoque insuficiente")
    assert preview.problems["items.1"].startswith("Preço abaixo do mínimo")
    assert preview.problems["items.2"] == "Produto não encontrado."
    assert preview.total == D("37.97") and preview.tax_total == D("6.83")
    assert preview.balance == D("4.00") and preview.wallet_amount == D("4.00")  # clamped
    assert preview.amount_due == D("33.97")
    assert preview.cashback_estimate == D("1.70")  # 5% of the part paid with money
    assert not preview.ok
    assert counts() == before


def test_quote_without_customer_uses_no_balance(ctx, shop):
    p = product(shop.admin_id, stock=9)
    preview = sales.quote(customer_id=None, items=[sales.CheckoutItem(p, 2)], wallet_amount=5)
    assert preview.ok and preview.total == D("20.00") and preview.wallet_amount == D("0.00")
