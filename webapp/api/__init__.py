"""JSON API v1: flask-smorest resources over the same services the web routes use.

flask-smorest was picked because one set of marshmallow schemas both validates requests
(webargs) and generates the OpenAPI 3 document, and its MethodView resources keep the
API layer thin.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask_smorest import Api, Blueprint
from flask_smorest.spec.plugins import integerconverter2paramschema
from webargs import flaskparser

from webapp.api.messages import use_portuguese_messages
from webapp.core.ids import IdConverter
from webapp.identity.decorators import mark_public_endpoint

# Before any resource module builds its schemas: fields copy their messages when created.
use_portuguese_messages()

NOT_JSON = "Envie o corpo em JSON, com o cabeçalho Content-Type: application/json."


class JsonBodyParser(flaskparser.FlaskParser):
    """webargs reads a body without the JSON Content-Type as no body at all, so a client that
    forgot the header was told to fill in every field it had sent; it is told about the header."""

    def _raw_load_json(self, req: Request) -> Any:
        # content_length too: a form body read by someone before (request.form) leaves no data
        if not flaskparser.is_json_request(req) and (req.content_length or req.get_data()):
            flaskparser.abort(422, messages={"json": [NOT_JSON]})
        return super()._raw_load_json(req)


# Before any resource module decorates its views: @blp.arguments binds the parser then.
Blueprint.ARGUMENTS_PARSER = JsonBodyParser()


class VitrineApi(Api):
    def _register_error_handlers(self):
        """Errors are answered by webapp.core.errors, in the API contract's format."""


api = VitrineApi()

API_PREFIX = "/api/v1"


def init_api(app: Flask) -> None:
    app.config.update(
        API_TITLE="Vitrine API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    from webapp.api.schemas import ErrorSchema  # after use_portuguese_messages(), as all schemas

    # The document's error responses describe the contract's body (error, message, details).
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(
        app,
        spec_kwargs={
            "servers": [{"url": "/"}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
            "security": [{"bearerAuth": []}],
        },
    )
    api.register_converter(IdConverter, integerconverter2paramschema)
    from webapp.api import auth, customers, jobs, orders, products, reports, users, wallet

    api.register_blueprint(auth.blp, url_prefix=f"{API_PREFIX}/auth")
    api.register_blueprint(users.blp, url_prefix=f"{API_PREFIX}/users")
    api.register_blueprint(products.blp, url_prefix=f"{API_PREFIX}/products")
    api.register_blueprint(customers.blp, url_prefix=f"{API_PREFIX}/customers")
    api.register_blueprint(wallet.blp, url_prefix=f"{API_PREFIX}/customers")
    api.register_blueprint(orders.blp, url_prefix=f"{API_PREFIX}/orders")
    api.register_blueprint(reports.blp, url_prefix=f"{API_PREFIX}/reports")
    api.register_blueprint(jobs.blp, url_prefix=f"{API_PREFIX}/jobs")
    mark_public_endpoint(app, "api-docs.openapi_json")
