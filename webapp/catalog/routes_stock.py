"""Stock screens: adjustment dialog, movement list, live stock badges."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.catalog import bp, queries, services
from webapp.catalog.forms import StockAdjustmentForm
from webapp.core.domain import DomainError
from webapp.core.htmx import piece_of, render, render_partials, trigger
from webapp.core.ids import parse_id
from webapp.core.pagination import clamp
from webapp.identity.decorators import admin_required

MAX_BADGES = 200


def _adjust_page(product, form: StockAdjustmentForm, status: int = 200):
    return render(
        "catalog/adjust.html",
        "catalog/_adjust_form.html",
        status=status,
        product=product,
        form=form,
    )


@bp.route("/products/<int:product_id>/stock-adjustments/new")
@admin_required
def adjust_form(product_id: int):
    return _adjust_page(services.get_product(product_id), StockAdjustmentForm())


@bp.route("/products/<int:product_id>/stock-adjustments", methods=["POST"])
@admin_required
def adjust(product_id: int):
    form = StockAdjustmentForm()
    try:
        movement = services.adjust_stock(
            product_id, form.kind.data, form.qty.data, form.reason.data, actor=current_user
        )
    except DomainError as exc:
        status = form.add_refusal(exc)
        return _adjust_page(services.get_product(product_id), form, status=status)
    product = services.get_product(product_id)
    message = (
        f"{movement.kind_label} de {abs(movement.qty)} registrada. Estoque: {product.stock_qty}."
    )
    if not request.htmx:
        flash(message, "success")
        return redirect(url_for("catalog.show", product_id=product_id))
    response = render_partials(
        ("catalog/_adjust_done.html", {"product": product}),
        ("catalog/_stock_badge.html", {"product": product, "oob": True}),
        ("catalog/_oob_toast.html", {"message": message, "category": "success"}),
    )
    return trigger(
        response, "stock-changed", {"product_id": product_id, "stock_qty": product.stock_qty}
    )


@bp.route("/products/<int:product_id>/movements")
@piece_of("catalog.show")
def movements(product_id: int):
    product = services.get_product(product_id)
    page, _ = clamp(request.args.get("page", 1), 20)
    return render_template(
        "catalog/_movements.html",
        product=product,
        movements=services.movements_page(product_id, page),
    )


@bp.route("/products/stock-badges")
def stock_badges():
    """``?ids=1,2,3``: each product's badge as an out-of-band fragment (live refresh)."""
    parts = request.args.get("ids", "").split(",")[:MAX_BADGES]
    ids = [product_id for product_id in map(parse_id, parts) if product_id is not None]
    products = queries.products_by_ids(ids)
    return render_partials(
        *[("catalog/_stock_badge.html", {"product": p, "oob": True}) for p in products]
    )
