"""The audit's settled facts: what each figure needs of a booking whose visit is over, kept once
so that an audit of a quarter sums rows instead of joining every booking's lines, prices, extra
work and rating again (docs/audit.md, "Settled facts").

A booking's facts are settled once its start is older than `SETTLE_AFTER` and no estimate of
its is still waiting for the owner. Bookings start before the watermark either have their facts
here or are marked stale; the audit reads the facts of the others live, so that the figures are
exact at every instant whatever the settling task has done yet. PostgreSQL triggers (migration
0001) mark a booking stale when it, its service lines, its rating or its extra work change
after it settled, whoever writes: services, the admin, a bulk import or a test factory."""

from __future__ import annotations

import datetime as dt

from django.db import models

# A booking settles this long after its start (its visit is normally over by then). The
# triggers mark changes from an hour earlier on ('47 hours' in migration 0001): a transaction
# that wrote before a settling run began and commits after it is still caught unless it stayed
# open for more than that hour.
SETTLE_AFTER = dt.timedelta(days=2)


class BookingFacts(models.Model):
    """One settled booking's values, exactly as audit.sql computes them live (its `scoped`
    columns)."""

    # The booking's id. Not a foreign key: a deleted booking's facts go when the settling task
    # sees its stale mark, and no booking write has to check this table.
    id = models.BigIntegerField(primary_key=True)
    outlet_id = models.BigIntegerField()
    brand_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    start = models.DateTimeField()
    due = models.BooleanField()
    wait_minutes = models.FloatField(null=True)
    actual_labour_minutes = models.IntegerField(null=True)
    rating = models.SmallIntegerField(null=True)
    visited = models.BooleanField()
    currency = models.CharField(max_length=3)
    standard_minutes = models.IntegerField(null=True)
    checklist_items = models.IntegerField(null=True)
    checklist_items_done = models.IntegerField(null=True)
    has_recall = models.BooleanField()
    charged = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    standard = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    off_standard = models.BooleanField()
    extra_lines_sent = models.IntegerField()
    extra_lines_decided = models.IntegerField()
    extra_lines_approved = models.IntegerField()
    extra_value_approved = models.DecimalField(max_digits=14, decimal_places=2)
    approval_minutes = models.JSONField(null=True)

    class Meta:
        # A brand admin's audit reads one brand's facts over a period; the alliance's, all.
        indexes = [
            models.Index(fields=["start"], name="audit_facts_start"),
            models.Index(fields=["brand_id", "start"], name="audit_facts_brand_start"),
        ]

    def __str__(self) -> str:
        return f"facts of booking {self.id}"


class StaleFacts(models.Model):
    """A booking starting before the watermark whose facts are missing or out of date: the
    audit reads it live until the settling task has settled it again. `version` goes up with
    every mark, so that the task clears only the marks it has read."""

    booking_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"booking {self.booking_id} stale ({self.version})"


class FactsWatermark(models.Model):
    """One row: every booking starting before `settled_before` has its facts, or is stale. No
    row: nothing has settled (every booking is read live)."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    settled_before = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="facts_one_watermark")]

    def __str__(self) -> str:
        return f"settled before {self.settled_before:%Y-%m-%d %H:%M}"
