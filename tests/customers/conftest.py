"""Customer test data: valid documents and a quick way to create customers for a tenant."""

from __future__ import annotations

import pytest

from tests.conftest import in_tenant
from webapp.core.documents import make_cpf
from webapp.customers import services

CPF = "529.982.247-25"
CPF_DIGITS = "52998224725"
CNPJ = "11.222.333/0001-81"
OTHER_CPF = make_cpf(123456789)

ADDRESS = {
    "kind": "shipping",
    "street": "Rua das Laranjeiras",
    "number": "120",
    "complement": "Apto 31",
    "district": "Laranjeiras",
    "city": "Rio de Janeiro",
    "state": "RJ",
    "zip": "22240-003",
}


def customer_data(**overrides) -> dict:
    data = {
        "name": "Maria da Silva",
        "document": CPF,
        "email": "Maria.Silva@Example.com.br",
        "phone": "(21) 98765-4321",
        "birth_date": "1985-04-12",
        "marketing_consent": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_customer(app, tenant):
    """``make_customer(**fields)`` -> id of a customer of the default tenant."""

    def factory(tenant_id: int | None = None, addresses=(), **overrides) -> int:
        with in_tenant(app, tenant_id or tenant.tenant_id):
            customer = services.create_customer(tenant.id, customer_data(**overrides))
            for address in addresses:
                services.add_address(tenant.id, customer.id, {**ADDRESS, **address})
            return customer.id

    return factory
