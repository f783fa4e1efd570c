"""The dashboard's opening views, kept: the last quarter of every outlet, for each brand's admins
and for the alliance's, figured by the beat every few minutes and read from the cache while they
are fresh.

Why: at the alliance's size the every-brand view of a quarter reads some 800,000 bookings, runs
24,000 tests and answers 10 MB, about 3 s of work on a 2-core machine however it is written
(docs/performance.md). A quarter that ended yesterday hardly moves within minutes (late ratings
and corrections), so figures a few minutes old say the same thing about it, and the page says
when they were figured. Everything else (another period, an outlet or city filter, an alliance
admin looking at one brand) is figured when asked, as before.

What is kept, per view (who audits, which brand, which dates): the outlet figures with their
weeks, language-neutral, and the equity view in each language (its flags are sentences). The
equity view is figured from the overview's own comparisons, one statement for both. A kept
value is served as long as the cache holds it (KEEP_SECONDS), so a beat that stops leaves no
stale figures behind for long. Nothing here is needed to answer: a miss figures the view live.
The cache's keys name the database (hima_service.cache.make_key): a test run's or another
checkout's workers, on the same Redis, keep views of their own databases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from hima_service.routers import audit_reads
from outlets.models import Outlet
from vehicles.models import Brand

from .charts import WeekOnTime, weekly_on_time
from .equity import BrandComparison, EquityAudit, OutletEquity, equity_audit, equity_of
from .flags import Flag
from .periods import last_quarter
from .scope import Auditor, AuditScope
from .selectors import (
    Comparison,
    Figures,
    OutletAudit,
    OutletFigures,
    Period,
    outlet_audit,
    overview_figures,
)

# The beat refreshes the kept views this often (hima_service.beat) ...
REFRESH_SECONDS = 300
# ... and the cache drops one this long after it was figured: two refreshes missed, and the
# page figures live again rather than show older figures.
KEEP_SECONDS = 3 * REFRESH_SECONDS


T = TypeVar("T")


@dataclass(frozen=True)
class Figured(Generic[T]):
    """A view's figures, when they were figured, and whether they were kept (else: just now)."""

    value: T
    computed_at: dt.datetime
    kept: bool = False


@dataclass(frozen=True)
class Overview:
    """The dashboard's overview: the outlet figures, their weeks and the equity view's flags."""

    audit: OutletAudit
    weeks: list[WeekOnTime]
    equity: EquityAudit


@dataclass(frozen=True)
class KeptFigures:
    """What the outlet figures keep: language-neutral, unlike the equity view's flags."""

    audit: OutletAudit
    weeks: list[WeekOnTime]


# The kept objects' shape: a deploy that changes a field reads none of the old ones (each key
# names the shape it was written with), where unpickling them would mix two versions.
_KEPT_TYPES = (
    Figured,
    KeptFigures,
    Overview,
    OutletAudit,
    OutletFigures,
    Figures,
    WeekOnTime,
    EquityAudit,
    OutletEquity,
    BrandComparison,
    Flag,
)
SHAPE = hashlib.sha256(
    repr([(t.__name__, [f.name for f in dataclasses.fields(t)]) for t in _KEPT_TYPES]).encode()
).hexdigest()[:12]


def _key(kind: str, scope: AuditScope, period: Period, language: str = "") -> str:
    who = "alliance" if scope.is_alliance else "brand-admin"
    brand = scope.brand.code if scope.brand else "ALL"
    dates = f"{period.date_from.isoformat()}/{period.date_to.isoformat()}"
    return f"audit:kept:{SHAPE}:{kind}:{who}:{brand}:{dates}:{language}"


def _equity_key(scope: AuditScope, period: Period) -> str:
    return _key("equity", scope, period, _language())


