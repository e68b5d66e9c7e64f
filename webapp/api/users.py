"""API: user management (admins only)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from webapp.identity import services
from webapp.identity.decorators import admin_required
from webapp.identity.models import Role

blp = Blueprint("api_users", __name__, description="Usuários (somente administradores)")


class UserCreateSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.Function(lambda user: user.role.value)
    active = fields.Boolean()
    created_at = fields.DateTime()


@blp.route("")
class UsersResource(MethodView):
    decorators = [admin_required]

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(403, description="forbidden")
    @blp.alt_response(409, description="conflict (e-mail já usado)")
    def post(self, body):
        """Create a seller or an admin in the caller's tenant."""
        return services.create_user(
            current_user, body["email"], body["name"], Role(body["role"]), body["password"]
        )
