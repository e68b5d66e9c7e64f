"""Security headers on every response.

The CSP allows nothing inline and no eval: scripts and styles come from our own static
files only. htmx runs under it because the layout turns off its injected indicator styles
and eval-based features (``htmx-config`` meta). Plotly injects a <style> element on load
unless an element with id ``plotly.js-style-global`` and class ``no-inline-styles`` is
already in the page; ``templates/_macros/ui.html`` ``plotly_assets()`` adds exactly that as a
<link> to the static copy of Plotly's rules (static/vendor/plotly-basic-3.3.0/plotly.css), so
charts render with ``style-src 'self'`` and no relaxation.
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)

HSTS = "max-age=31536000; includeSubDomains"


def install_security_headers(app: Flask) -> None:
    https = bool(app.config.get("HTTPS"))

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
