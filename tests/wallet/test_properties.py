"""Random sequences of wallet operations keep every invariant of ``flask ledger check``.

The model is a plain dict of expected balances; after every step the real check runs and
each wallet must hold exactly what the model says.
"""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tests.conftest import in_tenant
from tests.customers.conftest import customer_data
from webapp.core.context import system_context
from webapp.core.documents import make_cpf
from webapp.core.tenancy import Tenant
from webapp.core.uow import unit_of_work
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import Role, User
from webapp.wallet import services as wallet
from webapp.wallet.checks import check_ledger
from webapp.wallet.errors import InsufficientBalance

# Slots 0..2 stand for the three customers each example's fresh tenant gets.
CUSTOMERS = st.sampled_from([0, 1, 2])
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("80.00"), places=2)
SETTINGS = settings(
    max_examples=15,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def new_tenant() -> tuple[int, int]:
    with system_context():
        tenant = Tenant(name=f"Propriedades {uuid.uuid4().hex[:8]}")
        db.session.add(tenant)
        db.session.flush()
        admin = User(
            tenant_id=tenant.id,
            email=f"{uuid.uuid4().hex[:10]}@teste.com.br",
            name="Admin",
            role=Role.ADMIN,
            password_hash="x",
        )
        db.session.add(admin)
        db.session.commit()
        return tenant.id, admin.id


def machine_for(app):
    class WalletMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.context = in_tenant(app)
            self.context.__enter__()
            tenant_id, admin_id = new_tenant()
            self.context.__exit__(None, None, None)
            self.context = in_tenant(app, tenant_id)
            self.context.__enter__()
            self.admin = db.session.get(User, admin_id)
            self.ids = {
                slot: customer_services.create_customer(
                    admin_id, customer_data(document=make_cpf(800_000 + slot))
                ).id
                for slot in range(3)
            }
            self.expected = {slot: Decimal("0.00") for slot in self.ids}
            self.orders = itertools.count(1)
            self.cashback: dict[int, tuple[int, Decimal]] = {}  # order -> (customer, amount)
            self.paid: dict[int, tuple[int, Decimal]] = {}  # order -> (customer, wallet amount)

        def teardown(self) -> None:
            self.context.__exit__(None, None, None)

        @rule(customer=CUSTOMERS, amount=AMOUNTS)
        def credit_cashback(self, customer, amount):
            order = next(self.orders)
            wallet.credit_cashback(order, self.ids[customer], amount)
            wallet.credit_cashback(order, self.ids[customer], amount)  # the job ran twice
            self.cashback[order] = (customer, amount)
            self.expected[customer] += amount

        @rule(customer=CUSTOMERS, amount=AMOUNTS)
        def pay_with_balance(self, customer, amount):
            order = next(self.orders)
            try:
                wallet.pay_with_balance(order, self.ids[customer], amount)
            except InsufficientBalance as exc:
                assert amount > self.expected[customer]
                assert exc.available == self.expected[customer]
                return
            self.paid[order] = (customer, amount)
            self.expected[customer] -= amount

        @precondition(lambda self: self.paid)
        @rule(data=st.data())
        def cancel_created_order(self, data):
            order = data.draw(st.sampled_from(sorted(self.paid)))
            customer, amount = self.paid.pop(order)
            wallet.return_wallet_payment(order, self.ids[customer])
            wallet.return_wallet_payment(order, self.ids[customer])
            self.expected[customer] += amount

        @precondition(lambda self: self.cashback)
        @rule(data=st.data(), paid=AMOUNTS)
        def cancel_paid_order(self, data, paid):
            """Estorno atômico: refund the amount paid, then reverse that order's cashback."""
            order = data.draw(st.sampled_from(sorted(self.cashback)))
            customer, cashback = self.cashback.pop(order)
            paid = max(paid, cashback)  # cashback is a fraction of what was paid
            with unit_of_work():
                wallet.refund(order, self.ids[customer], paid)
                wallet.reverse_cashback(order, self.ids[customer])
            self.expected[customer] += paid - cashback

        @precondition(lambda self: self.cashback)
        @rule(data=st.data())
        def reverse_cashback_alone(self, data):
            order = data.draw(st.sampled_from(sorted(self.cashback)))
            customer, cashback = self.cashback[order]
            try:
                wallet.reverse_cashback(order, self.ids[customer])
            except InsufficientBalance:
                assert cashback > self.expected[customer]
                return
            del self.cashback[order]
            self.expected[customer] -= cashback

        @rule(customer=CUSTOMERS, amount=AMOUNTS, debit=st.booleans())
        def manual_adjustment(self, customer, amount, debit):
            signed = -amount if debit else amount
            key = uuid.uuid4().hex
            try:
                wallet.manual_adjustment(
                    self.admin, self.ids[customer], signed, "Ajuste de teste", key
                )
            except InsufficientBalance:
                assert debit and amount > self.expected[customer]
                return
            self.expected[customer] += signed

        @invariant()
        def ledger_check_passes(self):
            report = check_ledger(db.engine)
            assert report.ok, report.render()

        @invariant()
        def balances_match_the_model(self):
            for customer, expected in self.expected.items():
                assert wallet.balance(self.ids[customer]) == expected
                assert expected >= 0

    return WalletMachine


def test_random_wallet_operations_keep_every_ledger_invariant(app):
    machine = machine_for(app)
    machine.TestCase.settings = SETTINGS
    machine.TestCase().runTest()
