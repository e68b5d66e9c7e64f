"""File downloads the app streams itself (CSV), named and typed in one place."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_download(body: Iterable[str], filename: str) -> Response:
    """A CSV attachment streamed from ``body``; ``filename`` is ours (no quotes in it)."""
    # content_type is sent as given; ``mimetype=`` would append a second charset to it.
    return Response(
        body,
        content_type=CSV_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
