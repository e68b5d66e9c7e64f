"""Products and movements as JSON (API bodies and ``version_conflict`` details)."""

from __future__ import annotations

from typing import Any

from webapp.catalog.models import Product, StockMovement
from webapp.core.money import to_api


def product_json(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "sku": product.sku,
        "ean": product.ean,
        "name": product.name,
        "category": product.category.name if product.category else None,
        "category_id": product.category_id,
        "cost_price": to_api(product.cost_price),
        "sale_price": to_api(product.sale_price),
        "min_price": to_api(product.min_price),
        "max_price": to_api(product.max_price),
        "tax_rate": f"{product.tax_rate:.2f}",
        "stock_qty": product.stock_qty,
        "low_stock_threshold": product.low_stock_threshold,
        "stock_level": product.stock_level,
        "active": product.active,
        "version": product.version,
        "created_at": product.created_at.isoformat() if product.created_at else None,
        "updated_at": product.updated_at.isoformat() if product.updated_at else None,
    }


def movement_json(movement: StockMovement) -> dict[str, Any]:
    return {
        "id": movement.id,
        "product_id": movement.product_id,
        "kind": movement.kind,
        "qty": movement.qty,
        "before_qty": movement.before_qty,
        "after_qty": movement.after_qty,
        "reason": movement.reason,
        "actor_id": movement.actor_id,
        "order_id": movement.order_id,
        "created_at": movement.created_at.isoformat(),
    }
