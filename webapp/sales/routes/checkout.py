"""Checkout screen: every cart action is a real form POST; htmx gets the changed panels.

Without JavaScript each action redirects back to the page (or re-renders it with the error,
status 4xx); with htmx the response carries the panels as out-of-band fragments, so the
scan box keeps its focus and the page never reloads.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from webapp.catalog.queries import ProductFilters, search_products
from webapp.core.domain import DomainError, NotFound
from webapp.core.htmx import piece_of, redirect_after_post, trigger
from webapp.customers import services as customers
from webapp.customers.forms import AddressForm
from webapp.sales import bp
from webapp.sales import cart as carts
from webapp.sales.cart_models import CONVERTED, PARKED
from webapp.sales.forms import looks_like_document
from webapp.sales.routes import view as views

CART_PANELS = ("lines", "summary", "scan")
CUSTOMER_PANELS = ("customer", "summary")
ALL_PANELS = ("customer", "lines", "summary", "scan", "parked")


def _respond(errors=None, status=200, panels=CART_PANELS, **shown):
    """``shown``: the rest of what the screen says (notice, warning, address_form)."""
    view = views.build(carts.get_active_cart(current_user), errors, **shown)
    if request.htmx:
        return views.partials(view, panels, status)
    if errors:
        return views.page(view, status)
    return redirect(url_for("sales.checkout"))


def _act(action, *args, panels=CART_PANELS, notice=None, address_form=None):
    """Run a cart use case and answer with the panels it changed (or its error, inline).

    ``address_form``: what the new-address form posted, shown again if the action fails.
    """
    warning = _sale_left_screen()
    if warning:
        panels = ALL_PANELS  # the screen shows a sale that is gone: redraw all of it
    try:
        action(current_user, *args)
    except DomainError as exc:
        errors = exc.fields or {"code": exc.message}
        return _respond(errors, exc.status, panels, address_form=address_form, warning=warning)
    return _respond(panels=panels, notice=notice, warning=warning)


def _sale_left_screen() -> str | None:
    """What happened to the sale on screen, if another tab finished, parked or discarded it.

    checkout.js names that sale in ``X-Cart-Id``. The action then lands on the seller's open
    sale (a new one), so the whole screen is redrawn with this notice instead of a few panels
    mixing two sales. Asked before the action: parking or resuming here is no surprise.
    """
    shown = request.headers.get("X-Cart-Id")
    if not shown:
        return None
    try:
        cart = carts.get_cart(current_user, shown)
    except NotFound:
        return "A venda desta tela foi descartada em outra aba."
    if cart.status == CONVERTED:
        return f"A venda anterior já foi finalizada em outra aba (pedido #{cart.order_id})."
    if cart.status == PARKED:
        return "A venda desta tela foi estacionada em outra aba."
    return None


@bp.route("/checkout")
def checkout():
    return views.page(views.build(carts.get_active_cart(current_user)))


@bp.route("/checkout/customers")
@piece_of("sales.checkout")
def customer_search():
    """Picks for the customer box: a full CPF/CNPJ finds one, anything else searches names."""
    q = request.args.get("q", "").strip()[:100]
    found, error, exact = [], None, False
    if looks_like_document(q):
        try:
            found, exact = [customers.lookup_by_document(q)], True
        except DomainError as exc:
            error = exc.message
    elif len(q) >= 2:
        found = customers.search(q, per_page=8, count=False).items
    return render_template(
        "sales/_customer_picks.html", customers=found, error=error, q=q, exact=exact
    )


@bp.route("/checkout/customer", methods=["POST"])
def cart_customer():
    return _act(carts.set_customer, request.form.get("customer_id"), panels=CUSTOMER_PANELS)


@bp.route("/checkout/address", methods=["POST"])
def cart_address():
    return _act(carts.set_address, request.form.get("address_id"), panels=CUSTOMER_PANELS)


@bp.route("/checkout/address/new", methods=["POST"])
def cart_address_new():
    """Save a new shipping address; a refused one comes back as typed, the bad fields marked."""
    typed = request.form.to_dict()
    form = AddressForm(data={"kind": "shipping"} | typed)
    form.kind.data = "shipping"
    if not form.validate():
        errors = {f"address_form.{name}": " ".join(msgs) for name, msgs in form.errors.items()}
        return _respond(errors, 422, CUSTOMER_PANELS, address_form=typed)
    return _act(carts.add_address, form.values(), panels=CUSTOMER_PANELS, address_form=typed)


@bp.route("/checkout/scan", methods=["POST"])
def cart_scan():
    return _act(carts.add_item_by_code, request.form.get("code"))


@bp.route("/checkout/products")
@piece_of("sales.checkout")
def product_search():
    """Name search picks for the scan box (letters typed instead of a code)."""
    q = request.args.get("code", "").strip()[:100]
    found = []
    if len(q) >= 2 and not q.isdigit():
        found = search_products(ProductFilters(q=q, per_page=8)).items
    return render_template("sales/_product_picks.html", products=found, q=q)


@bp.route("/checkout/items", methods=["POST"])
def cart_add():
    return _act(carts.add_item, request.form.get("product_id"))


@bp.route("/checkout/lines/<int:line_id>/qty", methods=["POST"])
def cart_qty(line_id: int):
    step = {"inc": 1, "dec": -1}.get(request.form.get("step", ""))
    qty = request.form.get("qty")
    if step is not None:
        try:
            qty = int(qty or 0) + step
        except ValueError:
            qty = request.form.get("qty")
    return _act(carts.set_qty, line_id, qty)


@bp.route("/checkout/lines/<int:line_id>/price", methods=["POST"])
def cart_price(line_id: int):
    return _act(carts.set_price, line_id, request.form.get("unit_price"))


@bp.route("/checkout/lines/<int:line_id>/remove", methods=["POST"])
def cart_remove(line_id: int):
    return _act(carts.remove_line, line_id)


@bp.route("/checkout/payment", methods=["POST"])
def cart_payment():
    return _act(carts.set_payment_method, request.form.get("payment_method"), panels=("summary",))


@bp.route("/checkout/wallet", methods=["POST"])
def cart_wallet():
    use_all = request.form.get("use") == "all"
    amount = "0" if request.form.get("use") == "none" else request.form.get("wallet_amount")
    return _act(carts.set_wallet_amount, amount, use_all, panels=("summary",))


@bp.route("/checkout/park", methods=["POST"])
def cart_park():
    return _act(
        carts.park,
        request.form.get("label"),
        panels=ALL_PANELS,
        notice="Venda estacionada. Você pode retomá-la em “Vendas estacionadas”.",
    )


@bp.route("/checkout/parked/<int:cart_id>/resume", methods=["POST"])
def cart_resume(cart_id: int):
    return _act(
        carts.resume,
        cart_id,
        panels=ALL_PANELS,
        notice="Venda retomada.",
    )


@bp.route("/checkout/discard", methods=["POST"])
def cart_discard():
    return _act(
        carts.discard,
        request.form.get("cart_id") or None,
        panels=ALL_PANELS,
        notice="Venda descartada.",
    )


@bp.route("/checkout/review")
def checkout_review():
    warning = _sale_left_screen()
    if warning and request.htmx:
        # The dialog would offer the seller's current sale, not the one on screen: redraw
        # the screen with the notice instead of opening it (checkout.js keeps it closed).
        response = _respond(panels=ALL_PANELS, warning=warning)
        response.headers["HX-Reswap"] = "none"
        return response
    view = views.build(carts.get_active_cart(current_user))
    template = "sales/_review.html" if request.htmx else "sales/review.html"
    return render_template(template, view=view)


@bp.route("/checkout/confirm", methods=["POST"])
def checkout_confirm():
    """Create the order from the posted cart; a repeat of the same cart lands on its order."""
    try:
        cart = carts.get_cart(current_user, request.form.get("cart_id"))
    except NotFound:
        return redirect(url_for("sales.checkout"))
    try:
        order_id = carts.confirm(current_user, cart)
    except DomainError as exc:
        return _confirm_failed(cart, exc)
    url = url_for("sales.order_detail", order_id=order_id, new=1)
    return redirect_after_post(url)


def _confirm_failed(cart, exc: DomainError):
    errors = views.map_errors(cart, exc)
    if cart.status != "open":  # a parked cart posted from an old tab: show the live one
        return _respond(errors, exc.status)
    view = views.build(cart, errors)
    if not request.htmx:
        return views.page(view, exc.status)
    response = views.partials(view, ("customer", "lines", "summary", "scan"), exc.status)
    return trigger(response, "checkout:failed")
