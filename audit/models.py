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

from django.contrib.postgres.fields import ArrayField
from django.db import models

# A booking settles this long after its start: most visits are over by then, and one still in
# the workshop is marked stale when it changes, and settled again. The triggers mark changes from
# an hour earlier on ('2 hours' in migration 0007): a transaction that wrote before a settling
# run began and commits after it is still caught unless it stayed open for more than that hour.
# Every booking after the watermark is computed live on every audit request, so the shorter this
# is the less each request computes (docs/performance.md); the price is that the staff's late
# changes to the day's visits now pay for a mark.
SETTLE_AFTER = dt.timedelta(hours=3)


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
            # The facts of one outlet's week, read one by one while it has a stale booking.
            models.Index(fields=["outlet_id", "start"], name="audit_facts_outlet_start"),
        ]

    def __str__(self) -> str:
        return f"facts of booking {self.id}"


class WeekFigures(models.Model):
    """One outlet's settled bookings of one brand over one of its local weeks (Monday to Sunday
    in the outlet's zone), added up: the counts and sums every figure of audit.sql adds, and the
    values its medians are taken over (audit.sql.PART_SUMS). An audit of a quarter adds up
    about thirteen of these per outlet and brand instead of every booking's facts.

    Settling keeps them (audit.settle): a week's row is built from its facts once the watermark
    is past the week's end, and built again when a booking of it is settled again. The audit
    reads the weeks a period holds whole, below the watermark, and none with a stale booking
    (those weeks' facts are read one by one, as before)."""

    outlet_id = models.BigIntegerField()
    brand_id = models.BigIntegerField()
    # The week's Monday, in the outlet's zone.
    week = models.DateField()
    bookings = models.IntegerField()
    completed = models.IntegerField()
    cancelled = models.IntegerField()
    no_show = models.IntegerField()
    due = models.IntegerField()
    started = models.IntegerField()
    on_time = models.IntegerField()
    timed = models.IntegerField()
    checklist_items = models.IntegerField()
    checklist_items_done = models.IntegerField()
    rated = models.IntegerField()
    rating_sum = models.IntegerField()
    recall_done = models.IntegerField()
    visits = models.IntegerField()
    extra_offered = models.IntegerField()
    extra_lines_sent = models.IntegerField()
    extra_lines_decided = models.IntegerField()
    extra_lines_approved = models.IntegerField()
    extra_value_approved = models.DecimalField(max_digits=16, decimal_places=2)
    # The least and the greatest currency of the week's visits (None without any).
    currency_low = models.CharField(max_length=3, null=True)
    currency_high = models.CharField(max_length=3, null=True)
    priced = models.IntegerField()
    off_standard = models.IntegerField()
    charged_total = models.DecimalField(max_digits=16, decimal_places=2)
    standard_total = models.DecimalField(max_digits=16, decimal_places=2)
    # The values behind the medians and the equity's rank tests: the waits of the started
    # bookings, the labour ratios of the timed ones, the minutes of each approved extra line, the
    # ratings of the rated ones.
    waits = ArrayField(models.FloatField())
    labour_ratios = ArrayField(models.FloatField())
    approval_minutes = ArrayField(models.FloatField())
    ratings = ArrayField(models.SmallIntegerField())

    class Meta:
        # The week first: a period's weeks are one range of it whatever the outlets' zones,
        # where per outlet the planner, not knowing how many outlets a request has, read the
        # whole table.
        constraints = [
            models.UniqueConstraint(
                fields=["week", "outlet_id", "brand_id"], name="audit_week_week_outlet_brand"
            )
        ]

    def __str__(self) -> str:
        return f"outlet {self.outlet_id}, brand {self.brand_id}, week of {self.week}"


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
