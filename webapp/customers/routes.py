"""Customer screens: list with active search, create/edit, detail tabs, checkout lookup."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.audit.services import history_for
from webapp.core.domain import DomainError
from webapp.core.htmx import piece_of, render
from webapp.core.pagination import clamp
from webapp.customers import bp, services
from webapp.customers.forms import CustomerForm

TABS = {
    "data": "Dados",
    "addresses": "Endereços",
    "orders": "Pedidos",
    "wallet": "Carteira",
    "history": "Histórico",
}
PER_PAGE = 25


@bp.route("")
def index():
    q = request.args.get("q", "").strip()
    results = services.search(q, *clamp(request.args.get("page"), PER_PAGE), count=False)
    return render("customers/index.html", "customers/_list.html", results=results, q=q)


@bp.route("/rows")
@piece_of("customers.index", keep_args=("q",))
def rows():
    """Next page of rows for infinite scroll (the sentinel row asks for it when revealed)."""
    q = request.args.get("q", "").strip()
    results = services.search(q, *clamp(request.args.get("page"), PER_PAGE), count=False)
    return render_template("customers/_rows.html", results=results, q=q)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = CustomerForm()
    duplicate = None
    if form.validate_on_submit():
        try:
            customer = services.create_customer(current_user, form.values())
        except DomainError as exc:
            form.add_refusal(exc)
            duplicate = exc.details.get("customer_id")
        else:
            flash(f"Cliente {customer.name} cadastrado.", "success")
            return redirect(url_for(".detail", customer_id=customer.id, tab="addresses"))
    return _form_page(form, None, duplicate)


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
def edit(customer_id: int):
    customer = services.get_customer(customer_id)
    form = CustomerForm(obj=customer) if request.method == "GET" else CustomerForm()
    duplicate = None
    if form.validate_on_submit():
        try:
            services.update_customer(current_user, customer_id, form.values(editing=True))
        except DomainError as exc:
            form.add_refusal(exc)
            duplicate = exc.details.get("customer_id")
        else:
            flash("Dados do cliente salvos.", "success")
            return redirect(url_for(".detail", customer_id=customer_id))
    return _form_page(form, customer, duplicate)


@bp.route("/validate", methods=["POST"])
@bp.route("/<int:customer_id>/validate", methods=["POST"])
def validate(customer_id: int | None = None):
    """Inline validation: the form re-rendered with its errors; htmx keeps the changed field."""
    form = CustomerForm()
    form.validate()
    duplicate = _duplicate_of(form, customer_id)
    customer = services.get_customer(customer_id) if customer_id else None
    return render_template(
        "customers/_form.html", form=form, customer=customer, duplicate=duplicate
    )


@bp.route("/<int:customer_id>/deactivate", methods=["POST"])
def deactivate(customer_id: int):
    customer = services.deactivate_customer(current_user, customer_id)
    flash(
        f"Cliente {customer.name} desativado. O histórico e os pedidos continuam guardados.", "info"
    )
    return redirect(url_for(".detail", customer_id=customer_id))


@bp.route("/<int:customer_id>")
def detail(customer_id: int):
    tab = request.args.get("tab", "data")
    if tab not in TABS:
        abort(404)
    customer = services.get_customer(customer_id)
    context = {"customer": customer, "tab": tab, "tabs": TABS}
    if tab == "history":
        context["history"] = history_for("customers", customer_id, page=request.args.get("page"))
    return render("customers/detail.html", "customers/_tabs.html", **context)


def _duplicate_of(form, customer_id: int | None) -> int | None:
    """The id of the customer who already has the typed CPF/CNPJ (its message on the field)."""
    if form.document.errors:
        return None
    try:
        services.ensure_document_free(form.document.data or "", customer_id)
    except services.CpfTaken as exc:
        form.add_refusal(exc)
        return exc.customer_id
    return None


def _form_page(form, customer, duplicate):
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "customers/form.html", form=form, customer=customer, duplicate=duplicate
    ), status


from webapp.customers import address_routes  # noqa: E402,F401
