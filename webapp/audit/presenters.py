"""Turn stored audit JSON into what a person reads: pt-BR labels and formatted values.

Used by the templates (registered as globals by the blueprint); pure functions of their
arguments so they are easy to test and never touch the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from webapp.audit import labels
from webapp.core import documents
from webapp.core.audit import AuditEntry
from webapp.core.money import format_brl

# Bookkeeping columns: the "when" column already says when, ids are in the record column.
HIDDEN_FIELDS = frozenset({"id", "tenant_id", "created_at", "updated_at", "version"})
EMPTY = "—"

_MONEY = re.compile(r"^-?\d+\.\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ACTION_STYLES = {"create": "success", "update": "primary", "delete": "danger"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str | None  # None: the field had no previous state (a creation)
    after: str | None  # None: the field has no new state (a deletion)


def field_changes(entry: AuditEntry, tz: ZoneInfo) -> list[FieldChange]:
    """One row per visible column: before -> after for updates, the values for creates/deletes."""
    before, after = entry.before or {}, entry.after or {}
    names = list(after) + [name for name in before if name not in after]
    table = entry.table_name
    return [
        FieldChange(
            field=name,
            label=labels.field_label(table, name),
            before=format_value(table, name, before[name], tz) if name in before else None,
            after=format_value(table, name, after[name], tz) if name in after else None,
        )
        for name in names
        if name not in HIDDEN_FIELDS
    ]


def format_value(table: str, field: str, value: Any, tz: ZoneInfo) -> str:
    """A stored JSON value as a Brazilian reader expects it (Sim/Não, R$, dd/mm/aaaa)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Sim" if value else "Não"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str) and (label := labels.value_label(table, field, value)):
        return label
    kind = labels.value_format(table, field) or _guess_format(value)
    return _FORMATTERS.get(kind, _as_text)(value, tz)


def _guess_format(value: Any) -> str:
    if not isinstance(value, str):
        return "text"
    if _MONEY.match(value):
        return "money"
    if _ISO_DATETIME.match(value):
        return "datetime"
    if _ISO_DATE.match(value):
        return "date"
    return "text"


def _as_text(value: Any, tz: ZoneInfo) -> str:
    return str(value)


def _as_money(value: Any, tz: ZoneInfo) -> str:
    try:
        return format_brl(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _as_percent(value: Any, tz: ZoneInfo) -> str:
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return f"{number:f}".replace(".", ",") + "%"


def _as_datetime(value: Any, tz: ZoneInfo) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:  # the audit trail stores UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def _as_date(value: Any, tz: ZoneInfo) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _masked(formatter):
    return lambda value, tz: formatter(str(value))


_FORMATTERS = {
    "cpf_cnpj": _masked(documents.format_document),
    "cep": _masked(documents.format_cep),
    "phone": _masked(documents.format_phone),
    "text": _as_text,
    "money": _as_money,
    "percent": _as_percent,
    "datetime": _as_datetime,
    "date": _as_date,
}


def record_label(table: str, record_id: str | None) -> str:
    """``Usuário #3``."""
    return f"{labels.table_label(table)} #{record_id}"


def actor_label(actor_id: int | None, actor_name: str | None) -> str:
    if actor_id is None:
        return "Sistema"
    return actor_name or f"Usuário #{actor_id} (removido)"
