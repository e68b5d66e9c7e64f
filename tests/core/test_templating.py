"""Template helpers written in Python for speed: they must render what the pages expect."""

from decimal import Decimal

from flask import url_for

from webapp.core.navigation import id_url
from webapp.core.templating import money_html, status_badge_html


def test_money_is_brl_in_a_money_span_and_signed_amounts_are_coloured():
    assert money_html(Decimal("1234.5")) == '<span class="money">R$ 1.234,50</span>'
    assert money_html(Decimal("-3"), signed=True) == (
        '<span class="money text-danger">-R$ 3,00</span>'
    )
    assert money_html(Decimal("3"), signed=True) == (
        '<span class="money text-success">R$ 3,00</span>'
    )
    assert money_html(Decimal("0"), signed=True) == '<span class="money">R$ 0,00</span>'
    assert money_html(None) == '<span class="money"></span>'


def test_status_badge_has_the_label_and_colour_and_escapes_an_unknown_status():
    assert status_badge_html("paid") == (
        '<span class="badge rounded-pill text-bg-primary" data-status="paid">Pago</span>'
    )
    assert status_badge_html("<b>") == (
        '<span class="badge rounded-pill text-bg-secondary" data-status="&lt;b&gt;">'
        "&lt;b&gt;</span>"
    )


def test_id_url_matches_url_for_also_under_a_mount_point(app):
    for script_root in ("", "/loja"):
        with app.test_request_context("/orders", base_url=f"http://localhost{script_root}"):
            for order_id in (1, 42, 918):
                expected = url_for("sales.order_detail", order_id=order_id)
                assert id_url("sales.order_detail", order_id=order_id) == expected
            assert expected.startswith(f"{script_root}/orders/")
