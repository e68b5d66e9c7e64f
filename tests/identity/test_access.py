"""Every route of the app, walked from ``app.url_map`` (routes added later are covered too).

1. Each rule is public on purpose (explicit allowlist) or needs a login: anonymous visitors
   get 302 to /login (web) or 401 ``invalid_token`` JSON (API).
2. Each admin-only rule (``@roles_required``/``@admin_required``, found through the
   ``required_roles`` attribute on the view or on the MethodView method) refuses a seller:
   403 page or 403 ``forbidden`` JSON.
3. Each rule taking an integer id answers 404 to a user of tenant B for an id of tenant A.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from tests.customers.conftest import ADDRESS, customer_data
from webapp.customers import services as customer_services
from webapp.extensions import db
from webapp.identity.models import Role, User
from webapp.sales import services as sales

# Reachable without signing in, on purpose.
PUBLIC_ENDPOINTS = {
    "static",
    "identity.login",
    "main.health",
    "main.ready",
    "api-docs.openapi_json",
    "api_auth.TokenResource",
    "api_auth.RefreshResource",
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
DUMMY_INT = 987654


def all_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield rule, method


def int_args(rule) -> list[str]:
    return [
        name
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter)
    ]


def build(app, rule, method, values: dict | None = None) -> str:
    filled = {name: DUMMY_INT if name in int_args(rule) else "x" for name in rule.arguments}
    filled.update(values or {})
    return app.url_map.bind("localhost").build(rule.endpoint, filled, method=method)


def required_roles(app, endpoint: str, method: str):
    view = app.view_functions[endpoint]
    roles = getattr(view, "required_roles", None)
    view_class = getattr(view, "view_class", None)
    if roles is None and view_class is not None:
        roles = getattr(getattr(view_class, method.lower(), None), "required_roles", None)
    return roles


def is_admin_only(app, endpoint: str, method: str) -> bool:
    roles = required_roles(app, endpoint, method)
    return roles is not None and Role.SELLER not in roles


def call(client, method: str, url: str):
    kwargs = {"json": {}} if url.startswith("/api/") and method != "GET" else {}
    return client.open(url, method=method, **kwargs)


def test_public_endpoints_are_exactly_the_allowlist(app):
    from webapp.identity.decorators import is_public_endpoint

    public = {
        rule.endpoint for rule in app.url_map.iter_rules() if is_public_endpoint(app, rule.endpoint)
    }
    assert public == PUBLIC_ENDPOINTS


def test_every_other_route_needs_a_login(app, client):
    client.get("/login")  # a session with a CSRF token, so POSTs reach the login guard
    token = re.search(
        r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)
    )
    client.environ_base["HTTP_X_CSRFTOKEN"] = token.group(1)
    checked = 0
    for rule, method in all_routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = build(app, rule, method)
        response = call(client, method, url)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.get_json()["error"] == "invalid_token", (method, url)
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login"), (method, url)
        checked += 1
    assert checked >= 10


def test_admin_routes_refuse_a_seller(app, login_as, api_client):
    web, api = login_as("seller"), api_client("seller")
    admin_only = [(r, m) for r, m in all_routes(app) if is_admin_only(app, r.endpoint, m)]
    endpoints = {rule.endpoint for rule, _ in admin_only}
    # The detection sees the identity module's own admin routes (and later modules' too).
    assert {
        "identity.users",
        "identity.user_new",
        "identity.settings",
        "api_users.UsersResource",
    } <= endpoints
    for rule, method in admin_only:
        url = build(app, rule, method)
        if url.startswith("/api/"):
            response = call(api, method, url)
            assert response.status_code == 403, (method, url, response.status_code)
            assert response.get_json()["error"] == "forbidden"
        else:
            response = call(web, method, url)
            assert response.status_code == 403, (method, url, response.status_code)
            assert "Acesso negado" in response.get_data(as_text=True)


# --- tenant isolation ------------------------------------------------------------------------

# URL parameter (or path segment before ``<int:id>``) -> table, when the plural is not enough.
TABLE_ALIASES = {
    "job": "background_jobs",
    "jobs": "background_jobs",
    "address": "addresses",
    "line": "cart_lines",
}


def table_for(rule, arg: str) -> str:
    if arg.endswith("_id"):
        stem = arg[:-3]
    else:
        before = rule.rule.split(f"<int:{arg}>")[0].rstrip("/").split("/")[-1]
        stem = before
    if stem in TABLE_ALIASES:
        return TABLE_ALIASES[stem]
    tables = set(db.metadata.tables)
    for candidate in (stem, f"{stem}s", f"{stem}es", f"{stem[:-1]}ies"):
        if candidate in tables:
            return candidate
    raise AssertionError(f"{rule.rule}: which table does <{arg}> point to? Add it to TABLE_ALIASES")


def tenant_a_id(app, table: str, tenant_id: int) -> int:
    with app.app_context():
        row = db.session.execute(
            text(f'SELECT id FROM "{table}" WHERE tenant_id = :t ORDER BY id LIMIT 1'),
            {"t": tenant_id},
        ).first()
        db.session.remove()
    assert row, f"tenant A has no row in {table}: create one in seed_tenant_a()"
    return row[0]


from types import SimpleNamespace  # noqa: E402

from webapp.sales import cart as cart_services  # noqa: E402


def seed_tenant_a(app, make_tenant, make_user):
    """Tenant A with one record of every kind a route takes an id of.

    Modules whose routes take ids of their own tables add a row of each here.
    """
    admin = make_tenant("Empresa A")
    make_user(admin.tenant_id, Role.SELLER)
    with in_tenant(app, admin.tenant_id):
        product_id = make_product(admin.id, stock_qty=3)
        customer = customer_services.create_customer(admin.id, customer_data())
        address = customer_services.add_address(admin.id, customer.id, ADDRESS)
        sales.checkout(
            db.session.get(User, admin.id),
            customer_id=customer.id,
            shipping_address_id=address.id,
            items=[sales.CheckoutItem(product_id, 1)],
            payment_method="pix",
            idempotency_key="tenant-a-order",
        )
        seller = SimpleNamespace(id=admin.id)
        cart_services.add_item(seller, product_id)  # an open cart with a line
        cart_services.park(seller, "Tenant A")
    return admin


def audit_count(app, tenant_id: int) -> int:
    with app.app_context():
        count = db.session.execute(
            text("SELECT count(*) FROM audit_entries WHERE tenant_id = :t"), {"t": tenant_id}
        ).scalar()
        db.session.remove()
    return count


def test_ids_of_another_tenant_are_not_found(app, make_tenant, make_user, login_as, api_client):
    tenant_a = seed_tenant_a(app, make_tenant, make_user)
    tenant_b = make_tenant("Empresa B")
    web, api = login_as(account=tenant_b), api_client(account=tenant_b)
    before = audit_count(app, tenant_a.tenant_id)
    checked = 0
    for rule, method in all_routes(app):
        args = int_args(rule)
        if not args:
            continue
        values = {arg: tenant_a_id(app, table_for(rule, arg), tenant_a.tenant_id) for arg in args}
        url = build(app, rule, method, values)
        is_api = url.startswith("/api/")
        response = call(api if is_api else web, method, url)
        allowed = {404}
        if is_api and method != "GET" and method != "DELETE":
            allowed.add(422)  # the body is validated before the lookup: nothing is revealed
        assert response.status_code in allowed, (method, url, response.status_code)
        checked += 1
    assert checked >= 4
    assert audit_count(app, tenant_a.tenant_id) == before  # nothing of tenant A changed
