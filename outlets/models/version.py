"""The version of what an outlet can offer, counted by the database."""

from django.db import models


class OutletVersion(models.Model):
    """How often what an outlet can offer has changed: a count kept by the database itself.

    Triggers (migrations outlets 0003, bookings 0007) add one in the same transaction as every
    write to the outlet's bookings, opening hours, closures, bays, services, brands or its own
    row, whoever writes (services, admin, factories, a COPY). An outlet's version is the sum of
    its rows, which only grows: by at least one with every commit that changed the outlet. Each
    transaction counts in one of SHARDS rows (by its transaction id), so that concurrent
    bookings at one outlet do not queue on one row lock until they commit. Cached availability
    answers carry the versions they were computed under (bookings.availability.answers). No
    code writes it; an outlet without rows is version 0. No foreign key: deleting an outlet
    deletes its hours and bays first, which the triggers count, so its rows stay behind
    (harmless) rather than break a foreign key at commit."""

    SHARDS = 16

    outlet_id = models.BigIntegerField()
    shard = models.SmallIntegerField()
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet_id", "shard"], name="outlet_version_shard")
        ]

    def __str__(self) -> str:
        return f"outlet {self.outlet_id} shard {self.shard}: {self.version}"
