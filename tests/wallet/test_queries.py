"""Statement (extrato) and its CSV export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.wallet.conftest import fund
from webapp.core.domain import ValidationFailed
from webapp.wallet import services as wallet
from webapp.wallet.queries import period_bounds, statement, statement_csv

D = Decimal
SP = ZoneInfo("America/Sao_Paulo")


def test_statement_lists_wallet_entries_newest_first_with_running_balance(admin):
    fund(1, "100.00")
    wallet.pay_with_balance(31, 1, D("40.00"))
    wallet.credit_cashback(31, 1, D("3.00"))
    wallet.credit_cashback(99, 2, D("8.00"))  # another customer: not on this statement
    page = statement(1, per_page=2)
    assert page.total == 3 and page.has_next
    assert [(line.kind_label, line.amount, line.balance_after) for line in page.items] == [
        ("Cashback", D("3.00"), D("63.00")),
        ("Compra com saldo", D("-40.00"), D("60.00")),
    ]
    assert page.items[1].order_id == 31
    assert page.items[1].description == "Compra com saldo no pedido #31"
    assert [line.kind_label for line in statement(1, page=2, per_page=2).items] == ["Estorno"]


def test_period_filter_uses_whole_days_in_sao_paulo(ctx):
    fund(1, "10.00")
    today = datetime.now(SP).date()
    assert statement(1, today, today).total == 1
    assert statement(1, today + timedelta(days=1), None).total == 0
    assert statement(1, None, today - timedelta(days=1)).total == 0
    start, end = period_bounds(date(2026, 3, 10), date(2026, 3, 10))
    assert start == datetime(2026, 3, 10, 3, tzinfo=UTC)  # 00:00 in São Paulo (UTC-3)
    assert end == datetime(2026, 3, 11, 3, tzinfo=UTC)


def test_inverted_period_is_a_validation_error(ctx):
    with pytest.raises(ValidationFailed) as raised:
        statement(1, date(2026, 3, 10), date(2026, 3, 9))
    assert raised.value.fields == {"from": "A data inicial deve ser anterior à final."}


def test_csv_export_is_chronological_ptbr_and_safe_for_spreadsheets(admin):
    fund(1, "1234.50")
    wallet.manual_adjustment(admin, 1, D("-0.50"), '=HYPERLINK("http://x")', "k1")
    lines = "".join(statement_csv(1)).splitlines()
    assert lines[0] == "\ufeffData;Tipo;Descrição;Pedido;Valor;Saldo após"
    refund, adjustment = (line.split(";") for line in lines[1:])
    assert refund[1:] == ["Estorno", "Estorno do pedido #999001", "999001", "1234,50", "1234,50"]
    assert datetime.strptime(refund[0], "%d/%m/%Y %H:%M")
    assert adjustment[1] == "Ajuste manual"
    assert adjustment[2].startswith("\"'=HYPERLINK")  # never a live formula
    assert adjustment[3:] == ["", "-0,50", "1234,00"]
