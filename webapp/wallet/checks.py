"""``flask ledger check``: verify every ledger invariant across all tenants.

Runs on its own read-only connection (a REPEATABLE READ snapshot on PostgreSQL, so postings
committed while it runs cannot produce false alarms). Sums are taken in integer centavos:
SQLite keeps NUMERIC as floating point, and a float sum could invent or hide a centavo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from webapp.core.money import format_brl


def _cents(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def brl(cents: int | None) -> str:
    return format_brl(Decimal(cents or 0) / 100)


@dataclass(frozen=True)
class Violation:
    rule: str
    tenant_id: int | None
    message: str


@dataclass
class LedgerReport:
    violations: list[Violation] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def render(self) -> str:
        summary = (
            f"{self.counts.get('transactions', 0)} transações, "
            f"{self.counts.get('entries', 0)} lançamentos, "
            f"{self.counts.get('accounts', 0)} contas, "
            f"{self.counts.get('wallets', 0)} carteiras verificadas."
        )
        if self.ok:
            return f"Razão consistente: {summary}"
        lines = [f"Razão INCONSISTENTE: {len(self.violations)} problema(s). {summary}"]
        for violation in self.violations:
            tenant = f"[empresa {violation.tenant_id}] " if violation.tenant_id else ""
            lines.append(f"  - {tenant}{violation.message}")
        return "\n".join(lines)


UNBALANCED = f"""
SELECT t.id, t.tenant_id, {_cents("t.amount")} AS amount,
       COALESCE(SUM({_cents("e.amount")}), 0) AS total,
       COALESCE(SUM(CASE WHEN e.amount > 0 THEN {_cents("e.amount")} END), 0) AS credits,
       COUNT(e.id) AS legs
FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
GROUP BY t.id, t.tenant_id, t.amount
HAVING COALESCE(SUM({_cents("e.amount")}), 0) <> 0 OR COUNT(e.id) < 2
    OR COALESCE(SUM(CASE WHEN e.amount > 0 THEN {_cents("e.amount")} END), 0)
       <> {_cents("t.amount")}
ORDER BY t.id
"""

ACCOUNT_TOTALS = f"""
SELECT a.id, a.tenant_id, a.code, {_cents("a.balance")} AS balance,
       COALESCE(SUM({_cents("e.amount")}), 0) AS total
FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
GROUP BY a.id, a.tenant_id, a.code, a.balance
HAVING {_cents("a.balance")} <> COALESCE(SUM({_cents("e.amount")}), 0)
ORDER BY a.id
"""

WALLETS = f"""
SELECT w.id, w.tenant_id, w.customer_id, {_cents("w.balance")} AS balance,
       {_cents("a.balance")} AS account_balance, a.kind, a.tenant_id AS account_tenant
FROM wallets w JOIN ledger_accounts a ON a.id = w.account_id
WHERE w.balance < 0 OR {_cents("w.balance")} <> {_cents("a.balance")}
   OR a.kind <> 'customer_wallet' OR a.tenant_id <> w.tenant_id
ORDER BY w.id
"""

NEGATIVE_WALLET_ACCOUNTS = f"""
SELECT a.id, a.tenant_id, a.code, {_cents("a.balance")} AS balance
FROM ledger_accounts a WHERE a.kind = 'customer_wallet' AND a.balance < 0 ORDER BY a.id
"""

SEQUENCE = f"""
SELECT id, tenant_id, account_id, balance_after, expected FROM (
    SELECT e.id, e.tenant_id, e.account_id, {_cents("e.balance_after")} AS balance_after,
           COALESCE(LAG({_cents("e.balance_after")})
                    OVER (PARTITION BY e.account_id ORDER BY e.id), 0)
           + {_cents("e.amount")} AS expected
    FROM ledger_entries e
) running
WHERE balance_after <> expected
ORDER BY id
"""

CROSS_TENANT = """
SELECT e.id, e.tenant_id FROM ledger_entries e
JOIN ledger_transactions t ON t.id = e.transaction_id
JOIN ledger_accounts a ON a.id = e.account_id
WHERE e.tenant_id <> t.tenant_id OR e.tenant_id <> a.tenant_id
ORDER BY e.id
"""

COUNTS = """
SELECT (SELECT COUNT(*) FROM ledger_transactions), (SELECT COUNT(*) FROM ledger_entries),
       (SELECT COUNT(*) FROM ledger_accounts), (SELECT COUNT(*) FROM wallets)
"""


def _unbalanced(row) -> str:
    if row.legs < 2:
        return f"Transação #{row.id}: tem {row.legs} lançamento(s); o mínimo são 2."
    if row.total != 0:
        return f"Transação #{row.id}: lançamentos somam {brl(row.total)} em vez de zero."
    return (
        f"Transação #{row.id}: valor registrado {brl(row.amount)} difere dos créditos "
        f"{brl(row.credits)}."
    )


def _wallet(row) -> str:
    if row.balance < 0:
        return f"Carteira #{row.id} (cliente {row.customer_id}): saldo negativo {brl(row.balance)}."
    if row.kind != "customer_wallet" or row.account_tenant != row.tenant_id:
        return f"Carteira #{row.id} (cliente {row.customer_id}): ligada a uma conta inválida."
    return (
        f"Carteira #{row.id} (cliente {row.customer_id}): saldo {brl(row.balance)} difere do "
        f"saldo da conta no razão {brl(row.account_balance)}."
    )


RULES: list[tuple[str, str, Callable[[object], str]]] = [
    ("unbalanced_transaction", UNBALANCED, _unbalanced),
    (
        "account_balance",
        ACCOUNT_TOTALS,
        lambda r: (
            f"Conta {r.code} (#{r.id}): saldo {brl(r.balance)} difere da soma dos "
            f"lançamentos {brl(r.total)}."
        ),
    ),
    ("wallet_balance", WALLETS, _wallet),
    (
        "negative_wallet_account",
        NEGATIVE_WALLET_ACCOUNTS,
        lambda r: f"Conta {r.code} (#{r.id}): saldo negativo {brl(r.balance)}.",
    ),
    (
        "balance_after_sequence",
        SEQUENCE,
        lambda r: (
            f"Lançamento #{r.id} (conta #{r.account_id}): saldo após "
            f"{brl(r.balance_after)}, esperado {brl(r.expected)} (saldo anterior + valor)."
        ),
    ),
    (
        "cross_tenant_entry",
        CROSS_TENANT,
        lambda r: f"Lançamento #{r.id}: empresa diferente da transação ou da conta.",
    ),
]


def _run(conn: Connection) -> LedgerReport:
    report = LedgerReport()
    for rule, sql, describe in RULES:
        rows: Iterable = conn.execute(text(sql))
        report.violations.extend(Violation(rule, row.tenant_id, describe(row)) for row in rows)
    counts = conn.execute(text(COUNTS)).one()
    names = ("transactions", "entries", "accounts", "wallets")
    report.counts = dict(zip(names, counts, strict=True))
    return report


def check_ledger(engine: Engine) -> LedgerReport:
    """Every invariant of the ledger, for every tenant, from one consistent snapshot."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return _run(conn)
