"""Tenant settings: one row per tenant that other modules read through ``get_settings``
(or, inside a query of their own, ``setting_column``).

A tenant has no row until an admin first saves: both answer the column defaults until
then (so creating a tenant writes no extra audit entry).

A module that needs a new setting adds a column to ``TenantSettings``, a rule to
``RULES`` below and a field to ``SettingsForm``; the page shows every form field.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, inspect, select

from webapp.core.domain import ValidationFailed
from webapp.core.money import MAX_MONEY, format_brl
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity.models import TenantSettings, User

_HUNDRED = Decimal("100")
_ZERO = Decimal("0")


def _percent(label: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, Decimal) or not _ZERO <= value <= _HUNDRED:
            return f"{label} deve estar entre 0% e 100%."
        return None

    return check


def _non_negative_money(label: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, Decimal) or value < _ZERO:
            return f"{label} deve ser um valor a partir de R$ 0,00."
        if value > MAX_MONEY:
            return f"{label} deve ser no máximo {format_brl(MAX_MONEY)}."
        return None

    return check


# Editable settings and how each one is checked (None = fine, else the pt-BR message).
RULES: dict[str, Callable[[Any], str | None]] = {
    "cashback_rate": _percent("O percentual de cashback"),
    "cashback_min_order": _non_negative_money("O pedido mínimo para cashback"),
    "default_tax_rate": _percent("A alíquota padrão"),
}


def _default(name: str) -> Any:
    return inspect(TenantSettings).columns[name].default.arg


def _defaults() -> TenantSettings:
    """An unsaved row carrying the column defaults (for tenants without a row yet)."""
    settings = TenantSettings()
    for name in RULES:
        setattr(settings, name, _default(name))
    return settings


def setting_column(name: str) -> ColumnElement:
    """The current tenant's setting ``name`` as a SQL expression (its default until the
    tenant saves one), for a module that folds its settings into a query it already runs.

    Selected through the mapped attribute: a bare table column would escape the tenant's
    criteria and read any tenant's row."""
    setting = select(getattr(TenantSettings, name)).scalar_subquery()
    return func.coalesce(setting, _default(name)).label(name)


def get_settings(tenant_id: int | None = None) -> TenantSettings:
    """Settings of ``tenant_id`` (any context) or, without it, of the current tenant."""
    query = select(TenantSettings)
    if tenant_id is not None:
        query = query.where(TenantSettings.tenant_id == tenant_id).execution_options(
            all_tenants=True
        )
    return db.session.scalars(query).first() or _defaults()


def update_settings(actor: User, **values: Any) -> TenantSettings:
    """Change some settings of the actor's tenant (audited)."""
    unknown = set(values) - set(RULES)
    if unknown:
        raise ValidationFailed(f"Configuração desconhecida: {', '.join(sorted(unknown))}.")
    errors = {name: msg for name, value in values.items() if (msg := RULES[name](value))}
    if errors:
        raise ValidationFailed(fields=errors)
    with unit_of_work(actor) as uow:
        settings = uow.session.scalars(select(TenantSettings).with_for_update()).first()
        if settings is None:
            settings = TenantSettings()
            uow.session.add(settings)
        for name, value in values.items():
            setattr(settings, name, value)
    return settings
