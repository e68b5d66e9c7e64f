"""Customers (CRM): people and companies identified by CPF/CNPJ, with their addresses."""

from flask import Blueprint

from webapp.audit.labels import register_labels

bp = Blueprint("customers", __name__, url_prefix="/customers")

register_labels(
    "customers",
    "Cliente",
    fields={
        "document": "CPF/CNPJ",
        "document_type": "Tipo de documento",
        "birth_date": "Nascimento",
        "marketing_consent": "Aceita ofertas (LGPD)",
    },
    values={"document_type": {"cpf": "CPF", "cnpj": "CNPJ"}},
    formats={"document": "cpf_cnpj", "phone": "phone", "birth_date": "date", "name": "text"},
)
register_labels(
    "addresses",
    "Endereço",
    fields={
        "customer_id": "Cliente",
        "kind": "Tipo",
        "street": "Rua",
        "number": "Número",
        "complement": "Complemento",
        "district": "Bairro",
        "city": "Cidade",
        "state": "UF",
        "zip": "CEP",
        "is_default": "Padrão",
    },
    values={"kind": {"billing": "Cobrança", "shipping": "Entrega"}},
    formats={"zip": "cep", "number": "text", "street": "text", "complement": "text"},
)

from webapp.customers import routes  # noqa: E402,F401
