"""Cart use cases of the checkout screen: one open cart per seller, parked carts.

Every function takes the acting user and opens one unit of work; nothing here knows about
Flask's request. Errors are DomainErrors whose field names the screen element to mark:
``code`` (scan box), ``customer``, ``address``, ``payment_method``, ``wallet_amount``,
``park``, and ``lines.<line id>.qty`` / ``lines.<line id>.price`` for a cart line.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.catalog import services as catalog
from webapp.catalog.models import Product
from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.ids import parse_id
from webapp.core.models import utcnow as _now
from webapp.core.money import ZERO, InvalidMoney, format_brl, parse_money
from webapp.core.uow import unit_of_work
from webapp.customers import services as customers
from webapp.extensions import db
from webapp.sales import services as sales
from webapp.sales.cart_models import CONVERTED, OPEN, PARKED, Cart, CartLine
from webapp.sales.errors import IdempotencyKeyReused
from webapp.wallet import services as wallet

PAYMENT_METHODS = {
    "pix": "Pix",
    "card": "Cartão",
    "boleto": "Boleto",
    "cash": "Dinheiro",
    "wallet": "Carteira",
}
MAX_QTY = 9999
MAX_LABEL = 80


class CartNotFound(NotFound):
    default_message = "Venda não encontrada."


class LineNotFound(NotFound):
    default_message = "Este item já não está no carrinho."


# --- reading -------------------------------------------------------------------------------


def _open_cart_of(owner_id: int) -> Cart | None:
    query = select(Cart).where(Cart.owner_id == owner_id, Cart.status == OPEN)
    return db.session.scalars(query).first()


def get_cart(user: Any, cart_id: Any) -> Cart:
    """One of this user's carts (any status); another user's cart is simply not found."""
    cart_id = parse_id(cart_id)  # an int or its text ("42"); anything else finds no cart
    cart = db.session.get(Cart, cart_id) if cart_id else None
    if cart is None or cart.owner_id != user.id:
        raise CartNotFound()
    return cart


def parked_carts(user: Any) -> list[Cart]:
    """The user's parked sales, most recently touched first."""
    query = (
        select(Cart)
        .where(Cart.owner_id == user.id, Cart.status == PARKED)
        .order_by(Cart.updated_at.desc(), Cart.id.desc())
    )
    return list(db.session.scalars(query))


def new_idempotency_key() -> str:
    return f"cart-{secrets.token_urlsafe(24)}"


def get_active_cart(user: Any) -> Cart:
    """The user's open cart, created (with a fresh idempotency key) when there is none."""
    cart = _open_cart_of(user.id)
    if cart is not None:
        return cart
    try:
        with unit_of_work(user) as uow:
            cart = _open_new_cart(uow.session, user.id)
    except IntegrityError:  # another tab opened it first: use that one
        cart = _open_cart_of(user.id)
        if cart is None:
            raise
    return cart


def _open_new_cart(session, owner_id: int) -> Cart:
    cart = Cart(owner_id=owner_id, status=OPEN, idempotency_key=new_idempotency_key())
    if session.get_bind().dialect.name != "postgresql":
        session.add(cart)  # SQLite serialises writers (and its SAVEPOINT is unreliable)
        return cart
    # Every cart action calls this inside its own unit of work, where the caller's except
    # never sees the commit: two tabs acting at once with no open cart both inserted one,
    # and the loser's unique "one open cart per owner" index failed as a 500. The savepoint
    # fails only this INSERT (after the winner commits), and the winner's cart is used.
    try:
        with session.begin_nested():
            session.add(cart)
            session.flush()
    except IntegrityError as exc:
        if "uq_carts_one_open_per_owner" not in str(exc.orig):
            raise
        found = _open_cart_of(owner_id)
        if found is None:
            raise
        return found
    return cart


def _line(cart: Cart, line_id: Any) -> CartLine:
    for line in cart.lines:
        if str(line.id) == str(line_id):
            return line
    raise LineNotFound(field="code")


# --- customer, address, payment ----------------------------------------------------------


def _default_shipping(customer) -> int | None:
    shipping = [a for a in customer.addresses if a.kind == "shipping"]
    for address in shipping:
        if address.is_default:
            return address.id
    return shipping[0].id if shipping else None


def set_customer(user: Any, customer_id: Any) -> Cart:
    """Choose the buyer (None clears); the default shipping address comes with them."""
    with unit_of_work(user):
        cart = get_active_cart(user)
        if customer_id in (None, ""):
            cart.customer_id = cart.shipping_address_id = None
        else:
            try:
                customer = customers.get_customer(int(customer_id))
            except (TypeError, ValueError):
                raise customers.CustomerNotFound() from None
            if not customer.active:
                raise ValidationFailed(
                    f"{customer.name} está inativo e não pode comprar.", field="customer"
                )
            cart.customer_id = customer.id
            cart.shipping_address_id = _default_shipping(customer)
        cart.wallet_amount = ZERO
    return cart


