"""Customer use cases: register, edit, deactivate, addresses, lookup and search.

Services know nothing of Flask's request: callers pass the acting user and plain data
(form data or JSON); every rule lives here, so web, API and jobs behave the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from webapp.core import documents
from webapp.core.domain import Conflict, NotFound, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.pagination import Page, count_rows, paginate
from webapp.core.text_search import LIKE_ESCAPE, escape_like, fold
from webapp.core.uow import unit_of_work
from webapp.customers.models import Address, Customer
from webapp.customers.validation import clean_address, clean_customer
from webapp.extensions import db

REQUIRED_CUSTOMER = {"name": None, "document": None}
REQUIRED_ADDRESS = {
    "kind": None,
    "street": None,
    "number": None,
    "district": None,
    "city": None,
    "state": None,
    "zip": None,
}
# Below this many characters a trigram ("contains") search cannot use its index: use prefix.
MIN_CONTAINS_LENGTH = 3


class CpfTaken(Conflict):
    code = "cpf_taken"
    default_message = "Já existe um cliente com este CPF/CNPJ."

    @property
    def customer_id(self) -> int | None:
        return self.details.get("customer_id")


class CustomerNotFound(NotFound):
    default_message = "Cliente não encontrado."


class AddressNotFound(NotFound):
    default_message = "Endereço não encontrado para este cliente."


# --- Reading ----------------------------------------------------------------------------


def get_customer(customer_id: int) -> Customer:
    """The customer of the current tenant with this id, or CustomerNotFound."""
    customer = db.session.get(Customer, customer_id) if is_id(customer_id) else None
    if customer is None:
        raise CustomerNotFound()
    return customer


def get_address(customer_id: int, address_id: int) -> Address:
    """An address looked up by BOTH ids: customer Y's URL never reaches customer X's address."""
    query = select(Address).where(Address.id == address_id, Address.customer_id == customer_id)
    address = db.session.scalars(query).first() if is_id(address_id) else None
    if address is None:
        raise AddressNotFound()
    return address


def find_by_document(document: str) -> Customer | None:
    """Exact lookup by CPF/CNPJ (masked or not) on the unique (tenant, document) index."""
    digits = documents.only_digits(document)
    if documents.document_type(digits) is None:
        return None
    return db.session.scalars(select(Customer).where(Customer.document == digits)).first()


def lookup_by_document(document: str) -> Customer:
    """The checkout's lookup: ValidationFailed for a malformed document, NotFound if absent."""
    try:
        digits, _kind = documents.parse_document(document)
    except documents.InvalidDocument as exc:
        raise ValidationFailed(str(exc), field="document") from exc
    query = (
        select(Customer)
        .where(Customer.document == digits)
        .options(joinedload(Customer.addresses))  # the checkout shows them: one round trip
    )
    customer = db.session.scalars(query).unique().first()
    if customer is None:
        raise CustomerNotFound("Nenhum cliente com este CPF/CNPJ.")
    return customer


def search_filter(q: str | None):
    """WHERE clause for the active search; each branch matches an index (see models)."""
    term = " ".join((q or "").split())
    if not term:
        return None
    if documents.looks_numeric(term):
        digits = documents.only_digits(term)
        return or_(Customer.document.like(f"{digits}%"), Customer.phone.like(f"{digits}%"))
    email_prefix = Customer.email.like(f"{escape_like(term.lower())}%", escape=LIKE_ESCAPE)
    if " " not in term and ("@" in term or "." in term):
        return email_prefix  # only e-mails look like this
    return or_(_name_match(fold(term)), email_prefix)


def _name_match(folded: str):
    """Accents and case ignored (core.text_search); too short for trigrams: a prefix."""
    pattern = escape_like(folded) + "%"
    if len(folded) >= MIN_CONTAINS_LENGTH:
        pattern = "%" + pattern
    return Customer.name_folded.like(pattern, escape=LIKE_ESCAPE)


