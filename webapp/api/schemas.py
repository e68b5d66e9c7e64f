"""Schemas shared by API resources, and how a body built by a serializer is sent."""

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from webapp.core.pagination import MAX_PAGE, MAX_PER_PAGE


class Money(fields.String):
    """A money amount: a decimal string with two places ("19.90"). A JSON number is refused
    with a message saying so: the client's float may already have rounded it."""

    default_error_messages = {"invalid": 'Envie o valor como texto, como "19.90".'}

    METADATA = {"description": "decimal com 2 casas, como texto", "example": "19.90"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "metadata": {**self.METADATA, **kwargs.get("metadata", {})}})


class PaginationSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class PageQuerySchema(Schema):
    # marshmallow 4 validators must raise: a lambda returning False let per_page=1000000 through
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ErrorSchema(Schema):
    error = fields.String(
        required=True,
        metadata={
            "description": "validation_error, invalid_credentials, invalid_token, forbidden, "
            "not_found, conflict, version_conflict, insufficient_stock, insufficient_balance, "
            "invalid_transition, cpf_taken, sku_taken, rate_limited"
        },
    )
    message = fields.String(required=True, metadata={"description": "em português, para a tela"})
    details = fields.Dict(
        metadata={
            "description": "fields: para cada campo recusado (caminho com pontos, como "
            '"items.0.qty"), a lista de mensagens'
        }
    )


ADMIN_ONLY = (403, "forbidden: só administradores")


def refusals(blp: Blueprint, *responses: tuple[int, str]) -> Callable:
    """Document the contract's refusals of one endpoint: (status, the codes it may answer).
    Every endpoint also documents 422 and a default error, both in ErrorSchema."""

    def decorate(view: Callable) -> Callable:
        for status, description in responses:
            view = blp.alt_response(status, schema=ErrorSchema, description=description)(view)
        return view

    return decorate


def serialized(body: Any, status: int = 200) -> Response:
    """A body our serializers (``product_json``, ``order_json``...) built, sent as is.

    flask-smorest would dump it again through the ``@blp.response`` schema, a no-op that cost
    a fifth of a product search; the schema still documents it, and the API tests check that
    dumping each of these bodies through its schema changes nothing.
    """
    response = jsonify(body)
    response.status_code = status
    return response