def set_address(user: Any, address_id: Any) -> Cart:
    """Pick one of the chosen customer's shipping addresses."""
    with unit_of_work(user):
        cart = get_active_cart(user)
        if cart.customer_id is None:
            raise ValidationFailed("Escolha o cliente antes do endereço.", field="customer")
        try:
            address = customers.get_address(cart.customer_id, int(address_id))
        except (TypeError, ValueError):
            raise ValidationFailed("Escolha um endereço de entrega.", field="address") from None
        if address.kind != "shipping":
            raise ValidationFailed("Escolha um endereço de entrega.", field="address")
        cart.shipping_address_id = address.id
    return cart


def add_address(user: Any, data: dict[str, Any]) -> Cart:
    """Register a shipping address for the cart's customer and select it."""
    with unit_of_work(user):
        cart = get_active_cart(user)
        if cart.customer_id is None:
            raise ValidationFailed("Escolha o cliente antes do endereço.", field="customer")
        address = customers.add_address(user, cart.customer_id, {**data, "kind": "shipping"})
        cart.shipping_address_id = address.id
    return cart


def set_payment_method(user: Any, method: str | None) -> Cart:
    if method not in PAYMENT_METHODS:
        raise ValidationFailed("Escolha a forma de pagamento.", field="payment_method")
    with unit_of_work(user):
        cart = get_active_cart(user)
        cart.payment_method = method
    return cart


def set_wallet_amount(user: Any, raw: Any, use_all: bool = False) -> Cart:
    """Balance to use, clamped to the customer's balance (the quote clamps it to the total)."""
    with unit_of_work(user):
        cart = get_active_cart(user)
        if cart.customer_id is None:
            raise ValidationFailed("Escolha o cliente para usar o saldo.", field="wallet_amount")
        available = wallet.balance(cart.customer_id)
        if use_all:
            amount = available
        else:
            try:
                amount = parse_money(raw) if str(raw or "").strip() else ZERO
            except InvalidMoney:
                raise ValidationFailed("Valor de saldo inválido.", field="wallet_amount") from None
            if amount < 0:
                raise ValidationFailed(
                    "O saldo usado não pode ser negativo.", field="wallet_amount"
                )
        cart.wallet_amount = min(amount, available)
    return cart


# --- lines ---------------------------------------------------------------------------------


def _find_by_code(code: str) -> Product | None:
    text = code.strip()
    if text.isdigit():
        product = db.session.scalars(select(Product).where(Product.ean == text)).first()
        if product is not None:
            return product
    query = select(Product).where(func.upper(Product.sku) == text.upper())
    return db.session.scalars(query).first()


def _add(user: Any, product: Product, qty: int = 1) -> Cart:
    if not product.active:
        raise ValidationFailed(f"{product.name} está inativo e não pode ser vendido.", field="code")
    with unit_of_work(user) as uow:
        cart = get_active_cart(user)
        for line in cart.lines:
            if line.product_id == product.id:
                line.qty = min(line.qty + qty, MAX_QTY)
                break
        else:
            cart.lines.append(CartLine(product_id=product.id, qty=qty))
        cart.updated_at = _now()
        uow.session.flush()
    return cart


def add_item_by_code(user: Any, code: str | None) -> Cart:
    """Scanner entry: EAN exact, else SKU exact (case-insensitive)."""
    text = (code or "").strip()
    if not text:
        raise ValidationFailed("Digite ou leia um código EAN ou SKU.", field="code")
    product = _find_by_code(text[:60])
    if product is None:
        raise ValidationFailed(f"Nenhum produto com o código “{text[:60]}”.", field="code")
    return _add(user, product)


def add_item(user: Any, product_id: Any) -> Cart:
    try:
        product = catalog.get_product(int(product_id))
    except (TypeError, ValueError):
        raise ValidationFailed("Produto não encontrado.", field="code") from None
    return _add(user, product)


