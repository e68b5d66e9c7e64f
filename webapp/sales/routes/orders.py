"""Orders: list with URL filters and infinite scroll, order page, transitions, receipt."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_login import current_user

from webapp.core.domain import DomainError
from webapp.core.htmx import piece_of, redirect_after_post, render
from webapp.customers import services as customers
from webapp.identity import services as identity
from webapp.sales import bp
from webapp.sales import services as sales
from webapp.sales.forms import (
    MAX_REASON,
    MAX_TRACKING,
    ORDER_STATUSES,
    OrderFilters,
    clean_note,
)
from webapp.wallet import queries as wallet_queries


def _filters() -> OrderFilters:
    return OrderFilters.from_args(request.args, current_user.is_admin)


@bp.route("/orders")
def orders():
    filters = _filters()
    return render(
        "sales/orders.html",
        "sales/_order_results.html",
        filters=filters,
        results=sales.list_order_rows(current_user, **filters.service_args()),
        statuses=ORDER_STATUSES,
        sellers=identity.user_names() if current_user.is_admin else [],
    )


@bp.route("/orders/rows")
@piece_of("sales.orders", keep_args=("status", "seller", "customer", "from", "to"))
def order_rows():
    """The next page of rows for the infinite scroll (sentinel row included)."""
    filters = _filters()
    results = sales.list_order_rows(current_user, **filters.service_args())
    return render_template("sales/_order_rows.html", filters=filters, results=results)


@bp.route("/customers/<int:customer_id>/orders")
@piece_of("customers.detail", tab="orders")
def customer_orders(customer_id: int):
    """The customer page's "Pedidos" tab (loaded into it; sellers see their own sales)."""
    customers.get_customer(customer_id)  # another tenant's customer: 404
    filters = OrderFilters(customer_id=customer_id, per_page=10)
    return render_template(
        "sales/_customer_orders.html",
        results=sales.list_order_rows(current_user, **filters.service_args()),
        filters=filters,
        customer_id=customer_id,
    )


def _order_page(order_id: int, status: int = 200, errors=None, open_action=None):
    order, names = sales.get_order_with_names(order_id, current_user)
    return render(
        "sales/order.html",
        "sales/_order.html",
        status=status,
        order=order,
        names=names,
        allowed=sales.allowed_transitions(order),
        wallet_moves=wallet_queries.order_movements(order.id),
        errors=errors or {},
        open_action=open_action,
        is_new=request.args.get("new") == "1",
    )


@bp.route("/orders/<int:order_id>")
def order_detail(order_id: int):
    return _order_page(order_id)


@bp.route("/orders/<int:order_id>/transitions", methods=["POST"])
def order_transition(order_id: int):
    to = request.form.get("to", "")
    try:
        sales.transition(
            current_user,
            order_id,
            to,
            reason=clean_note(request.form.get("reason"), MAX_REASON),
            tracking_code=clean_note(request.form.get("tracking_code"), MAX_TRACKING),
        )
    except DomainError as exc:
        errors = {**exc.fields, "_": exc.message}
        return _order_page(order_id, exc.status, errors=errors, open_action=to)
    flash(f"Pedido #{order_id}: {ORDER_STATUSES.get(to, to).lower()}.", "success")
    url = url_for("sales.order_detail", order_id=order_id)
    return redirect_after_post(url)


@bp.route("/orders/<int:order_id>/receipt")
def receipt(order_id: int):
    order, names = sales.get_order_with_names(order_id, current_user)
    return render_template("sales/receipt.html", order=order, names=names)
