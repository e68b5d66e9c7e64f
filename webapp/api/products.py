"""Products API (SPEC 8): list, create, read, versioned PATCH, stock adjustments, kardex.

Thin resources over catalog.services; rules and error codes come from there.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from webapp.api.schemas import (
    ADMIN_ONLY,
    Money,
    PageQuerySchema,
    PaginationSchema,
    refusals,
    serialized,
)
from webapp.catalog import queries, services
from webapp.catalog.serializers import movement_json, product_json
from webapp.identity.decorators import admin_required

blp = Blueprint("api_products", __name__, description="Produtos, preços e estoque")


class ProductQuerySchema(PageQuerySchema):
    q = fields.String(load_default="", validate=validate.Length(max=100))


class ProductInSchema(Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    ean = fields.String(allow_none=True, load_default=None)
    category = fields.String(allow_none=True, load_default=None)
    cost_price = Money(required=True)
    sale_price = Money(required=True)
    min_price = Money(allow_none=True, load_default=None)
    max_price = Money(allow_none=True, load_default=None)
    tax_rate = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"example": "18.00", "description": "omitida: a alíquota padrão da empresa"},
    )
    stock_qty = fields.Integer(load_default=0, validate=validate.Range(min=0))
    low_stock_threshold = fields.Integer(load_default=5, validate=validate.Range(min=0))
    active = fields.Boolean(load_default=True)


class ProductPatchSchema(Schema):
    version = fields.Integer(required=True, metadata={"description": "a versão lida"})
    sku = fields.String(validate=validate.Length(min=1, max=40))
    name = fields.String(validate=validate.Length(min=1, max=200))
    ean = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    cost_price = Money()
    sale_price = Money()
    min_price = Money(allow_none=True)
    max_price = Money(allow_none=True)
    tax_rate = fields.String()
    low_stock_threshold = fields.Integer(validate=validate.Range(min=0))
    active = fields.Boolean()


class ProductOutSchema(Schema):
    id = fields.Integer()
    sku = fields.String()
    ean = fields.String(allow_none=True)
    name = fields.String()
    category = fields.String(allow_none=True)
    category_id = fields.Integer(allow_none=True)
    cost_price = fields.String()
    sale_price = fields.String()
    min_price = fields.String()
    max_price = fields.String()
    tax_rate = fields.String()
    stock_qty = fields.Integer()
    low_stock_threshold = fields.Integer()
    stock_level = fields.String(metadata={"description": "ok, low ou zero"})
    active = fields.Boolean()
    version = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


class ProductListSchema(Schema):
    data = fields.List(fields.Nested(ProductOutSchema))
    pagination = fields.Nested(PaginationSchema)


class StockAdjustmentInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["in", "out"]))
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class StockAdjustmentOutSchema(Schema):
    movement_id = fields.Integer()
    product_id = fields.Integer()
    stock_qty = fields.Integer()
    version = fields.Integer()


class MovementSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    kind = fields.String()
    qty = fields.Integer(metadata={"description": "com sinal: + entrada, - saída"})
    before_qty = fields.Integer()
    after_qty = fields.Integer()
    reason = fields.String()
    actor_id = fields.Integer(allow_none=True)
    order_id = fields.Integer(allow_none=True)
    created_at = fields.String()


class MovementListSchema(Schema):
    data = fields.List(fields.Nested(MovementSchema))
    pagination = fields.Nested(PaginationSchema)


@blp.route("")
class Products(MethodView):
    @blp.arguments(ProductQuerySchema, location="query")
    @blp.response(200, ProductListSchema)
    def get(self, args):
        """Search products by SKU, EAN or name."""
        filters = queries.ProductFilters(
            q=args["q"].strip(), page=args["page"], per_page=args["per_page"]
        )
        page = queries.search_products(filters)
        return serialized(
            {"data": [product_json(p) for p in page.items], "pagination": page.as_api()}
        )

    @admin_required
    @blp.arguments(ProductInSchema)
    @blp.response(201, ProductOutSchema)
    @refusals(blp, ADMIN_ONLY, (409, "sku_taken: o SKU já é de outro produto"))
    def post(self, body):
        """Create a product (admin); initial stock is recorded as an entry movement."""
        return product_json(services.create_product(body, actor=current_user))


@blp.route("/<int:product_id>")
class ProductItem(MethodView):
    @blp.response(200, ProductOutSchema)
    def get(self, product_id: int):
        return product_json(services.get_product(product_id))

    @admin_required
    @blp.arguments(ProductPatchSchema)
    @blp.response(200, ProductOutSchema)
    @refusals(
        blp,
        ADMIN_ONLY,
        (409, "version_conflict: alterado por outra pessoa (details.current); sku_taken"),
    )
    def patch(self, body, product_id: int):
        """Change a product; ``version`` must be the one read (409 version_conflict if not)."""
        version = body.pop("version")
        product = services.update_product(product_id, version, body, actor=current_user)
        return product_json(product)


@blp.route("/<int:product_id>/stock-adjustments")
class StockAdjustments(MethodView):
    @admin_required
    @blp.arguments(StockAdjustmentInSchema)
    @blp.response(201, StockAdjustmentOutSchema)
    @refusals(blp, ADMIN_ONLY, (409, "insufficient_stock: a saída passa do estoque"))
    def post(self, body, product_id: int):
        """Manual entry (in) or exit (out) with a reason (admin)."""
        movement = services.adjust_stock(
            product_id, body["kind"], body["qty"], body["reason"], actor=current_user
        )
        product = services.get_product(product_id)
        return {
            "movement_id": movement.id,
            "product_id": product_id,
            "stock_qty": product.stock_qty,
            "version": product.version,
        }


@blp.route("/<int:product_id>/movements")
class Movements(MethodView):
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, MovementListSchema)
    def get(self, args, product_id: int):
        """The product's stock movements (kardex), newest first."""
        services.get_product(product_id)  # 404 for unknown / other tenant's products
        page = services.movements_page(product_id, args["page"], args["per_page"])
        return serialized(
            {"data": [movement_json(m) for m in page.items], "pagination": page.as_api()}
        )
