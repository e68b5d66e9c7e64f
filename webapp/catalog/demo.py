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

# category -> (SKU prefix, brands, {product: {size: typical cost price in reais}}). Each product
# comes in its own sizes, at its own price, from a few brands (produce has none), so the demo
# reads like a shop's shelf.
CATALOG: dict[str, tuple[str, list[str], dict[str, dict[str, str]]]] = {
    "Mercearia": (
        "MER",
        ["Boa Safra", "Dona Clara", "Vale Verde", "Sabor do Campo", "Tropeiro"],
        {
            "Arroz agulhinha": {"1 kg": "4.50", "5 kg": "20.00"},
            "Feijão carioca": {"1 kg": "5.50"},
            "Feijão preto": {"1 kg": "6.00"},
            "Açúcar refinado": {"1 kg": "3.20", "5 kg": "14.00"},
            "Café torrado e moído": {"250 g": "9.00", "500 g": "16.50"},
            "Farinha de trigo": {"1 kg": "3.80"},
            "Macarrão espaguete": {"500 g": "3.00"},
            "Óleo de soja": {"900 ml": "5.50"},
            "Molho de tomate": {"340 g": "2.20"},
            "Farofa temperada": {"250 g": "3.50"},
        },
    ),
    "Bebidas": (
        "BEB",
        ["Serra Azul", "Fonte Clara", "Vila Rica", "Bom Gosto"],
        {
            "Refrigerante de cola": {"lata 350 ml": "2.20", "garrafa 2 l": "5.50"},
            "Suco de uva integral": {"1 l": "9.00"},
            "Água mineral sem gás": {"500 ml": "0.90", "1,5 l": "1.80"},
            "Cerveja pilsen": {"lata 350 ml": "2.40", "pack 12 latas": "26.00"},
            "Leite integral": {"1 l": "3.60"},
            "Refrigerante de guaraná": {"lata 350 ml": "2.00", "garrafa 2 l": "5.00"},
            "Suco de laranja": {"1 l": "6.50"},
            "Água mineral com gás": {"500 ml": "1.20"},
            "Chá mate": {"1,5 l": "4.20"},
        },
    ),
    "Hortifrúti": (
        "HOR",
        [],
        {
            "Banana prata": {"kg": "3.50", "penca": "5.00"},
            "Banana nanica": {"kg": "2.90"},
            "Maçã gala": {"kg": "6.00", "bandeja 1 kg": "7.00"},
            "Maçã fuji": {"kg": "7.50"},
            "Tomate italiano": {"kg": "5.00"},
            "Tomate cereja": {"bandeja 300 g": "3.80"},
            "Batata inglesa": {"kg": "3.80", "saco 2 kg": "7.00"},
            "Batata-doce": {"kg": "3.60"},
            "Cebola": {"kg": "3.20"},
            "Alho": {"cabeça": "1.20", "200 g": "4.50"},
            "Cenoura": {"kg": "3.00"},
            "Alface crespa": {"unidade": "1.60"},
            "Couve manteiga": {"maço": "1.80"},
            "Cheiro-verde": {"maço": "1.30"},
            "Laranja pera": {"kg": "2.80", "saco 3 kg": "7.50"},
            "Limão tahiti": {"kg": "3.40"},
            "Mamão formosa": {"kg": "4.20"},
            "Abacaxi pérola": {"unidade": "4.80"},
            "Pera williams": {"kg": "8.50"},
            "Uva thompson": {"bandeja 500 g": "7.00"},
            "Melancia": {"kg": "1.80"},
            "Melão amarelo": {"kg": "3.90"},
            "Manga palmer": {"kg": "4.50"},
            "Abacate": {"kg": "5.20"},
            "Morango": {"bandeja 250 g": "5.50"},
            "Kiwi": {"kg": "14.00"},
            "Pimentão verde": {"kg": "5.50"},
            "Pimentão vermelho": {"kg": "9.00"},
            "Abobrinha": {"kg": "3.80"},
            "Berinjela": {"kg": "4.00"},
            "Pepino japonês": {"kg": "4.20"},
            "Brócolis": {"maço": "4.50"},
            "Repolho": {"unidade": "3.20"},
            "Beterraba": {"kg": "3.10"},
            "Mandioca": {"kg": "3.50"},
            "Chuchu": {"kg": "2.60"},
            "Gengibre": {"kg": "12.00"},
            "Rúcula": {"maço": "2.00"},
        },
    ),
    "Limpeza": (
        "LIM",
        ["Brilho", "Casa Limpa", "Lavanda Real", "Pura"],
        {
            "Detergente neutro": {"500 ml": "1.60"},
            "Sabão em pó": {"1 kg": "9.50"},
            "Água sanitária": {"2 l": "4.50"},
            "Desinfetante lavanda": {"2 l": "6.50"},
            "Esponja dupla face": {"pacote 3 un.": "2.80"},
            "Amaciante": {"2 l": "9.00", "5 l": "19.00"},
            "Limpador multiuso": {"500 ml": "3.20"},
            "Lava-roupas líquido": {"3 l": "22.00"},
            "Saco de lixo 50 l": {"rolo 30 un.": "7.50"},
            "Lustra-móveis": {"200 ml": "5.00"},
        },
    ),
    "Higiene pessoal": (
        "HIG",
        ["Suave", "Bem-Estar", "Florescer", "Dia a Dia"],
        {
            "Papel higiênico folha dupla": {"pacote 4 un.": "4.80", "pacote 12 un.": "13.50"},
            "Desodorante aerossol": {"150 ml": "8.50"},
            "Escova de dentes macia": {"unidade": "4.00"},
            "Creme dental": {"90 g": "2.60"},
            "Sabonete em barra": {"90 g": "1.40"},
            "Xampu": {"350 ml": "9.50"},
            "Condicionador": {"350 ml": "10.50"},
            "Fio dental": {"50 m": "4.80"},
            "Enxaguante bucal": {"500 ml": "11.00"},
            "Fralda descartável": {"pacote M 30 un.": "28.00"},
        },
    ),
    "Eletrônicos": (
        "ELE",
        ["Voltz", "Conecta", "Pulso", "Lumina"],
        {
            "Fone de ouvido Bluetooth": {"preto": "45.00", "branco": "45.00"},
            "Carregador USB-C": {"20 W": "28.00"},
            "Cabo HDMI": {"2 m": "15.00"},
            "Mouse sem fio": {"preto": "25.00"},
            "Teclado ABNT2": {"preto": "38.00"},
            "Caixa de som portátil": {"preto": "70.00", "azul": "70.00"},
            "Pilha alcalina AA": {"cartela 4 un.": "9.00"},
            "Lâmpada LED": {"9 W": "4.50"},
            "Cabo USB-C": {"1 m": "12.00"},
        },
    ),
    "Papelaria": (
        "PAP",
        ["Escolar", "Traço", "Ponto Azul", "Papiro"],
        {
            "Caderno universitário": {"10 matérias": "14.00"},
            "Caneta esferográfica azul": {"unidade": "0.90", "caixa 50 un.": "30.00"},
            "Lápis preto nº 2": {"unidade": "0.60"},
            "Borracha branca": {"unidade": "0.70"},
            "Marca-texto amarelo": {"unidade": "2.20"},
            "Papel sulfite A4": {"pacote 500 folhas": "19.00"},
            "Cola branca": {"90 g": "2.00"},
            "Apontador com depósito": {"unidade": "1.50"},
            "Régua": {"30 cm": "1.20"},
            "Tesoura escolar": {"unidade": "3.50"},
            "Pasta com elástico": {"unidade": "2.40"},
        },
    ),
}
MARKUPS = ["1.35", "1.50", "1.65", "1.80", "2.00"]


