from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from webapp.core.domain import DomainError, InvalidCredentials
from webapp.identity import bp, services
from webapp.identity.decorators import public
from webapp.identity.forms import LoginForm, ProfilePasswordForm
from webapp.identity.safe_redirect import safe_next_url
from webapp.identity.throttle import (
    THROTTLE_MESSAGE,
    forget_failed_logins,
    record_failed_login,
    throttle_failed_logins,
)


def _throttled_login_page(_limit):
    """The login form again, with the throttle message (429; Retry-After is added later)."""
    form = LoginForm()
    form.form_errors.append(THROTTLE_MESSAGE)
    return current_app.make_response((render_template("identity/login.html", form=form), 429))


@bp.route("/login", methods=["GET", "POST"])
@public
@throttle_failed_logins(on_breach=_throttled_login_page)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except InvalidCredentials as exc:
            record_failed_login()
            form.password.errors.append(exc.message)
        else:
            forget_failed_logins()
            next_url = safe_next_url(request.args.get("next"))
            session.clear()  # a fresh session on sign-in: no fixation
            user.session_key = services.start_session(
                user,
                current_app.config["SESSION_LIFETIME"],
                request.user_agent.string,
                request.remote_addr,
            )
            login_user(user, remember=form.remember.data)
            return redirect(next_url or url_for("main.home"))
    status = 422 if form.errors else 200
    return render_template("identity/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.session_key:
        services.end_session(current_user.session_key)
    logout_user()
    session.clear()
    flash("Você saiu da Vitrine.", "info")
    return redirect(url_for("identity.login"))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    form = ProfilePasswordForm()
    status = None
    if form.validate_on_submit():
        try:
            services.change_own_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_session=current_user.session_key,
            )
        except DomainError as exc:
            status = form.add_refusal(exc)
        else:
            flash("Senha alterada. As outras sessões foram encerradas.", "success")
            return redirect(url_for("identity.profile"))
    return render_template("identity/profile.html", form=form), status or form_status(form)


def form_status(form, default: int = 200) -> int:
    return 422 if form.errors else default
