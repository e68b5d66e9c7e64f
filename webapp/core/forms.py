"""The base of every HTML form: WTForms' own messages in the app's pt-BR.

Our validators carry their own messages, but WTForms writes some itself (a choice outside a
select's list, a length check, a number that does not parse), in English unless a
translation is supplied. Flask-WTF's translations need Flask-Babel, which the app does not
use; WTForms' bundled Portuguese catalog is European and gets the plurals wrong. So the
few messages that can reach a user are written here, in the app's voice.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations

from webapp.core.domain import DomainError

_MESSAGES = {
    "This field is required.": "Preencha este campo.",
    "Invalid input.": "Valor inválido.",
    "Invalid email address.": "Informe um e-mail válido.",
    "Field must be equal to %(other_name)s.": "Os valores não conferem.",
    "Field must be at least %(min)d character long.": "Use pelo menos %(min)d caracteres.",
    "Field cannot be longer than %(max)d character.": "Use no máximo %(max)d caracteres.",
    "Field must be exactly %(max)d character long.": "Use exatamente %(max)d caracteres.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Use de %(min)d a %(max)d caracteres."
    ),
    "Number must be at least %(min)s.": "Informe um número a partir de %(min)s.",
    "Number must be at most %(max)s.": "Informe um número até %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Informe um número de %(min)s a %(max)s.",
    "Not a valid choice.": "Escolha uma opção da lista.",
    "Invalid Choice: could not coerce.": "Escolha uma opção da lista.",
    "'%(value)s' is not a valid choice for this field.": "Escolha uma opção da lista.",
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        "Escolha opções da lista."
    ),
    "Not a valid integer value.": "Informe um número inteiro.",
    "Not a valid decimal value.": "Informe um número.",
    "Not a valid float value.": "Informe um número.",
    "Not a valid date value.": "Informe uma data válida.",
    "Not a valid datetime value.": "Informe uma data e hora válidas.",
    "Not a valid time value.": "Informe um horário válido.",
}


class PtBrMessages:
    """The gettext/ngettext pair WTForms asks its form meta for."""

    def __init__(self) -> None:
        self._fallback = get_translations(["pt"])

    def gettext(self, message: str) -> str:
        return _MESSAGES.get(message) or self._fallback.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Keyed by the singular: the pt-BR wording above reads right for any n.
        return _MESSAGES.get(singular) or self._fallback.ngettext(singular, plural, n)


PT_BR = PtBrMessages()


# Fields the user never sees: a message for one of them goes on top of the form.
_UNSEEN_FIELDS = frozenset({"HiddenField", "CSRFTokenField"})


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return PT_BR

    def add_errors(self, fields: dict[str, str], message: str | None = None) -> None:
        """A service's refusal on the form: each field's message next to its input; the
        rest (no such field, a hidden one such as the record's version, or ``message`` when
        no field is named) in the form's alert on top."""
        for name, text in fields.items():
            field = self._fields.get(name)
            if field is None or field.type in _UNSEEN_FIELDS:
                self.form_errors.append(text)
            else:
                field.errors = [*field.errors, text]
        if not fields and message:
            self.form_errors.append(message)

    def add_refusal(self, exc: DomainError) -> int:
        """:meth:`add_errors` for a service's domain error; returns the status the page
        carries (422 invalid, 409 conflict...)."""
        self.add_errors(exc.fields, exc.message)
        return exc.status
