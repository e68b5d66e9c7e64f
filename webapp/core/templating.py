"""Jinja filters and globals: pt-BR money, dates in America/Sao_Paulo, navigation."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from webapp.core.documents import format_cep, format_document, format_phone
from webapp.core.money import format_brl
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


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["brl"] = format_brl
    app.jinja_env.filters["datetime_br"] = format_datetime
    app.jinja_env.filters["date_br"] = format_date
    app.jinja_env.filters["cpf_cnpj"] = format_document
    app.jinja_env.filters["cep"] = format_cep
    app.jinja_env.filters["phone"] = format_phone
    install_navigation(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
