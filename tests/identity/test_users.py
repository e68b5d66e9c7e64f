"""User management (admins), the last-admin rule, the profile page and tenant settings."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, Account, in_tenant, requires_postgres, sign_in
from webapp.core.audit import AuditEntry
from webapp.extensions import db
from webapp.identity import services
from webapp.identity.models import Role, User
from webapp.identity.services import LastAdmin
from webapp.identity.settings import get_settings


def user_row(app, tenant_id: int, user_id: int) -> User:
    with in_tenant(app, tenant_id):
        user = db.session.get(User, user_id)
        db.session.expunge(user)
    return user


def new_user_form(**overrides: str) -> dict[str, str]:
    """What the "Novo usuário" form posts for a valid seller, with ``overrides``."""
    form = {"name": "Sara Vendedora", "email": "sara@loja.com.br", "role": "seller"}
    return {**form, "password": PASSWORD, "confirm": PASSWORD, **overrides}


def test_admin_creates_a_seller_who_can_sign_in(app, login_as, tenant):
    admin = login_as("admin")
    assert "Loja Teste" in admin.get("/users").get_data(as_text=True)
    response = admin.post(
        "/users/new",
        data={
            "name": "Vera Vendedora",
            "email": "Vera@Loja.com.br",
            "role": "seller",
            "password": "vera-senha-1",
            "confirm": "vera-senha-1",
        },
    )
    assert response.status_code == 302
    page = admin.get("/users").get_data(as_text=True)
    assert "Vera Vendedora" in page and "vera@loja.com.br" in page
    with in_tenant(app, tenant.tenant_id):
        vera = db.session.scalars(select(User).where(User.email == "vera@loja.com.br")).one()
        seller = Account(vera.id, tenant.tenant_id, vera.email, Role.SELLER, "vera-senha-1")
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "users", AuditEntry.record_id == str(vera.id)
            )
        ).all()
        assert entries[0].action == "create" and entries[0].actor_id == tenant.id
    client = sign_in(app.test_client(), seller)
    assert client.get("/users").status_code == 403


def test_an_email_typed_with_spaces_around_it_is_accepted(app, login_as, tenant, client):
    admin = login_as("admin")
    data = {"name": "Rui", "role": "seller", "password": "rui-senha-1", "confirm": "rui-senha-1"}
    response = admin.post("/users/new", data={**data, "email": "  Rui@Loja.com.br "})
    assert response.status_code == 302, response.get_data(as_text=True)
    sign_in(client, Account(0, tenant.tenant_id, "rui@loja.com.br", Role.SELLER, "rui-senha-1"))


def test_create_form_errors_keep_the_database_unchanged(app, login_as, tenant):
    admin = login_as("admin")
    response = admin.post(
        "/users/new",
        data={
            "name": "",
            "email": tenant.email,
            "role": "root",
            "password": "curta",
            "confirm": "x",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Informe o nome." in html and "As senhas não conferem." in html
    assert "Escolha uma opção da lista." in html  # the role "root" is not on the list
    duplicate = admin.post("/users/new", data=new_user_form(name="Outro", email=tenant.email))
    assert duplicate.status_code == 409
    assert "Já existe um usuário com esse e-mail." in duplicate.get_data(as_text=True)
    with in_tenant(app, tenant.tenant_id):
        assert len(services.list_users()) == 1


def test_a_pasted_password_over_the_limit_is_told_the_limit(app, login_as, tenant):
    admin = login_as("admin")
    form = admin.get("/users/new").get_data(as_text=True)
    # A maxlength attribute would cut the password short in the browser but not its confirmation.
    assert "maxlength" not in re.search(r'<input[^>]*name="password"[^>]*>', form).group(0)
    too_long = "s" * 200
    response = admin.post("/users/new", data=new_user_form(password=too_long, confirm=too_long))
    assert response.status_code == 422
    assert "Use de 8 a 128 caracteres." in response.get_data(as_text=True)


def test_a_name_with_a_control_character_is_refused_on_the_form(app, login_as, tenant):
    response = login_as("admin").post("/users/new", data=new_user_form(name="Sara\x00 Vendedora"))
    assert response.status_code == 422
    assert "O nome tem caracteres de controle" in response.get_data(as_text=True)
    with in_tenant(app, tenant.tenant_id):
        assert len(services.list_users()) == 1


def test_api_creates_users_for_admins_only(api_client, tenant):
    admin = api_client("admin")
    body = {"email": "novo@loja.com.br", "name": "Novo", "role": "seller", "password": PASSWORD}
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 201
    created = response.get_json()
    assert created["email"] == "novo@loja.com.br" and created["role"] == "seller"
    assert "password" not in created and created["active"] is True
    assert admin.post("/api/v1/users", json=body).get_json()["error"] == "conflict"
    invalid = admin.post("/api/v1/users", json={**body, "email": "x", "role": "chefe"})
    assert invalid.status_code == 422
    assert set(invalid.get_json()["details"]["fields"]) == {"role"}
    bad_email = admin.post("/api/v1/users", json={**body, "email": "sem-arroba"})
    assert bad_email.status_code == 422
    assert bad_email.get_json()["details"]["fields"]["email"]
    seller = api_client("seller")
    assert seller.post("/api/v1/users", json={**body, "email": "b@b.com"}).status_code == 403


def test_role_change_and_last_admin_rule(app, login_as, tenant, make_user):
    admin = login_as("admin")
    response = admin.post(f"/users/{tenant.id}/role", data={"role": "seller"})
    assert response.status_code == 409
    assert "pelo menos um administrador ativo" in response.get_data(as_text=True)
    assert user_row(app, tenant.tenant_id, tenant.id).role == Role.ADMIN

    seller = make_user(tenant.tenant_id, Role.SELLER)
    assert admin.post(f"/users/{seller.id}/role", data={"role": "admin"}).status_code == 302
    assert user_row(app, tenant.tenant_id, seller.id).role == Role.ADMIN
    # Now there are two admins: the first may step down.
    stepped_down = admin.post(f"/users/{tenant.id}/role", data={"role": "seller"})
    assert stepped_down.status_code == 302
    # Not back to the user page, which a seller may not open: home, with the news.
    assert stepped_down.headers["Location"] == "/"
    home = admin.get("/")
    assert home.status_code == 200 and "alterado para Vendedor" in home.get_data(as_text=True)
    assert admin.get("/users").status_code == 403  # the session now has the seller role


def test_deactivation_signs_the_user_out_and_reactivation_lets_them_back(
    app, login_as, tenant, make_user
):
    seller = make_user(tenant.tenant_id, Role.SELLER)
    seller_client = login_as(account=seller)
    assert seller_client.get("/").status_code == 200
    admin = login_as("admin")
    page = admin.get(f"/users/{seller.id}").get_data(as_text=True)
    assert 'name="active" value="0"' in page  # the button posts the state it wants
    assert admin.post(f"/users/{seller.id}/active", data={"active": "0"}).status_code == 302
    assert seller_client.get("/").status_code == 302  # session ended
    assert not user_row(app, tenant.tenant_id, seller.id).active
    # A double submit (or a second tab) of the same button leaves the user deactivated.
    assert admin.post(f"/users/{seller.id}/active", data={"active": "0"}).status_code == 302
    assert not user_row(app, tenant.tenant_id, seller.id).active
    assert admin.post(f"/users/{seller.id}/active").status_code == 400
    assert admin.post(f"/users/{seller.id}/active", data={"active": "1"}).status_code == 302
    assert user_row(app, tenant.tenant_id, seller.id).active
    sign_in(app.test_client(), seller)


def test_admin_cannot_deactivate_themselves_or_the_last_admin(app, login_as, tenant, make_user):
    admin = login_as("admin")
    response = admin.post(f"/users/{tenant.id}/active", data={"active": "0"})
    assert response.status_code == 409
    other = make_user(tenant.tenant_id, Role.ADMIN)
    with in_tenant(app, tenant.tenant_id):
        actor = services.get_user(other.id)
        services.set_active(actor, tenant.id, False)  # another admin remains: allowed
        services.set_active(actor, tenant.id, True)
        services.change_role(actor, tenant.id, Role.SELLER)
        with pytest.raises(LastAdmin):
            services.change_role(actor, other.id, Role.SELLER)


def test_reset_password_ends_sessions(app, login_as, tenant, make_user):
    seller = make_user(tenant.tenant_id, Role.SELLER)
    seller_client = login_as(account=seller)
    admin = login_as("admin")
    short = admin.post(f"/users/{seller.id}/password", data={"password": "123", "confirm": "123"})
    assert short.status_code == 422
    response = admin.post(
        f"/users/{seller.id}/password", data={"password": "nova-senha-9", "confirm": "nova-senha-9"}
    )
    assert response.status_code == 302
    assert seller_client.get("/").status_code == 302
    sign_in(
        app.test_client(),
        Account(seller.id, tenant.tenant_id, seller.email, Role.SELLER, "nova-senha-9"),
    )
    with in_tenant(app, tenant.tenant_id):
        entry = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_id == str(seller.id))
            .order_by(AuditEntry.id.desc())
        ).first()
        assert "credentials_changed_at" in entry.after
        assert not any("hash" in key or "password" in key for key in entry.after)


def test_profile_password_change_keeps_this_session_and_ends_others(app, login_as, tenant):
    other_browser = login_as("admin")
    this_browser = login_as("admin")
    assert this_browser.get("/profile").status_code == 200
    wrong = this_browser.post(
        "/profile",
        data={
            "current_password": "errada",
            "new_password": "nova-senha-1",
            "confirm": "nova-senha-1",
        },
    )
    assert wrong.status_code == 422 and "Senha atual incorreta." in wrong.get_data(as_text=True)
    response = this_browser.post(
        "/profile",
        data={
            "current_password": PASSWORD,
            "new_password": "nova-senha-1",
            "confirm": "nova-senha-1",
        },
    )
    assert response.status_code == 302
    assert this_browser.get("/").status_code == 200
    assert other_browser.get("/").status_code == 302


def test_settings_page_shows_tenant_and_saves(app, login_as, tenant):
    admin = login_as("admin")
    page = admin.get("/settings").get_data(as_text=True)
    assert "Loja Teste" in page and 'value="5,00"' in page
    response = admin.post(
        "/settings",
        data={"cashback_rate": "7,5", "cashback_min_order": "1.000,00", "default_tax_rate": "18"},
    )
    assert response.status_code == 302
    with in_tenant(app, tenant.tenant_id):
        settings = get_settings()
        assert settings.cashback_rate == Decimal("7.50")
        assert settings.cashback_min_order == Decimal("1000.00")
        assert settings.default_tax_rate == Decimal("18.00")
    bad = admin.post(
        "/settings",
        data={"cashback_rate": "150", "cashback_min_order": "abc", "default_tax_rate": ""},
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Informe um número" in html and "Informe um valor." in html
    bad = admin.post(
        "/settings",
        data={"cashback_rate": "150", "cashback_min_order": "0", "default_tax_rate": "-1"},
    )
    assert bad.status_code == 422
    assert "entre 0% e 100%" in bad.get_data(as_text=True)
    with in_tenant(app, tenant.tenant_id):
        assert get_settings().cashback_rate == Decimal("7.50")
        assert get_settings(tenant.tenant_id).default_tax_rate == Decimal("18.00")


def test_settings_say_what_is_wrong_with_a_number_they_refuse(app, login_as, tenant):
    admin = login_as("admin")
    bad = admin.post(
        "/settings",
        data={"cashback_rate": "2,555", "cashback_min_order": "1.000", "default_tax_rate": "5"},
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Use no máximo duas casas decimais." in html
    assert "para mil reais, escreva 1.000,00" in html
    assert "Informe um número" not in html
    huge = admin.post(
        "/settings",
        data={"cashback_rate": "5", "cashback_min_order": "5000000000000", "default_tax_rate": "5"},
    )
    assert huge.status_code == 422
    html = huge.get_data(as_text=True)
    assert "no máximo R$ 999.999.999.999,99" in html and "a partir de R$ 0,00" not in html
    with in_tenant(app, tenant.tenant_id):
        assert get_settings().cashback_min_order == Decimal("0.00")


@requires_postgres
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, tenant, make_user):
    other = make_user(tenant.tenant_id, Role.ADMIN)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def demote(actor_id: int, target_id: int) -> None:
        with in_tenant(app, tenant.tenant_id):
            actor = services.get_user(actor_id)
            barrier.wait()
            try:
                services.change_role(actor, target_id, Role.SELLER)
                results.append("ok")
            except LastAdmin:
                results.append("refused")

    threads = [
        threading.Thread(target=demote, args=(tenant.id, other.id)),
        threading.Thread(target=demote, args=(other.id, tenant.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    with in_tenant(app, tenant.tenant_id):
        admins = [u for u in services.list_users() if u.role == Role.ADMIN and u.active]
        assert len(admins) == 1