# A name search shows its matches in name order. Walking the name index finds the first
# page of a common surname (Silva, spread over the whole alphabet) in a few milliseconds,
# but a common first name late in the alphabet (Maria, Pedro, Paulo) sits behind most of
# the table: 0.4 to 1.3 s at 1,000,000 customers. So the walk stops after this many
# customers and the search then gathers its matches through the search indexes instead.
NAME_WINDOW = 5_000


def search(q: str | None, page: int = 1, per_page: int = 25, count: bool = True) -> Page:
    """Customers by name (contains), CPF/CNPJ or phone prefix (masked or not), e-mail prefix,
    in name order."""
    query = select(Customer).order_by(Customer.name, Customer.id)
    condition = search_filter(q)
    if condition is None:
        return paginate(db.session, query, page, per_page, count=count)
    query = query.where(condition)
    found = _first_matches_by_name(query, page, per_page)
    total = count_rows(db.session, query) if count else None
    return Page(found.items, page, per_page, total, more=found.more)


def _first_matches_by_name(query, page: int, per_page: int) -> Page:
    """One page of the search's matches in name order, without a total."""
    window_end = db.session.scalar(
        select(Customer.name).order_by(Customer.name).offset(NAME_WINDOW - 1).limit(1)
    )
    if window_end is None:  # a small shop: the walk reads the whole table, cheaply
        return paginate(db.session, query, page, per_page, count=False)
    early = paginate(db.session, query.where(Customer.name <= window_end), page, per_page, False)
    # A match past the page among the customers named up to window_end means every customer
    # before it was looked at: the page holds exactly the first matches by name.
    if early.more:
        return early
    return paginate(db.session, _matches_first(query), page, per_page, count=False)


def _matches_first(query):
    """The same search, the matches gathered through the search indexes and then sorted
    (MATERIALIZED: otherwise PostgreSQL walks the name index again)."""
    matches = query.order_by(None).cte("matches").prefix_with("MATERIALIZED")
    found = aliased(Customer, matches)
    return select(found).order_by(found.name, found.id)


# --- Customers --------------------------------------------------------------------------


def create_customer(actor: Any, data: Mapping[str, Any]) -> Customer:
    """Register a customer; CpfTaken if the document already exists in this tenant."""
    values = clean_customer({**REQUIRED_CUSTOMER, **data})
    ensure_document_free(values["document"])
    customer = Customer(**values)
    with _document_guard(values["document"]), unit_of_work(actor) as uow:
        uow.session.add(customer)
        uow.session.flush()
    return customer


def update_customer(actor: Any, customer_id: int, data: Mapping[str, Any]) -> Customer:
    """Change the given fields (absent ones keep their value)."""
    values = clean_customer(data)
    with _document_guard(values.get("document")), unit_of_work(actor) as uow:
        customer = get_customer(customer_id)
        if values.get("document", customer.document) != customer.document:
            ensure_document_free(values["document"])
        for field, value in values.items():
            setattr(customer, field, value)
        uow.session.flush()
    return customer


def deactivate_customer(actor: Any, customer_id: int) -> Customer:
    """Customers are never deleted (orders and the ledger point at them): they go inactive."""
    with unit_of_work(actor):
        customer = get_customer(customer_id)
        customer.active = False
    return customer


def ensure_document_free(document: str, customer_id: int | None = None) -> None:
    """CpfTaken when the CPF/CNPJ is already another customer's (``customer_id`` is the one
    being edited, whose own document is no conflict)."""
    existing = find_by_document(document)
    if existing is not None and existing.id != customer_id:
        raise _taken(existing)


def _taken(existing: Customer) -> CpfTaken:
    label = "CPF" if existing.document_type == "cpf" else "CNPJ"
    message = f"Já existe um cliente com este {label}: {existing.name}."
    return CpfTaken(message, field="document", details={"customer_id": existing.id})


