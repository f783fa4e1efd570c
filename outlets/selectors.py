"""Reads of outlets and the catalog, with their joins and prefetches decided here, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Prefetch, QuerySet, Value, When, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from accounts.models import User
from hima_service.exceptions import NotFound

from .models import Bay, Closure, Outlet, OutletMembership, ServiceType


def service_type_list() -> QuerySet[ServiceType]:
    """The active standard catalog."""
    return ServiceType.objects.filter(is_active=True).order_by("category", "code")


def service_types_by_code(codes: Sequence[str], *, field: str = "services") -> list[ServiceType]:
    """The active service types for these codes, in the order asked, duplicates dropped; a
    ValidationError on `field` names the unknown ones."""
    unique = _unique_codes(codes, field=field)
    found = ServiceType.objects.filter(code__in=unique, is_active=True)
    return _in_order(unique, found, field=field)


def outlet_with_services(
    code: str, service_codes: Sequence[str], *, field: str = "services"
) -> tuple[Outlet | None, list[ServiceType]]:
    """outlet_active_by_code and, when the outlet exists, service_types_by_code: what a
    booking create looks up first. (None, []) for an unknown outlet; no services are looked
    up for it, but an empty list of them is refused first."""
    unique = _unique_codes(service_codes, field=field)
    outlet = outlet_active_by_code(code)
    if outlet is None:
        return None, []
    return outlet, service_types_by_code(unique, field=field)


def _unique_codes(codes: Sequence[str], *, field: str) -> list[str]:
    unique = list(dict.fromkeys(codes))
    if not unique:
        raise ValidationError({field: [_("Choose at least one service.")]})
    return unique


def _in_order(
    unique: list[str], services: Iterable[ServiceType], *, field: str
) -> list[ServiceType]:
    found = {service.code: service for service in services}
    if missing := [code for code in unique if code not in found]:
        raise ValidationError(
            {field: [_("Unknown service: %(codes)s.") % {"codes": ", ".join(missing)}]}
        )
    return [found[code] for code in unique]


def outlet_list() -> QuerySet[Outlet]:
    """Active outlets with what the list shows (brands, offered services) prefetched: the list
    costs the same few queries for 1 outlet or 100."""
    return Outlet.objects.filter(is_active=True).prefetch_related(
        Prefetch("brands", to_attr="brand_list"),
        Prefetch(
            "services",
            queryset=ServiceType.objects.filter(is_active=True).order_by("code"),
            to_attr="service_list",
        ),
    )


def outlet_local_today(*, outlet: Outlet) -> dt.date:
    """Today's date where the outlet is (Munich and Shanghai disagree for 6–7 hours a day)."""
    return outlet.local_day(timezone.now())


def outlet_closures_ahead(*, outlet: Outlet) -> QuerySet[Closure]:
    return outlet.closures.filter(date__gte=outlet_local_today(outlet=outlet)).order_by("date")


def outlet_by_code(outlets: QuerySet[Outlet], *, code: str) -> Outlet | None:
    """The outlet of `outlets` with this code in any case: the one rule every lookup by code
    follows (detail, availability, manager endpoints).

    Codes are unique only as typed, so `sh-pudong-01` and `SH-PUDONG-01` may both exist: the
    exact spelling wins, else the first case-insensitive match by code. One query, and never
    MultipleObjectsReturned."""
    return (
        outlets.filter(code__iexact=code)
        .order_by(Case(When(code=code, then=Value(0)), default=Value(1)), "code")
        .first()
    )


def outlet_active_by_code(code: str) -> Outlet | None:
    """outlet_by_code for the active outlets, with nothing prefetched."""
    return outlet_by_code(Outlet.objects.filter(is_active=True), code=code)


def outlet_get_active(*, code: str) -> Outlet:
    """An active outlet by code, any case (see outlet_by_code), with nothing prefetched: for
    reads that load what they need themselves, like availability. 404 when unknown."""
    outlet = outlet_active_by_code(code)
    if outlet is None:
        raise NotFound(_("No outlet has this code."))
    return outlet


