"""Product and stock forms. Rules live in catalog.validation; forms only carry the input.

CSRF is checked for every unsafe request by core.requests (form field or htmx header), so
these forms do not check it again.
"""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from webapp.catalog.models import Product
from webapp.catalog.validation import EDITABLE_FIELDS
from webapp.core.forms import Form
from webapp.core.money import format_decimal_comma


class ProductForm(Form):
    class Meta:
        csrf = False

    sku = StringField(
        "SKU", render_kw={"required": True, "maxlength": 40, "autocapitalize": "characters"}
    )
    ean = StringField("EAN (código de barras)", render_kw={"inputmode": "numeric", "maxlength": 13})
    name = StringField("Nome", render_kw={"required": True, "maxlength": 200})
    category = StringField("Categoria", render_kw={"list": "category-options", "maxlength": 80})
    cost_price = StringField("Custo (R$)", render_kw={"inputmode": "decimal", "required": True})
    sale_price = StringField(
        "Preço de venda (R$)", render_kw={"inputmode": "decimal", "required": True}
    )
    min_price = StringField("Preço mínimo (R$)", render_kw={"inputmode": "decimal"})
    max_price = StringField("Preço máximo (R$)", render_kw={"inputmode": "decimal"})
    tax_rate = StringField("Alíquota de imposto (%)", render_kw={"inputmode": "decimal"})
    stock_qty = StringField("Estoque inicial", render_kw={"inputmode": "numeric"})
    low_stock_threshold = StringField("Alerta de estoque baixo", render_kw={"inputmode": "numeric"})
    active = BooleanField("Ativo (disponível para venda)", default=True)
    version = HiddenField()

    def fill_from(self, product: Product) -> None:
        """Show the product's values as stored (e.g. after a version conflict)."""
        self.sku.data = product.sku
        self.ean.data = product.ean or ""
        self.name.data = product.name
        self.category.data = product.category.name if product.category else ""
        for key in ("cost_price", "sale_price", "min_price", "max_price", "tax_rate"):
            getattr(self, key).data = format_decimal_comma(getattr(product, key))
        self.low_stock_threshold.data = str(product.low_stock_threshold)
        self.active.data = product.active
        self.version.data = str(product.version)

    def values(self) -> dict[str, Any]:
        # stock_qty is read only on create (the initial stock); edits move stock elsewhere.
        return {key: getattr(self, key).data for key in (*EDITABLE_FIELDS, "stock_qty")}


class StockAdjustmentForm(Form):
    class Meta:
        csrf = False

    kind = StringField("Tipo", default="in")
    kind_choices = (("in", "Entrada"), ("out", "Saída"))
    qty = StringField("Quantidade", render_kw={"inputmode": "numeric", "required": True, "min": 1})
    reason = TextAreaField("Motivo", render_kw={"required": True, "maxlength": 200, "rows": 2})
