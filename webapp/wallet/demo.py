"""Demo wallet activity for ``flask seed-demo``: a few customers get manual adjustments
(credits and one debit, with reasons) through the wallet services, so the wallet tab, the
statement and the CSV have something to show. Skipped when the demo tenant already has any
adjustment; fixed idempotency keys make a re-run post nothing twice anyway."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select

from webapp.customers.models import Customer
from webapp.extensions import db
from webapp.identity.models import Role, User
from webapp.wallet import services
from webapp.wallet.models import LedgerTransaction, TransactionKind

# (customer index, signed amount, reason) -- the debit follows a credit of the same customer.
ADJUSTMENTS = [
    (0, "50.00", "Bônus de boas-vindas ao programa de fidelidade"),
    (0, "-12.90", "Correção: crédito lançado em duplicidade na loja física"),
    (1, "25.00", "Compensação por atraso na entrega"),
    (2, "15.00", "Cortesia de aniversário"),
    (3, "100.00", "Vale-troca de produto devolvido (sem pedido no sistema)"),
    (4, "8.50", "Ajuste de arredondamento de campanha"),
]


def seed_wallets(echo: Callable[[str], None] = print) -> int:
    """Post the demo adjustments in the current tenant; returns how many were posted."""
    already = db.session.scalar(
        select(LedgerTransaction.id)
        .where(LedgerTransaction.kind == TransactionKind.MANUAL_ADJUSTMENT)
        .limit(1)
    )
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    customers = db.session.scalars(select(Customer.id).order_by(Customer.id).limit(5)).all()
    if already or admin is None or len(customers) < 5:
        echo("Carteiras de demonstração: nada a fazer.")
        return 0
    for n, (index, amount, reason) in enumerate(ADJUSTMENTS):
        services.manual_adjustment(
            admin, customers[index], Decimal(amount), reason, f"demo-wallet-{n}"
        )
    echo(f"Carteiras de demonstração: {len(ADJUSTMENTS)} ajustes em {len(customers)} clientes.")
    return len(ADJUSTMENTS)
