"""Product screens: list, product page, create and edit (admin writes, sellers read)."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user

from webapp.audit import services as audit_services
from webapp.catalog import bp, queries, services
from webapp.catalog.errors import VersionConflict
from webapp.catalog.forms import ProductForm
from webapp.core.domain import DomainError
from webapp.core.htmx import redirect_after_post, render
from webapp.core.money import format_number
from webapp.identity.decorators import admin_required


def _form_page(form: ProductForm, product=None, status: int = 200, conflict: bool = False):
    return render(
        "catalog/form.html",
        "catalog/_form.html",
        status=status,
        form=form,
        product=product,
        conflict=conflict,
        categories=services.list_categories(),
    )


@bp.route("/products")
def index():
    filters = queries.ProductFilters.from_args(request.args)
    return render(
        "catalog/index.html",
        "catalog/_results.html",
        results=queries.search_products(filters),
        filters=filters,
        categories=services.list_categories(),
        sorts=queries.SORT_LABELS,
        stock_filters=queries.STOCK_FILTERS,
    )


@bp.route("/products/<int:product_id>")
def show(product_id: int):
    product = services.get_product(product_id)
    return render(
        "catalog/show.html",
        "catalog/show.html",
        product=product,
        movements=services.movements_page(product_id, 1),
        history=audit_services.history_for("products", product_id),
    )


@bp.route("/products/new")
@admin_required
def new():
    tax_rate = format_number(services.default_tax_rate())
    form = ProductForm(data={"stock_qty": "0", "low_stock_threshold": "5", "tax_rate": tax_rate})
    return _form_page(form)


@bp.route("/products", methods=["POST"])
@admin_required
def create():
    form = ProductForm()
    try:
        product = services.create_product(form.values(), actor=current_user)
    except DomainError as exc:
        return _form_page(form, status=form.add_refusal(exc))
    flash(f"Produto {product.sku} cadastrado.", "success")
    return redirect_after_post(url_for("catalog.show", product_id=product.id))


@bp.route("/products/<int:product_id>/edit")
@admin_required
def edit(product_id: int):
    product = services.get_product(product_id)
    form = ProductForm()
    form.fill_from(product)
    return _form_page(form, product)


@bp.route("/products/<int:product_id>/edit", methods=["POST"])
@admin_required
def update(product_id: int):
    form = ProductForm()
    try:
        product = services.update_product(
            product_id, form.version.data, form.values(), actor=current_user
        )
    except VersionConflict:
        current = services.get_product(product_id)
        form = ProductForm(formdata=None)
        form.fill_from(current)  # the CURRENT values: nothing of the stale post is kept
        return _form_page(form, current, status=409, conflict=True)
    except DomainError as exc:
        return _form_page(form, services.get_product(product_id), status=form.add_refusal(exc))
    flash(f"Produto {product.sku} atualizado.", "success")
    return redirect_after_post(url_for("catalog.show", product_id=product.id))


@bp.route("/products/validate", methods=["POST"])
@admin_required
def validate():
    """Inline validation: the whole form re-rendered; htmx keeps only the field that changed."""
    form = ProductForm()
    product = _product_or_404(request.args.get("product_id")) if form.version.data else None
    try:
        services.check_product(form.values(), product.id if product else None)
    except DomainError as exc:
        form.add_errors(exc.fields)
    return _form_page(form, product)


def _product_or_404(raw):
    try:
        return services.get_product(int(raw))
    except (TypeError, ValueError, DomainError):
        abort(404)