def _parse_qty(raw: Any, field: str) -> int:
    try:
        qty = int(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationFailed("Informe uma quantidade inteira.", field=field) from None
    if qty < 1:
        raise ValidationFailed("A quantidade mínima é 1 (use Remover).", field=field)
    if qty > MAX_QTY:
        raise ValidationFailed(f"A quantidade máxima é {MAX_QTY}.", field=field)
    return qty


def set_qty(user: Any, line_id: Any, raw_qty: Any) -> Cart:
    with unit_of_work(user):
        cart = get_active_cart(user)
        line = _line(cart, line_id)
        line.qty = _parse_qty(raw_qty, f"lines.{line.id}.qty")
        cart.updated_at = _now()
    return cart


def set_price(user: Any, line_id: Any, raw_price: Any) -> Cart:
    """Negotiated unit price inside the product's [min, max]; empty goes back to list price."""
    with unit_of_work(user):
        cart = get_active_cart(user)
        line = _line(cart, line_id)
        field = f"lines.{line.id}.price"
        if not str(raw_price or "").strip():
            line.unit_price = None
            return cart
        try:
            price = parse_money(raw_price)
        except InvalidMoney:
            raise ValidationFailed("Preço inválido.", field=field) from None
        product = line.product
        if not product.min_price <= price <= product.max_price:
            raise ValidationFailed(
                f"Preço fora da faixa permitida ({format_brl(product.min_price)} a "
                f"{format_brl(product.max_price)}).",
                field=field,
                details={"min": str(product.min_price), "max": str(product.max_price)},
            )
        line.unit_price = None if price == product.sale_price else price
        cart.updated_at = _now()
    return cart


def remove_line(user: Any, line_id: Any) -> Cart:
    with unit_of_work(user):
        cart = get_active_cart(user)
        cart.lines.remove(_line(cart, line_id))
        cart.updated_at = _now()
    return cart


# --- parking -------------------------------------------------------------------------------


def _is_blank(cart: Cart) -> bool:
    return not cart.lines and cart.customer_id is None


def park(user: Any, label: str | None = None) -> Cart:
    """Put the open sale aside (a new empty one opens on the next visit)."""
    with unit_of_work(user):
        cart = get_active_cart(user)
        if _is_blank(cart):
            raise ValidationFailed(
                "Não há nada para estacionar: o carrinho está vazio.", field="park"
            )
        cart.status = PARKED
        cart.label = " ".join((label or "").split())[:MAX_LABEL] or None
        cart.updated_at = _now()
    return cart


def resume(user: Any, cart_id: Any) -> Cart:
    """Bring a parked sale back; the sale on screen is parked (or dropped if blank)."""
    with unit_of_work(user) as uow:
        # Two tabs resuming two parked sales at once both parked the same open cart and
        # both reopened theirs: the loser broke "one open cart per owner" (a 500). Lock the
        # owner's carts (id order, fresh values) so the second resume waits, then parks the
        # sale the first one reopened, as if they had run one after the other.
        uow.session.scalars(
            select(Cart)
            .where(Cart.owner_id == user.id, Cart.status != CONVERTED)
            .order_by(Cart.id)
            .with_for_update(of=Cart)
            .execution_options(populate_existing=True)
        ).all()
        target = get_cart(user, cart_id)
        if target.status != PARKED:
            raise ValidationFailed("Esta venda não está estacionada.", field="park")
        current = _open_cart_of(user.id)
        if current is not None:
            if _is_blank(current):
                uow.session.delete(current)
            else:
                current.status = PARKED
                current.updated_at = _now()
            uow.session.flush()  # one open cart per owner: free the slot before reopening
        target.status = OPEN
        target.updated_at = _now()
    return target


def discard(user: Any, cart_id: Any = None) -> None:
    """Throw away the open sale (or a parked one)."""
    with unit_of_work(user) as uow:
        cart = get_cart(user, cart_id) if cart_id else _open_cart_of(user.id)
        if cart is None:
            return
        if cart.status == CONVERTED:
            raise ValidationFailed("Esta venda já virou pedido.", field="park")
        uow.session.delete(cart)


def confirm(user: Any, cart: Cart) -> int:
    """Place the cart's order and mark the cart converted; returns the order's id.

    Once per cart: the order is placed under the cart's idempotency key, and a cart already
    converted only answers its order. A DomainError leaves the cart and the order as they
    were.
    """
    if cart.status == CONVERTED:
        return cart.order_id
    try:
        order_id = sales.checkout(user, **_checkout_args(cart)).id
    except IdempotencyKeyReused as exc:
        # The key is this cart's own: another tab confirmed it a moment ago and has not
        # marked it converted yet. Its order spent the balance, so the wallet amount
        # re-clamped here differs from the one it was placed with; this cart IS that
        # order, so land on it (as a later repeat does) instead of a 409.
        order_id = exc.details["order_id"]
    mark_converted(user, cart, order_id)
    return order_id


def _checkout_args(cart: Cart) -> dict[str, Any]:
    items = to_checkout_items(cart)
    quote = sales.quote(customer_id=cart.customer_id, items=items, wallet_amount=cart.wallet_amount)
    return {
        "customer_id": cart.customer_id,
        "shipping_address_id": cart.shipping_address_id,
        "items": items,
        "payment_method": cart.payment_method,
        "wallet_amount": quote.wallet_amount,
        "idempotency_key": cart.idempotency_key,
    }


def mark_converted(user: Any, cart: Cart, order_id: int) -> Cart:
    with unit_of_work(user):
        cart.status = CONVERTED
        cart.order_id = order_id
    return cart


def to_checkout_items(cart: Cart) -> list:
    """The cart as ``sales.services.CheckoutItem``s, in line order (``items.<i>`` = line i)."""
    from webapp.sales.services import CheckoutItem

    return [CheckoutItem(line.product_id, line.qty, line.unit_price) for line in cart.lines]


def line_index(cart: Cart) -> dict[str, int]:
    """``items.<i>`` of the sales services -> cart line id, to put errors on the right line."""
    return {f"items.{i}": line.id for i, line in enumerate(cart.lines)}


__all__: Sequence[str] = (
    "add_item",
    "add_item_by_code",
    "discard",
    "get_active_cart",
    "park",
    "resume",
    "set_customer",
    "set_price",
    "set_qty",
    "to_checkout_items",
)
