"""The booking lifecycle: the transition table and every write that moves a booking along it
(create, reschedule, the day-of-service actions, walk-ins, feedback, no-show marking)."""