class _document_guard:  # noqa: N801 - used like a function: ``with _document_guard(doc):``
    """Turn the unique index's verdict on a simultaneous duplicate into CpfTaken.

    The pre-check above gives the friendly message in the common case; two submissions racing
    past it are decided by the database's unique index, and the loser lands here after the
    unit of work rolled back.
    """

    def __init__(self, document: str | None) -> None:
        self.document = document

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None or not issubclass(exc_type, IntegrityError) or not self.document:
            return False
        existing = find_by_document(self.document)
        if existing is None:
            return False
        raise _taken(existing) from exc


# --- Addresses --------------------------------------------------------------------------


def add_address(actor: Any, customer_id: int, data: Mapping[str, Any]) -> Address:
    """Add an address; the first of its kind (or one marked default) becomes the default."""
    values = clean_address({**REQUIRED_ADDRESS, **data})
    with unit_of_work(actor) as uow:
        customer = get_customer(customer_id)
        make_default = bool(values.pop("is_default", False))
        current = _default_of(customer.id, values["kind"])
        if current is None:
            make_default = True  # the first address of its kind is the default
        elif make_default:
            current.is_default = False
            uow.session.flush()  # unset first: the partial unique index allows one default
        address = Address(customer_id=customer.id, is_default=make_default, **values)
        uow.session.add(address)
        uow.session.flush()
    return address


def update_address(
    actor: Any, customer_id: int, address_id: int, data: Mapping[str, Any]
) -> Address:
    """Edit an address of this customer (looked up by both ids)."""
    values = clean_address(data)
    with unit_of_work(actor) as uow:
        address = get_address(customer_id, address_id)
        make_default = values.pop("is_default", None)
        old_kind = address.kind
        kind_changed = values.get("kind", old_kind) != old_kind
        if kind_changed and address.is_default:
            address.is_default = False  # it leaves its old kind: the default is handed on below
        for field, value in values.items():
            setattr(address, field, value)
        uow.session.flush()
        if kind_changed:
            _promote_next(uow.session, customer_id, old_kind)
        if make_default or _default_of(customer_id, address.kind, exclude=address.id) is None:
            _make_default(uow.session, address)
        elif make_default is False and address.is_default:
            _promote_next(uow.session, customer_id, address.kind, keep=address)
    return address


def delete_address(actor: Any, customer_id: int, address_id: int) -> None:
    """Delete an address; if it was the default, the newest one of its kind takes over."""
    with unit_of_work(actor) as uow:
        address = get_address(customer_id, address_id)
        kind, was_default = address.kind, address.is_default
        uow.session.delete(address)
        uow.session.flush()
        if was_default:
            _promote_next(uow.session, customer_id, kind)


def set_default_address(actor: Any, customer_id: int, address_id: int) -> Address:
    """Make this address the default of its kind (the previous default stops being one)."""
    with unit_of_work(actor) as uow:
        address = get_address(customer_id, address_id)
        _make_default(uow.session, address)
    return address


def _default_of(customer_id: int, kind: str, exclude: int | None = None) -> Address | None:
    query = select(Address).where(
        Address.customer_id == customer_id, Address.kind == kind, Address.is_default.is_(True)
    )
    if exclude is not None:
        query = query.where(Address.id != exclude)
    return db.session.scalars(query).first()


def _make_default(session, address: Address) -> None:
    current = _default_of(address.customer_id, address.kind, exclude=address.id)
    if current is not None:
        current.is_default = False
        session.flush()  # unset first: the partial unique index allows one default per kind
    address.is_default = True
    session.flush()


def _promote_next(session, customer_id: int, kind: str, keep: Address | None = None) -> None:
    query = (
        select(Address)
        .where(Address.customer_id == customer_id, Address.kind == kind)
        .order_by(Address.id.desc())
    )
    if keep is not None:
        query = query.where(Address.id != keep.id)
    if keep is None and _default_of(customer_id, kind) is not None:
        return
    successor = session.scalars(query).first()
    if successor is None:
        return  # the only address of its kind stays default
    if keep is not None:
        keep.is_default = False
        session.flush()
    successor.is_default = True
    session.flush()
