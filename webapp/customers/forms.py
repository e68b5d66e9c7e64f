"""Customer and address forms; their validators reuse the services' parsers for inline checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField, TelField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from webapp.core import documents
from webapp.core.forms import Form
from webapp.customers.models import ADDRESS_KIND_LABELS
from webapp.customers.validation import clean_birth_date, clean_email, clean_phone


def parsed_by(parser: Callable[[Any], Any]) -> Callable:
    """A WTForms validator running one of the shared parsers (same message as the API)."""

    def validator(form, field) -> None:
        try:
            parser(field.data)
        except documents.InvalidDocument as exc:
            raise ValidationError(str(exc)) from exc

    return validator


class CustomerForm(Form):
    name = StringField(
        "Nome completo ou razão social",
        validators=[InputRequired("Informe o nome."), Length(max=150)],
    )
    document = StringField(
        "CPF ou CNPJ",
        validators=[parsed_by(documents.parse_document)],
        render_kw={"inputmode": "numeric", "data-mask": "document", "autocomplete": "off"},
    )
    email = EmailField("E-mail", validators=[parsed_by(clean_email)])
    phone = TelField(
        "Telefone (com DDD)",
        validators=[parsed_by(clean_phone)],
        render_kw={"inputmode": "tel", "data-mask": "phone"},
    )
    birth_date = StringField(
        "Data de nascimento",
        validators=[parsed_by(clean_birth_date)],
        render_kw={"type": "date"},
    )
    marketing_consent = BooleanField("Aceita receber ofertas e comunicações (LGPD)")
    active = BooleanField("Cliente ativo", default=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.document.flags.required = True

    def values(self, editing: bool = False) -> dict[str, Any]:
        data = {name: self[name].data for name in ("name", "document", "email", "phone")}
        data.update(birth_date=self.birth_date.data, marketing_consent=self.marketing_consent.data)
        if editing:  # the "active" box is only on the edit form; new customers start active
            data["active"] = self.active.data
        return data


class AddressForm(Form):
    kind = SelectField(
        "Tipo",
        choices=[SelectChoice(k, v) for k, v in ADDRESS_KIND_LABELS.items()],
        validate_choice=False,  # validate_kind gives the pt-BR message instead
    )
    zip = StringField(
        "CEP",
        validators=[parsed_by(documents.parse_cep)],
        render_kw={"inputmode": "numeric", "data-mask": "cep", "autocomplete": "postal-code"},
    )
    street = StringField("Rua", validators=[InputRequired("Informe a rua."), Length(max=200)])
    number = StringField("Número", validators=[InputRequired("Informe o número."), Length(max=20)])
    complement = StringField("Complemento", validators=[Optional(), Length(max=100)])
    district = StringField(
        "Bairro", validators=[InputRequired("Informe o bairro."), Length(max=100)]
    )
    city = StringField("Cidade", validators=[InputRequired("Informe a cidade."), Length(max=100)])
    state = SelectField(
        "UF",
        choices=[SelectChoice("", "UF")] + [SelectChoice(uf, uf) for uf in documents.UFS],
        validate_choice=False,
    )
    is_default = BooleanField("Endereço padrão deste tipo")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("zip", "state"):
            self[name].flags.required = True

    def validate_kind(self, field) -> None:
        if field.data not in ADDRESS_KIND_LABELS:
            raise ValidationError("Tipo de endereço inválido: escolha cobrança ou entrega.")

    def validate_state(self, field) -> None:
        try:
            documents.parse_uf(field.data)
        except documents.InvalidDocument as exc:
            raise ValidationError(str(exc)) from exc

    def values(self) -> dict[str, Any]:
        return {name: self[name].data for name in ADDRESS_FORM_FIELDS}


ADDRESS_FORM_FIELDS = (
    "kind",
    "street",
    "number",
    "complement",
    "district",
    "city",
    "state",
    "zip",
    "is_default",
)
