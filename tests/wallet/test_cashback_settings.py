"""Cashback rules: tenant rate + minimum order + per-category overrides, as the cashback job
and the checkout estimate read them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.catalog.factories import make_product
from tests.conftest import in_tenant
from webapp.catalog.models import Category
from webapp.core.domain import NotFound, PermissionDenied, ValidationFailed
from webapp.extensions import db
from webapp.identity import settings as tenant_settings
from webapp.identity.models import User
from webapp.wallet import services
from webapp.wallet.cashback import CashbackRules, set_category_rate

D = Decimal  # short money literals


def test_rules_are_pure_arithmetic_over_lines():
    rules = CashbackRules(rate=D("5"), min_order=D("50.00"), category_rates={7: D("10")})
    lines = [(7, D("30.00")), (None, D("30.00"))]
    assert rules.cashback(lines, D("60.00")) == D("4.50")  # 3.00 + 1.50
    assert rules.cashback(lines, D("30.00")) == D("2.25")  # half paid with money
    assert rules.cashback(lines, D("999")) == D("4.50")  # clamped to the total
    assert rules.cashback([(7, D("49.99"))], D("49.99")) == D("0.00")  # below the minimum
    assert services.estimate_cashback([], D("0"), rules) == D("0.00")


def test_tenant_settings_and_overrides_feed_the_rules(app, tenant, make_tenant):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        make_product(other.id, category="Bebidas")
        other_category = db.session.query(Category).one().id
        set_category_rate(db.session.get(User, other.id), other_category, "20")
    with in_tenant(app, tenant.tenant_id):
        admin = db.session.get(User, tenant.id)
        make_product(tenant.id, category="Bebidas")
        category = db.session.query(Category).one().id
        tenant_settings.update_settings(admin, cashback_rate=D("3"), cashback_min_order=D("10"))
        set_category_rate(admin, category, "7,25%")
        rules = services.cashback_rules()
        assert rules == CashbackRules(D("3.00"), D("10.00"), {category: D("7.25")})
        assert services.estimate_cashback([(category, D("100")), (None, D("100"))], 0) == D("10.25")
        with pytest.raises(NotFound):  # another tenant's category does not exist here
            set_category_rate(admin, other_category, "1")
        with pytest.raises(ValidationFailed):
            set_category_rate(admin, category, "abc")
        seller = User(role="seller")
        with pytest.raises(PermissionDenied):
            set_category_rate(seller, category, "1")
        assert services.cashback_rules().category_rates == {category: D("7.25")}


def test_a_tenant_that_never_saved_settings_gets_the_defaults_not_another_tenants(
    app, tenant, make_tenant
):
    other = make_tenant("Outra Loja")
    with in_tenant(app, other.tenant_id):
        other_admin = db.session.get(User, other.id)
        tenant_settings.update_settings(
            other_admin, cashback_rate=D("9"), cashback_min_order=D("50")
        )
    with in_tenant(app, tenant.tenant_id):
        defaults = tenant_settings.get_settings()
        assert defaults.id is None  # never saved here
        rules = services.cashback_rules()
    assert rules == CashbackRules(defaults.cashback_rate, defaults.cashback_min_order, {})
    assert (rules.rate, rules.min_order) != (D("9"), D("50"))
