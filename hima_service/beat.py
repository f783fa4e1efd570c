"""Celery beat's schedule: which scan runs when (settings.CELERY_BEAT_SCHEDULE)."""

from celery.schedules import crontab

# Scans, not countdowns: due times live on rows; beat only wakes the scans. `expires` drops a
# scan message that waited longer than its period (no pile-up while workers are down).
BEAT_SCHEDULE: dict = {
    "notifications-dispatch-due": {
        "task": "bookings.dispatch_due_notifications",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "bookings-mark-no-shows": {
        "task": "bookings.mark_no_shows",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "vehicles-maintenance-due": {
        "task": "bookings.record_maintenance_due",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": 3600},
    },
    # Campaign create and VIN uploads queue it at once; beat catches everything else (cars
    # registered into an open campaign, follow-ups after 30 days, a broker down at that moment).
    "recalls-notices": {
        "task": "bookings.record_recall_notices",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Keys live 24 h; hourly keeps the table at about a day of POSTs. At :17, away from the
    # top of the hour, when bookings start and their reminders fall due.
    # Estimate lines unanswered 48 h after sending run out (reads also do it for their booking).
    "estimates-expire": {
        "task": "estimates.expire_unanswered",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "idempotency-keys-purge": {
        "task": "bookings.purge_idempotency_keys",
        "schedule": crontab(minute=17),
        "options": {"expires": 3000},
    },
    # The audit's settled facts (audit.settle): visits that started a day ago, and changes
    # since to older ones.
    "audit-settle-facts": {
        "task": "audit.settle_facts",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The dashboard's opening views, figured ahead (audit.kept): every five minutes on the
    # platform's clock (audit.kept.REFRESH_SECONDS), so that one refresh comes at midnight, when
    # the last quarter turns; a refresh that waited longer than that is dropped for the next.
    "audit-keep-opening-views": {
        "task": "audit.keep_opening_views",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 290},
    },
}
