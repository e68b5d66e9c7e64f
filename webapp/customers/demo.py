"""Demo customers for ``flask seed-demo --customers N``: realistic pt-BR data, fast at 1M rows.

Faker is too slow to call a million times, so it fills small pools of first names, surnames,
streets and districts once; rows combine pool entries at random. CPFs are generated
arithmetically (sequential bases through a stride coprime with 10**9, check digits computed),
so they are valid and distinct. Rows go in by batches, with COPY on PostgreSQL (several times
faster than INSERT) and Core ``insert`` elsewhere, bypassing the per-row audit trail on
purpose: this is bulk demo data, not a user's action.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta

from faker import Faker
from sqlalchemy import Table, func, insert, select, text

from webapp.core.bulk import vacuum_analyze
from webapp.core.documents import make_cpf
from webapp.core.models import utcnow
from webapp.core.text_search import fold
from webapp.customers.models import Address, Customer
from webapp.extensions import db

BATCH = 5_000
STRIDE = 7_919  # prime, coprime with 10**9: i -> base visits every 9-digit base once
# Customers signed up, in id order, over the two years before the demo's year of orders
# (sales.demo), so no order comes before its customer's "cliente desde".
SIGNUP_SPAN = timedelta(days=730)
ORDER_HISTORY = timedelta(days=366)
# Real cities with their UF, a DDD and the first digits of their CEPs.
CITIES = [
    ("São Paulo", "SP", "11", "01"), ("Campinas", "SP", "19", "13"), ("Santos", "SP", "13", "11"),
    ("Rio de Janeiro", "RJ", "21", "20"), ("Niterói", "RJ", "21", "24"),
    ("Belo Horizonte", "MG", "31", "30"), ("Uberlândia", "MG", "34", "38"),
    ("Vitória", "ES", "27", "29"), ("Curitiba", "PR", "41", "80"), ("Londrina", "PR", "43", "86"),
    ("Florianópolis", "SC", "48", "88"), ("Joinville", "SC", "47", "89"),
    ("Porto Alegre", "RS", "51", "90"), ("Salvador", "BA", "71", "40"),
    ("Recife", "PE", "81", "50"), ("Fortaleza", "CE", "85", "60"), ("Natal", "RN", "84", "59"),
    ("João Pessoa", "PB", "83", "58"), ("Maceió", "AL", "82", "57"), ("Aracaju", "SE", "79", "49"),
    ("São Luís", "MA", "98", "65"), ("Teresina", "PI", "86", "64"), ("Belém", "PA", "91", "66"),
    ("Manaus", "AM", "92", "69"), ("Goiânia", "GO", "62", "74"), ("Brasília", "DF", "61", "70"),
    ("Cuiabá", "MT", "65", "78"), ("Campo Grande", "MS", "67", "79"),
    ("Porto Velho", "RO", "69", "76"), ("Palmas", "TO", "63", "77"), ("Macapá", "AP", "96", "68"),
    ("Boa Vista", "RR", "95", "69"), ("Rio Branco", "AC", "68", "69"),
]  # fmt: skip
DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br", "bol.com.br"]
COMPLEMENTS = [None, None, None, "Apto 12", "Apto 304", "Casa 2", "Bloco B", "Fundos", "Sala 5"]


class Pools:
    """Faker output computed once, recombined per row."""

    def __init__(self, seed: int) -> None:
        fake = Faker("pt_BR")
        fake.seed_instance(seed)
        self.first = list({fake.first_name() for _ in range(600)})
        self.last = list({fake.last_name() for _ in range(400)})
        self.streets = list({fake.street_name() for _ in range(1500)})
        self.districts = list({fake.bairro() for _ in range(500)})


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _signed_up_at(i: int, count: int, now: datetime) -> datetime:
    return now - ORDER_HISTORY - SIGNUP_SPAN * (1 - i / count)


def _customer_row(i: int, tenant_id: int, pools: Pools, rng: random.Random, joined) -> dict:
    first, last1, last2 = rng.choice(pools.first), rng.choice(pools.last), rng.choice(pools.last)
    city = rng.choice(CITIES)
    name = f"{first} {last1} {last2}"
    return {
        "tenant_id": tenant_id,
        "name": name,
        "name_folded": fold(name),  # COPY skips the model's default (core.text_search)
        "document": make_cpf((100_000_000 + i * STRIDE) % 1_000_000_000),
        "document_type": "cpf",
        "email": f"{ascii_slug(first)}.{ascii_slug(last2)}{i}@{rng.choice(DOMAINS)}",
        "phone": f"{city[2]}9{rng.randrange(10**8):08d}",
        "birth_date": date(1950, 1, 1) + timedelta(days=rng.randrange(20_000)),
        "active": rng.random() > 0.03,
        "marketing_consent": rng.random() < 0.6,
        "created_at": joined,
        "updated_at": joined,
        "_city": city,
    }


def _address_row(customer_id, tenant_id, kind, city, pools, rng, joined) -> dict:
    name, uf, _ddd, cep_prefix = city
    return {
        "tenant_id": tenant_id,
        "customer_id": customer_id,
        "kind": kind,
        "street": rng.choice(pools.streets),
        "number": str(rng.randrange(1, 3000)),
        "complement": rng.choice(COMPLEMENTS),
        "district": rng.choice(pools.districts),
        "city": name,
        "state": uf,
        "zip": f"{cep_prefix}{rng.randrange(10**6):06d}",
        "is_default": True,
        "created_at": joined,
        "updated_at": joined,
    }


def seed_customers(tenant_id: int, count: int, echo: Callable[[str], None] = print) -> int:
    """Add customers (with addresses) until the tenant has ``count``; returns how many added."""
    existing = db.session.scalar(
        select(func.count()).select_from(Customer).where(Customer.tenant_id == tenant_id)
    )
    missing = max(0, count - existing)
    pools, rng, added = Pools(seed=tenant_id), random.Random(tenant_id * 31 + existing), 0
    for start in range(existing, existing + missing, BATCH):
        stop = min(start + BATCH, existing + missing)
        added += _insert_batch(tenant_id, range(start, stop), count, pools, rng, existing > 0)
        if added and (added % 100_000 < BATCH or stop == existing + missing):
            echo(f"  clientes: {existing + added:,} de {count:,}".replace(",", "."))
    if added:
        vacuum_analyze("customers", "addresses")
    return added


def _insert_batch(
    tenant_id: int, indexes: range, count: int, pools: Pools, rng: random.Random, check_taken: bool
) -> int:
    now = utcnow()
    rows = [_customer_row(i, tenant_id, pools, rng, _signed_up_at(i, count, now)) for i in indexes]
    rows = [r for r in rows if len(set(r["document"])) > 1]
    if check_taken:  # generated documents are distinct; only earlier rows can collide
        rows = _drop_taken(tenant_id, rows)
    if not rows:
        return 0
    cities = [r.pop("_city") for r in rows]
    ids = _insert(Customer.__table__, rows, want_ids=True)
    addresses = []
    for customer_id, city, row in zip(ids, cities, rows, strict=True):
        joined = row["created_at"]
        addresses.append(_address_row(customer_id, tenant_id, "shipping", city, pools, rng, joined))
        if rng.random() < 0.3:
            addresses.append(
                _address_row(customer_id, tenant_id, "billing", city, pools, rng, joined)
            )
    _insert(Address.__table__, addresses)
    db.session.commit()
    return len(rows)


def _drop_taken(tenant_id: int, rows: list[dict]) -> list[dict]:
    query = (
        select(Customer.document)
        .where(Customer.tenant_id == tenant_id)
        .where(Customer.document.in_([r["document"] for r in rows]))
        .execution_options(all_tenants=True)
    )
    taken = set(db.session.scalars(query))
    return [r for r in rows if r["document"] not in taken]


def _insert(table: Table, rows: list[dict], want_ids: bool = False) -> list[int]:
    """Bulk insert; COPY on PostgreSQL (several times faster than multi-row INSERT)."""
    if db.session.get_bind().dialect.name != "postgresql":
        statement = insert(table)
        if not want_ids:
            db.session.execute(statement, rows)
            return []
        statement = statement.returning(table.c.id, sort_by_parameter_order=True)
        return list(db.session.execute(statement, rows).scalars())
    ids: list[int] = []
    if want_ids:  # COPY returns nothing: take the ids from the sequence first
        ids = list(
            db.session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"table": table.name, "n": len(rows)},
            )
        )
        for row, row_id in zip(rows, ids, strict=True):
            row["id"] = row_id
    columns = list(rows[0])
    raw = db.session.connection().connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[c] for c in columns])
    return ids
