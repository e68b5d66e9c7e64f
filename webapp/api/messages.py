"""marshmallow's validation messages in Brazilian Portuguese.

The API answers 422 ``validation_error`` with a message per field (``details.fields``);
marshmallow only speaks English and has no translation hook, so its class-level defaults are
replaced here once, when the API is set up. Messages a schema declares itself win, as usual.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

FIELD_MESSAGES: dict[type, dict[str, str]] = {
    fields.Field: {
        "required": "Campo obrigatório.",
        "null": "Este campo não pode ser nulo.",
        "validator_failed": "Valor inválido.",
    },
    fields.String: {
        "invalid": "Informe um texto.",
        "invalid_utf8": "Texto com caracteres inválidos (use UTF-8).",
    },
    fields.Number: {"invalid": "Informe um número.", "too_large": "Número grande demais."},
    fields.Integer: {"invalid": "Informe um número inteiro."},
    fields.Decimal: {"special": "Informe um número (NaN e infinito não valem)."},
    fields.Float: {"special": "Informe um número (NaN e infinito não valem)."},
    fields.Boolean: {"invalid": "Informe verdadeiro ou falso."},
    fields.Date: {
        "invalid": "Informe uma data válida (aaaa-mm-dd).",
        "format": '"{input}" não é uma data válida.',
    },
    fields.DateTime: {
        "invalid": "Informe data e hora válidas (ISO 8601).",
        "invalid_awareness": "Informe data e hora com fuso horário.",
        "format": '"{input}" não é uma data e hora válidas.',
    },
    fields.Email: {"invalid": "Informe um e-mail válido."},
    fields.List: {"invalid": "Informe uma lista."},
    fields.Dict: {"invalid": "Informe um objeto."},
    fields.Nested: {"type": "Formato inválido: informe um objeto."},
}
SCHEMA_MESSAGES = {
    "type": "Formato inválido: informe um objeto JSON.",
    "unknown": "Campo desconhecido.",
}
VALIDATOR_MESSAGES: dict[type, dict[str, str]] = {
    validate.Length: {
        "message_min": "Mínimo de {min} caracteres.",
        "message_max": "Máximo de {max} caracteres.",
        "message_all": "Use de {min} a {max} caracteres.",
        "message_equal": "Use exatamente {equal} caracteres.",
    },
    validate.Range: {
        "message_min": "Deve ser {min_op} {{min}}.",
        "message_max": "Deve ser {max_op} {{max}}.",
        "message_all": "Deve ser {min_op} {{min}} e {max_op} {{max}}.",
        "message_gte": "maior ou igual a",
        "message_gt": "maior que",
        "message_lte": "menor ou igual a",
        "message_lt": "menor que",
    },
    validate.OneOf: {"default_message": "Escolha uma destas opções: {choices}."},
    validate.Regexp: {"default_message": "Formato inválido."},
    validate.Equal: {"default_message": "Deve ser igual a {other}."},
    validate.Email: {"default_message": "Informe um e-mail válido."},
}


def use_portuguese_messages() -> None:
    """Replace marshmallow's English defaults (idempotent)."""
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    for validator_class, messages in VALIDATOR_MESSAGES.items():
        for name, text in messages.items():
            setattr(validator_class, name, text)
