"""Parsing of the sales screens' inputs: customer box, order filters, transition dialogs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from webapp.core import documents
from webapp.core.ids import parse_id
from webapp.core.pagination import clamp

ORDER_STATUSES = {
    "created": "Criado",
    "paid": "Pago",
    "shipped": "Enviado",
    "delivered": "Entregue",
    "cancelled": "Cancelado",
}
MAX_REASON = 200
MAX_TRACKING = 60


def looks_like_document(text: str) -> bool:
    """A complete CPF (11 digits) or CNPJ (14), masked or not: look it up exactly."""
    digits = documents.only_digits(text)
    return documents.looks_numeric(text) and len(digits) in (11, 14)


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None


@dataclass
class OrderFilters:
    """Filters of the orders list, read from the URL without ever failing on bad input."""

    status: str = ""
    seller_id: int | None = None
    customer_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 25

    @classmethod
    def from_args(cls, args: Any, is_admin: bool) -> OrderFilters:
        page, per_page = clamp(args.get("page", 1), args.get("per_page", 25))
        status = args.get("status", "")
        return cls(
            status=status if status in ORDER_STATUSES else "",
            seller_id=parse_id(args.get("seller")) if is_admin else None,
            customer_id=parse_id(args.get("customer")),
            date_from=_date(args.get("from")),
            date_to=_date(args.get("to")),
            page=page,
            per_page=per_page,
        )

    def service_args(self) -> dict[str, Any]:
        """Keyword arguments of ``sales.services.list_order_rows`` (local calendar days)."""
        start, end = self.date_from, self.date_to
        if start and end and start > end:  # a reversed period still means that period
            start, end = end, start
        return {
            "status": self.status or None,
            "seller_id": self.seller_id,
            "customer_id": self.customer_id,
            "date_from": start,
            "date_to": end,
            "page": self.page,
            "per_page": self.per_page,
        }

    def url_args(self, **overrides: Any) -> dict[str, Any]:
        args = {
            "status": self.status,
            "seller": self.seller_id,
            "customer": self.customer_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(
            self.status or self.seller_id or self.customer_id or self.date_from or self.date_to
        )


def clean_note(raw: Any, limit: int) -> str | None:
    text = " ".join(str(raw or "").split())
    return text[:limit] or None
