"""The whole demo network in one call: people, outlets and their crews, bookings across past and
future, then recall campaigns with their history."""

from django.db import transaction

from .bookings import seed_bookings
from .crews import seed_crews
from .history import seed_history
from .network import Login, seed_accounts, seed_outlets
from .recalls import seed_recalls
from .workshop_visit import seed_workshop_visit


@transaction.atomic
def seed_demo() -> list[Login]:
    """Load the whole demo network; returns the logins to print. Safe to run again."""
    logins = seed_accounts()
    logins += seed_outlets()
    logins += seed_crews()  # before the bookings: the reservation takes a crew
    seed_bookings()
    logins += seed_workshop_visit()  # today's board first: the visit takes a bay left free
    seed_history()
    seed_recalls()
    return logins
