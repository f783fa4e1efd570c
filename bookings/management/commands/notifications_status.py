"""`manage.py notifications_status`: counts by status and the oldest overdue pending message."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from bookings.models import Notification


class Command(BaseCommand):
    help = "Print notification counts by status and the oldest overdue pending notification."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        counts = dict(Notification.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in Notification.Status.values:
            self.stdout.write(f"{status:<8} {counts.get(status, 0)}")
        overdue = Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now)
        oldest = overdue.order_by("due_at", "pk").first()
        if oldest is None:
            self.stdout.write("overdue  0")
            return
        late = now - oldest.due_at
        self.stdout.write(
            f"overdue  {overdue.count()}; oldest: {oldest.key} ({oldest.kind}, {oldest.channel}) "
            f"due {oldest.due_at.isoformat()}, {int(late.total_seconds())} s late, "
            f"{oldest.attempts} attempt(s)"
            + (f", last error: {oldest.last_error}" if oldest.last_error else "")
        )
