"""pt-BR labels for the audit screens: table names, column names and stored values.

Other modules extend these at import time (e.g. in their ``__init__.py``)::

    from webapp.audit.labels import register_labels

    register_labels(
        "customers",
        "Cliente",
        fields={"name": "Nome", "document": "CPF/CNPJ"},
        values={"kind": {"person": "Pessoa física"}},
        formats={"document": "text"},
    )

Anything not registered falls back to a shared label (``COMMON_FIELDS``) and then to the raw
column name, so a new column never breaks the history, it only reads less nicely.
"""

from __future__ import annotations

TABLES: dict[str, str] = {
    "users": "Usuário",
    "tenant_settings": "Configurações",
    "customers": "Cliente",
    "addresses": "Endereço",
    "categories": "Categoria",
    "products": "Produto",
    "stock_movements": "Movimentação de estoque",
    "orders": "Pedido",
    "order_lines": "Item do pedido",
    "wallets": "Carteira",
    "ledger_entries": "Lançamento da carteira",
}

# Column names that mean the same thing in every table.
COMMON_FIELDS: dict[str, str] = {
    "name": "Nome",
    "email": "E-mail",
    "phone": "Telefone",
    "active": "Ativo",
    "status": "Situação",
    "reason": "Motivo",
    "notes": "Observações",
    "created_at": "Criado em",
    "updated_at": "Alterado em",
}

FIELDS: dict[str, dict[str, str]] = {
    "users": {
        "name": "Nome",
        "email": "E-mail",
        "role": "Perfil",
        "active": "Ativo",
        "last_login_at": "Último acesso",
        "credentials_changed_at": "Senha alterada em",
    },
}

VALUES: dict[str, dict[str, dict[str, str]]] = {
    "users": {"role": {"admin": "Administrador", "seller": "Vendedor"}},
}

# How to show a column's value when guessing from its shape would be wrong: "money",
# "percent", "date", "datetime" or "text" (shown as stored). Unlisted columns are guessed:
# "123.45" reads as money, ISO timestamps as dates. A tax rate of "18.00" is not R$ 18,00.
COMMON_FORMATS: dict[str, str] = {"tax_rate": "percent", "cashback_rate": "percent"}

FORMATS: dict[str, dict[str, str]] = {}

ACTIONS: dict[str, str] = {"create": "Criado", "update": "Alterado", "delete": "Excluído"}


def register_labels(
    table: str,
    label: str | None = None,
    fields: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    formats: dict[str, str] | None = None,
) -> None:
    """Add or override the labels of ``table`` (name, columns, coded values, value formats)."""
    if label:
        TABLES[table] = label
    FIELDS.setdefault(table, {}).update(fields or {})
    FORMATS.setdefault(table, {}).update(formats or {})
    for field, mapping in (values or {}).items():
        VALUES.setdefault(table, {}).setdefault(field, {}).update(mapping)


def table_label(table: str) -> str:
    return TABLES.get(table, table)


def field_label(table: str, field: str) -> str:
    return FIELDS.get(table, {}).get(field) or COMMON_FIELDS.get(field) or field


def value_label(table: str, field: str, value: str) -> str | None:
    return VALUES.get(table, {}).get(field, {}).get(value)


def value_format(table: str, field: str) -> str | None:
    return FORMATS.get(table, {}).get(field) or COMMON_FORMATS.get(field)


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)
