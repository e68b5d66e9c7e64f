"""CSV of products: the export's rows and the import's all-or-nothing validation.

Columns (header row required, ';' or ',' separated, UTF-8 with or without BOM):
sku;ean;name;category;cost_price;sale_price;min_price;max_price;tax_rate;stock_qty;
low_stock_threshold;active. Amounts accept 1234,56 or 1234.56. Lines may end in LF, CRLF or
a bare CR (Excel's "CSV (Macintosh)").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from webapp.catalog.models import Product
from webapp.catalog.validation import clean_product
from webapp.core.domain import ValidationFailed
from webapp.core.money import ZERO, format_decimal_comma
from webapp.core.spreadsheets import as_text_cell, from_text_cell

COLUMNS = [
    "sku",
    "ean",
    "name",
    "category",
    "cost_price",
    "sale_price",
    "min_price",
    "max_price",
    "tax_rate",
    "stock_qty",
    "low_stock_threshold",
    "active",
]
REQUIRED_COLUMNS = {"sku", "name", "cost_price", "sale_price"}
FIELD_LABELS = {
    "sku": "SKU",
    "ean": "EAN",
    "name": "nome",
    "category": "categoria",
    "cost_price": "custo",
    "sale_price": "preço de venda",
    "min_price": "preço mínimo",
    "max_price": "preço máximo",
    "tax_rate": "alíquota",
    "stock_qty": "estoque",
    "low_stock_threshold": "alerta de estoque",
    "active": "ativo",
}
MAX_ROWS = 100_000
# First bytes of the spreadsheets people upload instead of a CSV: .xlsx (a zip), .xls (OLE2).
SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
SNIFFED_BYTES = 8192
SAVE_AS_CSV = "Salve a planilha como “CSV UTF-8” e envie de novo."


@dataclass
class ImportCheck:
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_line: dict[int, list[str]] = field(default_factory=dict)

    def fail(self, line: int, message: str) -> None:
        self.by_line.setdefault(line, []).append(message)

    @property
    def errors(self) -> list[dict[str, Any]]:
        """``[{"line": n, "messages": [...]}]`` in line order."""
        return [{"line": n, "messages": self.by_line[n]} for n in sorted(self.by_line)]


def export_rows(products: Iterable[Product]) -> Iterator[str]:
    """The CSV text, one line at a time (streamed: never the whole catalog in memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    yield "\ufeff"  # BOM: Excel opens UTF-8 accents correctly
    writer.writerow(COLUMNS)
    yield flush()
    for product in products:
        writer.writerow(
            [
                as_text_cell(product.sku),
                product.ean or "",
                as_text_cell(product.name),
                as_text_cell(product.category.name) if product.category else "",
                *(format_decimal_comma(getattr(product, k)) for k in COLUMNS[4:9]),
                product.stock_qty,
                product.low_stock_threshold,
                "sim" if product.active else "não",
            ]
        )
        yield flush()


def _reader(text: str) -> csv.DictReader:
    # newline=None: CRLF and a bare CR end a line as LF does; the csv module alone would
    # stop at a bare CR with "new-line character seen in unquoted field".
    stream = io.StringIO(text, newline=None)
    first_line = stream.readline()
    stream.seek(0)
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return csv.DictReader(stream, delimiter=delimiter)


def not_csv_reason(raw: bytes) -> str | None:
    """Why ``raw`` cannot be a CSV, judged by its first bytes; None when it may be one."""
    if raw.startswith(SPREADSHEET_SIGNATURES):
        return f"Este arquivo é uma planilha do Excel, não um CSV. {SAVE_AS_CSV}"
    if b"\x00" in raw[:SNIFFED_BYTES]:  # no text file holds NUL bytes (UTF-16 aside)
        return f"O arquivo não é um CSV de texto. {SAVE_AS_CSV}"
    return None


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to Latin-1 as older spreadsheets save."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def check_rows(
    text: str,
    existing: Callable[[set[str], set[str]], tuple[set[str], set[str]]],
    progress: Callable[[int, int], None] = lambda done, total: None,
    default_tax_rate: Decimal = ZERO,
) -> ImportCheck:
    """Validate EVERY row; ``existing(skus, eans)`` says which are already in the catalog.

    A row with a blank tax rate gets ``default_tax_rate``, as a product saved on screen.
    """
    check = ImportCheck()
    lines = _read_lines(text, check)
    if not lines:
        return check
    seen_sku: dict[str, int] = {}
    seen_ean: dict[str, int] = {}
    for index, raw in enumerate(lines):
        line = index + 2  # line 1 is the header
        row = {
            (k or "").strip().lower(): from_text_cell((v or "").strip())
            for k, v in raw.items()
            if k
        }
        try:
            values = clean_product(row, default_tax_rate=default_tax_rate)
        except ValidationFailed as exc:
            for name, message in exc.fields.items():
                check.fail(line, f"{FIELD_LABELS.get(name, name)}: {message}")
            continue
        if (first := seen_sku.setdefault(values["sku"], line)) != line:
            check.fail(line, f"SKU {values['sku']} repetido (já aparece na linha {first}).")
        if values["ean"] and (first := seen_ean.setdefault(values["ean"], line)) != line:
            check.fail(line, f"EAN {values['ean']} repetido (já aparece na linha {first}).")
        values["_line"] = line
        check.rows.append(values)
        if line % 500 == 0:
            progress(index + 1, len(lines))
    _check_existing(check, existing)
    return check


def _read_lines(text: str, check: ImportCheck) -> list[dict[str, Any]]:
    """The data rows; none (and the reason in ``check``) when the file cannot be imported."""
    reader = _reader(text)
    try:
        header = {(name or "").strip().lower() for name in (reader.fieldnames or [])}
        if missing := REQUIRED_COLUMNS - header:
            check.fail(1, f"Cabeçalho sem as colunas: {', '.join(sorted(missing))}.")
            return []
        lines = list(reader)
    except csv.Error:  # e.g. a quote never closed swallows the rest of the file
        check.fail(
            reader.line_num,
            "O arquivo não pôde ser lido como CSV a partir desta linha: confira se há aspas "
            f"sem fechamento. {SAVE_AS_CSV}",
        )
        return []
    if not lines:
        check.fail(2, "O arquivo não tem nenhum produto.")
        return []
    if len(lines) > MAX_ROWS:
        check.fail(1, f"No máximo {MAX_ROWS} produtos por arquivo.")
        return []
    return lines


def _check_existing(check: ImportCheck, existing) -> None:
    skus = {row["sku"] for row in check.rows}
    eans = {row["ean"] for row in check.rows if row["ean"]}
    taken_skus, taken_eans = existing(skus, eans)
    for row in check.rows:
        if row["sku"] in taken_skus:
            check.fail(row["_line"], f"SKU {row['sku']} já está cadastrado.")
        if row["ean"] and row["ean"] in taken_eans:
            check.fail(row["_line"], f"EAN {row['ean']} já está cadastrado.")
