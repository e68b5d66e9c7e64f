"""Error handling: every unhandled exception is logged to a table and answered kindly.

The log row is written on its own connection after the request's session has been rolled
back, so it survives the failed transaction. Browsers get a pt-BR page with the error id,
htmx requests a toast fragment, API requests the JSON error format of the API contract.
"""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from datetime import datetime
from typing import Any

from flask import Flask, Response, has_request_context, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import BigInteger, String, Text, insert
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import HTTPException

from webapp.core.context import current_actor_id, current_request_id, current_tenant_id
from webapp.core.domain import DomainError
from webapp.core.models import Base, UTCDateTime, utcnow

log = logging.getLogger(__name__)

# A name that says "secret" (password_hash, SECRET_KEY, refresh_token, session_key...)
# followed by its value, as in SQL parameters, reprs and settings.
_SECRET_PATTERN = re.compile(
    r"(?i)((?:password|passwd|senha|secret|token|authorization|api[_-]?key|cookie"
    r"|session[_-]?key)[\w-]*)"
    r"(['\"]?\s*[:=]\s*['\"]?)([^\s'\",;&]+)"
)
_BEARER_PATTERN = re.compile(r"(?i)bearer\s+[a-z0-9._~+/=-]+")
# Values that are secrets whatever they are called: SQLite's parameters are a bare tuple,
# so a password hash in a failed INSERT has no name next to it.
_HASH_PATTERN = re.compile(
    r"\$argon2(?:id|i|d)\$[A-Za-z0-9+/=,$]+|scrypt:\d+:\d+:\d+\$[A-Za-z0-9+/=$]+"
)
# The password in a connection URL (postgresql://user:password@host, redis://:password@host).
_URL_PASSWORD_PATTERN = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@")


