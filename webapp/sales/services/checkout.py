"""Checkout ("checkout blindado"): one unit of work that re-validates and writes a sale.

Order of work inside the unit of work, and why:

1. read and validate customer, address, payment, products, prices (nothing written yet);
2. INSERT the order row: the unique (tenant_id, idempotency_key) index makes a racing
   double submit with the same key wait here and then fail, so it never touches stock;
3. stock via catalog.move_stock_many (conditional UPDATEs in product-id order);
4. the wallet debit AFTER the stock (wallet.services docstring: every use case locks
   products before ledger rows, so checkout and cancel never deadlock).

Any error rolls everything back: no order, no stock change, no movement, no wallet entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError

from webapp.catalog.errors import InsufficientStock
from webapp.catalog.services import StockLine, move_stock_many
from webapp.core.domain import DomainError, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.money import ZERO, InvalidMoney, format_brl
from webapp.core.uow import UnitOfWork, unit_of_work
from webapp.customers.models import Address, Customer
from webapp.extensions import db
from webapp.sales.errors import IdempotencyKeyReused
from webapp.sales.models import CREATED, PAYMENT_METHODS, Order, OrderLine, OrderStatusChange
from webapp.sales.services.cart import (
    MAX_AMOUNT,
    MAX_LINES,
    CheckoutItem,
    PricedLine,
    fingerprint,
    item_field,
    load_products,
    parse_unit_price,
    price_items,
    recorded_payment_method,
    totals,
    wallet_payment_problem,
)
from webapp.wallet import services as wallet

MAX_KEY = 80
KEY_CONSTRAINT = "uq_orders_tenant_idempotency_key"


def checkout(
    actor: Any,
    *,
    customer_id: int,
    shipping_address_id: int,
    items: Sequence[CheckoutItem],
    payment_method: str,
    wallet_amount: Decimal | None = ZERO,
    idempotency_key: str,
) -> Order:
    """Place an order; same key + same payload returns the order already placed."""
    key = _clean_key(idempotency_key)
    items = list(items or [])
    wallet_amount = ZERO if wallet_amount is None else wallet_amount
    print_ = fingerprint(
        customer_id=customer_id,
        shipping_address_id=shipping_address_id,
        items=items,
        payment_method=payment_method,
        wallet_amount=wallet_amount,
    )
    request = dict(
        customer_id=customer_id,
        shipping_address_id=shipping_address_id,
        items=items,
        payment_method=payment_method,
        wallet_amount=wallet_amount,
    )
    try:
        with unit_of_work(actor) as uow:
            return _place(uow, actor, key, print_, **request)
    except (DomainError, IntegrityError) as exc:
        # A repeat is rare, so the key is looked up only when the order cannot be placed:
        # a repeat fails on the unique key (a racing one waits there for the first
        # submit's commit), or first on validation if the shop changed since (a product
        # deactivated, the balance it spent now gone). Either way it gets its order.
        if isinstance(exc, IntegrityError) and not _is_key_violation(exc):
            raise
        db.session.rollback()
        existing = _by_key(key)
        if existing is None:
            raise
        return _replay(existing, print_)


def _is_key_violation(exc: IntegrityError) -> bool:
    return KEY_CONSTRAINT in str(exc.orig) or "orders.idempotency_key" in str(exc.orig)


def _clean_key(key: Any) -> str:
    text = key.strip() if isinstance(key, str) else ""
    if not text or len(text) > MAX_KEY:
        raise ValidationFailed(
            f"Chave de idempotência ausente ou longa demais (máx. {MAX_KEY}).",
            field="idempotency_key",
        )
    return text


# Built once, run with parameters (see core.tenancy._scoped): every checkout runs them.
_ORDER_BY_KEY = select(Order).where(Order.idempotency_key == bindparam("key"))
# The customer and, if it is one of theirs, the chosen address (no id: no address).
_CUSTOMER_AND_ADDRESS = (
    select(Customer, Address)
    .outerjoin(
        Address, and_(Address.id == bindparam("address_id"), Address.customer_id == Customer.id)
    )
    .where(Customer.id == bindparam("customer_id"))
)


def _by_key(key: str) -> Order | None:
    return db.session.scalar(_ORDER_BY_KEY, {"key": key})


def _replay(order: Order, print_: str) -> Order:
    if order.request_fingerprint != print_:
        raise IdempotencyKeyReused(details={"order_id": order.id})
    return order


def _place(uow: UnitOfWork, actor: Any, key: str, print_: str, **request: Any) -> Order:
    customer, address, lines, wallet_amount = _validate(**request)
    order = _new_order(actor, customer, address, lines, request["payment_method"], wallet_amount)
    order.idempotency_key, order.request_fingerprint = key, print_
    uow.session.add(order)
    uow.session.flush()  # the id for movements and ledger keys; a duplicate key fails here
    _take_stock(actor, order, request["items"])
    if wallet_amount > ZERO:
        wallet.pay_with_balance(order.id, customer.id, wallet_amount, actor=actor)
    return order


# --- validation -----------------------------------------------------------------------------


def _validate(
    *,
    customer_id: Any,
    shipping_address_id: Any,
    items: list[CheckoutItem],
    payment_method: Any,
    wallet_amount: Any,
) -> tuple[Customer, Address, list[PricedLine], Decimal]:
    """Every input checked at once, so the screen can flag every offending field."""
    problems: dict[str, str] = {}
    customer, address = _customer_and_address(customer_id, shipping_address_id)
    customer = _check_customer(customer, problems)
    address = _check_address(customer, address, problems)
    if payment_method not in PAYMENT_METHODS:
        problems["payment_method"] = (
            "Escolha a forma de pagamento: Pix, cartão, boleto, dinheiro ou saldo."
        )
    lines = _lines(items, problems)
    amount = _wallet_amount(wallet_amount, problems)
    if not problems:
        _check_amounts(customer, lines, payment_method, amount, problems)
    if problems:
        message = next(iter(problems.values())) if len(problems) == 1 else None
        raise ValidationFailed(message, fields=problems)
    return customer, address, lines, amount


def _customer_and_address(customer_id: Any, address_id: Any) -> tuple[Customer | None, Any]:
    """The customer and, if it is one of theirs, the chosen address: one query for both."""
    if not is_id(customer_id):
        return None, None
    params = {"customer_id": customer_id, "address_id": address_id if is_id(address_id) else None}
    row = db.session.execute(_CUSTOMER_AND_ADDRESS, params).first()
    return (None, None) if row is None else tuple(row)


def _check_customer(customer: Customer | None, problems: dict[str, str]) -> Customer | None:
    if customer is None:
        problems["customer_id"] = "Cliente não encontrado."
    elif not customer.active:
        problems["customer_id"] = f"O cliente {customer.name} está inativo e não pode comprar."
        return None
    return customer


def _check_address(customer: Customer | None, address, problems: dict[str, str]):
    if customer is None:
        return None
    if address is None:
        problems["shipping_address_id"] = "Escolha um endereço de entrega deste cliente."
    elif address.kind != "shipping":
        problems["shipping_address_id"] = "Este é um endereço de cobrança; escolha um de entrega."
        return None
    return address


def _lines(items: list[CheckoutItem], problems: dict[str, str]) -> list[PricedLine]:
    if not items:
        problems["items"] = "O carrinho está vazio: adicione ao menos um produto."
        return []
    if len(items) > MAX_LINES:
        problems["items"] = f"Um pedido pode ter no máximo {MAX_LINES} itens."
        return []
    lines, line_problems = price_items(items, load_products(items))
    problems.update(line_problems)
    return [line for line in lines if line is not None]


def _wallet_amount(raw: Any, problems: dict[str, str]) -> Decimal:
    try:
        amount = parse_unit_price(raw)
    except InvalidMoney:
        problems["wallet_amount"] = "Informe o valor do saldo em reais, como 10,50."
        return ZERO
    amount = ZERO if amount is None else amount
    if amount < ZERO:
        problems["wallet_amount"] = "O valor do saldo não pode ser negativo."
    return amount


def _check_amounts(
    customer, lines, payment_method, wallet_amount, problems: dict[str, str]
) -> None:
    total, _tax = totals(lines)
    if total > MAX_AMOUNT:
        problems["items"] = f"O total do pedido não pode passar de {format_brl(MAX_AMOUNT)}."
    elif wallet_amount > total:
        problems["wallet_amount"] = (
            f"O saldo usado não pode passar do total do pedido ({format_brl(total)})."
        )
    elif payment_method == "wallet" and wallet_amount != total:
        # The balance only words the message; the debit re-checks it under a lock.
        balance = wallet.balance(customer.id)
        problems["wallet_amount"] = wallet_payment_problem(
            payment_method, wallet_amount, balance, total
        )


# --- writing --------------------------------------------------------------------------------


def _new_order(actor, customer, address, lines, payment_method, wallet_amount) -> Order:
    total, tax_total = totals(lines)
    order = Order(
        customer_id=customer.id,
        shipping_address_id=address.id,
        shipping_address_text=address_text(address),
        seller_id=getattr(actor, "id", actor),
        status=CREATED,
        payment_method=recorded_payment_method(payment_method, wallet_amount, total),
        subtotal=total,
        tax_total=tax_total,
        total=total,
        wallet_amount=wallet_amount,
        amount_due=total - wallet_amount,
    )
    order.lines = [_snapshot(line) for line in lines]
    order.cost_total = cost_total(order.lines)
    order.history = [
        OrderStatusChange(from_status=None, to_status=CREATED, actor_id=order.seller_id)
    ]
    return order


def cost_total(lines: list[OrderLine]) -> Decimal:
    """What the order's goods cost the shop: the snapshot the reports sum as COGS."""
    return sum((line.cost_price * line.qty for line in lines), ZERO)


