"""KPI cards: a figure, its value in the previous period and the change between them (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from webapp.reports.queries import Summary


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: Decimal | int
    previous: Decimal | int
    is_money: bool = True
    # Refunds and cashback going up is not good news: the arrow colour follows this.
    good_when_up: bool = True
    hint: str = ""

    @property
    def change(self) -> Decimal | None:
        return percent_change(self.value, self.previous)

    @property
    def tone(self) -> str:
        """'up-good', 'up-bad', 'down-good', 'down-bad' or 'flat' (CSS classes)."""
        change = self.change
        if change is None or change == 0:
            return "flat"
        up = change > 0
        return f"{'up' if up else 'down'}-{'good' if up == self.good_when_up else 'bad'}"


def percent_change(current, previous) -> Decimal | None:
    """Change in % with one decimal; None ("—") when the previous value is 0."""
    if not previous:
        return None
    # Over the size of the previous value: a margin going from -100 to +50 rose 150%, and
    # dividing by the negative -100 would show it as a 150% fall.
    change = (Decimal(current) - Decimal(previous)) * 100 / abs(Decimal(previous))
    return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def dashboard_kpis(current: Summary, previous: Summary) -> list[Kpi]:
    c, p = current, previous
    return [
        Kpi("revenue", "Faturamento", c.revenue, p.revenue),
        Kpi("orders", "Pedidos", c.orders, p.orders, is_money=False),
        Kpi("average_ticket", "Ticket médio", c.average_ticket, p.average_ticket),
        Kpi("taxes", "Impostos", c.taxes, p.taxes, good_when_up=False),
        Kpi("gross_margin", "Margem bruta", c.gross_margin, p.gross_margin),
        Kpi(
            "cashback",
            "Cashback líquido",
            c.cashback_net,
            p.cashback_net,
            good_when_up=False,
            hint="concedido − estornado",
        ),
        Kpi(
            "refunds",
            "Estornos",
            c.refunds,
            p.refunds,
            good_when_up=False,
            hint="pedidos pagos e cancelados",
        ),
    ]
