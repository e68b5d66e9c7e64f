"""Catalog use cases: products, categories, stock adjustments, history.

Stock moves live in :mod:`webapp.catalog.stock` and are re-exported here, so other modules
(sales) call ``catalog.services.move_stock`` / ``move_stock_many``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from webapp.catalog.errors import InsufficientStock, SkuTaken, VersionConflict
from webapp.catalog.models import Category, Product, StockMovement
from webapp.catalog.serializers import product_json
from webapp.catalog.stock import StockLine, move_stock, move_stock_many
from webapp.catalog.validation import EDITABLE_FIELDS, clean_product, clean_quantity
from webapp.core.domain import NotFound, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.pagination import Page, paginate
from webapp.core.uow import UnitOfWork, unit_of_work
from webapp.extensions import db
from webapp.identity.settings import get_settings

__all__ = [
    "InsufficientStock",
    "StockLine",
    "adjust_stock",
    "create_product",
    "get_product",
    "move_stock",
    "move_stock_many",
    "update_product",
]

INITIAL_STOCK_REASON = "Estoque inicial"
MAX_VERSION = 2**31 - 1  # products.version is an INTEGER column


# --- reading -------------------------------------------------------------------------------


def get_product(product_id: int) -> Product:
    """The product of the current tenant, or NotFound (another tenant's id is not found)."""
    product = db.session.get(Product, product_id) if is_id(product_id) else None
    if product is None:
        raise NotFound("Produto não encontrado.")
    return product


def default_tax_rate() -> Decimal:
    """The tenant's "alíquota padrão": what a product saved without a tax rate gets."""
    return get_settings().default_tax_rate


def list_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.name)))


def movements_page(product_id: int, page: int, per_page: int = 20) -> Page:
    query = (
        select(StockMovement)
        .where(StockMovement.product_id == product_id)
        .order_by(StockMovement.id.desc())
    )
    return paginate(db.session, query, page, per_page)


# --- writing -------------------------------------------------------------------------------


def _category_for(uow: UnitOfWork, name: str | None) -> Category | None:
    """The tenant's category with this name (case-insensitive), created on first use."""
    if not name:
        return None
    query = select(Category).where(func.lower(Category.name) == name.lower())
    category = uow.session.scalars(query).first()
    if category is None:
        category = Category(name=name)
        uow.session.add(category)
        uow.session.flush()
    return category


def _ensure_unique(session, sku: str, ean: str | None, exclude_id: int | None) -> None:
    query = select(Product.id, Product.sku, Product.ean).where(
        or_(Product.sku == sku, Product.ean == ean) if ean else Product.sku == sku
    )
    if exclude_id is not None:
        query = query.where(Product.id != exclude_id)
    for other in session.execute(query):
        if other.sku == sku:
            raise SkuTaken(
                f"Já existe um produto com o SKU {sku}.",
                field="sku",
                details={"product_id": other.id},
            )
        raise ValidationFailed(
            f"Este EAN já está cadastrado no produto {other.sku}.",
            field="ean",
            details={"product_id": other.id},
        )


def _flush_unique(uow: UnitOfWork, sku: str) -> None:
    # The unique indexes are the last word when two admins save the same SKU at once.
    try:
        uow.session.flush()
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "ean" in text:
            raise ValidationFailed("Este EAN já está cadastrado.", field="ean") from exc
        raise SkuTaken(f"Já existe um produto com o SKU {sku}.", field="sku") from exc


def _assign(product: Product, values: Mapping[str, Any], category: Category | None) -> None:
    for key in EDITABLE_FIELDS:
        if key != "category":
            setattr(product, key, values[key])
    product.category = category
    product.category_id = category.id if category else None


def check_product(data: Mapping[str, Any], product_id: int | None = None) -> None:
    """Dry run of create/update for inline validation: rules and uniqueness, nothing saved."""
    values = clean_product(data, with_stock=product_id is None, default_tax_rate=default_tax_rate())
    _ensure_unique(db.session, values["sku"], values["ean"], product_id)


def create_product(data: Mapping[str, Any], actor: Any = None) -> Product:
    """Create a product; initial stock goes through the kardex as an "in" movement."""
    values = clean_product(data, default_tax_rate=default_tax_rate())
    with unit_of_work(actor) as uow:
        _ensure_unique(uow.session, values["sku"], values["ean"], None)
        product = Product(stock_qty=values["stock_qty"])
        _assign(product, values, _category_for(uow, values["category"]))
        uow.session.add(product)
        _flush_unique(uow, values["sku"])
        if product.stock_qty:
            uow.session.add(initial_stock_movement(product, INITIAL_STOCK_REASON, uow.actor_id))
    return product


def initial_stock_movement(product: Product, reason: str, actor_id: int | None) -> StockMovement:
    """The kardex row of a new product's opening stock (flushed product, stock_qty > 0)."""
    return StockMovement(
        product_id=product.id,
        kind="in",
        qty=product.stock_qty,
        before_qty=0,
        after_qty=product.stock_qty,
        reason=reason,
        actor_id=actor_id,
    )


def _merged_input(product: Product, data: Mapping[str, Any]) -> dict[str, Any]:
    """Current values overlaid with the given ones (PATCH sends only what changes)."""
    current = {key: getattr(product, key) for key in EDITABLE_FIELDS if key != "category"}
    current["category"] = product.category.name if product.category else None
    current.update({key: value for key, value in data.items() if key in EDITABLE_FIELDS})
    return current


def parse_version(raw: Any) -> int:
    try:
        version = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "Versão do registro ausente: recarregue a página.", field="version"
        ) from None
    if not 0 <= version <= MAX_VERSION:
        raise ValidationFailed("Versão do registro inválida: recarregue a página.", field="version")
    return version


def update_product(
    product_id: int, expected_version: Any, data: Mapping[str, Any], actor: Any = None
) -> Product:
    """Save an edit made on ``expected_version``; a stale version raises VersionConflict."""
    version = parse_version(expected_version)
    with unit_of_work(actor) as uow:
        product = get_product(product_id)
        if product.version != version:
            raise _conflict(product)
        values = clean_product(
            _merged_input(product, data), with_stock=False, default_tax_rate=default_tax_rate()
        )
        _ensure_unique(uow.session, values["sku"], values["ean"], product.id)
        _assign(product, values, _category_for(uow, values["category"]))
        try:
            # The ORM's UPDATE carries "AND version = :read_version": a writer that slipped
            # in between our read and this write makes it match no row.
            _flush_unique(uow, values["sku"])
        except StaleDataError:
            uow.session.rollback()
            raise _conflict(get_product(product_id)) from None
    return product


def _conflict(product: Product) -> VersionConflict:
    db.session.refresh(product)
    return VersionConflict(details={"current": product_json(product)})


def adjust_stock(
    product_id: int, kind: str, qty: Any, reason: str, actor: Any = None
) -> StockMovement:
    """Manual entrada/saída by an admin (reason required)."""
    if kind not in {"in", "out"}:
        raise ValidationFailed("Escolha entrada ou saída.", field="kind")
    try:
        amount = clean_quantity(qty, "A quantidade", allow_zero=False, default=0)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="qty") from None
    if amount == 0:
        raise ValidationFailed("Informe a quantidade.", field="qty")
    return move_stock(product_id, kind, amount, reason, actor=actor)
