"""Sales screens: the checkout (server-side cart), orders, receipts and live stock."""

from webapp.sales.routes import checkout, live, orders  # noqa: F401