def outlet_get(*, code: str) -> Outlet:
    """An active outlet by code (see outlet_by_code) with everything its detail page shows;
    404 when unknown.

    Sets `closures_ahead` (from today in the outlet's own zone) and `active_bays`."""
    outlet = outlet_by_code(
        Outlet.objects.filter(is_active=True).prefetch_related(
            Prefetch("brands", to_attr="brand_list"),
            Prefetch(
                "services",
                queryset=ServiceType.objects.filter(is_active=True).order_by("category", "code"),
                to_attr="service_list",
            ),
            "opening_hours",
            Prefetch("bays", queryset=Bay.objects.filter(is_active=True), to_attr="active_bays"),
        ),
        code=code,
    )
    if outlet is None:
        raise NotFound(_("No outlet has this code."))
    outlet.closures_ahead = list(outlet_closures_ahead(outlet=outlet))
    return outlet


def outlet_for_manager(*, user: User, code: str) -> Outlet:
    """The outlet `user` may manage: a manager membership there, or an alliance admin.

    Everyone else — owners, staff of other outlets, and advisors or technicians of this one —
    gets the same 404 as for an unknown code (DESIGN rule 4: someone else's object is 404)."""
    outlets = Outlet.objects.all()
    if not user.is_alliance_admin:
        outlets = outlets.filter(
            memberships__user=user, memberships__role=OutletMembership.Role.MANAGER
        )
    outlet = outlet_by_code(outlets, code=code)
    if outlet is None:
        raise NotFound(_("No outlet with this code is managed by you."))
    return outlet


def outlet_hours(*, outlet: Outlet) -> Outlet:
    """The outlet with its opening hours prefetched (for the weekly view after an edit)."""
    prefetch_related_objects([outlet], "opening_hours")
    return outlet


def bay_list(*, outlet: Outlet) -> QuerySet[Bay]:
    """Every bay of the outlet, inactive ones too (a manager reactivates them here)."""
    return Bay.objects.filter(outlet=outlet).order_by("name")


def bay_get(*, outlet: Outlet, bay_id: int) -> Bay:
    bay = bay_list(outlet=outlet).filter(pk=bay_id).first()
    if bay is None:
        raise NotFound(_("This outlet has no such bay."))
    return bay


# Which of `%(ids)s` the outlet `%(outlet)s` offers among its active services, and whether it
# is authorized for brand `%(brand)s` (true when NULL): two columns, for outlet_offers and for
# the booking write's outlet lock (bookings.locks), which reads them in its own statement
# because the ORM cannot take a share lock (FOR SHARE).
OFFERS_COLUMNS = sql.SQL(
    """
    ARRAY(
        SELECT o.servicetype_id
        FROM {offered} o JOIN {services} s ON s.id = o.servicetype_id
        WHERE o.outlet_id = %(outlet)s AND s.is_active AND o.servicetype_id = ANY(%(ids)s)
    ),
    %(brand)s::bigint IS NULL OR EXISTS (
        SELECT 1 FROM {brands} b WHERE b.outlet_id = %(outlet)s AND b.brand_id = %(brand)s
    )
    """
).format(
    offered=sql.Identifier(Outlet.services.through._meta.db_table),
    services=sql.Identifier(ServiceType._meta.db_table),
    brands=sql.Identifier(Outlet.brands.through._meta.db_table),
)
_OFFERS = sql.SQL("SELECT {}").format(OFFERS_COLUMNS).as_string()


def offers_params(*, outlet_id: int, service_ids: Sequence[int], brand_id: int | None) -> dict:
    return {"outlet": outlet_id, "ids": list(service_ids), "brand": brand_id}


def outlet_offers(
    *, outlet_id: int, service_ids: Sequence[int], brand_id: int | None
) -> tuple[set[int], bool]:
    """Which of these services the outlet offers (active ones only), and whether it is
    authorized for the brand (True without one): one query (OFFERS_COLUMNS)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _OFFERS, offers_params(outlet_id=outlet_id, service_ids=service_ids, brand_id=brand_id)
        )
        ids, authorized = cursor.fetchone()
    return set(ids), bool(authorized)
