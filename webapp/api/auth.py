"""API authentication: bearer tokens."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from webapp.identity import services
from webapp.identity.tokens import issue_access_token

blp = Blueprint("api_auth", __name__, description="Autenticação por token (JWT)")


class TokenRequestSchema(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenResponseSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


@blp.route("/token")
class TokenResource(MethodView):
    is_public = True

    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenResponseSchema)
    def post(self, body):
        """Trade e-mail and password for an access token."""
        user = services.authenticate(body["email"], body["password"])
        ttl = current_app.config["JWT_ACCESS_TTL"]
        token, _claims = issue_access_token(user.id, user.tenant_id, ttl)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(ttl.total_seconds()),
        }
