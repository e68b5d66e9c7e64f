"""Customer rules: validation, one document per tenant, addresses and their defaults."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import in_tenant, requires_postgres
from tests.customers.conftest import ADDRESS, CNPJ, CPF, CPF_DIGITS, OTHER_CPF, customer_data
from webapp.audit.services import history_for
from webapp.core.domain import NotFound, ValidationFailed
from webapp.customers import services
from webapp.customers.models import Address, Customer
from webapp.extensions import db


def count(app, tenant_id, model=Customer) -> int:
    with in_tenant(app, tenant_id):
        return db.session.scalar(select(func.count()).select_from(model))


def test_create_normalizes_fields(app, tenant):
    with in_tenant(app, tenant.tenant_id):
        customer = services.create_customer(tenant.id, customer_data())
        assert customer.document == CPF_DIGITS
        assert customer.document_type == "cpf"
        assert customer.email == "maria.silva@example.com.br"
        assert customer.phone == "21987654321"
        assert customer.active is True and customer.marketing_consent is True
        company = services.create_customer(tenant.id, customer_data(document=CNPJ, name="ACME"))
        assert company.document_type == "cnpj"


@pytest.mark.parametrize(
    "field,value",
    [
        ("document", "529.982.247-26"),
        ("document", "11.222.333/0001-80"),
        ("document", "123"),
        ("email", "maria@"),
        ("phone", "(00) 91234-5678"),
        ("name", "   "),
        ("name", "Maria\x00 Silva"),  # PostgreSQL refuses NUL in text
        ("birth_date", "2999-01-01"),
    ],
)
def test_invalid_customer_fields_save_nothing(app, tenant, field, value):
    with in_tenant(app, tenant.tenant_id), pytest.raises(ValidationFailed) as exc:
        services.create_customer(tenant.id, customer_data(**{field: value}))
    assert field in exc.value.fields
    assert count(app, tenant.tenant_id) == 0


def test_same_document_twice_in_a_tenant_is_refused_with_the_existing_id(
    make_customer, app, tenant
):
    first = make_customer()
    with in_tenant(app, tenant.tenant_id), pytest.raises(services.CpfTaken) as exc:
        services.create_customer(tenant.id, customer_data(document=CPF_DIGITS, name="Outra"))
    assert exc.value.code == "cpf_taken" and exc.value.status == 409
    assert exc.value.customer_id == first
    assert "Maria da Silva" in exc.value.message
    assert count(app, tenant.tenant_id) == 1


def test_same_document_in_another_tenant_is_accepted(make_customer, make_tenant, app):
    make_customer()
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        customer = services.create_customer(other.id, customer_data())
        assert customer.document == CPF_DIGITS
    assert count(app, other.tenant_id) == 1


def test_changing_document_to_a_taken_one_is_refused(make_customer, app, tenant):
    make_customer()
    second = make_customer(document=OTHER_CPF, name="João")
    with in_tenant(app, tenant.tenant_id):
        with pytest.raises(services.CpfTaken):
            services.update_customer(tenant.id, second, {"document": CPF})
        assert services.get_customer(second).document == OTHER_CPF


@requires_postgres
def test_simultaneous_duplicates_create_exactly_one(app, tenant, monkeypatch):
    """Both requests pass the friendly pre-check; the unique index decides."""
    barrier = threading.Barrier(2, timeout=10)
    original = services.ensure_document_free

    def racing_check(document, customer_id=None):
        original(document, customer_id)
        barrier.wait()  # both threads are now past the check, neither has inserted

    monkeypatch.setattr(services, "ensure_document_free", racing_check)
    outcomes: list[str] = []

    def submit(name):
        with in_tenant(app, tenant.tenant_id):
            try:
                services.create_customer(tenant.id, customer_data(name=name))
                outcomes.append("created")
            except services.CpfTaken as exc:
                assert exc.customer_id
                outcomes.append("cpf_taken")

    threads = [threading.Thread(target=submit, args=(n,)) for n in ("Ana", "Bia")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cpf_taken", "created"]
    assert count(app, tenant.tenant_id) == 1


def test_deactivate_keeps_the_customer(make_customer, app, tenant):
    customer_id = make_customer()
    with in_tenant(app, tenant.tenant_id):
        services.deactivate_customer(tenant.id, customer_id)
        assert services.get_customer(customer_id).active is False


def test_find_by_document_masked_or_not(make_customer, app, tenant):
    customer_id = make_customer()
    with in_tenant(app, tenant.tenant_id):
        assert services.find_by_document(CPF).id == customer_id
        assert services.find_by_document(CPF_DIGITS).id == customer_id
        assert services.find_by_document("000") is None
        with pytest.raises(NotFound):
            services.lookup_by_document(OTHER_CPF)
        with pytest.raises(ValidationFailed):
            services.lookup_by_document("123")


@pytest.mark.parametrize(
    "q",
    ["maria", "MAR", "da sil", "529.982", "52998", "maria.silva@", "2198765", "(21) 98765"],
)
def test_search_kinds(make_customer, app, tenant, q):
    make_customer()
    make_customer(document=OTHER_CPF, name="João Pereira", email="joao@x.com", phone="1131234567")
    with in_tenant(app, tenant.tenant_id):
        names = [c.name for c in services.search(q).items]
    assert names == ["Maria da Silva"]


def test_search_without_query_lists_alphabetically(make_customer, app, tenant):
    make_customer(name="Zuleica")
    make_customer(document=OTHER_CPF, name="Ana")
    with in_tenant(app, tenant.tenant_id):
        assert [c.name for c in services.search("").items] == ["Ana", "Zuleica"]


def test_a_name_search_pages_the_first_matches_by_name_whether_early_or_late(
    make_customer, app, tenant, monkeypatch
):
    """The search first reads the alphabet's start (NAME_WINDOW names, here 3) and only
    then gathers the matches: pages come out the same either way."""
    from webapp.core.documents import make_cpf

    names = ["Ana Maria", "Bruno Silva", "Carla Silva", "Daniel Souza", "Eva Silva"]
    names += ["Maria Antonia", "Maria Beatriz", "Paulo Silva"]
    for n, name in enumerate(names):
        make_customer(document=make_cpf(200_000_000 + n), name=name, email=f"c{n}@x.com")
    monkeypatch.setattr(services, "NAME_WINDOW", 3)  # the window ends at Carla Silva
    gathered = []
    real_matches_first = services._matches_first

    def matches_first(query):
        gathered.append(query)
        return real_matches_first(query)

    monkeypatch.setattr(services, "_matches_first", matches_first)

    def page(q, number, per_page=1, count=True):
        with in_tenant(app, tenant.tenant_id):
            found = services.search(q, number, per_page, count=count)
        return [c.name for c in found.items], found.total, found.has_next

    assert page("silva", 1) == (["Bruno Silva"], 4, True)  # inside the window
    assert gathered == []
    assert page("silva", 3) == (["Eva Silva"], 4, True)  # past it
    assert page("silva", 4) == (["Paulo Silva"], 4, False)
    assert page("maria", 1, per_page=2, count=False) == (["Ana Maria", "Maria Antonia"], None, True)
    assert page("maria", 2, per_page=2, count=False) == (["Maria Beatriz"], None, False)
    assert len(gathered) == 4


# --- addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,value",
    [
        ("state", "XX"),
        ("zip", "2224000"),
        ("zip", "222400031"),
        ("kind", "home"),
        ("street", ""),
        ("street", "Rua\x00 A"),
    ],
)
def test_invalid_address_saves_nothing(make_customer, app, tenant, field, value):
    customer_id = make_customer()
    with in_tenant(app, tenant.tenant_id), pytest.raises(ValidationFailed) as exc:
        services.add_address(tenant.id, customer_id, {**ADDRESS, field: value})
    assert field in exc.value.fields
    assert count(app, tenant.tenant_id, Address) == 0


def test_one_default_per_kind(make_customer, app, tenant):
    customer_id = make_customer()
    with in_tenant(app, tenant.tenant_id):
        first = services.add_address(tenant.id, customer_id, ADDRESS).id
        second = services.add_address(tenant.id, customer_id, {**ADDRESS, "number": "2"}).id
        billing = services.add_address(tenant.id, customer_id, {**ADDRESS, "kind": "billing"}).id
        defaults = lambda: {  # noqa: E731
            a.id for a in services.get_customer(customer_id).addresses if a.is_default
        }
        assert defaults() == {first, billing}  # the first of each kind becomes default
        services.set_default_address(tenant.id, customer_id, second)
        db.session.expire_all()
        assert defaults() == {second, billing}
        services.add_address(tenant.id, customer_id, {**ADDRESS, "number": "3", "is_default": True})
        db.session.expire_all()
        assert second not in defaults() and len(defaults()) == 2
        # deleting the default hands it to another address of the same kind
        for address_id in list(defaults() - {billing}):
            services.delete_address(tenant.id, customer_id, address_id)
        db.session.expire_all()
        assert len(defaults()) == 2


def test_changing_kind_hands_the_default_on(make_customer, app, tenant):
    customer_id = make_customer()
    with in_tenant(app, tenant.tenant_id):
        first = services.add_address(tenant.id, customer_id, ADDRESS).id
        second = services.add_address(tenant.id, customer_id, {**ADDRESS, "number": "2"}).id
        services.update_address(tenant.id, customer_id, first, {"kind": "billing"})
        db.session.expire_all()
        by_id = {a.id: a for a in services.get_customer(customer_id).addresses}
        assert by_id[first].kind == "billing" and by_id[first].is_default
        assert by_id[second].is_default


def test_address_of_another_customer_is_not_found(make_customer, app, tenant):
    owner = make_customer(addresses=[{}])
    intruder = make_customer(document=OTHER_CPF, name="Outro")
    with in_tenant(app, tenant.tenant_id):
        address_id = services.get_customer(owner).addresses[0].id
        for call in (
            lambda: services.update_address(tenant.id, intruder, address_id, {"city": "X"}),
            lambda: services.delete_address(tenant.id, intruder, address_id),
            lambda: services.set_default_address(tenant.id, intruder, address_id),
        ):
            with pytest.raises(NotFound):
                call()
        assert services.get_address(owner, address_id).city == "Rio de Janeiro"


def test_history_has_customer_and_address_entries(make_customer, app, tenant):
    customer_id = make_customer(addresses=[{}])
    with in_tenant(app, tenant.tenant_id):
        services.update_customer(tenant.id, customer_id, {"name": "Maria Souza"})
        entries = [item.entry for item in history_for("customers", customer_id).items]
        assert {(e.table_name, e.action) for e in entries} >= {
            ("customers", "create"),
            ("customers", "update"),
            ("addresses", "create"),
        }
        update = next(e for e in entries if e.action == "update")
        assert update.before == {"name": "Maria da Silva"} and update.after == {
            "name": "Maria Souza"
        }
