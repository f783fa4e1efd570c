"""One's own data across the apps (PIPL: the rights to a copy and to deletion).

The booking core answers for what it holds (bookings.personal_data); the apps above it
(workshop, estimates) hold more about the same visits. This package stands above them all and
composes the parts with plain calls, so each app keeps its own rules and none imports upwards.
"""
