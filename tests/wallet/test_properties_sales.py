"""Random checkouts, payments, cancellations and adjustments through the real use cases keep
every invariant of ``flask ledger check``, and each wallet holds what plain arithmetic says.

The model knows only SPEC 4/5 and the tenant's rules (5%, 10% for one category, nothing on
orders under R$ 15,00): a checkout takes the balance it uses, a paid order earns
``rate x amount paid with money`` once its job runs (once, however many times it runs), a
cancel gives back the balance a ``created`` order used, or the whole amount a ``paid`` one
cost, less the cashback it had earned. With ``TEST_REDIS_URL`` the cashback jobs wait in
Redis until a rule runs a real RQ worker, so cancels land before and after them; without it
they run in-process on commit.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.catalog.factories import make_product
from tests.conftest import ON_POSTGRES, TEST_REDIS_URL, in_tenant
from tests.core.test_uow import run_worker_burst
from tests.customers.conftest import ADDRESS, customer_data
from tests.wallet.test_properties import new_tenant
from webapp.catalog import services as catalog
from webapp.catalog.errors import InsufficientStock
from webapp.catalog.models import Product
from webapp.core import jobs
from webapp.core.documents import make_cpf
from webapp.core.domain import ValidationFailed
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import User
from webapp.identity.settings import update_settings
from webapp.sales import services as sales
from webapp.sales.errors import InvalidTransition
from webapp.wallet import services as wallet
from webapp.wallet.cashback import set_category_rate
from webapp.wallet.checks import check_ledger
from webapp.wallet.errors import InsufficientBalance
from webapp.wallet.tasks import credit_order_cashback

USES_REAL_ORDERS = True  # no placeholder orders from tests/wallet/conftest.py
D = Decimal
CENT = D("0.01")
MIN_ORDER = D("15.00")
OPENING_BALANCE = D("40.00")
# (sale price, stock, category, cashback rate %): odd centavos so half centavos come up.
PRODUCTS = {
    "cafe": (D("7.35"), 6, "Mercearia", D("5")),
    "perfume": (D("19.90"), 1000, "Perfumaria", D("10")),
}
SQLITE_FLOAT_CHECK = "amount_due_is_total_minus_wallet"
CUSTOMERS = st.sampled_from([0, 1, 2])
AMOUNTS = st.decimals(min_value=D("0.01"), max_value=D("50.00"), places=2)
WALLET_USES = ["none", "part", "all of the balance", "too much", "only wallet"]
# Weighted by repetition; the first is what shrinking falls back to.
ACTIONS = [
    *["checkout"] * 4,
    *["pay"] * 3,
    *["cancel"] * 3,
    "worker runs",
    "job runs again",
    "adjustment",
    "double submit",
    "refused transition",
]
SETTINGS = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def cashback(price: D, qty: int, rate: D, amount_due: D) -> D:
    total = price * qty
    if total < MIN_ORDER or amount_due <= 0:
        return D("0.00")
    return (amount_due * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


class Order:
    def __init__(self, order_id, customer, product, qty, wallet_amount, request) -> None:
        price, _, _, rate = PRODUCTS[product]
        self.id, self.customer, self.product, self.qty = order_id, customer, product, qty
        self.total = price * qty
        self.wallet_amount = wallet_amount
        self.earns = cashback(price, qty, rate, self.total - wallet_amount)
        self.status = "created"
        self.credited = D("0.00")
        self.job_pending = False
        self.request = request  # what a double submit sends again


def machine_for(app):
    class SalesWalletMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            with in_tenant(app):
                tenant_id, admin_id = new_tenant()
            self.context = in_tenant(app, tenant_id)
            self.context.__enter__()
            self.admin = db.session.get(User, admin_id)
            update_settings(self.admin, cashback_min_order=MIN_ORDER)
            self.customers = {}
            for slot in range(3):
                customer = customer_services.create_customer(
                    admin_id, customer_data(document=make_cpf(810_000 + slot))
                )
                address = customer_services.add_address(admin_id, customer.id, ADDRESS)
                self.customers[slot] = (customer.id, address.id)
            self.products = {}
            for name, (price, stock, category, rate) in PRODUCTS.items():
                product_id = make_product(
                    admin_id,
                    sale_price=price,
                    min_price=price,
                    max_price=price,
                    stock_qty=stock,
                    category=category,
                )
                self.products[name] = product_id
                if rate != D("5"):
                    category_id = catalog.get_product(product_id).category_id
                    set_category_rate(self.admin, category_id, str(rate))
            self.balance = {slot: OPENING_BALANCE for slot in self.customers}
            for customer_id, _ in self.customers.values():
                wallet.manual_adjustment(
                    self.admin, customer_id, OPENING_BALANCE, "Saldo inicial", uuid.uuid4().hex
                )
            self.stock = {name: stock for name, (_, stock, _, _) in PRODUCTS.items()}
            self.orders: dict[int, Order] = {}

        def teardown(self) -> None:
            if TEST_REDIS_URL:
                jobs.get_queue().empty()  # this example's queued jobs die with it
            self.context.__exit__(None, None, None)

        # One rule that picks the action itself: Hypothesis switches whole rules off per
        # example ("swarm" testing), which left most examples adjusting balances and hardly
        # ever paying or cancelling an order. The weights here keep sales in every example.
        @rule(action=st.sampled_from(ACTIONS), data=st.data())
        def step(self, action, data):
            getattr(self, action.replace(" ", "_"))(data)

        def _pick(self, data, *statuses: str) -> Order | None:
            orders = [o for o in self.orders.values() if o.status in statuses]
            return data.draw(st.sampled_from(orders)) if orders else None

        # --- checkout -------------------------------------------------------------------

        def checkout(self, data) -> None:
            customer = data.draw(CUSTOMERS)
            product = data.draw(st.sampled_from(sorted(PRODUCTS)))
            qty = data.draw(st.integers(min_value=1, max_value=4))
            use = data.draw(st.sampled_from(WALLET_USES))
            price = PRODUCTS[product][0]
            total = price * qty
            usable = min(self.balance[customer], total)
            method, wallet_amount = "pix", D("0.00")
            if use == "part" and usable > 0:
                cents = data.draw(st.integers(min_value=1, max_value=int(usable * 100)))
                wallet_amount = D(cents) / 100
            elif use == "all of the balance":
                wallet_amount = usable
            elif use == "too much":
                wallet_amount = self.balance[customer] + data.draw(AMOUNTS)
            elif use == "only wallet":
                wallet_amount, method = total, "wallet"
            customer_id, address_id = self.customers[customer]
            request = {
                "customer_id": customer_id,
                "shipping_address_id": address_id,
                "items": [sales.CheckoutItem(self.products[product], qty)],
                "payment_method": method,
                "wallet_amount": wallet_amount,
                "idempotency_key": uuid.uuid4().hex,
            }
            expected: tuple[type[Exception], ...] = ()
            if wallet_amount > total:
                expected = (ValidationFailed, InsufficientStock)
            elif qty > self.stock[product]:
                expected = (InsufficientStock,)
            elif wallet_amount > self.balance[customer]:
                expected = (InsufficientBalance,)
            try:
                placed = sales.checkout(self.admin, **request)
            except (ValidationFailed, InsufficientStock, InsufficientBalance) as exc:
                assert isinstance(exc, expected), (type(exc), expected)
                db.session.rollback()
                return
            except IntegrityError as exc:
                # Known bug on SQLite only (test_a_checkout_of_19_90_using_one_centavo_of_
                # balance below): the orders CHECK compares floats. The checkout fails whole;
                # the invariants that run next prove it left nothing behind.
                db.session.rollback()
                if ON_POSTGRES or SQLITE_FLOAT_CHECK not in str(exc.orig):
                    raise
                return
            assert not expected, f"checkout should have failed with {expected}"
            assert (placed.total, placed.wallet_amount) == (total, wallet_amount)
            order = Order(placed.id, customer, product, qty, wallet_amount, request)
            self.orders[order.id] = order
            self.balance[customer] -= wallet_amount
            self.stock[product] -= qty

        def double_submit(self, data) -> None:
            """The same checkout sent again (double click, retry): the same order, no change."""
            order = self._pick(data, "created", "paid", "cancelled")
            if order is not None:
                assert sales.checkout(self.admin, **order.request).id == order.id

        # --- workflow -------------------------------------------------------------------

        def pay(self, data) -> None:
            order = self._pick(data, "created")
            if order is None:
                return
            sales.transition(self.admin, order.id, "paid")
            order.status = "paid"
            if not TEST_REDIS_URL:
                self._job_ran(order)  # ran in-process right after the commit
                return
            order.job_pending = True  # in Redis until a worker runs
            if data.draw(st.booleans()):  # the worker picks it up at once
                self.worker_runs(data)

        def cancel(self, data) -> None:
            order = self._pick(data, "created", "paid")
            if order is None:
                return
            sales.transition(self.admin, order.id, "cancelled", reason="Desistiu")
            if order.status == "created":  # the balance it used comes back
                self.balance[order.customer] += order.wallet_amount
            else:  # estorno atômico: all it cost comes back, the cashback it earned goes
                self.balance[order.customer] += order.total - order.credited
                order.credited = D("0.00")
            order.status = "cancelled"
            self.stock[order.product] += order.qty

        def refused_transition(self, data) -> None:
            order = self._pick(data, "cancelled", "paid")
            if order is None:
                return
            to = data.draw(st.sampled_from(["paid", "created"]))
            if order.status == "cancelled":
                to = data.draw(st.sampled_from(["paid", "cancelled", "shipped"]))
            try:
                sales.transition(self.admin, order.id, to, reason="De novo")
            except (InvalidTransition, ValidationFailed):
                db.session.rollback()
            else:
                raise AssertionError(f"a {order.status} order moved to {to}")

        # --- the cashback job -------------------------------------------------------------

        def _job_ran(self, order: Order) -> None:
            order.job_pending = False
            if order.status == "paid" and order.credited == 0 and order.earns > 0:
                order.credited = order.earns
                self.balance[order.customer] += order.earns

        def worker_runs(self, data) -> None:
            if not TEST_REDIS_URL:
                return
            db.session.commit()  # nothing of this session may hold the rows the jobs lock
            run_worker_burst(app)  # a real RQ worker drains the queue
            for order in self.orders.values():
                if order.job_pending:
                    self._job_ran(order)

        def job_runs_again(self, data) -> None:
            """A redelivered job (relay after a crash, two workers) runs the task once more;
            before the worker got to it, it is simply the job running first."""
            order = self._pick(data, "paid", "cancelled")
            if order is not None:
                credit_order_cashback(order.id)
                self._job_ran(order)

        # --- admin ------------------------------------------------------------------------

        def adjustment(self, data) -> None:
            customer, amount = data.draw(CUSTOMERS), data.draw(AMOUNTS)
            signed = -amount if data.draw(st.booleans()) else amount
            try:
                wallet.manual_adjustment(
                    self.admin, self.customers[customer][0], signed, "Ajuste", uuid.uuid4().hex
                )
            except InsufficientBalance:
                assert -signed > self.balance[customer]
                db.session.rollback()
                return
            self.balance[customer] += signed

        # --- invariants -------------------------------------------------------------------

        @invariant()
        def ledger_check_passes(self):
            report = check_ledger(db.engine)
            assert report.ok, report.render()

        @invariant()
        def wallets_hold_what_the_model_says(self):
            for slot, (customer_id, _) in self.customers.items():
                assert self.balance[slot] >= 0
                assert wallet.balance(customer_id) == self.balance[slot], slot

        @invariant()
        def stock_is_what_the_model_says(self):
            for name, product_id in self.products.items():
                stock = db.session.scalar(select(Product.stock_qty).where(Product.id == product_id))
                assert stock == self.stock[name], name

    return SalesWalletMachine


def test_random_sales_keep_every_ledger_invariant_and_the_model_balances(app):
    machine = machine_for(app)
    machine.TestCase.settings = SETTINGS
    machine.TestCase().runTest()


def test_a_checkout_of_19_90_using_one_centavo_of_balance(app, tenant):
    """Found by the machine above: R$ 19,90 paid R$ 0,01 with balance and R$ 19,89 with Pix."""
    with in_tenant(app, tenant.tenant_id):
        admin = db.session.get(User, tenant.id)
        customer = customer_services.create_customer(tenant.id, customer_data())
        address = customer_services.add_address(tenant.id, customer.id, ADDRESS)
        price = D("19.90")
        product_id = make_product(
            tenant.id, sale_price=price, min_price=price, max_price=price, stock_qty=1
        )
        wallet.manual_adjustment(admin, customer.id, D("1.00"), "Saldo", uuid.uuid4().hex)
        order = sales.checkout(
            admin,
            customer_id=customer.id,
            shipping_address_id=address.id,
            items=[sales.CheckoutItem(product_id, 1)],
            payment_method="pix",
            wallet_amount=D("0.01"),
            idempotency_key=uuid.uuid4().hex,
        )
        assert (order.wallet_amount, order.amount_due) == (D("0.01"), D("19.89"))
        assert wallet.balance(customer.id) == D("0.99")
