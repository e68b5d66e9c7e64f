"""Admin pages: users of the tenant and tenant settings."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.core.domain import DomainError
from webapp.identity import bp, services
from webapp.identity import settings as tenant_settings
from webapp.identity.decorators import admin_required
from webapp.identity.forms import PasswordResetForm, RoleForm, SettingsForm, UserCreateForm
from webapp.identity.models import Role
from webapp.identity.routes import form_status


@bp.route("/users")
@admin_required
def users():
    return render_template("identity/users.html", users=services.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form, status = UserCreateForm(), None
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user,
                form.email.data,
                form.name.data,
                Role(form.role.data),
                form.password.data,
            )
        except DomainError as exc:
            status = form.add_refusal(exc)
        else:
            flash(f"Usuário {user.name} criado.", "success")
            return redirect(url_for("identity.users"))
    return render_template("identity/user_new.html", form=form), status or form_status(form)


def _edit_page(user, status=200, role_form=None, password_form=None):
    return render_template(
        "identity/user_edit.html",
        user=user,
        role_form=role_form or RoleForm(role=user.role.value, formdata=None),
        password_form=password_form or PasswordResetForm(formdata=None),
    ), status


@bp.route("/users/<int:user_id>")
@admin_required
def user_edit(user_id: int):
    return _edit_page(services.get_user(user_id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def user_role(user_id: int):
    user = services.get_user(user_id)
    form, status = RoleForm(), None
    if form.validate_on_submit():
        try:
            services.change_role(current_user, user.id, form.role.data)
        except DomainError as exc:
            status = form.add_refusal(exc)
        else:
            flash(f"Perfil de {user.name} alterado para {user.role.label}.", "success")
            if user.id == current_user.id and not user.is_admin:
                # An admin who stepped down may no longer open the user page.
                return redirect(url_for("main.home"))
            return redirect(url_for("identity.user_edit", user_id=user.id))
    return _edit_page(user, status or form_status(form), role_form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def user_active(user_id: int):
    user = services.get_user(user_id)
    # The form says which state it wants: a toggle would undo itself on a double submit
    # (or a second tab), reactivating the user the admin had just turned off.
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        flash("Escolha desativar ou reativar o usuário.", "danger")
        return _edit_page(user, 400)
    activate = wanted == "1"
    try:
        services.set_active(current_user, user.id, activate)
    except DomainError as exc:
        flash(exc.message, "danger")
        return _edit_page(user, exc.status)
    flash(f"{user.name} foi {'reativado' if activate else 'desativado'}.", "success")
    return redirect(url_for("identity.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def user_password(user_id: int):
    user = services.get_user(user_id)
    form, status = PasswordResetForm(), None
    if form.validate_on_submit():
        try:
            services.reset_password(current_user, user.id, form.password.data)
        except DomainError as exc:
            status = form.add_refusal(exc)
        else:
            flash(f"Senha de {user.name} redefinida; as sessões dele foram encerradas.", "success")
            return redirect(url_for("identity.user_edit", user_id=user.id))
    return _edit_page(user, status or form_status(form), password_form=form)


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    current = tenant_settings.get_settings()
    form, status = SettingsForm(obj=current), None
    if form.validate_on_submit():
        try:
            tenant_settings.update_settings(current_user, **form.values())
        except DomainError as exc:
            status = form.add_refusal(exc)
        else:
            flash("Configurações salvas.", "success")
            return redirect(url_for("identity.settings"))
    page = render_template("identity/settings.html", form=form, tenant=current_user.tenant)
    return page, status or form_status(form)
