"""Jinja filters and globals: pt-BR money, dates in America/Sao_Paulo, navigation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from markupsafe import Markup

from webapp.core.documents import format_cep, format_document, format_phone
from webapp.core.money import format_brl, format_number
from webapp.core.navigation import install_navigation


def local_time(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def format_datetime(value: datetime | None) -> str:
    return local_time(value).strftime("%d/%m/%Y %H:%M") if value else ""


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value).date()
    return value.strftime("%d/%m/%Y")


# Label and Bootstrap colour of each status a badge shows (orders, customers and users, jobs).
STATUS_BADGES: dict[str, tuple[str, str]] = {
    "created": ("Criado", "secondary"),
    "paid": ("Pago", "primary"),
    "shipped": ("Enviado", "info"),
    "delivered": ("Entregue", "success"),
    "cancelled": ("Cancelado", "danger"),
    "active": ("Ativo", "success"),
    "inactive": ("Inativo", "secondary"),
    "queued": ("Na fila", "secondary"),
    "running": ("Em andamento", "info"),
    "done": ("Concluído", "success"),
    "failed": ("Falhou", "danger"),
}


# money() and status_badge() run once or twice per table row; as Python functions they cost
# a fraction of the Jinja macros they replace (a quarter of a millisecond per order list).
def money_html(value: Decimal | None, signed: bool = False) -> Markup:
    """An amount in a ``.money`` span; ``signed`` colours credits green and debits red."""
    tone = ""
    if signed and value is not None and value < 0:
        tone = " text-danger"
    elif signed and value is not None and value > 0:
        tone = " text-success"
    # format_brl yields digits, "R$", separators and a sign: nothing to escape.
    return Markup(f'<span class="money{tone}">{format_brl(value)}</span>')


def _badge(status: str, label: str, color: str) -> Markup:
    return Markup('<span class="badge rounded-pill text-bg-{}" data-status="{}">{}</span>').format(
        color, status, label
    )


_BADGES = {status: _badge(status, *look) for status, look in STATUS_BADGES.items()}


def status_badge_html(status: str) -> Markup:
    badge = _BADGES.get(status)
    return badge if badge is not None else _badge(status, status, "secondary")


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["money"] = money_html
    app.jinja_env.globals["status_badge"] = status_badge_html
    app.jinja_env.filters["brl"] = format_brl
    app.jinja_env.filters["number_br"] = format_number
    app.jinja_env.filters["datetime_br"] = format_datetime
    app.jinja_env.filters["date_br"] = format_date
    app.jinja_env.filters["cpf_cnpj"] = format_document
    app.jinja_env.filters["cep"] = format_cep
    app.jinja_env.filters["phone"] = format_phone
    install_navigation(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
