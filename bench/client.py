"""The harness's own HTTP client: signs in once and fetches sample data before each scenario.

Nothing here is timed; timings come from bench.loadgen in its own process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import urllib3

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class BenchHttpError(RuntimeError):
    pass


def cookie_header(set_cookie_values: list[str]) -> str:
    """``Cookie`` request header from the ``Set-Cookie`` headers of a response."""
    jar: SimpleCookie = SimpleCookie()
    for value in set_cookie_values:
        jar.load(value)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


@dataclass
class LoginForm:
    """A pre-login session cookie and its CSRF token: reusable for many sign-in POSTs."""

    cookie: str
    csrf_token: str


class BenchClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = urllib3.PoolManager(
            retries=False, timeout=urllib3.Timeout(total=60), maxsize=16
        )
        self.token = ""
        self.session_cookie = ""

    def request(self, method: str, path: str, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        return self.http.request(method, self.base_url + path, redirect=False, **kwargs)

    def login_form(self) -> LoginForm:
        response = self.request("GET", "/login")
        match = CSRF_INPUT.search(response.data.decode())
        if response.status != 200 or not match:
            raise BenchHttpError(f"GET /login: {response.status}, no CSRF token")
        return LoginForm(cookie_header(response.headers.getlist("Set-Cookie")), match.group(1))

    def sign_in(self, email: str, password: str) -> None:
        """Sign in on the web (session cookie) and on the API (bearer token)."""
        form = self.login_form()
        response = self.request(
            "POST",
            "/login",
            headers={"Cookie": form.cookie},
            fields={"csrf_token": form.csrf_token, "email": email, "password": password},
            encode_multipart=False,
        )
        if response.status != 302:
            raise BenchHttpError(f"POST /login: {response.status}")
        self.session_cookie = cookie_header(response.headers.getlist("Set-Cookie"))
        status, body = self.post_json("/api/v1/auth/token", {"email": email, "password": password})
        if status != 200:
            raise BenchHttpError(f"POST /api/v1/auth/token: {status} {body}")
        self.token = body["access_token"]

    def identity(self) -> tuple[int, int]:
        """(user id, tenant id) of the signed-in user, read from the token the app issued."""
        import jwt

        claims = jwt.decode(self.token, options={"verify_signature": False})
        return int(claims["sub"]), int(claims["tid"])

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get_json(self, path: str) -> Any:
        response = self.request("GET", path, headers=self.bearer)
        if response.status != 200:
            raise BenchHttpError(f"GET {path}: {response.status} {response.data[:200]!r}")
        return json.loads(response.data)

    def post_json(
        self, path: str, body: dict, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        all_headers = {"Content-Type": "application/json", **self.bearer, **(headers or {})}
        response = self.request("POST", path, body=json.dumps(body), headers=all_headers)
        return response.status, (json.loads(response.data) if response.data else None)

    def list_all(self, path: str, limit: int) -> list[dict]:
        """Up to ``limit`` rows of an API list endpoint, page by page."""
        rows: list[dict] = []
        page = 1
        sep = "&" if "?" in path else "?"
        while len(rows) < limit:
            body = self.get_json(f"{path}{sep}page={page}&per_page=100")
            rows.extend(body["data"])
            pagination = body["pagination"]
            if not body["data"] or page * pagination["per_page"] >= pagination["total"]:
                break
            page += 1
        return rows[:limit]

    def total(self, path: str) -> int:
        return int(self.get_json(f"{path}?per_page=1")["pagination"]["total"])
