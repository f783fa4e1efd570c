"""Erasing an account across the apps: the booking core's erasure, then what the workshop and
the extra work hold about the same visits, in one transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from accounts.models import User
from bookings.personal_data.services import account_erase as bookings_erase
from estimates.models import EstimateLine
from workshop.models import DamageMark, Photo, WalkAroundView


@transaction.atomic
def account_erase(*, user: User, password: str, now: datetime | None = None) -> int:
    """Erase one's own account (bookings.personal_data.services.account_erase: its checks, its
    refusals and its answer, the number of bookings cancelled), and on the user's visits:

    - the photos go, rows now and files once the transaction commits (workshop.signals): a
      picture of the car can show its plate, the people beside it or what lies inside, and
      nothing can blank a picture short of deleting it;
    - the notes of the walk-around views and the damage marks, and the lines' hold notes, are
      blanked: free text, typed for the visit, that may say anything about the person;
    - kept, with no name attached, like the bookings themselves: the readings (odometer, state
      of charge), where each damage was, and each line's kind, work description, parts,
      prices, currency, state and times. These are the car's service history and the audit's
      figures (what was proposed, approved, declined, at what price), and they describe the
      work on the car, not its owner (a repair cannot be stored without its description).
    """
    cancelled = bookings_erase(user=user, password=password, now=now)
    # A queryset delete sends post_delete for each photo, so workshop.signals removes its
    # files after commit (a rollback keeps both); the views, marks and lines let go of it.
    Photo.objects.filter(booking__owner=user).delete()
    WalkAroundView.objects.filter(inspection__booking__owner=user).exclude(note="").update(note="")
    DamageMark.objects.filter(inspection__booking__owner=user).exclude(note="").update(note="")
    EstimateLine.objects.filter(booking__owner=user).exclude(hold_note="").update(hold_note="")
    return cancelled
