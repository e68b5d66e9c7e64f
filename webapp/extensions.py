"""Extension instances, bound to the app in :func:`webapp.create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from webapp.core.models import Base

# One session per request or job, so objects need not be re-read after a commit: a use case
# returns what it wrote and the response is built from it without SELECTing it all again.
# Code that changes rows behind the ORM's back (the stock and balance UPDATEs) expires the
# copies it made stale itself (catalog.stock, wallet.ledger).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
limiter = Limiter(key_func=get_remote_address)  # configured by webapp.identity.throttle
