"""Customer and address endpoints of the API (SPEC 8), thin over customers.services."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields

from webapp.api.schemas import PageQuerySchema, PaginationSchema, refusals
from webapp.customers import services

blp = Blueprint("api_customers", __name__, description="Clientes (CRM) e endereços")


class AddressSchema(Schema):
    id = fields.Integer(dump_only=True)
    customer_id = fields.Integer(dump_only=True)
    kind = fields.String(metadata={"enum": ["billing", "shipping"]})
    street = fields.String()
    number = fields.String()
    complement = fields.String(allow_none=True)
    district = fields.String()
    city = fields.String()
    state = fields.String(metadata={"description": "UF, e.g. SP"})
    zip = fields.String(metadata={"description": "CEP, 8 digits (mask accepted)"})
    is_default = fields.Boolean()

    class Meta:
        unknown = EXCLUDE


class AddressCreateSchema(AddressSchema):
    """Presence is checked by the service, so every missing field gets its pt-BR message."""


class AddressUpdateSchema(AddressSchema):
    """Only the fields sent change."""


class CustomerSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    document = fields.String(metadata={"description": "CPF (11) or CNPJ (14), mask accepted"})
    document_type = fields.String(dump_only=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    active = fields.Boolean()
    marketing_consent = fields.Boolean()
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    class Meta:
        unknown = EXCLUDE


class CustomerDetailSchema(CustomerSchema):
    addresses = fields.List(fields.Nested(AddressSchema), dump_only=True)


class CustomerUpdateSchema(CustomerSchema):
    """Only the fields sent change."""


class CustomerListSchema(Schema):
    data = fields.List(fields.Nested(CustomerSchema))
    pagination = fields.Nested(PaginationSchema)


class CustomerQuerySchema(PageQuerySchema):
    q = fields.String(load_default="")


CPF_TAKEN = (409, "cpf_taken: o CPF/CNPJ já é de outro cliente (details.customer_id)")


@blp.route("")
class CustomersResource(MethodView):
    @blp.arguments(CustomerQuerySchema, location="query")
    @blp.response(200, CustomerListSchema)
    def get(self, args):
        """Search customers (name contains; CPF/CNPJ, e-mail or phone prefix)."""
        page = services.search(args["q"], args["page"], args["per_page"])
        return {"data": page.items, "pagination": page.as_api()}

    @blp.arguments(CustomerSchema)
    @blp.response(201, CustomerDetailSchema)
    @refusals(blp, CPF_TAKEN)
    def post(self, body):
        """Register a customer (409 cpf_taken if the document exists in this tenant)."""
        return services.create_customer(current_user, body)


# path, not string: a masked CNPJ ("11.222.333/0001-81") carries a slash.
@blp.route("/by-document/<path:document>")
class CustomerByDocumentResource(MethodView):
    @blp.response(200, CustomerDetailSchema)
    def get(self, document):
        """Exact lookup by CPF/CNPJ for the checkout, with addresses."""
        return services.lookup_by_document(document)


@blp.route("/<int:customer_id>")
class CustomerResource(MethodView):
    @blp.response(200, CustomerDetailSchema)
    def get(self, customer_id):
        return services.get_customer(customer_id)

    @blp.arguments(CustomerUpdateSchema(partial=True))
    @blp.response(200, CustomerDetailSchema)
    @refusals(blp, CPF_TAKEN)
    def patch(self, body, customer_id):
        return services.update_customer(current_user, customer_id, body)

    @blp.response(204)
    def delete(self, customer_id):
        """Deactivate (customers are never deleted: orders and the ledger refer to them)."""
        services.deactivate_customer(current_user, customer_id)


@blp.route("/<int:customer_id>/addresses")
class AddressesResource(MethodView):
    @blp.arguments(AddressCreateSchema)
    @blp.response(201, AddressSchema)
    def post(self, body, customer_id):
        return services.add_address(current_user, customer_id, body)


@blp.route("/<int:customer_id>/addresses/<int:address_id>")
class AddressResource(MethodView):
    @blp.arguments(AddressUpdateSchema(partial=True))
    @blp.response(200, AddressSchema)
    def patch(self, body, customer_id, address_id):
        return services.update_address(current_user, customer_id, address_id, body)

    @blp.response(204)
    def delete(self, customer_id, address_id):
        services.delete_address(current_user, customer_id, address_id)
