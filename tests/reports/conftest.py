"""The constructed dataset of the report tests (expectations are computed by hand in the tests).

Period under test: March 2025 in São Paulo = [2025-03-01 03:00 UTC, 2025-04-01 03:00 UTC).
Previous period (31 days): 2025-01-29 .. 2025-02-28 local.

  O1 delivered paid 05/03 S1 Ana pix: P1 2x100 (cost 40, 18%) + P2 1x50 (cost 20, 10%)
     = 250, tax 41
  O2 paid paid 10/03 S2 Bruno card: P3 10x10 (cost 6, 12%) + P5 1x5 (cost 2, 0%) = 105, tax 12
  O3 shipped paid 20/03 S1 Bruno pix: P1 1x100 (cost 40, 18%) + P4 3x10 (cost 5, 10%)
     = 130, tax 21
  O4 paid: created 27/02, paid 01/03 00:30 local (03:30 UTC), S2 Carla cash:
     P2 2x50 (cost 20) = 100, tax 10
  O5 delivered paid 28/02 23:30 local (01/03 02:30 UTC): PREVIOUS period, S1 Ana,
     P3 5x10 = 50, tax 6
  O6 cancelled: paid 20/02, cancelled 12/03: refund 80 in March (S1 Carla, P4 8x10)
  O7 cancelled, never paid (created 03/03, cancelled 04/03): counts nowhere (P3 50x10 = 500)
  O8 created 15/03, never paid: counts nowhere (P1 9x111 = 999)
  O9 paid 01/04 00:00 local (= the period's end, excluded): P4 7x10 = 70
Ledger: credit O1 12.50 (05/03), credit O2 5.00 (10/03), credit O3 6.50 (20/03),
        credit O6 4.00 (20/02), reversal O6 4.00 (12/03),
        manual adjustment 100.00 (15/03, never counted).
Stock: P1 10, P2 0, P3 1000, P4 5, P5 2. P5's line has no category snapshot.
Tenant T2 ("Outra Loja") sells 1000.00 in March with its own cashback and refund: never visible.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import Account, in_tenant
from tests.reports import factories as f
from webapp.extensions import db
from webapp.identity.models import Role
from webapp.wallet.models import TransactionKind as K


@dataclass
class Dataset:
    tenant: Account
    s1: Account
    s2: Account
    other: Account
    ids: dict


def _tenant_one(app, tenant, s1, s2) -> dict:
    with in_tenant(app, tenant.tenant_id):
        ana, bruno, carla = (
            f.customer("Ana Souza"),
            f.customer("Bruno Lima"),
            f.customer("Carla Dias"),
        )
        p1 = f.product("SKU-P1", "Suco de uva", 10)
        p2 = f.product("SKU-P2", "Biscoito", 0)
        p3 = f.product("SKU-P3", "Detergente", 1000)
        p4 = f.product("SKU-P4", "Água", 5)
        p5 = f.product("SKU-P5", "Sacola", 2)
        L = f.line  # noqa: N806 - short alias keeps the dataset readable
        o1 = f.order(
            ana,
            s1.id,
            "delivered",
            [
                L(p1, "SKU-P1", 2, "100.00", "40.00", 18, "Bebidas"),
                L(p2, "SKU-P2", 1, "50.00", "20.00", 10, "Alimentos"),
            ],
            created_at=f.utc(2025, 3, 5, 14),
            paid_at=f.utc(2025, 3, 5, 15),
        )
        o2 = f.order(
            bruno,
            s2.id,
            "paid",
            [
                L(p3, "SKU-P3", 10, "10.00", "6.00", 12, "Limpeza"),
                L(p5, "SKU-P5", 1, "5.00", "2.00", 0, None),
            ],
            created_at=f.utc(2025, 3, 10, 11),
            paid_at=f.utc(2025, 3, 10, 12),
            payment_method="card",
        )
        o3 = f.order(
            bruno,
            s1.id,
            "shipped",
            [
                L(p1, "SKU-P1", 1, "100.00", "40.00", 18, "Bebidas"),
                L(p4, "SKU-P4", 3, "10.00", "5.00", 10, "Bebidas"),
            ],
            created_at=f.utc(2025, 3, 20, 13),
            paid_at=f.utc(2025, 3, 20, 14),
        )
        o4 = f.order(
            carla,
            s2.id,
            "paid",
            [L(p2, "SKU-P2", 2, "50.00", "20.00", 10, "Alimentos")],
            created_at=f.utc(2025, 2, 27, 12),
            paid_at=f.utc(2025, 3, 1, 3, 30),
            payment_method="cash",
        )
        o5 = f.order(
            ana,
            s1.id,
            "delivered",
            [L(p3, "SKU-P3", 5, "10.00", "6.00", 12, "Limpeza")],
            created_at=f.utc(2025, 2, 28, 20),
            paid_at=f.utc(2025, 3, 1, 2, 30),
        )
        o6 = f.order(
            carla,
            s1.id,
            "cancelled",
            [L(p4, "SKU-P4", 8, "10.00", "5.00", 10, "Bebidas")],
            created_at=f.utc(2025, 2, 20, 10),
            paid_at=f.utc(2025, 2, 20, 11),
            cancelled_at=f.utc(2025, 3, 12, 15),
            payment_method="card",
        )
        f.order(
            ana,
            s2.id,
            "cancelled",
            [L(p3, "SKU-P3", 50, "10.00", "6.00", 12, "Limpeza")],
            created_at=f.utc(2025, 3, 3, 12),
            cancelled_at=f.utc(2025, 3, 4, 12),
        )
        f.order(
            bruno,
            s1.id,
            "created",
            [L(p1, "SKU-P1", 9, "111.00", "40.00", 18, "Bebidas")],
            created_at=f.utc(2025, 3, 15, 12),
        )
        f.order(
            carla,
            s2.id,
            "paid",
            [L(p4, "SKU-P4", 7, "10.00", "5.00", 10, "Bebidas")],
            created_at=f.utc(2025, 3, 31, 20),
            paid_at=f.utc(2025, 4, 1, 3, 0),
        )
        f.ledger(K.CASHBACK_CREDIT, "12.50", f.utc(2025, 3, 5, 15, 1), o1, ana)
        f.ledger(K.CASHBACK_CREDIT, "5.00", f.utc(2025, 3, 10, 12, 1), o2, bruno)
        f.ledger(K.CASHBACK_CREDIT, "6.50", f.utc(2025, 3, 20, 14, 1), o3, bruno)
        f.ledger(K.CASHBACK_CREDIT, "4.00", f.utc(2025, 2, 20, 11, 1), o6, carla)
        f.ledger(K.CASHBACK_REVERSAL, "4.00", f.utc(2025, 3, 12, 15, 1), o6, carla)
        f.ledger(K.MANUAL_ADJUSTMENT, "100.00", f.utc(2025, 3, 15, 12), None, ana)
        db.session.commit()
        return {
            "ana": ana,
            "bruno": bruno,
            "carla": carla,
            "p1": p1,
            "p5": p5,
            "o1": o1,
            "o2": o2,
            "o3": o3,
            "o4": o4,
            "o5": o5,
        }


def _tenant_two(app, other) -> None:
    with in_tenant(app, other.tenant_id):
        zeca = f.customer("Zeca Intruso")
        px = f.product("SKU-OUTRO", "Produto alheio", 3)
        o = f.order(
            zeca,
            other.id,
            "paid",
            [f.line(px, "SKU-OUTRO", 10, "100.00", "1.00", 18, "Bebidas")],
            created_at=f.utc(2025, 3, 10, 12),
            paid_at=f.utc(2025, 3, 10, 12, 5),
        )
        c = f.order(
            zeca,
            other.id,
            "cancelled",
            [f.line(px, "SKU-OUTRO", 1, "77.00", "1.00", 0, "X")],
            created_at=f.utc(2025, 3, 1, 12),
            paid_at=f.utc(2025, 3, 2, 12),
            cancelled_at=f.utc(2025, 3, 9, 12),
            payment_method="boleto",
        )
        f.ledger(K.CASHBACK_CREDIT, "50.00", f.utc(2025, 3, 10, 12, 6), o, zeca)
        f.ledger(K.CASHBACK_REVERSAL, "3.00", f.utc(2025, 3, 9, 12, 6), c, zeca)
        db.session.commit()


@pytest.fixture
def dataset(app, tenant, make_user, make_tenant) -> Dataset:
    s1 = make_user(tenant.tenant_id, Role.SELLER)
    s2 = make_user(tenant.tenant_id, Role.SELLER)
    other = make_tenant("Outra Loja")
    ids = _tenant_one(app, tenant, s1, s2)
    _tenant_two(app, other)
    return Dataset(tenant, s1, s2, other, ids)


MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
