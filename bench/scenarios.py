"""What the benchmark measures: one declarative entry per scenario.

A scenario whose route does not exist in the app yet (its module has not landed) is reported
"n/a: module not present" and left out of the goals. Adding one is a few lines: a name, the
route (a path from SPEC 8, or a Flask endpoint name for web pages), who calls it, and, when
the URL or body needs real data, a ``samples`` function that fetches it through the API.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from bench.client import BenchClient
from bench.loadgen import RequestSpec
from webapp.demo import DEMO_ADMIN, DEMO_PASSWORD

SAMPLE_SIZE = 200  # distinct URLs/bodies a scenario cycles through
SAMPLE_SEED = 9
NAME_SAMPLES, NAME_PAGE = 20, 5  # name searches: words from random pages of the list

Samples = Callable[[BenchClient], list[dict[str, Any]]]


@dataclass(frozen=True)
class Scenario:
    name: str
    # Goal group: "baseline", "auth", "probe", "page" (list/detail), "lookup", "checkout",
    # "report". Goals pick scenarios by name, so the group is documentation and ordering.
    group: str
    path: str = ""  # URL, "{placeholders}" filled from samples; checked against the app's routes
    endpoint: str | None = None  # web page whose URL the SPEC does not fix: Flask endpoint
    method: str = "GET"
    auth: str = "none"  # "none", "session" (web cookie), "token" (API bearer), "login-form"
    samples: Samples | None = None
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # JSON body from a sample
    tag: Callable[[dict[str, Any]], str] | None = None  # counted per success (oversell check)
    ok: tuple[int, ...] = (200,)
    rate: float | None = None  # fixed arrival rate for this scenario, else --rate
    measure_max: bool = False  # closed-loop max throughput and ratio to the baseline
    at_half_max: bool = False  # open loop at half the measured max instead of the fixed rate
    fresh_idempotency_key: bool = False
    # Sent as htmx sends it (HX-Request): a piece of a page answers only htmx, and sends a
    # browser that opens it on its own to the page that holds it.
    htmx: bool = False
    # Also measure serial requests right after the data changed (the report cache recomputes).
    cold: bool = False

    def route_probe(self) -> str:
        """The path to look up in the app's URL map (placeholders get a dummy value)."""
        return self.path.format_map(_Dummy())


class _Dummy(dict):
    def __missing__(self, key: str) -> str:
        return "1"


# --- sample data, fetched through the API (SPEC 8 field names) ------------------------------


