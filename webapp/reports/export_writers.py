"""File writers for exports: CSV for Excel pt-BR and streaming XLSX (constant memory).

Both take typed rows described by :class:`Column`; money stays a Decimal until the writer
turns it into ``1234,56`` text (CSV, like the wallet statement) or a number cell formatted
``R$ #,##0.00`` (XLSX, so the spreadsheet can sum it).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from webapp.core.money import format_decimal_comma
from webapp.core.spreadsheets import as_text_cell

TIMEZONE = ZoneInfo("America/Sao_Paulo")
MONEY_FORMAT = '"R$" #,##0.00'
PERCENT_FORMAT = "0.00"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text, int, money, decimal, datetime, bool
    width: int = 14


def _local(value: datetime) -> datetime:
    return value.astimezone(TIMEZONE)


def csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money" or kind == "decimal":
        return format_decimal_comma(Decimal(value))
    if kind == "datetime":
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if kind == "bool":
        return "Sim" if value else "Não"
    if kind == "int":
        return str(value)
    return as_text_cell(str(value))


class CsvWriter:
    def __init__(self, handle, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        handle.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
        self.writer.writerow([c.title for c in columns])

    def write(self, row: Sequence) -> None:
        self.writer.writerow([csv_value(v, c.kind) for v, c in zip(row, self.columns, strict=True)])


class XlsxWriter:
    def __init__(self, sheet, columns: Sequence[Column]) -> None:
        self.sheet = sheet
        self.columns = columns
        for index, column in enumerate(columns):
            letter = _letter(index)
            sheet.column_dimensions[letter].width = column.width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)

    def _cell(self, value, kind: str):
        if value is None:
            return None
        if kind == "money" or kind == "decimal":
            cell = WriteOnlyCell(self.sheet, value=Decimal(value))
            cell.number_format = MONEY_FORMAT if kind == "money" else PERCENT_FORMAT
            return cell
        if kind == "datetime":
            cell = WriteOnlyCell(self.sheet, value=_local(value).replace(tzinfo=None))
            cell.number_format = DATETIME_FORMAT
            return cell
        if kind == "bool":
            return "Sim" if value else "Não"
        if kind == "int":
            return value
        # XLSX cannot hold C0 control characters (openpyxl raises, failing the whole export);
        # text stored before any check refused them loses them here, and nothing else.
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        if text.startswith("="):  # openpyxl would store it as a formula
            cell = WriteOnlyCell(self.sheet, value=text)
            cell.data_type = "s"
            return cell
        return text

    def write(self, row: Sequence) -> None:
        self.sheet.append([self._cell(v, c.kind) for v, c in zip(row, self.columns, strict=True)])


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@contextmanager
def open_writer(fmt: str, path: Path, columns: Sequence[Column], title: str) -> Iterator:
    """A writer for ``fmt`` on ``path``; the file is complete when the block exits."""
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield CsvWriter(handle, columns)
        return
    workbook = Workbook(write_only=True)  # rows go to a temp file, not memory
    sheet = workbook.create_sheet(title[:31])
    yield XlsxWriter(sheet, columns)
    workbook.save(path)
