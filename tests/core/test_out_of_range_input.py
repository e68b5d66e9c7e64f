"""Numbers and dates past what the database holds: a 404 or a pt-BR 422, never a 500.

Ids are BIGINT, versions INTEGER, money NUMERIC(14,2), and the calendar ends on 9999-12-31.
Each of these reached the database (or Decimal's 28 digits) as typed and failed there.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from werkzeug.routing import IntegerConverter

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from webapp.core.days import day_bounds
from webapp.core.ids import MAX_ID, is_id, parse_id
from webapp.core.money import MoneyTooLarge, parse_money
from webapp.core.pagination import MAX_PAGE, clamp

HUGE = "99999999999999999999"  # 20 digits: past 2**63


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("4a", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_is_id_refuses_bools_and_numbers_past_bigint():
    assert is_id(1) and is_id(MAX_ID)
    assert not is_id(True) and not is_id(MAX_ID + 1) and not is_id(0) and not is_id("1")


def test_page_numbers_are_capped():
    assert clamp(HUGE, 25) == (MAX_PAGE, 25)
    assert clamp("3", "10") == (3, 10)


def test_day_bounds_leave_open_what_the_calendar_cannot_hold():
    start, end = day_bounds(date(2026, 3, 1), date(2026, 3, 15), "America/Sao_Paulo")
    assert start == datetime(2026, 3, 1, 3, tzinfo=UTC)
    assert end == datetime(2026, 3, 16, 3, tzinfo=UTC)
    assert day_bounds(None, date.max, "America/Sao_Paulo") == (None, None)
    # Year 1's midnight east of Greenwich is before year 1 in UTC.
    assert day_bounds(date.min, None, "Asia/Tokyo") == (None, None)


@pytest.mark.parametrize("raw", ["9" * 30, 10**40, "1" + "0" * 15])
def test_money_past_any_column_is_refused_with_its_own_message(raw):
    with pytest.raises(MoneyTooLarge) as caught:
        parse_money(raw)
    assert caught.value.message == "Valor grande demais."
    assert parse_money("999.999.999.999,99") == parse_money("999999999999.99")


@pytest.mark.parametrize(
    "path",
    [
        f"/products/{HUGE}",
        f"/products/{HUGE}/edit",
        f"/users/{HUGE}",
        f"/orders/{HUGE}",
        f"/customers/{MAX_ID + 1}",
    ],
)
def test_web_pages_of_ids_past_bigint_are_not_found(login_as, path):
    assert login_as("admin").get(path).status_code == 404


@pytest.mark.parametrize("path", [f"/api/v1/products/{HUGE}", f"/api/v1/products/{HUGE}/movements"])
def test_api_resources_of_ids_past_bigint_are_not_found(api_client, path):
    response = api_client("admin").get(path)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [f"page={HUGE}", f"seller={HUGE}", f"customer={HUGE}", "to=9999-12-31", "from=0001-01-01"],
)
def test_order_list_filters_past_the_database_range_answer_200(login_as, query):
    assert login_as("admin").get(f"/orders?{query}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/products?page={HUGE}",
        f"/products?category={HUGE}",
        f"/customers?page={HUGE}",
        "/audit?date_to=9999-12-31",
    ],
)
def test_other_lists_answer_200_to_out_of_range_filters(login_as, path):
    assert login_as("admin").get(path).status_code == 200


def test_audit_actor_that_is_no_user_id_is_a_filter_error(login_as):
    response = login_as("admin").get("/audit?actor=²")  # a digit to str.isdigit, not to int()
    assert response.status_code == 422
    assert "Escolha um usuário da lista." in response.get_data(as_text=True)


def test_api_page_past_the_cap_is_a_422_in_portuguese(api_client):
    response = api_client("admin").get(f"/api/v1/products?page={HUGE}")
    assert response.status_code == 422
    [message] = response.get_json()["details"]["fields"]["page"]
    assert "menor ou igual a 1000000" in message


def test_api_product_with_an_absurd_price_is_a_422(api_client):
    body = {"sku": "CAFE-1", "name": "Café", "cost_price": "5.00", "sale_price": "9" * 30}
    response = api_client("admin").post("/api/v1/products", json=body)
    assert response.status_code == 422
    assert "grande demais" in str(response.get_json()["details"])


def test_api_product_update_with_a_version_past_integer_is_a_422(api_client, app, tenant):
    with in_tenant(app, tenant.tenant_id):
        product_id = make_product(tenant.id)
    body = {"version": 2**31, "name": "Café especial"}
    response = api_client("admin").patch(f"/api/v1/products/{product_id}", json=body)
    assert response.status_code == 422
    assert response.get_json()["details"]["fields"]["version"] == [
        "Versão do registro inválida: recarregue a página."
    ]


def test_no_route_takes_an_id_past_bigint(app, login_as, api_client):
    web, api = login_as("admin"), api_client("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        ids = [n for n, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if "GET" not in rule.methods or not ids:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", HUGE if name in ids else "x", path)
        client = api if path.startswith("/api/") else web
        assert client.get(path).status_code == 404, path
        checked += 1
    assert checked >= 20


def test_the_api_document_states_the_largest_id(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    [param] = spec["paths"]["/api/v1/products/{product_id}"]["parameters"]
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": MAX_ID}


FILTER_KEYS = (
    "page",
    "per_page",
    "from",
    "to",
    "date_from",
    "date_to",
    "status",
    "seller",
    "customer",
    "category",
    "actor",
    "q",
    "sort",
    "stock",
    "kind",
    "period",
)
ODD_VALUES = (HUGE, "9999-12-31", "²", "x" * 300)


def test_no_page_or_list_fails_on_odd_filter_values(app, login_as, api_client):
    """Each GET route without path arguments, each filter name in use, odd values: 4xx at worst."""
    web, api = login_as("admin"), api_client("admin")
    failures = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or "export" in rule.rule:
            continue
        if rule.endpoint == "main.ready":  # 503 while no worker runs (as in tests), by design
            continue
        client = api if rule.rule.startswith("/api/") else web
        for key in FILTER_KEYS:
            for value in ODD_VALUES:
                status = client.get(rule.rule, query_string={key: value}).status_code
                if status >= 500:
                    failures.append((rule.rule, key, value[:20], status))
    assert not failures, failures
