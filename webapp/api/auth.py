"""API authentication (SPEC 8): token pairs, refresh rotation, logout, who am I."""

from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from webapp.core.domain import InvalidCredentials
from webapp.identity import api_tokens, services
from webapp.identity.throttle import (
    forget_failed_logins,
    record_failed_login,
    throttle_failed_logins,
)

blp = Blueprint("api_auth", __name__, description="Autenticação por token (JWT)")


class TokenRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class RefreshRequestSchema(Schema):
    # Longer than any token we issue, so a wrong kind of token (an access JWT) is a 401 from
    # the refresh check, not a length complaint; the cap only keeps huge bodies out.
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=4096))


class TokenPairSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True, metadata={"description": "segundos"})


class TenantSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    tenant = fields.Nested(TenantSchema)


def _ttls():
    return current_app.config["JWT_ACCESS_TTL"], current_app.config["JWT_REFRESH_TTL"]


@blp.route("/token")
class TokenResource(MethodView):
    is_public = True
    decorators = [throttle_failed_logins()]

    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, description="invalid_credentials")
    @blp.alt_response(429, description="rate_limited (Retry-After)")
    def post(self, body):
        """Trade e-mail and password for an access token and a refresh token."""
        try:
            user = services.authenticate(body["email"], body["password"])
        except InvalidCredentials:
            record_failed_login()
            raise
        forget_failed_logins()
        return api_tokens.issue_token_pair(user, *_ttls())


@blp.route("/refresh")
class RefreshResource(MethodView):
    is_public = True

    @blp.arguments(RefreshRequestSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, description="invalid_token")
    def post(self, body):
        """Spend a refresh token for a new pair; a spent token reused revokes its family."""
        return api_tokens.rotate(body["refresh_token"], *_ttls())


@blp.route("/logout")
class LogoutResource(MethodView):
    @blp.arguments(RefreshRequestSchema)
    @blp.response(204)
    @blp.alt_response(401, description="invalid_token")
    def post(self, body):
        """Revoke the refresh family and the access token used for this call."""
        api_tokens.logout(current_user, body["refresh_token"], g.get("access_claims"))


@blp.route("/me")
class MeResource(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """The signed-in user and their tenant."""
        user = current_user
        return {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "tenant": {"id": user.tenant_id, "name": user.tenant.name},
        }
