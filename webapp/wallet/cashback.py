"""Cashback settings: the tenant's rules (rate, minimum order, per-category overrides).

The tenant rate and minimum order live in ``TenantSettings`` (identity settings page); the
per-category overrides live in ``category_cashback_rates``. ``cashback_rules()`` reads all of
them in one query for the cashback job and the checkout screen; the arithmetic itself is
``webapp.wallet.rules.cashback_for`` (pure).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select, true

from webapp.catalog.models import Category
from webapp.core.domain import NotFound, PermissionDenied, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.money import ZERO, InvalidMoney, parse_money
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity.settings import setting_column
from webapp.wallet.models import CategoryCashbackRate
from webapp.wallet.rules import HUNDRED, cashback_for

CartLine = tuple[int | None, Decimal]  # (category_id or None, line_total)


class CategoryNotFound(NotFound):
    default_message = "Categoria não encontrada."


@dataclass(frozen=True)
class CashbackRules:
    """The tenant's cashback rules; ``category_rates`` maps category id -> percent."""

    rate: Decimal
    min_order: Decimal
    category_rates: dict[int, Decimal] = field(default_factory=dict)

    def cashback(self, lines: Iterable[CartLine], paid_with_money: Decimal) -> Decimal:
        """Cashback of an order whose ``lines`` total is partly paid with money."""
        totals: dict[int | None, Decimal] = {}
        for category_id, line_total in lines:
            totals[category_id] = totals.get(category_id, ZERO) + Decimal(line_total)
        order_total = sum(totals.values(), ZERO)
        # Never more money than the order total, never less than nothing.
        money = min(max(Decimal(paid_with_money), ZERO), order_total)
        return cashback_for(
            money,
            self.rate,
            order_total=order_total,
            category_totals=totals,
            category_overrides=self.category_rates,
            min_order=self.min_order or None,
        )


# Built once, run for every order the cashback job credits: one row per category rate (or
# one row without a category), each carrying the tenant's rate and minimum order.
_RULES = select(
    setting_column("cashback_rate"),
    setting_column("cashback_min_order"),
    CategoryCashbackRate.category_id,
    CategoryCashbackRate.rate,
).outerjoin_from(select(true()).subquery(), CategoryCashbackRate, true())


def cashback_rules() -> CashbackRules:
    """The current tenant's cashback rules (tenant settings + category overrides)."""
    rows = db.session.execute(_RULES).all()
    return CashbackRules(
        rate=Decimal(rows[0].cashback_rate),
        min_order=Decimal(rows[0].cashback_min_order),
        category_rates={
            row.category_id: Decimal(row.rate) for row in rows if row.category_id is not None
        },
    )


def estimate_cashback(
    lines: Iterable[CartLine], wallet_amount: Decimal | None, rules: CashbackRules | None = None
) -> Decimal:
    """Cashback a cart will earn when ``wallet_amount`` of it is paid with balance.

    Pure given ``rules`` (the checkout screen passes them once per request); without them the
    current tenant's rules are read.
    """
    lines = list(lines)
    rules = rules or cashback_rules()
    total = sum((Decimal(line_total) for _, line_total in lines), ZERO)
    return rules.cashback(lines, total - Decimal(wallet_amount or ZERO))


@dataclass(frozen=True)
class CategoryRate:
    category_id: int
    name: str
    rate: Decimal | None  # None: the category earns the tenant's rate


def _rates_query():
    return select(Category.id, Category.name, CategoryCashbackRate.rate).outerjoin(
        CategoryCashbackRate, CategoryCashbackRate.category_id == Category.id
    )


def category_rates() -> list[CategoryRate]:
    """Every category of the tenant with its override (if any), by name."""
    rows = db.session.execute(_rates_query().order_by(Category.name)).all()
    return [CategoryRate(*row) for row in rows]


def _category(category_id: int) -> Category:
    category = db.session.get(Category, category_id) if is_id(category_id) else None
    if category is None:
        raise CategoryNotFound()
    return category


def category_rate(category_id: int) -> CategoryRate:
    """One category of the tenant with its override; CategoryNotFound (404) otherwise."""
    _category(category_id)
    row = db.session.execute(_rates_query().where(Category.id == category_id)).one()
    return CategoryRate(*row)


def _parse_rate(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        rate = parse_money(raw.replace("%", "") if isinstance(raw, str) else raw)
    except InvalidMoney as exc:
        raise ValidationFailed("Informe um percentual, como 7,5.", field="rate") from exc
    if not ZERO <= rate <= HUNDRED:
        raise ValidationFailed("O percentual deve estar entre 0% e 100%.", field="rate")
    return rate


def set_category_rate(actor: Any, category_id: int, raw_rate: Any) -> CategoryRate:
    """Set (or, with an empty rate, clear) a category's cashback rate. Admin only, audited."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied("Somente administradores alteram as regras de cashback.")
    with unit_of_work(actor) as uow:
        category = _category(category_id)
        rate = _parse_rate(raw_rate)
        current = uow.session.scalar(
            select(CategoryCashbackRate).where(CategoryCashbackRate.category_id == category_id)
        )
        if rate is None and current is not None:
            uow.session.delete(current)
        elif rate is not None and current is None:
            uow.session.add(CategoryCashbackRate(category_id=category_id, rate=rate))
        elif rate is not None and current.rate != rate:
            current.rate = rate
        return CategoryRate(category.id, category.name, rate)