def _language() -> str:
    """The active language as settings.LANGUAGES names it (the keys keep_view writes)."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return ""


def _kept(*keys: str) -> list[Figured] | None:
    """The kept values under these keys, or None unless every one of them is there."""
    found = cache.get_many(keys)
    return [found[key] for key in keys] if len(found) == len(keys) else None


def outlet_figures(
    *, scope: AuditScope, period: Period, outlet: Outlet | None = None, city: str | None = None
) -> Figured[OutletAudit]:
    """The outlet audit of a view: kept when the beat keeps it, else figured now."""
    if outlet is None and not city and (kept := _kept(_key("figures", scope, period))):
        figures = kept[0]
        return Figured(figures.value.audit, figures.computed_at, kept=True)
    now = timezone.now()
    return Figured(outlet_audit(scope=scope, period=period, outlet=outlet, city=city, now=now), now)


def equity(
    *, scope: AuditScope, period: Period, outlet: Outlet | None = None, city: str | None = None
) -> Figured[EquityAudit]:
    """The equity view in the active language: kept when the beat keeps it, else figured now."""
    if outlet is None and not city and (kept := _kept(_equity_key(scope, period))):
        return dataclasses.replace(kept[0], kept=True)
    now = timezone.now()
    return Figured(equity_audit(scope=scope, period=period, outlet=outlet, city=city, now=now), now)


def overview(
    *, scope: AuditScope, period: Period, outlet: Outlet | None = None, city: str | None = None
) -> Figured[Overview]:
    """The overview in the active language: kept when the beat keeps it, else figured now."""
    if outlet is None and not city:
        kept = _kept(_key("figures", scope, period), _equity_key(scope, period))
        # Both of one refresh: a page read between two refreshes' writes figures itself.
        if kept and kept[0].computed_at == kept[1].computed_at:
            figures, equity_view = kept
            return Figured(
                Overview(figures.value.audit, figures.value.weeks, equity_view.value),
                figures.computed_at,
                kept=True,
            )
    now = timezone.now()
    audit, weeks, comparisons = _overview_now(
        scope=scope, period=period, outlet=outlet, city=city, now=now
    )
    return Figured(Overview(audit, weeks, equity_of(comparisons, scope=scope)), now)


def _overview_now(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime,
) -> tuple[OutletAudit, list[WeekOnTime], list[Comparison]]:
    """What the overview reads: the outlet figures and the equity view's comparisons in one
    statement, and the weekly on-time rates."""
    audit, comparisons = overview_figures(
        scope=scope, period=period, outlet=outlet, city=city, now=now
    )
    weeks = weekly_on_time(scope=scope, period=period, outlet=outlet, city=city, now=now)
    return audit, weeks, comparisons


def opening_scopes() -> list[AuditScope]:
    """The views the dashboard opens on: each brand's admins on their brand, and the alliance's
    admins on every brand. The scope is who looks, not a person: an admin's view depends only
    on whether they are the alliance's and on the brand (audit.equity withholds "the others"
    from a brand admin where they are a single brand)."""
    brands = list(Brand.objects.order_by("code"))
    return [
        *(
            AuditScope(auditor=Auditor(user=None, is_alliance=False, brands=(b,)), brand=b)
            for b in brands
        ),
        AuditScope(auditor=Auditor(user=None, is_alliance=True, brands=()), brand=None),
    ]


def keep_view(*, scope: AuditScope, period: Period, now: dt.datetime | None = None) -> None:
    """Figure one view as the overview does (one statement for the outlet figures and the
    equity view's comparisons, then its weeks), its equity view in every language, and keep
    them for KEEP_SECONDS."""
    computed_at = now or timezone.now()
    with audit_reads():
        audit, weeks, comparisons = _overview_now(scope=scope, period=period, now=computed_at)
    kept: dict[str, Figured[KeptFigures] | Figured[EquityAudit]] = {
        _key("figures", scope, period): Figured(KeptFigures(audit, weeks), computed_at),
    }
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            kept[_key("equity", scope, period, language)] = Figured(
                equity_of(comparisons, scope=scope), computed_at
            )
    cache.set_many(kept, timeout=KEEP_SECONDS)


def keep_opening_views(*, now: dt.datetime | None = None) -> int:
    """The beat's refresh: every opening view of the last quarter figured again and kept.
    Returns how many views were kept."""
    now = now or timezone.now()
    period = last_quarter(today=timezone.localdate(now))
    scopes = opening_scopes()
    for scope in scopes:
        keep_view(scope=scope, period=period, now=now)
    return len(scopes)
