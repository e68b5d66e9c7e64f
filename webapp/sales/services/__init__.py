"""Sales use cases (the interface of the orders data contract).

    checkout(actor, *, customer_id, shipping_address_id, items, payment_method,
             wallet_amount=Decimal("0.00"), idempotency_key) -> Order
    quote(*, customer_id, items, wallet_amount=0, payment_method=None) -> Quote
    transition(actor, order_id, to, *, reason=None, tracking_code=None) -> Order
    allowed_transitions(order) -> list[str]
    get_order(order_id, viewer) -> Order
    get_order_with_names(order_id, viewer) -> (Order, OrderNames) (the order's pages)
    list_orders(viewer, *, status, seller_id, customer_id, date_from, date_to, page,
                per_page) -> Page
    list_order_rows(viewer, same filters) -> Page[OrderRow] (the screens' lists)

Split by concern: cart (pricing rules), checkout (the write), quote (the preview),
workflow (status transitions), queries (reads).
"""

from webapp.sales.services.cart import CheckoutItem
from webapp.sales.services.checkout import address_text, checkout
from webapp.sales.services.queries import (
    OrderNames,
    OrderRow,
    get_order,
    get_order_with_names,
    list_order_rows,
    list_orders,
)
from webapp.sales.services.quote import Quote, QuoteLine, quote
from webapp.sales.services.workflow import (
    allowed_transitions,
    can_act_on,
    lock_order,
    transition,
)

__all__ = [
    "CheckoutItem",
    "OrderNames",
    "OrderRow",
    "Quote",
    "QuoteLine",
    "address_text",
    "allowed_transitions",
    "can_act_on",
    "checkout",
    "get_order",
    "get_order_with_names",
    "list_order_rows",
    "list_orders",
    "lock_order",
    "quote",
    "transition",
]