def _period() -> dict[str, str]:
    today = date.today()
    return {"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()}


def customer_samples(client: BenchClient) -> list[dict[str, Any]]:
    return [{"document": c["document"]} for c in client.list_all("/api/v1/customers", SAMPLE_SIZE)]


def _first_words_across(client: BenchClient, path: str) -> list[dict[str, Any]]:
    """First words of the names at random places of a list the API sorts by name (its first
    page is all A's), so each word comes up about as often as the table holds it."""
    pages = max(1, client.total(path) // NAME_PAGE)
    picked = random.Random(SAMPLE_SEED).sample(range(1, pages + 1), min(pages, NAME_SAMPLES))
    words: set[str] = set()
    for page in sorted(picked):
        body = client.get_json(f"{path}?page={page}&per_page={NAME_PAGE}")
        words.update(item["name"].split()[0] for item in body["data"])
    return [{"query": urlencode({"q": word})} for word in sorted(words)]


def customer_name_samples(client: BenchClient) -> list[dict[str, Any]]:
    """First names as a seller types them in the checkout's customer box."""
    return _first_words_across(client, "/api/v1/customers")


def product_search_samples(client: BenchClient) -> list[dict[str, Any]]:
    """Words a seller searches products by: the first words of names across the catalog
    (products sharing a word sort together, and a search's cost depends on where)."""
    return _first_words_across(client, "/api/v1/products")


def order_samples(client: BenchClient) -> list[dict[str, Any]]:
    return [{"id": o["id"]} for o in client.list_all("/api/v1/orders", SAMPLE_SIZE)]


def period_samples(client: BenchClient) -> list[dict[str, Any]]:
    return [{"query": urlencode(_period())}]


# Units each checkout product gets at setup. The plain-SQL ceiling alone sells about 1,000
# checkouts a second on two cores, so a 20 s run takes thousands of units of a popular
# product: a floor of 1,000 measured stock-outs (409), not sales.
STOCK_FLOOR = 1_000_000
CHECKOUT_PRODUCTS = 100
_checkout_cache: dict[int, list[dict[str, Any]]] = {}


def checkout_samples(client: BenchClient) -> list[dict[str, Any]]:
    """Pix checkouts of 1-3 random in-stock products (qty 1 each) by customers that have a
    shipping address. Fetched once per client, so the oversell check, the HTTP scenario and
    the plain-SQL ceiling all use the very same carts.

    The chosen products are topped up to STOCK_FLOOR through the stock-adjustment API first:
    a run that empties a product's stock would measure 422/409 refusals, not sales.
    """
    if id(client) in _checkout_cache:
        return _checkout_cache[id(client)]
    rng = random.Random(SAMPLE_SEED)
    products = [
        p for p in client.list_all("/api/v1/products", 1000) if p["stock_qty"] > 0 and p["active"]
    ]
    products = rng.sample(products, min(CHECKOUT_PRODUCTS, len(products)))
    buyers = _buyers(client)
    if not products or not buyers:
        raise RuntimeError("seed has no products in stock or no customer with a shipping address")
    for product in products:
        _top_up(client, product)
    samples = []
    for i in range(SAMPLE_SIZE):
        customer_id, address_id = buyers[i % len(buyers)]
        chosen = rng.sample(products, rng.randint(1, min(3, len(products))))
        items = sorted(p["id"] for p in chosen)
        samples.append(
            {"customer_id": customer_id, "shipping_address_id": address_id, "items": items}
        )
    _checkout_cache[id(client)] = samples
    return samples


def _buyers(client: BenchClient) -> list[tuple[int, int]]:
    buyers = []
    for customer in client.list_all("/api/v1/customers", 100):
        if not customer.get("active", True):
            continue
        detail = client.get_json(f"/api/v1/customers/by-document/{customer['document']}")
        shipping = [a for a in detail.get("addresses", []) if a["kind"] == "shipping"]
        if shipping:
            buyers.append((customer["id"], shipping[0]["id"]))
    return buyers


def _top_up(client: BenchClient, product: dict[str, Any]) -> None:
    missing = STOCK_FLOOR - product["stock_qty"]
    if missing <= 0:
        return
    body = {"kind": "in", "qty": missing, "reason": "Benchmark: estoque para o checkout"}
    status, answer = client.post_json(f"/api/v1/products/{product['id']}/stock-adjustments", body)
    if status != 201:
        raise RuntimeError(f"stock top-up of product {product['id']}: {status} {answer}")


def checkout_body(sample: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_id": sample["customer_id"],
        "shipping_address_id": sample["shipping_address_id"],
        "items": [{"product_id": pid, "qty": 1} for pid in sample["items"]],
        "wallet_amount": "0.00",
        "payment_method": "pix",
    }


def checkout_tag(sample: dict[str, Any]) -> str:
    """Units per product of one checkout ("12,40,77"), counted per success."""
    return ",".join(str(pid) for pid in sample["items"])


# --- the scenarios, in run order -----------------------------------------------------------

SCENARIOS: list[Scenario] = [
    Scenario("health", "probe", path="/health"),
    Scenario("sign in (web form)", "auth", path="/login", method="POST", auth="login-form",
             ok=(302,), rate=2),
    Scenario("sign in (API token)", "auth", path="/api/v1/auth/token", method="POST",
             body=lambda _s: {"email": DEMO_ADMIN, "password": DEMO_PASSWORD}, rate=2),
    Scenario("home page", "page", path="/", auth="session", measure_max=True, at_half_max=True),
    Scenario("customer lookup by CPF", "lookup", auth="token",
             path="/api/v1/customers/by-document/{document}", samples=customer_samples),
    Scenario("customer search by name", "lookup", path="/checkout/customers?{query}",
             auth="session", samples=customer_name_samples, rate=10, htmx=True),
    Scenario("product search", "page", path="/api/v1/products?{query}", auth="token",
             samples=product_search_samples, measure_max=True, at_half_max=True),
    Scenario("checkout", "checkout", path="/api/v1/orders", method="POST", auth="token",
             samples=checkout_samples, body=checkout_body, tag=checkout_tag,
             ok=(201,), rate=20, measure_max=True, fresh_idempotency_key=True),
    Scenario("order list", "page", endpoint="sales.orders", auth="session",
             measure_max=True, at_half_max=True),
    Scenario("order page", "page", path="/orders/{id}", auth="session",
             samples=order_samples, measure_max=True, at_half_max=True),
    Scenario("dashboard", "report", path="/reports?{query}", auth="session",
             samples=period_samples, cold=True),
    Scenario("ABC curve", "report", path="/reports/abc?{query}", auth="session",
             samples=period_samples, cold=True),
    Scenario("rankings (sellers and VIP)", "report", path="/reports/rankings?{query}",
             auth="session", samples=period_samples, cold=True),
]  # fmt: skip

BASELINE = Scenario("baseline: fortunes page", "baseline", path="/bench/fortunes",
                    measure_max=True)  # fmt: skip


def build_requests(scenario: Scenario, client: BenchClient, path: str) -> list[RequestSpec]:
    """The concrete requests the load generator cycles through."""
    headers = _auth_headers(scenario, client)
    if scenario.auth == "login-form":
        form = client.login_form()
        body = urlencode(
            {"csrf_token": form.csrf_token, "email": DEMO_ADMIN, "password": DEMO_PASSWORD}
        ).encode()
        headers = {"Cookie": form.cookie, "Content-Type": "application/x-www-form-urlencoded"}
        return [RequestSpec(scenario.method, path, headers, body)]
    samples = scenario.samples(client) if scenario.samples else [{}]
    if not samples:
        raise RuntimeError(f"{scenario.name}: the seeded data gave no samples")
    if scenario.body:
        headers = {**headers, "Content-Type": "application/json"}
    if scenario.htmx:
        headers = {**headers, "HX-Request": "true"}
    return [
        RequestSpec(
            scenario.method,
            path.format(**sample),
            headers,
            json.dumps(scenario.body(sample)).encode() if scenario.body else None,
            scenario.fresh_idempotency_key,
            scenario.tag(sample) if scenario.tag else None,
        )
        for sample in samples
    ]


def _auth_headers(scenario: Scenario, client: BenchClient) -> dict[str, str]:
    if scenario.auth == "session":
        return {"Cookie": client.session_cookie}
    if scenario.auth == "token":
        return client.bearer
    return {}
