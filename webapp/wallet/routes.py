"""Wallet screens: the customer's wallet tab (balance, statement, CSV), the admin adjustment
dialog, the new-cashback poll and the per-category cashback settings.

The wallet tab is rendered inside the customer page (templates/customers/_wallet_tab.html
calls the ``wallet_tab`` template global), so the first paint needs no extra request; the
filter, infinite scroll, poll and dialog then talk to the routes below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from webapp.core.context import current_tenant_id, tenant_context
from webapp.core.domain import DomainError, ValidationFailed
from webapp.core.downloads import csv_download
from webapp.core.htmx import piece_of, render, render_partials, trigger
from webapp.core.ids import MAX_ID
from webapp.core.money import format_brl
from webapp.core.pagination import Page, clamp
from webapp.customers import services as customer_services
from webapp.customers.models import Customer
from webapp.identity.decorators import admin_required
from webapp.wallet import cashback, queries, services
from webapp.wallet.forms import AdjustmentForm
from webapp.wallet.models import TransactionKind

bp = Blueprint("wallet", __name__)

PER_PAGE = 20


@dataclass
class Period:
    date_from: date | None = None
    date_to: date | None = None
    error: str | None = None

    def args(self) -> dict[str, str]:
        """The period as URL query arguments (only the parts set)."""
        values = {"from": self.date_from, "to": self.date_to}
        return {key: value.isoformat() for key, value in values.items() if value}


def _parse_day(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    return date.fromisoformat(raw) if raw else None


def read_period(args) -> Period:
    """``from``/``to`` (aaaa-mm-dd) from the query string; a bad period is shown, not raised."""
    try:
        period = Period(_parse_day(args.get("from")), _parse_day(args.get("to")))
    except ValueError:
        return Period(error="Data inválida: use o seletor de datas (dd/mm/aaaa).")
    try:
        queries.period_bounds(period.date_from, period.date_to)
    except ValidationFailed as exc:
        return Period(error=exc.message)
    return period


@dataclass
class WalletView:
    customer: Customer
    balance: Decimal
    statement: Page
    period: Period
    last_entry_id: int


def wallet_view(customer: Customer, args, page: int = 1) -> WalletView:
    period = read_period(args)
    return WalletView(
        customer=customer,
        balance=services.balance(customer.id),
        statement=queries.statement(
            customer.id, period.date_from, period.date_to, page=page, per_page=PER_PAGE
        ),
        period=period,
        last_entry_id=queries.last_entry_id(customer.id),
    )


@bp.app_template_global("wallet_tab")
def wallet_tab(customer: Customer) -> WalletView:
    """Context of the wallet tab for the customer page (period from the page's URL)."""
    return wallet_view(customer, request.args)


def _tab_url(customer_id: int, period: Period) -> str:
    return url_for("customers.detail", customer_id=customer_id, tab="wallet", **period.args())


@bp.route("/customers/<int:customer_id>/wallet")
def panel(customer_id: int):
    """The wallet panel for the period filter; the address bar keeps the period."""
    customer = customer_services.get_customer(customer_id)
    view = wallet_view(customer, request.args)
    if not request.htmx:
        return redirect(_tab_url(customer_id, view.period))
    response = render_partials(("wallet/_panel.html", {"wallet": view}))
    response.headers["HX-Push-Url"] = _tab_url(customer_id, view.period)
    return response


@bp.route("/customers/<int:customer_id>/wallet/rows")
@piece_of("customers.detail", keep_args=("from", "to"), tab="wallet")
def rows(customer_id: int):
    """Next page of statement rows (infinite scroll)."""
    customer = customer_services.get_customer(customer_id)
    page, _ = clamp(request.args.get("page"), PER_PAGE)
    view = wallet_view(customer, request.args, page=page)
    return render_template("wallet/_rows.html", wallet=view)


@bp.route("/customers/<int:customer_id>/wallet/changes")
def changes(customer_id: int):
    """Poll: 204 while nothing moved since ``since``; else the refreshed panel, plus a toast
    for each cashback credited meanwhile (the job runs in the background after payment)."""
    customer = customer_services.get_customer(customer_id)
    new = queries.entries_after(customer_id, _since_id(request.args.get("since", "")))
    if not new:
        return Response(status=204)
    toasts = [
        ("wallet/_oob_toast.html", {"message": _cashback_message(entry.amount)})
        for entry in new
        if entry.kind == TransactionKind.CASHBACK_CREDIT
    ]
    view = wallet_view(customer, request.args)
    return render_partials(("wallet/_panel.html", {"wallet": view}), *toasts)


def _since_id(raw: str) -> int:
    """The poll's last seen entry id; a number past any BIGINT id (a tampered URL) has
    nothing after it, and handed to the database as is it overflowed the column (500)."""
    return min(int(raw), MAX_ID) if raw.isascii() and raw.isdigit() else 0


def _cashback_message(amount: Decimal) -> str:
    return f"Cashback de {format_brl(amount)} creditado"


@bp.route("/customers/<int:customer_id>/wallet/statement.csv")
def statement_csv(customer_id: int):
    """The statement of the period as CSV, streamed (no whole-file buffer)."""
    customer = customer_services.get_customer(customer_id)
    period = read_period(request.args)
    if period.error:
        raise ValidationFailed(period.error, field="from")
    tenant_id = current_tenant_id.get()

    def lines():
        # The body is produced after the view returns (teardown cleared the tenant): keep it.
        with tenant_context(tenant_id):
            yield from queries.statement_csv(customer_id, period.date_from, period.date_to)

    suffix = "-".join(period.args().values()) or "completo"
    filename = f"extrato-cliente-{customer.id}-{suffix}.csv"
    return csv_download(stream_with_context(lines()), filename)


def _adjust_page(customer: Customer, form: AdjustmentForm, status: int = 200):
    form.ensure_key()
    return render(
        "wallet/adjust.html",
        "wallet/_adjust_form.html",
        status=status,
        customer=customer,
        form=form,
        balance=services.balance(customer.id),
    )


@bp.route("/customers/<int:customer_id>/wallet/adjustments/new")
@admin_required
def adjust_form(customer_id: int):
    return _adjust_page(customer_services.get_customer(customer_id), AdjustmentForm())


@bp.route("/customers/<int:customer_id>/wallet/adjustments", methods=["POST"])
@admin_required
def adjust(customer_id: int):
    customer = customer_services.get_customer(customer_id)
    form = AdjustmentForm()
    if not form.validate():
        return _adjust_page(customer, form, status=422)
    try:
        txn = services.manual_adjustment(
            current_user,
            customer_id,
            form.signed_amount(),
            form.reason.data,
            form.idempotency_key.data,
        )
    except DomainError as exc:
        form.add_errors(exc.fields or {"": exc.message})
        return _adjust_page(customer, form, status=exc.status)
    return _adjusted(customer, txn.amount, form.signed_amount())


def _adjusted(customer: Customer, amount: Decimal, signed: Decimal):
    kind = "Crédito" if signed > 0 else "Débito"
    message = f"{kind} de {format_brl(amount)} registrado na carteira de {customer.name}."
    if not request.htmx:
        flash(message, "success")
        return redirect(url_for("customers.detail", customer_id=customer.id, tab="wallet"))
    response = render_partials(
        ("wallet/_adjust_done.html", {"message": message}),
        ("wallet/_oob_toast.html", {"message": message}),
    )
    # The wallet panel listens for this and refreshes itself (keeping its period filter).
    return trigger(response, "wallet-changed", {"customer_id": customer.id})


# --- cashback settings (admin) ---------------------------------------------------------------


@bp.route("/settings/cashback")
@admin_required
def cashback_settings():
    from webapp.identity.settings import get_settings

    return render_template(
        "wallet/cashback_settings.html",
        categories=cashback.category_rates(),
        settings=get_settings(),
    )


@bp.route("/settings/cashback/categories/<int:category_id>", methods=["POST"])
@admin_required
def cashback_category(category_id: int):
    """Set (or clear, when the rate is empty or the clear button is used) one category's rate."""
    raw = None if "clear" in request.form else request.form.get("rate")
    error, status = None, 200
    try:
        row = cashback.set_category_rate(current_user, category_id, raw)
    except ValidationFailed as exc:
        row = cashback.category_rate(category_id)
        error, status = exc.message, exc.status
    if not request.htmx:
        flash(error or f"Cashback da categoria {row.name} salvo.", "danger" if error else "success")
        return redirect(url_for("wallet.cashback_settings"))
    return render_template(
        "wallet/_category_rate_row.html", row=row, error=error, typed=raw
    ), status
