"""Brand recall campaigns: which vehicles a campaign affects, their state (affected, notified,
booked, done) and the campaign's progress. Sits below the booking core and above the catalog
and the vehicles (docs/recalls.md): bookings call in here; nothing here calls bookings."""
