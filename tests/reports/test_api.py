"""Reports API contract (SPEC 8): money as strings, lists, sellers' own figures, errors."""

from __future__ import annotations

from tests.conftest import in_tenant
from tests.reports import factories as f
from tests.reports.conftest import MARCH
from webapp.extensions import db


def test_summary(api_client, dataset):
    body = api_client("admin").get("/api/v1/reports/summary", query_string=MARCH).get_json()
    assert body == {
        "from": "2025-03-01",
        "to": "2025-03-31",
        "revenue": "585.00",
        "orders": 4,
        "average_ticket": "146.25",
        "taxes": "84.00",
        "cogs": "257.00",
        "gross_margin": "244.00",
        "cashback_granted": "20.00",
        "cashback_credited": "24.00",
        "cashback_reversed": "4.00",
        "refunds": "80.00",
    }


def test_summary_for_a_seller_is_their_own(api_client, dataset):
    client = api_client("seller", account=dataset.s2)
    body = client.get("/api/v1/reports/summary", query_string=MARCH).get_json()
    assert (body["revenue"], body["orders"], body["refunds"]) == ("205.00", 2, "0.00")


def test_abc_list(api_client, dataset):
    body = api_client("admin").get("/api/v1/reports/abc", query_string=MARCH).get_json()
    assert body["pagination"] == {"page": 1, "per_page": 100, "total": 5}
    first, *_, last = body["data"]
    assert first["sku"] == "SKU-P1" and first["class"] == "A"
    assert first["revenue"] == "300.00" and first["share"] == "0.512821"
    assert first["stock_qty"] == 10 and first["days_of_cover"] == "103.3"
    assert last["class"] == "C" and last["cumulative_share"] == "1.000000"


def test_rankings(api_client, dataset):
    client = api_client("admin")
    sellers = client.get("/api/v1/reports/sellers", query_string=MARCH).get_json()["data"]
    assert [
        (s["seller_id"], s["revenue"], s["average_ticket"], s["cashback"]) for s in sellers
    ] == [
        (dataset.s1.id, "380.00", "190.00", "15.00"),
        (dataset.s2.id, "205.00", "102.50", "5.00"),
    ]
    vips = client.get("/api/v1/reports/vip-customers", query_string={**MARCH, "top": 2}).get_json()[
        "data"
    ]
    assert [(v["name"], v["revenue"], v["orders"]) for v in vips] == [
        ("Ana Souza", "250.00", 1),
        ("Bruno Lima", "235.00", 2),
    ]
    own = api_client("seller", account=dataset.s1)
    assert [
        s["seller_id"]
        for s in own.get("/api/v1/reports/sellers", query_string=MARCH).get_json()["data"]
    ] == [dataset.s1.id]


def test_bad_input_is_422_in_the_error_format(api_client, dataset):
    client = api_client("admin")
    for path, query in (
        ("/api/v1/reports/summary", {"from": "2025-03-10", "to": "2025-03-01"}),
        ("/api/v1/reports/summary", {"from": "ontem", "to": "2025-03-01"}),
        ("/api/v1/reports/summary", {"period": "ano"}),
        ("/api/v1/reports/summary", {"from": "0001-01-01", "to": "0001-01-05"}),
        ("/api/v1/reports/vip-customers", {"from": "9999-12-25", "to": "9999-12-31"}),
        ("/api/v1/reports/sellers", {"top": "0"}),
        ("/api/v1/reports/abc", {"lead_time": "9999"}),
    ):
        response = client.get(path, query_string=query)
        assert response.status_code == 422, (path, query)
        body = response.get_json()
        assert body["error"] == "validation_error" and body["message"]


def test_unknown_job_is_404_and_api_needs_a_token(app, api_client):
    assert api_client("admin").get("/api/v1/jobs/nope").status_code == 404
    assert app.test_client().get("/api/v1/reports/summary").status_code == 401


def test_average_ticket_rounds_half_up_like_every_amount(app, api_client, tenant):
    with in_tenant(app, tenant.tenant_id):
        buyer, item = f.customer("Dora Reis"), f.product("SKU-T", "Toalha", 5)
        for unit in ("50.00", "50.01"):  # 100.01 / 2 = 50.005
            f.order(
                buyer,
                tenant.id,
                "paid",
                [f.line(item, "SKU-T", 1, unit, "10.00", 0)],
                created_at=f.utc(2025, 3, 5, 14),
                paid_at=f.utc(2025, 3, 5, 15),
            )
        db.session.commit()
    client = api_client("admin", account=tenant)
    summary = client.get("/api/v1/reports/summary", query_string=MARCH).get_json()
    assert (summary["revenue"], summary["average_ticket"]) == ("100.01", "50.01")
    sellers = client.get("/api/v1/reports/sellers", query_string=MARCH).get_json()["data"]
    assert sellers[0]["average_ticket"] == "50.01"
    empty = client.get(
        "/api/v1/reports/summary", query_string={"from": "2025-04-01", "to": "2025-04-30"}
    )
    assert (empty.get_json()["orders"], empty.get_json()["average_ticket"]) == (0, "0.00")
