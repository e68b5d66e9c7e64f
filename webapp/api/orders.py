"""Orders API (SPEC 8): checkout, list, read, status transitions.

Thin resources over sales.services; rules and error codes (validation_error, not_found,
insufficient_stock, insufficient_balance, invalid_transition, conflict) come from there.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from webapp.api.schemas import Money, PageQuerySchema, PaginationSchema, refusals, serialized
from webapp.core.ids import MAX_ID
from webapp.core.money import to_api
from webapp.sales import services as sales
from webapp.sales.models import PAYMENT_METHODS, STATUSES, Order

blp = Blueprint("api_orders", __name__, description="Pedidos: venda, consulta e situação")

ID_RANGE = validate.Range(min=1, max=MAX_ID)
# A JSON body says 1, not "1"; a query string only ever holds text.
ID = {"strict": True, "validate": ID_RANGE}
QUERY_ID = {"validate": ID_RANGE}


class IdempotencyHeaderSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "uma chave por venda: repetir a chamada devolve o mesmo pedido"},
    )


class OrderItemInSchema(Schema):
    product_id = fields.Integer(required=True, **ID)
    qty = fields.Integer(required=True, strict=True)
    unit_price = Money(allow_none=True, load_default=None)


class OrderInSchema(Schema):
    customer_id = fields.Integer(required=True, **ID)
    shipping_address_id = fields.Integer(required=True, **ID)
    items = fields.List(fields.Nested(OrderItemInSchema), required=True)
    wallet_amount = Money(load_default="0.00", allow_none=True)
    payment_method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))


class OrderQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    seller_id = fields.Integer(**QUERY_ID)
    customer_id = fields.Integer(**QUERY_ID)
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class TransitionInSchema(Schema):
    to = fields.String(
        required=True, validate=validate.OneOf(["paid", "shipped", "delivered", "cancelled"])
    )
    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500))
    tracking_code = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=60)
    )


class OrderLineOutSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer(allow_none=True)
    sku = fields.String()
    product_name = fields.String()
    category_id = fields.Integer(allow_none=True)
    category_name = fields.String(allow_none=True)
    qty = fields.Integer()
    unit_price = fields.String()
    cost_price = fields.String()
    tax_rate = fields.String()
    tax_amount = fields.String()
    line_total = fields.String()


class StatusChangeOutSchema(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    tracking_code = fields.String(allow_none=True)
    created_at = fields.String()


class OrderSummarySchema(Schema):
    id = fields.Integer()
    status = fields.String()
    customer_id = fields.Integer()
    shipping_address_id = fields.Integer(allow_none=True)
    shipping_address = fields.String()
    seller_id = fields.Integer(allow_none=True)
    payment_method = fields.String()
    subtotal = fields.String()
    tax_total = fields.String()
    total = fields.String()
    wallet_amount = fields.String()
    amount_due = fields.String()
    tracking_code = fields.String(allow_none=True)
    created_at = fields.String()
    paid_at = fields.String(allow_none=True)
    shipped_at = fields.String(allow_none=True)
    delivered_at = fields.String(allow_none=True)
    cancelled_at = fields.String(allow_none=True)
    allowed_transitions = fields.List(fields.String())


class OrderOutSchema(OrderSummarySchema):
    lines = fields.List(fields.Nested(OrderLineOutSchema))
    history = fields.List(fields.Nested(StatusChangeOutSchema))


class OrderListSchema(Schema):
    data = fields.List(fields.Nested(OrderSummarySchema))
    pagination = fields.Nested(PaginationSchema)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def order_json(order: Order, *, detail: bool = True) -> dict:
    data = {
        "id": order.id,
        "status": order.status,
        "customer_id": order.customer_id,
        "shipping_address_id": order.shipping_address_id,
        "shipping_address": order.shipping_address_text,
        "seller_id": order.seller_id,
        "payment_method": order.payment_method,
        "tracking_code": order.tracking_code,
        "allowed_transitions": sales.allowed_transitions(order),
        **{
            name: to_api(getattr(order, name))
            for name in ("subtotal", "tax_total", "total", "wallet_amount", "amount_due")
        },
        **{
            name: _iso(getattr(order, name))
            for name in ("created_at", "paid_at", "shipped_at", "delivered_at", "cancelled_at")
        },
    }
    if detail:
        data["lines"] = [_line_json(line) for line in order.lines]
        data["history"] = [_change_json(change) for change in order.history]
    return data


def _line_json(line) -> dict:
    return {
        "id": line.id,
        "product_id": line.product_id,
        "sku": line.sku,
        "product_name": line.product_name,
        "category_id": line.category_id,
        "category_name": line.category_name,
        "qty": line.qty,
        "unit_price": to_api(line.unit_price),
        "cost_price": to_api(line.cost_price),
        "tax_rate": f"{line.tax_rate:.2f}",
        "tax_amount": to_api(line.tax_amount),
        "line_total": to_api(line.line_total),
    }


def _change_json(change) -> dict:
    return {
        "from_status": change.from_status,
        "to_status": change.to_status,
        "actor_id": change.actor_id,
        "reason": change.reason,
        "tracking_code": change.tracking_code,
        "created_at": _iso(change.created_at),
    }


@blp.route("")
class Orders(MethodView):
    @blp.arguments(OrderQuerySchema, location="query")
    @blp.response(200, OrderListSchema)
    def get(self, args):
        """Orders, newest first (sellers see the orders they sold)."""
        page = sales.list_orders(current_user, **args)
        return serialized(
            {"data": [order_json(o, detail=False) for o in page.items], "pagination": page.as_api()}
        )

    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(OrderInSchema)
    @blp.response(201, OrderOutSchema)
    @refusals(
        blp,
        (
            409,
            "insufficient_stock (details.fields: o item); insufficient_balance; conflict: "
            "a Idempotency-Key já foi usada com outro pedido",
        ),
    )
    def post(self, headers, body):
        """Checkout: everything re-validated; a repeated Idempotency-Key returns the same order."""
        items = [sales.CheckoutItem(**item) for item in body.pop("items")]
        order = sales.checkout(
            current_user, items=items, idempotency_key=headers["idempotency_key"], **body
        )
        return serialized(order_json(order), 201)


@blp.route("/<int:order_id>")
class OrderItem(MethodView):
    @blp.response(200, OrderOutSchema)
    def get(self, order_id: int):
        """One order with its lines and status history."""
        return serialized(order_json(sales.get_order(order_id, current_user)))


@blp.route("/<int:order_id>/transitions")
class OrderTransitions(MethodView):
    @blp.arguments(TransitionInSchema)
    @blp.response(200, OrderOutSchema)
    @refusals(blp, (409, "invalid_transition: a situação atual não permite esta mudança"))
    def post(self, body, order_id: int):
        """Move the order along the workflow (409 invalid_transition otherwise)."""
        sales.get_order(order_id, current_user)  # 404 for other tenants and colleagues
        order = sales.transition(current_user, order_id, body.pop("to"), **body)
        return serialized(order_json(order))
