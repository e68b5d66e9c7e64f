from decimal import Decimal

from wtforms import BooleanField, EmailField, Field, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from webapp.core.forms import Form
from webapp.core.money import (
    InvalidMoney,
    MoneyTooLarge,
    TooManyDecimals,
    format_decimal_comma,
    parse_money,
)
from webapp.identity.models import Role
from webapp.identity.passwords import MIN_LENGTH

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired("Informe seu e-mail."), Length(max=254)])
    password = PasswordField("Senha", validators=[DataRequired("Informe sua senha.")])
    remember = BooleanField("Manter conectado neste aparelho")


def _new_password(label: str = "Nova senha") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Informe a senha."),
            Length(min=MIN_LENGTH, max=128, message=f"Use de {MIN_LENGTH} a 128 caracteres."),
        ],
        # No maxlength attribute: the browser would cut a longer pasted password short here
        # but not in the confirmation, and the user would read "não conferem" instead of the
        # length rule (or, with both cut, get a password they never typed).
        render_kw={"maxlength": False},
    )


def _confirm(field: str) -> PasswordField:
    return PasswordField(
        "Confirme a senha",
        validators=[DataRequired("Repita a senha."), EqualTo(field, "As senhas não conferem.")],
    )


class UserCreateForm(Form):
    name = StringField("Nome", validators=[DataRequired("Informe o nome."), Length(max=120)])
    email = EmailField("E-mail", validators=[DataRequired("Informe o e-mail."), Length(max=254)])
    role = SelectField("Perfil", choices=ROLE_CHOICES, default=Role.SELLER.value)
    password = _new_password("Senha inicial")
    confirm = _confirm("password")


class RoleForm(Form):
    role = SelectField("Perfil", choices=ROLE_CHOICES)


class PasswordResetForm(Form):
    password = _new_password()
    confirm = _confirm("password")


class ProfilePasswordForm(Form):
    current_password = PasswordField(
        "Senha atual", validators=[DataRequired("Informe a senha atual.")]
    )
    new_password = _new_password()
    confirm = _confirm("new_password")


class DecimalBrField(StringField):
    """A decimal typed the Brazilian way ("1.234,56" or "5,5"); ``data`` is a Decimal."""

    def __init__(self, label=None, validators=None, suffix: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.suffix = suffix

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").replace("%", "").strip()
        if not raw:
            self.data = None  # "required" is the validators' business
            return
        try:
            self.data = parse_money(raw)
        except (TooManyDecimals, MoneyTooLarge) as exc:
            # A number all the same: say what is wrong with it ("1.000" meant a thousand).
            self.data = None
            percent = self.suffix == "%" and isinstance(exc, TooManyDecimals)
            raise ValueError(
                "Use no máximo duas casas decimais." if percent else exc.message
            ) from exc
        except InvalidMoney as exc:
            self.data = None
            raise ValueError("Informe um número, por exemplo 5,00.") from exc

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_decimal_comma(self.data) if isinstance(self.data, Decimal) else ""


def _required_number(form, field: Field) -> None:
    if field.data is None and not field.errors:
        raise ValidationError("Informe um valor.")


class SettingsForm(Form):
    """Tenant settings. Field names are ``TenantSettings`` columns: add one here to show it."""

    cashback_rate = DecimalBrField(
        "Cashback (% do pedido)",
        [_required_number],
        suffix="%",
        description="Percentual do valor pago que volta como saldo na carteira do cliente.",
    )
    cashback_min_order = DecimalBrField(
        "Pedido mínimo para cashback (R$)",
        [_required_number],
        description="Pedidos abaixo deste valor não geram cashback.",
    )
    default_tax_rate = DecimalBrField(
        "Alíquota padrão de imposto (%)",
        [_required_number],
        suffix="%",
        description="Usada nos produtos cadastrados sem alíquota própria.",
    )

    def values(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if name != "csrf_token"}
