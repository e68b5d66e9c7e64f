"""What the checkout screen shows: the cart, the server's quote, errors mapped to elements."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import render_template
from flask_login import current_user

from webapp.core.domain import DomainError
from webapp.core.htmx import render_partials
from webapp.core.money import ZERO
from webapp.sales import cart as carts
from webapp.sales import services as sales

# checkout()'s field names -> the screen element that shows the message.
FIELD_TARGETS = {
    "customer_id": "customer",
    "shipping_address_id": "address",
    "payment_method": "payment_method",
    "wallet_amount": "wallet_amount",
    "items": "code",
}
PANELS = {
    "customer": "sales/_customer.html",
    "lines": "sales/_lines.html",
    "summary": "sales/_summary.html",
    "scan": "sales/_scan_feedback.html",
    "parked": "sales/_parked.html",
}


@dataclass
class LineView:
    line: Any
    quoted: Any
    problem: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckoutView:
    cart: Any
    quote: Any
    lines: list[LineView]
    errors: dict[str, str]
    balance: Decimal = ZERO
    parked: list = field(default_factory=list)
    notice: str | None = None
    # What was typed in the new-address form, shown again when it was refused.
    address_form: dict[str, str] = field(default_factory=dict)
    warning: str | None = None  # the sale on screen changed in another tab

    @property
    def problems(self) -> list[str]:
        return [lv.problem for lv in self.lines if lv.problem]

    @property
    def address_errors(self) -> bool:
        return any(name.startswith("address_form.") for name in self.errors)

    @property
    def complete(self) -> bool:
        """A customer, a shipping address and at least one item: a sale to check."""
        cart = self.cart
        return bool(cart.lines and cart.customer_id and cart.shipping_address_id)

    @property
    def ready(self) -> bool:
        return self.complete and not (self.problems or self.quote.payment_problem)


def map_errors(cart, exc: DomainError) -> dict[str, str]:
    """A service error -> {element: message}; ``items.<i>`` lands on cart line i."""
    by_index = carts.line_index(cart)
    errors: dict[str, str] = {}
    for name, message in (exc.fields or {}).items():
        if name in by_index:
            errors[f"lines.{by_index[name]}.qty"] = message
        else:
            errors[FIELD_TARGETS.get(name, name)] = message
    return errors or {"confirm": exc.message}


def build(
    cart,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    address_form: dict[str, str] | None = None,
    warning: str | None = None,
) -> CheckoutView:
    errors = dict(errors or {})
    quote = sales.quote(
        customer_id=cart.customer_id,
        items=carts.to_checkout_items(cart),
        wallet_amount=cart.wallet_amount,
        payment_method=cart.payment_method,
    )
    if quote.payment_problem and errors.get("wallet_amount") == quote.payment_problem:
        del errors["wallet_amount"]  # a failed confirm's message: the summary shows it already
    return CheckoutView(
        cart,
        quote,
        _line_views(cart, quote, errors),
        errors,
        quote.balance,
        carts.parked_carts(current_user),
        notice,
        address_form or {},
        warning,
    )


def _line_views(cart, quote, errors: dict[str, str]) -> list[LineView]:
    """Each cart line with its quote, its problem and its errors (``lines.<id>.<field>``)."""
    problems = getattr(quote, "problems", {}) or {}
    lines = []
    for i, line in enumerate(cart.lines):
        prefix = f"lines.{line.id}."
        mine = {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)}
        problem = problems.get(f"items.{i}")
        if problem and mine.get("qty") == problem:
            del mine["qty"]  # a failed confirm's stock message: the line shows it already
        quoted = quote.lines[i] if i < len(quote.lines) else None
        lines.append(LineView(line, quoted, problem, mine))
    return lines


def partials(view: CheckoutView, names: tuple[str, ...], status: int = 200):
    """The named panels as out-of-band fragments (each owns its root id)."""
    return render_partials(
        *[(PANELS[name], {"view": view, "oob": True}) for name in names], status=status
    )


def page(view: CheckoutView, status: int = 200):
    return render_template("sales/checkout.html", view=view), status
