"""Which version of each outlet's calendar is current: OutletVersion, counted by database
triggers in the same transaction as every write that changes what an outlet can offer
(outlets migration 0003). Read them together with the calendar, in one snapshot, and an answer
computed from that calendar is current exactly while they are unchanged."""

from __future__ import annotations

from collections.abc import Iterable

from .models import OutletVersion


def outlet_versions(outlet_ids: Iterable[int]) -> dict[int, int]:
    """The current version of each outlet (0 if never changed), in one query."""
    # Summed here, not by GROUP BY: an outlet has at most SHARDS rows, and the plain read
    # costs a cached answer's check a third less (bench/http.py).
    versions = dict.fromkeys(outlet_ids, 0)
    for outlet_id, version in OutletVersion.objects.filter(
        outlet_id__in=list(versions)
    ).values_list("outlet_id", "version"):
        versions[outlet_id] += version
    return versions
