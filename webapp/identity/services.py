"""Identity use cases: tenants, users, sign-in sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from webapp.core.context import tenant_context
from webapp.core.domain import Conflict, InvalidCredentials, ValidationFailed
from webapp.core.models import utcnow
from webapp.core.tenancy import Tenant
from webapp.core.uow import unit_of_work
from webapp.extensions import db
from webapp.identity.models import Role, User, UserSession, lower_email
from webapp.identity.passwords import MIN_LENGTH, hash_password, verify_password


def find_user_by_email(email: str) -> User | None:
    """Look a user up across tenants (sign-in happens before a tenant is known)."""
    query = select(User).where(User.email == lower_email(email))
    return db.session.scalars(query.execution_options(all_tenants=True)).first()


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or InvalidCredentials."""
    user = find_user_by_email(email or "")
    if not verify_password(user.password_hash if user else None, password or ""):
        raise InvalidCredentials()
    if not user.active:
        raise InvalidCredentials("Usuário desativado. Fale com o administrador.")
    return user


def start_session(
    user: User, lifetime: timedelta, user_agent: str | None = None, ip: str | None = None
) -> str:
    """Record a new signed-in browser for ``user`` and return its session key."""
    key = secrets.token_urlsafe(32)
    with tenant_context(user.tenant_id), unit_of_work(user) as uow:
        uow.session.add(
            UserSession(
                key=key,
                user_id=user.id,
                expires_at=utcnow() + lifetime,
                user_agent=(user_agent or "")[:300] or None,
                ip=ip,
            )
        )
        user.last_login_at = utcnow()
    return key


def end_session(key: str) -> None:
    with unit_of_work() as uow:
        uow.session.execute(delete(UserSession).where(UserSession.key == key))


def load_session_user(key: str) -> User | None:
    """The user of a live session key, or None (expired, signed out, deactivated)."""
    query = (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key == key, UserSession.expires_at > utcnow(), User.active.is_(True))
        .execution_options(all_tenants=True)
    )
    user = db.session.scalars(query).first()
    if user is not None:
        user.session_key = key
    return user


def normalize_email(email: str) -> str:
    try:
        return lower_email(validate_email(email or "", check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise ValidationFailed("Informe um e-mail válido.", field="email") from exc


def validate_password(password: str) -> None:
    if len(password or "") < MIN_LENGTH:
        raise ValidationFailed(
            f"A senha precisa ter pelo menos {MIN_LENGTH} caracteres.", field="password"
        )


def create_tenant(name: str, admin_email: str, admin_password: str, admin_name: str) -> User:
    """A new tenant and its first admin."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Informe o nome da empresa.", field="name")
    validate_password(admin_password)
    try:
        with unit_of_work() as uow:
            tenant = Tenant(name=name)
            uow.session.add(tenant)
            uow.session.flush()
            with tenant_context(tenant.id):
                admin = _new_user(uow, admin_email, admin_name, Role.ADMIN, admin_password)
    except IntegrityError as exc:
        raise Conflict(
            "Já existe uma empresa com esse nome ou um usuário com esse e-mail."
        ) from exc
    return admin


def create_user(actor: User | None, email: str, name: str, role: Role, password: str) -> User:
    """A user in the current tenant."""
    validate_password(password)
    if find_user_by_email(email):
        raise Conflict("Já existe um usuário com esse e-mail.", field="email")
    try:
        with unit_of_work(actor) as uow:
            user = _new_user(uow, email, name, role, password)
    except IntegrityError as exc:
        raise Conflict("Já existe um usuário com esse e-mail.", field="email") from exc
    return user


def _new_user(uow, email: str, name: str, role: Role, password: str) -> User:
    email = normalize_email(email)
    if not (name or "").strip():
        raise ValidationFailed("Informe o nome.", field="name")
    user = User(
        email=email, name=name.strip(), role=Role(role), password_hash=hash_password(password)
    )
    uow.session.add(user)
    uow.session.flush()
    return user
