"""Identity use cases: tenants, users, sign-in sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Row, bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from webapp.core.context import tenant_context
from webapp.core.domain import Conflict, InvalidCredentials, NotFound, ValidationFailed
from webapp.core.ids import is_id
from webapp.core.models import utcnow
from webapp.core.tenancy import Tenant
from webapp.core.text import control_characters_message, has_control_characters
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


# Built once, run with parameters: every signed-in page runs it, and building the statement
# cost more Python time (about 200 us) than running it.
_LIVE_SESSION_USER = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.key == bindparam("key"),
        UserSession.expires_at > bindparam("now"),
        User.active.is_(True),
    )
    .execution_options(all_tenants=True)
)


def load_session_user(key: str) -> User | None:
    """The user of a live session key, or None (expired, signed out, deactivated)."""
    user = db.session.scalars(_LIVE_SESSION_USER, {"key": key, "now": utcnow()}).first()
    if user is not None:
        user.session_key = key
    return user


def normalize_email(email: str) -> str:
    # Stripped first, as sign-in does: a space pasted or autocompleted after the address
    # is not a reason to refuse it.
    try:
        address = validate_email((email or "").strip(), check_deliverability=False)
        return lower_email(address.normalized)
    except EmailNotValidError as exc:
        raise ValidationFailed("Informe um e-mail válido.", field="email") from exc


MAX_PASSWORD_LENGTH = 128  # hashing megabytes of "password" would be a cheap DoS


def validate_password(password: str) -> None:
    if len(password or "") < MIN_LENGTH:
        raise ValidationFailed(
            f"A senha precisa ter pelo menos {MIN_LENGTH} caracteres.", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"A senha pode ter no máximo {MAX_PASSWORD_LENGTH} caracteres.", field="password"
        )


TENANT_NAME_MAX = Tenant.__table__.c.name.type.length


def create_tenant(name: str, admin_email: str, admin_password: str, admin_name: str) -> User:
    """A new tenant and its first admin."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Informe o nome da empresa.", field="name")
    if has_control_characters(name):
        raise ValidationFailed(control_characters_message("O nome da empresa"), field="name")
    if len(name) > TENANT_NAME_MAX:
        raise ValidationFailed(
            f"O nome da empresa pode ter no máximo {TENANT_NAME_MAX} caracteres.", field="name"
        )
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
    role = _parse_role(role)
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
    if len(name.strip()) > 120:
        raise ValidationFailed("O nome pode ter no máximo 120 caracteres.", field="name")
    if has_control_characters(name):
        raise ValidationFailed(control_characters_message("O nome"), field="name")
    user = User(
        email=email, name=name.strip(), role=Role(role), password_hash=hash_password(password)
    )
    uow.session.add(user)
    uow.session.flush()
    return user


# --- user management (admins) --------------------------------------------------------------


class LastAdmin(Conflict):
    default_message = "A empresa precisa de pelo menos um administrador ativo."


class UserNotFound(NotFound):
    default_message = "Usuário não encontrado."


USERS_ORDER = (User.active.desc(), func.lower(User.name), User.id)


def list_users() -> list[User]:
    """Users of the current tenant: active first, then by name."""
    return list(db.session.scalars(select(User).order_by(*USERS_ORDER)))


# Built once (see core.tenancy._scoped): every order list an admin opens runs it.
_USER_NAMES = select(User.id, User.name).order_by(*USERS_ORDER)


def user_names() -> list[Row]:
    """(id, name) of the current tenant's users, in list_users order: for filter menus."""
    return list(db.session.execute(_USER_NAMES))


def get_user(user_id: int) -> User:
    """A user of the current tenant (another tenant's id is simply not found)."""
    query = select(User).where(User.id == user_id)
    user = db.session.scalars(query).first() if is_id(user_id) else None
    if user is None:
        raise UserNotFound()
    return user


def change_role(actor: User, user_id: int, role: Role | str) -> User:
    """Make a user admin or seller; the tenant's last active admin stays admin."""
    role = _parse_role(role)
    with unit_of_work(actor) as uow:
        user = _locked_user(uow, user_id)
        if user.role == Role.ADMIN and role != Role.ADMIN and user.active:
            _ensure_another_admin(uow, user)
        user.role = role
    return user


def set_active(actor: User, user_id: int, active: bool) -> User:
    """Deactivate (signs the user out everywhere) or reactivate a user."""
    with unit_of_work(actor) as uow:
        user = _locked_user(uow, user_id)
        if not active and user.id == actor.id:
            raise Conflict("Você não pode desativar o seu próprio usuário.")
        if not active and user.active and user.role == Role.ADMIN:
            _ensure_another_admin(uow, user)
        if user.active and not active:
            end_all_sessions(uow, user)
        user.active = active
    return user


def reset_password(actor: User, user_id: int, new_password: str) -> User:
    """An admin sets a new password; every session and token of that user ends."""
    validate_password(new_password)
    with unit_of_work(actor) as uow:
        user = get_user(user_id)
        _set_password(user, new_password)
        end_all_sessions(uow, user)
    return user


def change_own_password(
    user: User, current_password: str, new_password: str, keep_session: str | None = None
) -> None:
    """A user changes their password; their other sessions and API tokens end."""
    if not verify_password(user.password_hash, current_password or ""):
        raise ValidationFailed("Senha atual incorreta.", field="current_password")
    try:
        validate_password(new_password)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="new_password") from exc
    if verify_password(user.password_hash, new_password):
        raise ValidationFailed("A nova senha deve ser diferente da atual.", field="new_password")
    with unit_of_work(user) as uow:
        user = uow.session.merge(user)
        _set_password(user, new_password)
        end_all_sessions(uow, user, except_session=keep_session)


def end_all_sessions(uow, user: User, except_session: str | None = None) -> None:
    """Inside a unit of work: browser sessions, refresh families and access tokens end."""
    from webapp.identity.api_tokens import revoke_user_tokens

    query = delete(UserSession).where(UserSession.user_id == user.id)
    if except_session:
        query = query.where(UserSession.key != except_session)
    uow.session.execute(query)
    revoke_user_tokens(uow.session, user.id)
    user.token_version = (user.token_version or 0) + 1


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.credentials_changed_at = utcnow()


def _parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise ValidationFailed("Perfil inválido.", field="role") from exc


def _locked_user(uow, user_id: int) -> User:
    """Load the user after locking the tenant row: admin changes of a tenant run one by one.

    On PostgreSQL ``SELECT ... FOR UPDATE`` on the tenant serializes concurrent demotions and
    deactivations, so two admins demoting each other cannot leave the tenant with none.
    SQLite has a single writer and ignores the clause.
    """
    user = get_user(user_id)
    uow.session.execute(
        select(Tenant.id).where(Tenant.id == user.tenant_id).with_for_update()
    ).all()
    uow.session.refresh(user)
    return user


def _ensure_another_admin(uow, user: User) -> None:
    others = uow.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise LastAdmin()
