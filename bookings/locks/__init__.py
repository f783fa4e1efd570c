"""The booking core's row locks, named for what they lock. Every write that needs a lock takes
it here, once per action, so a reader can see every lock a booking write takes in one list:
this one. The statements are in rows.py (one row each), serving.py (the outlet's share lock
with what is read under it) and bays.py (the capable bays with theirs).

Every lock a write takes, in the order it takes them (a path skips those it does not need):

1. the booking row, FOR UPDATE (`lock_booking`): status actions, reschedule, feedback;
2. the outlet row: FOR UPDATE for a night-service booking's count (`lock_outlet_nights`,
   before the share lock), then FOR SHARE for the day's rules (`share_lock_outlet_serving`,
   `share_lock_outlet`); a manager's hours and closures (outlets.services) hold it FOR UPDATE;
3. the owner's user row, FOR NO KEY UPDATE, in the outlet's statement after the outlet (an
   owner's own create: the caps);
4. bay rows, FOR SHARE (`share_lock_day_bays`, `share_lock_capable_bays`, `share_lock_bay`);
   a manager's bay change (outlets.services.bay_update) holds one bay FOR UPDATE, and no
   outlet row after it;
5. the vehicle's open recall rows (recalls.AffectedVehicle), FOR UPDATE
   (recalls.services.recall_claim_for_booking in a create; the transition table's recall
   hooks after the booking row); the recall notice scan takes them with SKIP LOCKED;
6. the outlet's local day for writing (`lock_outlet_day`, a transaction-scoped advisory
   lock, one day per write): at an outlet with service-desk limits before the desk's counts
   (bookings.lifecycle.desk), at one that plans crews before its crews are read;
7. the booking row written (INSERT or UPDATE, in a savepoint: bookings.reservation), where
   the exclusion constraints wait for any overlapping row being written, and the foreign keys
   take KEY SHARE locks on the outlet, bay, vehicle and owner rows, weaker than any above;
8. notification rows last: the reminders of a rescheduled booking FOR UPDATE
   (notify.outbox), pending rows skipped by one UPDATE; delivery locks one row on its own
   (FOR UPDATE, or SKIP LOCKED claims) and holds no other lock.

Every path takes them in that order, so two actions cannot wait on each other in a cycle (the
exclusion constraint's own waits are handled in `bookings.reservation`). Otherwise the user row
is locked only by writes of the account itself (sign-in, profile; the erasure, before it
cancels its bookings): no path holds a booking, outlet or bay row and then waits for a user row.
"""

from .bays import (
    BayColumns,
    HeldDay,
    Upcoming,
    UpcomingAsk,
    share_lock_capable_bays,
    share_lock_day_bays,
)
from .rows import (
    OUTLET_DAY_KEY,
    lock_booking,
    lock_outlet_day,
    lock_outlet_nights,
    share_lock_bay,
    share_lock_outlet,
    share_lock_row,
)
from .serving import OutletServing, share_lock_outlet_serving

__all__ = [
    "OUTLET_DAY_KEY",
    "BayColumns",
    "HeldDay",
    "OutletServing",
    "Upcoming",
    "UpcomingAsk",
    "lock_booking",
    "lock_outlet_day",
    "lock_outlet_nights",
    "share_lock_bay",
    "share_lock_capable_bays",
    "share_lock_day_bays",
    "share_lock_outlet",
    "share_lock_outlet_serving",
    "share_lock_row",
]
