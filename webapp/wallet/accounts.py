"""Finding or opening wallets and ledger accounts, safe when two requests race to open one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import bindparam, exc, select
from sqlalchemy.orm import Session, aliased

from webapp.core.ids import is_id
from webapp.customers import services as customer_services
from webapp.customers.models import Customer
from webapp.wallet.models import Account, AccountKind, Wallet, wallet_account_code

T = TypeVar("T")


def _get_or_insert(session: Session, find: Callable[[], T | None], build: Callable[[], T]) -> T:
    if (found := find()) is not None:
        return found
    return _insert_or_find(session, find, build)


def _insert_or_find(session: Session, find: Callable[[], T | None], build: Callable[[], T]) -> T:
    """Insert what ``build`` adds, known to be missing; if a concurrent transaction inserted
    it meanwhile, the one it committed."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite serialises writers: nobody can insert between our read and our write.
        row = build()
        session.flush()
        return row
    try:
        with session.begin_nested():
            row = build()
            session.flush()
        return row
    except exc.IntegrityError:
        # Another transaction opened it first; its row is committed and visible now.
        return find()


def system_account(session: Session, code: str) -> Account:
    """The tenant's system account ``code`` (opened on first use)."""

    def find() -> Account | None:
        return session.scalar(select(Account).where(Account.code == code))

    def build() -> Account:
        account = Account(kind=AccountKind.SYSTEM, code=code)
        session.add(account)
        return account

    return _get_or_insert(session, find, build)


def find_wallet(session: Session, customer_id: int) -> Wallet | None:
    return session.scalar(select(Wallet).where(Wallet.customer_id == customer_id))


def _new_wallet(session: Session, customer_id: int) -> Wallet:
    """A wallet and its ledger account for a customer known to be this tenant's."""
    account = Account(kind=AccountKind.CUSTOMER_WALLET, code=wallet_account_code(customer_id))
    wallet = Wallet(customer_id=customer_id, account=account)
    session.add_all([account, wallet])
    return wallet


def wallet_for(session: Session, customer_id: int) -> Wallet:
    """The customer's wallet and its ledger account (opened on first use)."""

    def build() -> Wallet:
        # Opening a wallet needs a customer of this tenant: a foreign or unknown id is a
        # clean 404, not a foreign-key error at flush.
        customer_services.get_customer(customer_id)
        return _new_wallet(session, customer_id)

    return _get_or_insert(session, lambda: find_wallet(session, customer_id), build)


# Built once, run with parameters (see core.tenancy._scoped): every posting runs it. The
# tenant's criteria land in each join's ON clause, so a customer of another tenant (or an
# unknown id) comes back as NULL like a customer with no wallet yet, and tells them apart.
_system = aliased(Account)
_POSTING_SIDES = (
    select(_system, Customer.id, Wallet)
    .select_from(_system)
    .outerjoin(Customer, Customer.id == bindparam("customer_id"))
    .outerjoin(Wallet, Wallet.customer_id == Customer.id)
    .where(_system.code == bindparam("code"))
)


def wallet_and_system_account(
    session: Session, customer_id: int, code: str
) -> tuple[Wallet, Account]:
    """The customer's wallet and the system account ``code``: the two sides of a posting.

    One query when both exist, as they nearly always do. A customer's first credit (a
    cashback drain meets many) opens the wallet right after it: the same query has already
    told that the customer is this tenant's and has no wallet. Only the tenant's first
    posting to ``code`` takes the long way.
    """
    if not is_id(customer_id):
        raise customer_services.CustomerNotFound()
    found = session.execute(_POSTING_SIDES, {"customer_id": customer_id, "code": code}).first()
    if found is None:
        return wallet_for(session, customer_id), system_account(session, code)
    system, known_customer, wallet = found
    if known_customer is None:
        raise customer_services.CustomerNotFound()
    if wallet is None:
        wallet = _insert_or_find(
            session,
            lambda: find_wallet(session, customer_id),
            lambda: _new_wallet(session, customer_id),
        )
    return wallet, system
