"""Customer search: LIKE wildcards typed in the box are searched as themselves."""

from __future__ import annotations

import pytest

from tests.conftest import in_tenant
from webapp.core.documents import make_cpf
from webapp.customers import services

PEOPLE = ["João Pereira", "Natália Conceição", "Eduardo Lima", "Joao Batista", "Edgar Dias"]


@pytest.fixture
def people(make_customer):
    for n, name in enumerate(PEOPLE):
        make_customer(document=make_cpf(300_000_000 + n), name=name, email=f"c{n}@x.com")


def found(app, tenant, q: str) -> list[str]:
    with in_tenant(app, tenant.tenant_id):
        return [c.name for c in services.search(q).items]


@pytest.mark.parametrize("q", ["e_d", "e%d", "ed%o", "_", "%", "\\"])
def test_like_wildcards_match_only_themselves(app, tenant, people, q):
    assert found(app, tenant, q) == []


def test_an_underscore_in_an_email_is_searched_literally(app, tenant, make_customer):
    make_customer(name="Edu Dantas", email="e_d@x.com")
    make_customer(document=make_cpf(400_000_000), name="Eder Dias", email="eed@x.com")
    assert found(app, tenant, "e_d") == ["Edu Dantas"]
