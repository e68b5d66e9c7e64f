from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from webapp.core.domain import InvalidCredentials
from webapp.identity import bp, services
from webapp.identity.decorators import public
from webapp.identity.forms import LoginForm
from webapp.identity.safe_redirect import safe_next_url


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except InvalidCredentials as exc:
            form.password.errors.append(exc.message)
        else:
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
