"""Every audited table reads in Portuguese on the audit screens (entity filter, records)."""

from __future__ import annotations

from webapp.audit import labels
from webapp.core import audit
from webapp.core.audit import Audited


def _audited_models(cls=Audited):
    for sub in cls.__subclasses__():
        if hasattr(sub, "__tablename__"):
            yield sub
        yield from _audited_models(sub)


def test_every_audited_table_has_a_label_and_its_columns_too(app):
    unlabeled_tables, unlabeled_columns = [], []
    for model in _audited_models():
        table = model.__tablename__
        if labels.table_label(table) == table:
            unlabeled_tables.append(table)
        for column in model.__mapper__.column_attrs:
            recorded = column.key not in {"id", "tenant_id"} and audit._is_recorded(
                model, column.key
            )
            if recorded and labels.field_label(table, column.key) == column.key:
                unlabeled_columns.append(f"{table}.{column.key}")
    assert unlabeled_tables == []
    assert unlabeled_columns == []


def test_a_wallet_transaction_reads_in_portuguese():
    assert labels.table_label("ledger_transactions") == "Transação da carteira"
    assert labels.value_label("ledger_transactions", "kind", "cashback_credit") == "Cashback"
