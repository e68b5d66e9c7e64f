"""Import every model so SQLAlchemy's metadata (and Alembic) sees the whole schema."""

from webapp.catalog.models import Category, Product, StockMovement  # noqa: F401
from webapp.core.audit import AuditEntry  # noqa: F401
from webapp.core.errors import ErrorLog  # noqa: F401
from webapp.core.jobs import BackgroundJob  # noqa: F401
from webapp.core.tenancy import Tenant  # noqa: F401
from webapp.core.uow import OutboxMessage  # noqa: F401
from webapp.customers.models import Address, Customer  # noqa: F401
from webapp.identity.models import (  # noqa: F401
    RefreshToken,
    RevokedAccessToken,
    TenantSettings,
    User,
    UserSession,
)
from webapp.reports.models import revenue_orders  # noqa: F401  report indexes
from webapp.sales.cart_models import Cart, CartLine  # noqa: F401
from webapp.sales.models import Order, OrderLine, OrderStatusChange  # noqa: F401
from webapp.wallet.models import (  # noqa: F401
    Account,
    CategoryCashbackRate,
    LedgerEntry,
    LedgerTransaction,
    Wallet,
)
