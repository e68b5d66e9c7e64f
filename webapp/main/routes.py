from flask import jsonify, render_template

from webapp.identity.decorators import public
from webapp.main import bp
from webapp.main.services import readiness


@bp.route("/")
def home():
    return render_template("main/home.html")


@bp.route("/health")
@public
def health():
    return jsonify(status="ok")


@bp.route("/ready")
@public
def ready():
    ok, checks = readiness()
    return jsonify(status="ok" if ok else "unavailable", checks=checks), 200 if ok else 503
