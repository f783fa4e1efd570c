"""`manage.py recall_notify <campaign>`: run the recall notice scan now
(`bookings.notify.recalls`) instead of waiting for beat, with the counts and the time it took.

The scan records every notice that is due, of every open campaign, as beat would: the outbox
rows (one per channel) are written batch by batch and their delivery queued on commit. The
campaign named is the one whose figures are printed; it must exist."""

from __future__ import annotations

from time import perf_counter

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bookings.notify.recalls import recall_notices_record
from recalls.models import RecallCampaign
from recalls.selectors import campaign_progress


class Command(BaseCommand):
    help = (
        "Record the due recall notices now (the beat's notice scan, every open campaign) and "
        "print the campaign's figures and the time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's code, e.g. LX-2026-01")

    def handle(self, *args, **options) -> None:
        code = options["campaign"].strip().upper()
        campaign = RecallCampaign.objects.filter(code=code).first()
        if campaign is None:
            raise CommandError(f"No recall campaign {code}.")
        if campaign.status != RecallCampaign.Status.OPEN:
            raise CommandError(f"{code} is closed: its notices are not sent.")
        before = campaign_progress(campaign_id=campaign.pk)
        started = perf_counter()
        created = recall_notices_record()
        seconds = perf_counter() - started
        after = campaign_progress(campaign_id=campaign.pk)
        notified = after.notified - before.notified
        self.stdout.write(
            f"{code}: {notified:,} vehicles notified now ({created:,} messages queued in all "
            f"campaigns) in {seconds:.1f} s ({notified / seconds:,.0f} vehicles/s)"
        )
        self.stdout.write(
            f"{code} now: {after.affected:,} affected, {after.registered:,} on the platform, "
            f"{after.notified:,} notified"
        )
