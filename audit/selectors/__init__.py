"""Reads of the audit: each function runs one statement of `audit.statements_sql` (a constant
number of queries however many outlets and bookings) and returns plain dataclasses for the
serializers."""

from .booking_rows import COUNT_SQL, PAGE_SQL, AuditBooking, BookingRows, audit_bookings
from .figures import NETWORK_TOTAL, equity_comparisons, outlet_audit, overview_figures
from .shapes import Comparison, Figures, OutletAudit, OutletFigures, Pool, Side
from .statements import Period, audit_outlet, fetch_rows, statement_params

__all__ = [
    "COUNT_SQL",
    "NETWORK_TOTAL",
    "PAGE_SQL",
    "AuditBooking",
    "BookingRows",
    "Comparison",
    "Figures",
    "OutletAudit",
    "OutletFigures",
    "Period",
    "Pool",
    "Side",
    "audit_bookings",
    "audit_outlet",
    "equity_comparisons",
    "fetch_rows",
    "outlet_audit",
    "overview_figures",
    "statement_params",
]
