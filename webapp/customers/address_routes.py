"""Address screens inside the customer page: add/edit/delete/set default without leaving it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.core.domain import DomainError
from webapp.core.htmx import wants_partial
from webapp.customers import bp, services
from webapp.customers.forms import AddressForm


@bp.route("/<int:customer_id>/addresses")
def addresses(customer_id: int):
    services.get_customer(customer_id)  # 404 for another tenant's customer, even on redirect
    if not wants_partial():
        return redirect(url_for(".detail", customer_id=customer_id, tab="addresses"))
    return _panel(customer_id)


@bp.route("/<int:customer_id>/addresses/new")
def new_address(customer_id: int):
    customer = services.get_customer(customer_id)
    form = AddressForm(kind=request.args.get("kind", "shipping"))
    return _form(customer, form, None)


@bp.route("/<int:customer_id>/addresses", methods=["POST"])
def create_address(customer_id: int):
    customer = services.get_customer(customer_id)
    form = AddressForm()
    if form.validate_on_submit():
        try:
            services.add_address(current_user, customer_id, form.values())
        except DomainError as exc:
            form.add_refusal(exc)
        else:
            return _saved(customer_id, "Endereço adicionado.")
    return _form(customer, form, None)


@bp.route("/<int:customer_id>/addresses/<int:address_id>/edit")
def edit_address(customer_id: int, address_id: int):
    address = services.get_address(customer_id, address_id)
    return _form(address.customer, AddressForm(obj=address), address)


@bp.route("/<int:customer_id>/addresses/<int:address_id>", methods=["POST"])
def update_address(customer_id: int, address_id: int):
    address = services.get_address(customer_id, address_id)
    form = AddressForm()
    if form.validate_on_submit():
        try:
            services.update_address(current_user, customer_id, address_id, form.values())
        except DomainError as exc:
            form.add_refusal(exc)
        else:
            return _saved(customer_id, "Endereço atualizado.")
    return _form(address.customer, form, address)


@bp.route("/<int:customer_id>/addresses/validate", methods=["POST"])
def validate_address(customer_id: int):
    customer = services.get_customer(customer_id)
    form = AddressForm()
    form.validate()
    return render_template(
        "customers/_address_form.html", customer=customer, form=form, address=None
    )


@bp.route("/<int:customer_id>/addresses/<int:address_id>/delete", methods=["POST"])
def delete_address(customer_id: int, address_id: int):
    services.delete_address(current_user, customer_id, address_id)
    return _saved(customer_id, "Endereço excluído.")


@bp.route("/<int:customer_id>/addresses/<int:address_id>/default", methods=["POST"])
def default_address(customer_id: int, address_id: int):
    address = services.set_default_address(current_user, customer_id, address_id)
    return _saved(customer_id, f"Endereço padrão de {address.kind_label.lower()} definido.")


def _panel(customer_id: int, message: str | None = None):
    customer = services.get_customer(customer_id)
    return render_template("customers/_addresses.html", customer=customer, message=message)


def _saved(customer_id: int, message: str):
    if not wants_partial():
        flash(message, "success")
        return redirect(url_for(".detail", customer_id=customer_id, tab="addresses"))
    response = _panel(customer_id, message)
    # The form swapped itself; a saved address refreshes the whole panel instead.
    return response, 200, {"HX-Retarget": "#addresses-panel", "HX-Reswap": "outerHTML"}


def _form(customer, form, address):
    status = 422 if form.errors or form.form_errors else 200
    template = "customers/_address_form.html" if wants_partial() else "customers/address_form.html"
    html = render_template(template, customer=customer, form=form, address=address)
    return html, status