def _snapshot(line: PricedLine) -> OrderLine:
    product = line.product
    return OrderLine(
        product_id=product.id,
        sku=product.sku,
        product_name=product.name,
        category_id=product.category_id,
        category_name=product.category.name if product.category else None,
        unit_price=line.unit_price,
        cost_price=product.cost_price,
        tax_rate=product.tax_rate,
        tax_amount=line.tax_amount,
        qty=line.qty,
        line_total=line.line_total,
    )


def address_text(address: Address) -> str:
    complement = f" - {address.complement}" if address.complement else ""
    zip_code = f"{address.zip[:5]}-{address.zip[5:]}"
    return (
        f"{address.street}, {address.number}{complement}, {address.district}, "
        f"{address.city}/{address.state}, CEP {zip_code}"
    )[:400]


def _take_stock(actor: Any, order: Order, items: list[CheckoutItem]) -> None:
    """One sale movement per product; a shortfall names the cart line it came from."""
    per_product: dict[int, int] = {}
    for line in order.lines:
        per_product[line.product_id] = per_product.get(line.product_id, 0) + line.qty
    reason = f"Venda - pedido #{order.id}"
    stock_lines = [
        StockLine(product_id, "sale", qty, reason, order_id=order.id)
        for product_id, qty in per_product.items()
    ]
    try:
        move_stock_many(stock_lines, actor=actor)
    except InsufficientStock as exc:
        index = next(i for i, item in enumerate(items) if item.product_id == exc.product_id)
        exc.fields = {item_field(index): exc.message}
        raise