def _shelf_items(rng: random.Random, brands: list[str], shelf) -> list[tuple[str, Decimal]]:
    """Every (name, typical cost) of a category, in a shuffled but repeatable order: the first
    products of a category are all different, and only a catalog bigger than the shelf
    repeats names (under other SKUs and prices)."""
    items = [
        (" ".join(part for part in (product, brand, size) if part), Decimal(typical))
        for product, sizes in shelf.items()
        for size, typical in sizes.items()
        for brand in brands or [""]
    ]
    rng.shuffle(items)
    return items


def _product_row(rng: random.Random, tenant_id: int, category_id: int, prefix: str, item, n, now):
    name, typical = item
    # Suppliers differ: the same item costs up to 15% more or less than its typical price.
    cost = quantize(typical * Decimal(rng.randint(85, 115)) / 100)
    sale = quantize(cost * Decimal(rng.choice(MARKUPS)))
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
        "name": name,
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
        kinds = [
            (category_ids[category], prefix, _shelf_items(rng, brands, shelf))
            for category, (prefix, brands, shelf) in CATALOG.items()
        ]
        now = utcnow()
        rows = []
        for n in range(1, count + 1):
            category_id, prefix, items = kinds[n % len(kinds)]
            item = items[(n // len(kinds)) % len(items)]
            rows.append(_product_row(rng, tenant_id, category_id, prefix, item, n, now))
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