class ErrorLog(Base):
    """An unhandled exception. Not tenant-scoped: written where the tenant may be unknown."""

    __tablename__ = "error_logs"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    tenant_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(500))
    exception_type: Mapped[str] = mapped_column(String(200), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    traceback: Mapped[str] = mapped_column(Text, nullable=False)


def scrub(text: str) -> str:
    """Remove anything that looks like a credential from a message or traceback."""
    text = _BEARER_PATTERN.sub("Bearer [removido]", text)
    text = _HASH_PATTERN.sub("[removido]", text)
    text = _URL_PASSWORD_PATTERN.sub(r"\1[removido]@", text)
    return _SECRET_PATTERN.sub(lambda m: f"{m.group(1)}{m.group(2)}[removido]", text)


def new_error_id() -> str:
    return uuid.uuid4().hex[:12].upper()


def log_exception(exc: BaseException, context: dict[str, Any] | None = None) -> str:
    """Store ``exc`` in the error log on its own connection and return the error id."""
    from webapp.extensions import db

    error_id = new_error_id()
    tenant_id = current_tenant_id.get()
    in_request = has_request_context()
    row = {
        "id": error_id,
        "created_at": utcnow(),
        "request_id": current_request_id.get(),
        "tenant_id": tenant_id if tenant_id and tenant_id > 0 else None,
        "user_id": current_actor_id.get(),
        "method": request.method if in_request else None,
        "path": request.path[:500] if in_request else (str(context)[:500] if context else None),
        "exception_type": f"{type(exc).__module__}.{type(exc).__qualname__}"[:200],
        "message": scrub(str(exc))[:4000],
        "traceback": scrub("".join(traceback.format_exception(exc)))[:20000],
    }
    log.error("unhandled error %s: %s", error_id, row["exception_type"], exc_info=exc)
    try:
        # The failing transaction may hold locks (SQLite: the whole file); release it first.
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(insert(ErrorLog.__table__), [row])
    except Exception:  # the log must never hide the original error
        log.exception("could not store error %s", error_id)
    return error_id


# --- responses -----------------------------------------------------------------------------

ERROR_TEXT = {
    400: ("Requisição inválida", "Os dados enviados não puderam ser lidos."),
    401: ("Acesso não autorizado", "Entre com seu usuário para continuar."),
    403: ("Acesso negado", "Você não tem permissão para acessar esta página."),
    404: ("Página não encontrada", "O endereço não existe ou não está disponível para você."),
    405: ("Método não permitido", "Esta ação não pode ser feita por este caminho."),
    409: ("Conflito", "A operação conflita com o estado atual do registro."),
    413: ("Envio muito grande", "O arquivo ou formulário enviado é grande demais."),
    422: ("Dados inválidos", "Confira os campos informados."),
    429: ("Muitas tentativas", "Aguarde um pouco antes de tentar de novo."),
    500: ("Algo deu errado", "Um erro inesperado aconteceu. Nossa equipe foi avisada."),
}

# Where the page's wording would not fit an API client.
API_TEXT = {403: "Seu perfil não tem permissão para esta operação."}

API_CODES = {
    400: "validation_error",
    401: "invalid_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "validation_error",
    415: "validation_error",
    422: "validation_error",
    429: "rate_limited",
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, details: dict | None = None) -> Response:
    response = jsonify({"error": code, "message": message, "details": details or {}})
    response.status_code = status
    return response


def error_response(status: int, message: str | None = None, error_id: str | None = None):
    """The right shape of error for this request: JSON, htmx toast or full page."""
    title, default_text = ERROR_TEXT.get(
        status, ERROR_TEXT[500] if status >= 500 else ERROR_TEXT[400]
    )
    if is_api_request():
        details = {"error_id": error_id} if error_id else {}
        code = "internal_error" if status >= 500 else API_CODES.get(status, "validation_error")
        return api_error(status, code, message or API_TEXT.get(status, default_text), details)
    text = message or default_text
    if request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    ):
        html = render_template(
            "errors/_toast.html", title=title, text=text, error_id=error_id, status=status
        )
        response = Response(html, status=status)
        # Show the toast instead of swapping the error into the request's target.
        response.headers["HX-Retarget"] = "#toasts"
        response.headers["HX-Reswap"] = "beforeend"
        return response
    html = render_template(
        "errors/error.html", title=title, text=text, error_id=error_id, status=status
    )
    return Response(html, status=status)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return error_response(
            400, "O formulário expirou ou não é válido. Recarregue a página e tente de novo."
        )

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        # Routes normally turn domain errors into form messages; this is the fallback.
        if is_api_request():
            return api_error(exc.status, exc.code, exc.message, exc.api_details())
        return error_response(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.response is not None and not is_api_request():
            # The raiser built the page itself (e.g. the login form with a throttle message).
            return exc.response
        if is_api_request() and (messages := _validation_messages(exc)):
            return api_error(
                422, "validation_error", "Dados inválidos. Confira os campos.", {"fields": messages}
            )
        response = error_response(exc.code or 500, _custom_description(exc))
        if exc.code == 405 and (allowed := getattr(exc, "valid_methods", None)):
            response.headers["Allow"] = ", ".join(allowed)
        if exc.code == 429 and exc.response is not None and "Retry-After" in exc.response.headers:
            response.headers["Retry-After"] = exc.response.headers["Retry-After"]
        return response

    @app.errorhandler(RecursionError)
    def _recursion(exc: RecursionError):
        if not _is_json_nested_too_deep(exc):
            return _unhandled(exc)
        if is_api_request():
            return api_error(
                422,
                "validation_error",
                "Dados inválidos. Confira os campos.",
                {"fields": {"json": [JSON_TOO_DEEP]}},
            )
        return error_response(400, JSON_TOO_DEEP)

    @app.errorhandler(DataError)
    def _data_error(exc: DataError):
        if not _is_nul_in_text(exc):
            return _unhandled(exc)
        from webapp.extensions import db

        db.session.rollback()  # the use case failed as a whole; nothing of it stays
        return error_response(422, NUL_IN_TEXT)

    @app.errorhandler(Exception)
    def _unhandled(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        error_id = log_exception(exc)
        return error_response(
            500,
            f"Um erro inesperado aconteceu (código {error_id}). Nossa equipe foi avisada.",
            error_id,
        )


def _validation_messages(exc: HTTPException) -> dict | None:
    """Field messages that webargs/flask-smorest attach to a 422."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if not messages:
        return None
    # webargs nests by location ("json", "query"); the client only cares about fields.
    flat: dict[str, list[str]] = {}
    for location, value in messages.items():
        if isinstance(value, dict):
            flat.update(_field_paths(value))
        elif isinstance(value, list):  # about the whole body, e.g. one that is not JSON
            flat[location] = [WEBARGS_MESSAGES.get(text, text) for text in value]
    return flat or None


def _field_paths(tree: dict, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages ({"items": {"0": {"qty": [...]}}}) as dotted paths
    ({"items.0.qty": [...]}), the names the services give their own messages."""
    flat: dict[str, list[str]] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_field_paths(value, f"{path}."))
        else:
            flat[path] = [str(text) for text in (value if isinstance(value, list) else [value])]
    return flat


# The one message webargs writes itself (marshmallow's are translated in api/messages.py).
WEBARGS_MESSAGES = {"Invalid JSON body.": "O corpo da requisição não é um JSON válido."}
JSON_TOO_DEEP = "O corpo da requisição não é um JSON válido: listas ou objetos aninhados demais."


def _is_json_nested_too_deep(exc: RecursionError) -> bool:
    """json.loads gives up on a body like [[[[...]]]] (a thousand levels, 2 KB) with a
    RecursionError, not the ValueError Flask and webargs turn into a refusal. Its message
    tells it apart from a RecursionError in our own code, which stays a logged 500."""
    return "while decoding a JSON" in str(exc)


NUL_IN_TEXT = "O texto enviado tem um caractere inválido (NUL). Digite apenas texto."


def _is_nul_in_text(exc: DataError) -> bool:
    """PostgreSQL refuses a NUL character in any text value, SQLite stores it. A NUL can come
    in through every field, search box and URL (a login's e-mail, a product name, ?q=): it is
    bad input, refused here once rather than by a check on each of them."""
    return "cannot contain NUL" in str(exc.orig)


def _custom_description(exc: HTTPException) -> str | None:
    """Keep messages our code wrote (pt-BR); drop Werkzeug's English defaults."""
    default = type(exc).description
    return exc.description if exc.description and exc.description != default else None
