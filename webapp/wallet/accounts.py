"""Finding or opening wallets and ledger accounts, safe when two requests race to open one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import and_, exc, select
from sqlalchemy.orm import Session, aliased

from webapp.customers import services as customer_services
from webapp.wallet.models import Account, AccountKind, Wallet, wallet_account_code

T = TypeVar("T")


def _get_or_insert(session: Session, find: Callable[[], T | None], build: Callable[[], T]) -> T:
    if (found := find()) is not None:
        return found
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


def wallet_for(session: Session, customer_id: int) -> Wallet:
    """The customer's wallet and its ledger account (opened on first use)."""

    def build() -> Wallet:
        # Opening a wallet needs a customer of this tenant: a foreign or unknown id is a
        # clean 404, not a foreign-key error at flush.
        customer_services.get_customer(customer_id)
        account = Account(kind=AccountKind.CUSTOMER_WALLET, code=wallet_account_code(customer_id))
        wallet = Wallet(customer_id=customer_id, account=account)
        session.add_all([account, wallet])
        return wallet

    return _get_or_insert(session, lambda: find_wallet(session, customer_id), build)


def wallet_and_system_account(
    session: Session, customer_id: int, code: str
) -> tuple[Wallet, Account]:
    """The customer's wallet and the system account ``code``: the two sides of a posting.

    One query when both exist, as they nearly always do (a cashback drain posts thousands in
    a row); either one is opened on first use.
    """
    system = aliased(Account)
    found = session.execute(
        select(Wallet, system)
        .join(system, and_(system.tenant_id == Wallet.tenant_id, system.code == code))
        .where(Wallet.customer_id == customer_id)
    ).first()
    if found is not None:
        wallet, account = found
        return wallet, account
    return wallet_for(session, customer_id), system_account(session, code)
