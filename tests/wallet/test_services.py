"""Wallet use cases as sales and the admin screens will call them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import in_tenant
from tests.customers.conftest import customer_data
from tests.wallet.conftest import assert_ledger_ok, fund, ledger_counts
from webapp.core.audit import AuditEntry
from webapp.core.documents import make_cpf
from webapp.core.domain import NotFound, PermissionDenied, ValidationFailed
from webapp.core.uow import unit_of_work
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import Role, User
from webapp.wallet import services as wallet
from webapp.wallet.errors import InsufficientBalance
from webapp.wallet.models import TransactionKind, Wallet

D = Decimal


def test_a_customer_without_wallet_has_zero_balance(ctx):
    assert wallet.balance(4) == D("0.00")
    created = wallet.get_or_create_wallet(4)
    assert wallet.get_or_create_wallet(4).id == created.id
    assert created.balance == D("0.00")


def test_no_wallet_for_an_unknown_customer(ctx):
    with pytest.raises(NotFound):
        wallet.get_or_create_wallet(9_999)
    with pytest.raises(NotFound):
        wallet.credit_cashback(1, 9_999, D("1.00"))


def test_a_first_credit_opens_the_wallet_only_for_a_customer_of_this_tenant(
    app, tenant, make_tenant
):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        foreign = customer_services.create_customer(
            other.id, customer_data(name="Cliente de Fora", document=make_cpf(800_001))
        ).id
    with in_tenant(app, tenant.tenant_id):
        wallet.credit_cashback(1, 1, D("1.00"))  # the cashback account exists from here on
        assert wallet.balance(2) == D("0.00")
        opened = wallet.credit_cashback(2, 2, D("2.50"))  # customer 2's first credit
        assert opened.customer_id == 2
        assert wallet.balance(2) == D("2.50")
        before = ledger_counts()
        for customer_id in (foreign, 9_999, 2**70):
            with pytest.raises(NotFound):
                wallet.credit_cashback(3, customer_id, D("1.00"))
        assert ledger_counts() == before
        assert db.session.scalar(select(func.count()).select_from(Wallet)) == 2


def test_cashback_job_run_twice_credits_once(ctx):
    first = wallet.credit_cashback(7, 1, D("4.75"))
    second = wallet.credit_cashback(7, 1, D("4.75"))
    assert second.id == first.id
    assert first.kind == TransactionKind.CASHBACK_CREDIT
    assert first.idempotency_key == "order:7:cashback"
    assert first.description == "Cashback do pedido #7"
    assert wallet.balance(1) == D("4.75")
    assert wallet.credit_cashback(8, 1, D("0.00")) is None  # nothing earned, nothing posted


def test_cancel_after_customer_spent_the_cashback_refunds_first_then_reverses(ctx):
    """Paid R$ 100 (R$ 20 of it with balance), earned R$ 4 cashback, spent it, then cancelled."""
    fund(1, "20.00")
    wallet.pay_with_balance(5, 1, D("20.00"))
    wallet.credit_cashback(5, 1, D("4.00"))
    wallet.pay_with_balance(6, 1, D("4.00"))  # the cashback is gone
    assert wallet.balance(1) == D("0.00")
    with unit_of_work():  # estorno atômico: one unit of work, refund before reversal
        wallet.refund(5, 1, D("100.00"))
        wallet.reverse_cashback(5, 1)
    assert wallet.balance(1) == D("96.00")
    assert wallet.reverse_cashback(5, 1).kind == TransactionKind.CASHBACK_REVERSAL  # a no-op
    assert wallet.balance(1) == D("96.00")
    assert_ledger_ok()


def test_reversal_that_does_not_fit_is_refused_whole(ctx):
    wallet.credit_cashback(5, 1, D("4.00"))
    wallet.pay_with_balance(6, 1, D("3.00"))
    before = ledger_counts()
    with pytest.raises(InsufficientBalance, match=r"disponível R\$ 1,00"):
        wallet.reverse_cashback(5, 1)
    assert ledger_counts() == before
    assert wallet.balance(1) == D("1.00")


def test_reversal_without_cashback_does_nothing(ctx):
    assert wallet.reverse_cashback(5, 1) is None
    fund(1, "10.00")
    assert wallet.reverse_cashback(5, 1) is None
    assert wallet.balance(1) == D("10.00")


def test_failed_unit_of_work_rolls_the_wallet_back(ctx):
    fund(1, "10.00")
    with pytest.raises(RuntimeError), unit_of_work():
        wallet.pay_with_balance(5, 1, D("10.00"))
        raise RuntimeError("checkout falhou depois do débito")
    assert wallet.balance(1) == D("10.00")
    assert_ledger_ok()


def test_cancelling_a_created_order_returns_exactly_the_balance_it_used(ctx):
    fund(1, "50.00")
    wallet.pay_with_balance(5, 1, D("30.00"))
    wallet.pay_with_balance(6, 1, D("5.00"))
    returned = wallet.return_wallet_payment(5, 1)
    assert returned.amount == D("30.00") and returned.kind == TransactionKind.REFUND
    assert wallet.return_wallet_payment(5, 1).id == returned.id
    assert wallet.return_wallet_payment(7, 1) is None  # order 7 used no balance
    assert wallet.balance(1) == D("45.00")
    assert_ledger_ok()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (D("0"), "O valor deve ser maior que zero."),
        (D("-1"), "O valor deve ser maior que zero."),
        ("abc", "Informe um valor em reais, como 10,50."),
        (D("1000000000.01"), "O valor não pode passar de R$ 1.000.000.000,00."),
    ],
)
def test_bad_amounts_are_validation_errors(ctx, amount, message):
    with pytest.raises(ValidationFailed) as raised:
        wallet.pay_with_balance(5, 1, amount)
    assert raised.value.fields == {"wallet_amount": message}
    assert ledger_counts() == (0, 0)


def test_manual_adjustment_credits_and_debits_with_reason(admin):
    credit = wallet.manual_adjustment(admin, 1, "25,00", "  Bônus de aniversário ", "form-1")
    assert credit.description == "Bônus de aniversário"
    assert credit.actor_id == admin.id
    wallet.manual_adjustment(admin, 1, D("-5.00"), "Correção", "form-2")
    assert wallet.balance(1) == D("20.00")
    # Double submit of the same form: one adjustment.
    wallet.manual_adjustment(admin, 1, "25,00", "Bônus de aniversário", "form-1")
    assert wallet.balance(1) == D("20.00")
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == "ledger_transactions")
    ).all()
    assert {(a.parent_table, a.parent_id) for a in audit} == {("customers", "1")}
    assert audit[0].after["description"] == "Bônus de aniversário"
    assert_ledger_ok()


def test_manual_adjustment_cannot_take_more_than_the_balance(admin):
    wallet.manual_adjustment(admin, 1, D("5.00"), "Crédito", "a")
    with pytest.raises(InsufficientBalance) as raised:
        wallet.manual_adjustment(admin, 1, D("-5.01"), "Débito", "b")
    assert "amount" in raised.value.fields
    assert wallet.balance(1) == D("5.00")


@pytest.mark.parametrize(
    ("reason", "key", "field"),
    [
        ("", "k", "reason"),
        ("   ", "k", "reason"),
        ("x" * 501, "k", "reason"),
        ("ok", "", "idempotency_key"),
    ],
)
def test_manual_adjustment_requires_reason_and_key(admin, reason, key, field):
    with pytest.raises(ValidationFailed) as raised:
        wallet.manual_adjustment(admin, 1, D("5.00"), reason, key)
    assert field in raised.value.fields
    assert ledger_counts() == (0, 0)


def test_sellers_cannot_adjust_balances(app, tenant, make_user):
    seller_account = make_user(tenant.tenant_id, Role.SELLER)
    with in_tenant(app, tenant.tenant_id):
        seller = db.session.get(User, seller_account.id)
        with pytest.raises(PermissionDenied):
            wallet.manual_adjustment(seller, 1, D("5.00"), "Quero", "k")
        assert ledger_counts() == (0, 0)


def test_a_wallet_loaded_before_a_posting_shows_the_new_balance(ctx):
    with unit_of_work():  # one session throughout: no commit expires the object for us
        loaded = wallet.get_or_create_wallet(1)
        assert loaded.balance == D("0.00")
        fund(1, "12.34")
        assert (loaded.balance, loaded.version) == (D("12.34"), 2)
