"""`manage.py recall_import <campaign> <file.csv>`: a campaign's VIN list from a file of any
length (`recalls.vin_copy`), with the counts and the time it took."""

from __future__ import annotations

from pathlib import Path
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recalls.models import RecallCampaign
from recalls.selectors import campaign_progress
from recalls.vin_copy import campaign_import_vin_file
from recalls.vins import VinFileRejected


class Command(BaseCommand):
    help = (
        "Add the VINs of a CSV file (first column, one a line, a 'VIN' header line allowed) to "
        "a recall campaign, all or nothing; prints the counts and the time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="the campaign's code, e.g. LX-2026-01")
        parser.add_argument("file", type=Path, help="the CSV file of VINs")

    def handle(self, *args, **options) -> None:
        code = options["campaign"].strip().upper()
        campaign = RecallCampaign.objects.select_related("brand").filter(code=code).first()
        if campaign is None:
            raise CommandError(f"No recall campaign {code}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        started = perf_counter()
        try:
            with path.open("rb") as stream:
                result = campaign_import_vin_file(campaign=campaign, stream=stream)
        except VinFileRejected as exc:
            for line in (exc.fields or {}).get("file", []):
                self.stderr.write(str(line))
            raise CommandError(str(exc.detail)) from exc
        seconds = perf_counter() - started
        progress = campaign_progress(campaign_id=campaign.pk)
        self.stdout.write(
            f"{campaign.code}: {result.lines:,} VIN lines, {result.vins:,} distinct, "
            f"{result.added:,} added, {result.already:,} already in the campaign; "
            f"in {seconds:.1f} s ({result.lines / seconds:,.0f} lines/s)"
        )
        self.stdout.write(
            f"{campaign.code} now: {progress.affected:,} affected, {progress.registered:,} on "
            f"the platform, {progress.notified:,} notified"
        )
