"""Wallet API contract (SPEC 8): balance, entries with period and pagination, adjustments with
Idempotency-Key, error codes and tenant isolation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from tests.conftest import in_tenant
from tests.customers.conftest import customer_data
from tests.wallet.conftest import fund
from webapp.customers import services as customer_services

BASE = "/api/v1/customers"


def _adjust(api, customer_id, amount="25.00", reason="Bônus de boas-vindas", key="k-1"):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(
        f"{BASE}/{customer_id}/wallet/adjustments",
        json={"amount": amount, "reason": reason},
        headers=headers,
    )


def test_balance_starts_at_zero_and_follows_movements(app, tenant, api_client):
    api = api_client("seller")
    assert api.get(f"{BASE}/1/wallet").get_json() == {"customer_id": 1, "balance": "0.00"}
    with in_tenant(app, tenant.tenant_id):
        fund(1, "40.10")
    assert api.get(f"{BASE}/1/wallet").get_json()["balance"] == "40.10"


def test_adjustment_created_and_listed_as_entry(api_client):
    api = api_client("admin")
    response = _adjust(api, 2)
    assert response.status_code == 201, response.get_json()
    entry = response.get_json()
    assert entry["kind"] == "manual_adjustment"
    assert entry["amount"] == "25.00"
    assert entry["balance_after"] == "25.00"
    assert entry["description"] == "Bônus de boas-vindas"
    assert entry["order_id"] is None
    assert entry["created_at"].startswith("20")

    debit = _adjust(api, 2, amount="-5.50", reason="Correção", key="k-2").get_json()
    assert (debit["amount"], debit["balance_after"]) == ("-5.50", "19.50")

    listing = api.get(f"{BASE}/2/wallet/entries").get_json()
    assert [e["amount"] for e in listing["data"]] == ["-5.50", "25.00"]  # newest first
    assert listing["pagination"] == {"page": 1, "per_page": 25, "total": 2}
    assert set(listing["data"][0]) >= {
        "kind",
        "amount",
        "balance_after",
        "order_id",
        "created_at",
        "description",
    }
    page2 = api.get(f"{BASE}/2/wallet/entries?per_page=1&page=2").get_json()
    assert [e["amount"] for e in page2["data"]] == ["25.00"]
    assert api.get(f"{BASE}/2/wallet").get_json()["balance"] == "19.50"


def test_entries_period_filter(api_client):
    api = api_client("admin")
    _adjust(api, 1)
    today = api.get(f"{BASE}/1/wallet/entries").get_json()["data"][0]["created_at"][:10]
    assert (
        api.get(f"{BASE}/1/wallet/entries?from=2001-01-01&to=2001-01-31").get_json()["data"] == []
    )
    bad = api.get(f"{BASE}/1/wallet/entries?from=2024-02-10&to=2024-02-01")
    assert bad.status_code == 422 and bad.get_json()["error"] == "validation_error"
    assert api.get(f"{BASE}/1/wallet/entries?from=nope").status_code == 422
    assert today  # the entry exists; a whole-history query still finds it
    assert (
        api.get(f"{BASE}/1/wallet/entries?from=2001-01-01").get_json()["pagination"]["total"] == 1
    )


def test_same_key_replays_and_other_payload_conflicts(api_client):
    api = api_client("admin")
    first = _adjust(api, 3, key="same")
    again = _adjust(api, 3, key="same")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert api.get(f"{BASE}/3/wallet").get_json()["balance"] == "25.00"

    for other in (
        _adjust(api, 3, amount="26.00", key="same"),
        _adjust(api, 3, reason="Outro motivo", key="same"),
        _adjust(api, 4, key="same"),
    ):
        assert other.status_code == 409, other.get_json()
        assert other.get_json()["error"] == "conflict"
    assert api.get(f"{BASE}/3/wallet").get_json()["balance"] == "25.00"
    assert api.get(f"{BASE}/4/wallet").get_json()["balance"] == "0.00"


def test_adjustment_errors(api_client):
    api = api_client("admin")
    missing_key = _adjust(api, 1, key=None)
    assert missing_key.status_code == 422
    body = missing_key.get_json()
    assert body["error"] == "validation_error"
    assert "Idempotency-Key" in body["details"]["fields"]

    no_reason = _adjust(api, 1, reason="  ", key="r")
    assert no_reason.status_code == 422
    assert no_reason.get_json()["details"]["fields"]["reason"] == ["Informe o motivo do ajuste."]
    for amount in ("abc", "0", 10.5, None):
        response = _adjust(api, 1, amount=amount, key=f"a-{amount}")
        assert response.status_code == 422, (amount, response.get_json())
        assert "amount" in response.get_json()["details"]["fields"]

    short = _adjust(api, 1, amount="-1.00", key="debit")
    assert short.status_code == 409
    assert short.get_json()["error"] == "insufficient_balance"
    assert short.get_json()["details"]["available"] == "0.00"
    assert api.get(f"{BASE}/1/wallet/entries").get_json()["data"] == []


def test_seller_cannot_adjust(api_client):
    response = _adjust(api_client("seller"), 1)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_another_tenants_customer_is_not_found(app, make_tenant, api_client):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        foreign = customer_services.create_customer(other.id, customer_data()).id
    api = api_client("admin")
    for response in (
        api.get(f"{BASE}/{foreign}/wallet"),
        api.get(f"{BASE}/{foreign}/wallet/entries"),
        _adjust(api, foreign, key="x"),
        api.get(f"{BASE}/999999/wallet"),
    ):
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"
    with in_tenant(app, other.tenant_id):
        from webapp.wallet import services

        assert services.balance(foreign) == Decimal("0.00")


def test_openapi_documents_wallet_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/customers/{customer_id}/wallet/adjustments" in spec["paths"]
    assert "/api/v1/customers/{customer_id}/wallet/entries" in spec["paths"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (True, "Informe um valor em reais, como 10,50."),  # JSON true is not R$ 1,00
        (
            "10.555",
            "Use no máximo duas casas decimais (centavos); para mil reais, escreva "
            "1.000,00 ou 1000.",
        ),  # never rounded, nor read as ten thousand
        ("-0,005", "Use no máximo duas casas decimais (centavos)."),
        ("NaN", "Informe um valor em reais, como 10,50."),
        ("99999999999999", "O valor não pode passar de R$ 1.000.000.000,00."),
    ],
)
def test_amounts_that_are_not_centavos_are_refused_in_portuguese(api_client, amount, message):
    api = api_client("admin")
    response = _adjust(api, 1, amount=amount, key=f"k-{amount}")
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert body["details"]["fields"]["amount"] == [message]
    assert api.get(f"{BASE}/1/wallet").get_json()["balance"] == "0.00"


def test_every_wallet_endpoint_needs_a_valid_token(app):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer nao.e.um-token"}):
        for response in (
            client.get(f"{BASE}/1/wallet", headers=headers),
            client.get(f"{BASE}/1/wallet/entries", headers=headers),
            client.post(
                f"{BASE}/1/wallet/adjustments",
                json={"amount": "5.00", "reason": "Sem token"},
                headers={**headers, "Idempotency-Key": "sem-token"},
            ),
        ):
            assert response.status_code == 401
            body = response.get_json()
            assert body["error"] == "invalid_token"
            assert body["message"] == "Token de acesso ausente, inválido ou expirado."


def test_refusals_carry_a_portuguese_message(api_client):
    api = api_client("admin")
    short = _adjust(api, 1, amount="-1.00", key="pt-1").get_json()
    assert short["message"] == "Saldo insuficiente na carteira: disponível R$ 0,00"
    assert (
        _adjust(api, 1, key=None)
        .get_json()["message"]
        .startswith("Envie o cabeçalho Idempotency-Key")
    )
    _adjust(api, 1, key="pt-2")
    conflict = _adjust(api, 1, amount="1.00", key="pt-2").get_json()
    assert conflict["error"] == "conflict" and conflict["message"]
    assert conflict["message"] != conflict["error"]
    forbidden = _adjust(api_client("seller"), 1, key="pt-3").get_json()
    assert forbidden["message"] == "Seu perfil não tem permissão para esta operação."
    missing = api.get(f"{BASE}/999999/wallet/entries").get_json()
    assert missing["message"] == "Cliente não encontrado."


@pytest.mark.parametrize("reason", ["Bônus\u0000", "Bônus \u001b[31mvermelho"])
def test_a_reason_with_control_characters_is_refused_not_a_500(api_client, reason):
    # NUL made PostgreSQL fail the INSERT (500); ESC and friends broke the XLSX ledger export.
    api = api_client("admin")
    response = _adjust(api, 1, reason=reason, key="ctl")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["message"] == (
        "O motivo tem caracteres de controle: digite apenas texto."
    )
    assert api.get(f"{BASE}/1/wallet/entries").get_json()["data"] == []
    assert _adjust(api, 1, reason="Bônus\r\n\tde aniversário", key="ok").status_code == 201


def test_a_credit_past_what_the_balance_column_holds_is_a_422(app, tenant, api_client):
    # Each adjustment is capped at R$ 1 bilhão, but balances add up; past NUMERIC(14,2)
    # PostgreSQL raised a numeric overflow, a 500.
    api = api_client("admin")
    assert _adjust(api, 1, amount="100.00", key="seed").status_code == 201
    near = Decimal("999999999990.00")
    with in_tenant(app, tenant.tenant_id):
        from webapp.extensions import db
        from webapp.wallet.models import Account, Wallet

        db.session.execute(update(Wallet).where(Wallet.customer_id == 1).values(balance=near))
        db.session.execute(update(Account).where(Account.code == "wallet:1").values(balance=near))
        db.session.execute(
            update(Account).where(Account.code == "system:adjustments").values(balance=-near)
        )
        db.session.commit()
    for customer_id in (1, 2):  # the wallet's ceiling, then the system account's floor
        response = _adjust(api, customer_id, amount="20.00", key=f"over-{customer_id}")
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["details"]["fields"]["amount"] == [
            "O saldo passaria do limite de R$ 999.999.999.999,99: lance um valor menor."
        ]
    assert api.get(f"{BASE}/1/wallet").get_json()["balance"] == "999999999990.00"
    assert api.get(f"{BASE}/2/wallet/entries").get_json()["data"] == []
    assert _adjust(api, 1, amount="-20.00", key="down").status_code == 201
