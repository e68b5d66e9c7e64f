"""Wallet endpoints of the API (SPEC 8), thin over wallet.services and wallet.queries.

Idempotency of ``POST /customers/{id}/wallet/adjustments``: the ``Idempotency-Key`` header is
required (422 ``validation_error`` without it). Repeating a request with the same key and the
same body answers **201 with the same entry** (nothing is posted again, the ``Idempotent-Replayed:
true`` header says so); the same key with a different amount, reason or customer answers 409
``conflict``.
"""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validates_schema
from marshmallow import ValidationError as SchemaError

from webapp.api.schemas import ADMIN_ONLY, PageQuerySchema, PaginationSchema, refusals
from webapp.core.domain import ValidationFailed
from webapp.core.money import to_api
from webapp.customers import services as customer_services
from webapp.identity.decorators import admin_required
from webapp.wallet import queries, services

blp = Blueprint("api_wallet", __name__, description="Carteira (saldo, extrato e ajustes)")

IDEMPOTENCY_HEADER = "Idempotency-Key"


class WalletSchema(Schema):
    customer_id = fields.Integer()
    balance = fields.String(metadata={"example": "120.50"})


class EntrySchema(Schema):
    id = fields.Integer(attribute="entry_id")
    transaction_id = fields.Integer()
    kind = fields.Function(
        lambda line: line.kind.value,
        metadata={
            "type": "string",
            "enum": [
                "cashback_credit",
                "cashback_reversal",
                "purchase_with_balance",
                "refund",
                "manual_adjustment",
            ],
        },
    )
    amount = fields.Function(
        lambda line: to_api(line.amount),
        metadata={"type": "string", "description": "signed; + credits", "example": "-10.50"},
    )
    balance_after = fields.Function(
        lambda line: to_api(line.balance_after), metadata={"type": "string", "example": "19.90"}
    )
    order_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    description = fields.String()


class EntryListSchema(Schema):
    data = fields.List(fields.Nested(EntrySchema))
    pagination = fields.Nested(PaginationSchema)


class EntryQuerySchema(PageQuerySchema):
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)

    @validates_schema
    def check_period(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise SchemaError("A data inicial deve ser anterior à final.", "from")


class AdjustmentSchema(Schema):
    """Amount and reason are checked by the service (pt-BR messages per field)."""

    amount = fields.Raw(
        required=True, metadata={"type": "string", "example": "-10.50", "description": "signed"}
    )
    reason = fields.String(required=True)

    class Meta:
        unknown = EXCLUDE


def _customer(customer_id: int):
    return customer_services.get_customer(customer_id)  # 404 for another tenant's id


@blp.route("/<int:customer_id>/wallet")
class WalletResource(MethodView):
    @blp.response(200, WalletSchema)
    def get(self, customer_id):
        """The customer's balance (0.00 until the wallet's first movement)."""
        _customer(customer_id)
        return {"customer_id": customer_id, "balance": to_api(services.balance(customer_id))}


@blp.route("/<int:customer_id>/wallet/entries")
class EntriesResource(MethodView):
    @blp.arguments(EntryQuerySchema, location="query")
    @blp.response(200, EntryListSchema)
    def get(self, args, customer_id):
        """Statement (extrato), newest first; ``from``/``to`` are whole days in São Paulo."""
        _customer(customer_id)
        page = queries.statement(
            customer_id, args["date_from"], args["date_to"], args["page"], args["per_page"]
        )
        return {"data": page.items, "pagination": page.as_api()}


def _idempotency_key() -> str:
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key:
        raise ValidationFailed(
            "Envie o cabeçalho Idempotency-Key (um identificador único por ajuste).",
            field=IDEMPOTENCY_HEADER,
        )
    return key


@blp.route("/<int:customer_id>/wallet/adjustments")
class AdjustmentsResource(MethodView):
    @admin_required
    @blp.arguments(AdjustmentSchema)
    @blp.response(201, EntrySchema)
    @blp.doc(
        parameters=[
            {
                "in": "header",
                "name": IDEMPOTENCY_HEADER,
                "required": True,
                "schema": {"type": "string"},
            }
        ]
    )
    @refusals(
        blp,
        ADMIN_ONLY,
        (409, "insufficient_balance: o débito passa do saldo; conflict: chave já usada"),
    )
    def post(self, body, customer_id):
        """Manual credit (+) or debit (-) with a reason (admin). Same key + same body: 201
        with the same entry; same key + other body: 409 conflict."""
        _customer(customer_id)
        key = _idempotency_key()
        replayed = services.adjustment_posted(key) is not None
        amount = body["amount"]
        if not isinstance(amount, str | int):
            raise ValidationFailed('Envie o valor como texto, como "10.50".', field="amount")
        txn = services.manual_adjustment(current_user, customer_id, amount, body["reason"], key)
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return queries.transaction_line(customer_id, txn.id), 201, headers
