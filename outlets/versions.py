"""Which version of each outlet's calendar is current: OutletVersion, counted by database
triggers in the same transaction as every write that changes what an outlet can offer
(outlets migration 0003). Read them together with the calendar, in one snapshot, and an answer
computed from that calendar is current exactly while they are unchanged."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Sum

from .models import OutletVersion


def outlet_versions(outlet_ids: Iterable[int]) -> dict[int, int]:
    """The current version of each outlet (0 if never changed), in one query."""
    ids = list(outlet_ids)
    found = dict(
        OutletVersion.objects.filter(outlet_id__in=ids)
        .values("outlet_id")
        .annotate(total=Sum("version"))
        .values_list("outlet_id", "total")
        .order_by()
    )
    return {outlet_id: found.get(outlet_id, 0) for outlet_id in ids}
