"""Demo catalog for ``flask seed-demo --products N``: realistic pt-BR products, fast.

Rows go in with multi-row INSERTs in batches (100,000 products in seconds), so they skip the
per-row ORM audit; the initial stock still enters the kardex with one INSERT ... SELECT, so
every product's movements add up to its stock as the rules demand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import func, insert, literal, select

from webapp.catalog.models import Category, Product, StockMovement
from webapp.core.bulk import vacuum_analyze
from webapp.core.context import tenant_context
from webapp.core.documents import ean13_check_digit
from webapp.core.models import UTCDateTime, utcnow
from webapp.core.money import quantize
from webapp.extensions import db

BATCH = 5_000
TAX_RATES = [Decimal("0.00"), Decimal("7.00"), Decimal("12.00"), Decimal("18.00")]

# category -> (SKU prefix, base names, variants)
CATALOG: dict[str, tuple[str, list[str], list[str]]] = {
    "Mercearia": (
        "MER",
        [
            "Arroz agulhinha",
            "Feijão carioca",
            "Feijão preto",
            "Açúcar refinado",
            "Café torrado e moído",
            "Farinha de trigo",
            "Macarrão espaguete",
            "Óleo de soja",
            "Farofa temperada",
            "Fubá mimoso",
        ],
        ["500 g", "1 kg", "2 kg", "5 kg", "pacote econômico"],
    ),
    "Bebidas": (
        "BEB",
        [
            "Refrigerante de guaraná",
            "Suco de uva integral",
            "Água mineral sem gás",
            "Água de coco",
            "Cerveja pilsen",
            "Chá mate gelado",
            "Energético",
            "Refrigerante de cola",
        ],
        ["350 ml", "600 ml", "1 L", "1,5 L", "2 L", "fardo 12 un."],
    ),
    "Limpeza": (
        "LIM",
        [
            "Detergente neutro",
            "Sabão em pó",
            "Amaciante concentrado",
            "Água sanitária",
            "Desinfetante lavanda",
            "Esponja multiuso",
            "Limpador multiuso",
            "Sabão em barra",
        ],
        ["500 ml", "1 L", "2 L", "5 L", "pacote 3 un."],
    ),
    "Higiene pessoal": (
        "HIG",
        [
            "Sabonete de glicerina",
            "Creme dental",
            "Xampu anticaspa",
            "Condicionador",
            "Desodorante aerossol",
            "Escova de dentes macia",
            "Papel higiênico folha dupla",
        ],
        ["90 g", "200 ml", "350 ml", "pacote 4 un.", "pacote 12 un."],
    ),
    "Hortifrúti": (
        "HOR",
        [
            "Banana prata",
            "Maçã gala",
            "Tomate italiano",
            "Batata inglesa",
            "Cebola",
            "Alface crespa",
            "Laranja pera",
            "Mamão formosa",
        ],
        ["kg", "bandeja 500 g", "unidade", "maço"],
    ),
    "Eletrônicos": (
        "ELE",
        [
            "Fone de ouvido Bluetooth",
            "Carregador USB-C",
            "Cabo HDMI",
            "Mouse sem fio",
            "Teclado ABNT2",
            "Caixa de som portátil",
            "Pilha alcalina AA",
            "Lâmpada LED",
        ],
        ["preto", "branco", "2 m", "9 W", "kit 4 un.", "20 W"],
    ),
    "Papelaria": (
        "PAP",
        [
            "Caderno universitário",
            "Caneta esferográfica azul",
            "Lápis preto nº 2",
            "Borracha branca",
            "Marca-texto amarelo",
            "Papel sulfite A4",
            "Cola branca",
        ],
        ["10 matérias", "caixa 50 un.", "pacote 500 folhas", "90 g", "unidade"],
    ),
}


def _product_row(
    rng: random.Random, tenant_id: int, category_id: int, prefix: str, names, variants, n: int, now
):
    cost = quantize(Decimal(rng.randint(100, 20_000)) / 100)
    sale = quantize(cost * Decimal(rng.choice(["1.35", "1.50", "1.65", "1.80", "2.00"])))
    if n % 37 == 0:
        stock = 0
    elif n % 11 == 0:
        stock = rng.randint(1, 5)
    else:
        stock = rng.randint(6, 400)
    body = f"789{n:09d}"[-12:]
    return {
        "tenant_id": tenant_id,
        "sku": f"{prefix}-{n:06d}",
        "ean": body + ean13_check_digit(body),
        "name": f"{rng.choice(names)} {rng.choice(variants)}",
        "category_id": category_id,
        "cost_price": cost,
        "sale_price": sale,
        "min_price": quantize(sale * Decimal("0.90")),
        "max_price": quantize(sale * Decimal("1.10")),
        "tax_rate": rng.choice(TAX_RATES),
        "stock_qty": stock,
        "low_stock_threshold": 5,
        "active": n % 97 != 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _categories(tenant_id: int) -> dict[str, int]:
    ids = {}
    for name in CATALOG:
        category = db.session.scalars(select(Category).where(Category.name == name)).first()
        if category is None:
            category = Category(name=name, tenant_id=tenant_id)
            db.session.add(category)
            db.session.flush()
        ids[name] = category.id
    return ids


def seed_catalog(tenant_id: int, count: int, echo: Callable[[str], None] = print) -> int:
    """Create ``count`` demo products (once per tenant). Returns how many were created."""
    with tenant_context(tenant_id):
        if db.session.scalar(select(func.count()).select_from(Product)):
            echo("Produtos de demonstração já existem.")
            return 0
        if count <= 0:
            return 0
        rng = random.Random(20261122)
        category_ids = _categories(tenant_id)
        kinds = list(CATALOG.items())
        now = utcnow()
        rows = []
        for n in range(1, count + 1):
            name, (prefix, names, variants) = kinds[n % len(kinds)]
            rows.append(
                _product_row(rng, tenant_id, category_ids[name], prefix, names, variants, n, now)
            )
            if len(rows) == BATCH:
                db.session.execute(insert(Product.__table__), rows)
                rows = []
        if rows:
            db.session.execute(insert(Product.__table__), rows)
        _initial_movements(tenant_id, now)
        db.session.commit()
        vacuum_analyze("categories", "products", "stock_movements")
    echo(f"{count} produtos de demonstração criados em {len(CATALOG)} categorias.")
    return count


def _initial_movements(tenant_id: int, now) -> None:
    columns = [
        "tenant_id",
        "product_id",
        "kind",
        "qty",
        "before_qty",
        "after_qty",
        "reason",
        "created_at",
    ]
    source = select(
        Product.tenant_id,
        Product.id,
        literal("in"),
        Product.stock_qty,
        literal(0),
        Product.stock_qty,
        literal("Estoque inicial (demonstração)"),
        literal(now, UTCDateTime()),
    ).where(Product.tenant_id == tenant_id, Product.stock_qty > 0)
    db.session.execute(insert(StockMovement.__table__).from_select(columns, source))
