"""The admin adjustment dialog's form (the service re-checks everything it receives)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import ValidationError

from webapp.core.forms import Form
from webapp.core.money import ZERO, InvalidMoney, MoneyTooLarge, TooManyDecimals, parse_money

CREDIT, DEBIT = "credit", "debit"


def _positive_money(form, field) -> None:
    text = (field.data or "").strip()
    if not text:
        raise ValidationError("Informe o valor do ajuste.")
    if text.startswith("-"):
        raise ValidationError("Informe o valor sem sinal e escolha Crédito ou Débito.")
    try:
        value = parse_money(text)
    except (TooManyDecimals, MoneyTooLarge) as exc:
        raise ValidationError(exc.message) from exc
    except InvalidMoney as exc:
        raise ValidationError("Informe um valor em reais, como 10,50.") from exc
    if value <= ZERO:
        raise ValidationError("O valor deve ser maior que zero.")


def _reason(form, field) -> None:
    if not (field.data or "").strip():
        raise ValidationError("Informe o motivo do ajuste.")


class AdjustmentForm(Form):
    class Meta:
        csrf = False  # CSRFProtect already checks every POST (X-CSRFToken header or field)

    direction = StringField("Tipo", default=CREDIT)
    direction_choices = ((CREDIT, "Crédito"), (DEBIT, "Débito"))
    amount = StringField(
        "Valor (R$)",
        [_positive_money],
        render_kw={"inputmode": "decimal", "required": True, "autocomplete": "off"},
    )
    reason = TextAreaField(
        "Motivo", [_reason], render_kw={"required": True, "maxlength": 500, "rows": 2}
    )
    # Issued when the dialog is rendered: submitting the same form twice posts once.
    idempotency_key = HiddenField()

    def validate_direction(self, field) -> None:
        if field.data not in (CREDIT, DEBIT):
            raise ValidationError("Escolha Crédito ou Débito.")

    def ensure_key(self) -> None:
        if not self.idempotency_key.data:
            self.idempotency_key.data = uuid.uuid4().hex

    def signed_amount(self) -> Decimal:
        value = parse_money(self.amount.data)
        return value if self.direction.data == CREDIT else -value
