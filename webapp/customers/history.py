"""Audit entries of a customer and its addresses, described for people (labels, masks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from webapp.core import documents
from webapp.core.audit import AuditEntry
from webapp.customers.models import ADDRESS_KIND_LABELS
from webapp.extensions import db
from webapp.identity.models import User

LABELS = {
    "name": "Nome",
    "document": "CPF/CNPJ",
    "document_type": "Tipo de documento",
    "email": "E-mail",
    "phone": "Telefone",
    "birth_date": "Nascimento",
    "active": "Ativo",
    "marketing_consent": "Consentimento de marketing (LGPD)",
    "kind": "Tipo",
    "street": "Rua",
    "number": "Número",
    "complement": "Complemento",
    "district": "Bairro",
    "city": "Cidade",
    "state": "UF",
    "zip": "CEP",
    "is_default": "Padrão",
}
HIDDEN = {"id", "tenant_id", "customer_id", "created_at"}
ACTIONS = {"create": "Cadastro", "update": "Alteração", "delete": "Exclusão"}
FORMATTERS = {
    "document": documents.format_document,
    "phone": documents.format_phone,
    "zip": documents.format_cep,
    "kind": lambda v: ADDRESS_KIND_LABELS.get(v, v),
    "document_type": lambda v: str(v).upper(),
    "birth_date": lambda v: "/".join(reversed(str(v).split("-"))),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryItem:
    when: datetime
    action: str
    subject: str
    actor: str
    changes: list[Change] = field(default_factory=list)


def show(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Sim" if value else "Não"
    formatter = FORMATTERS.get(name)
    return formatter(value) if formatter else str(value)


def _subject(entry: AuditEntry) -> str:
    if entry.table_name == "customers":
        return "Cliente"
    values = entry.after or entry.before or {}
    kind = ADDRESS_KIND_LABELS.get(values.get("kind"), "")
    return f"Endereço{' de ' + kind.lower() if kind else ''} #{entry.record_id}"


def _changes(entry: AuditEntry) -> list[Change]:
    before, after = entry.before or {}, entry.after or {}
    names = [n for n in LABELS if (n in before or n in after) and n not in HIDDEN]
    return [
        Change(
            LABELS[n],
            show(n, before.get(n)) if entry.before else "",
            show(n, after.get(n)) if entry.after else "",
        )
        for n in names
    ]


def describe_history(entries: list[AuditEntry]) -> list[HistoryItem]:
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    actors = {}
    if actor_ids:
        actors = dict(
            db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all()
        )
    return [
        HistoryItem(
            when=entry.created_at,
            action=ACTIONS.get(entry.action, entry.action),
            subject=_subject(entry),
            actor=actors.get(entry.actor_id, "Sistema"),
            changes=_changes(entry),
        )
        for entry in entries
    ]
