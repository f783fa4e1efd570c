"""Settings of the notifications (bookings.notify: channels, claims, delivery), read from the
environment like the rest of hima_service.settings, which takes them in whole."""

import environ as _environ

_env = _environ.Env()  # the .env file was read into the environment by hima_service.settings

EMAIL_BACKEND = _env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = _env.str("DEFAULT_FROM_EMAIL", default="HIMA Service <noreply@hima.example>")
NOTIFICATION_BACKENDS = {
    "sms": _env.str(
        "NOTIFICATION_SMS_BACKEND", default="bookings.notify.channels.ConsoleSmsBackend"
    ),
    "email": _env.str(
        "NOTIFICATION_EMAIL_BACKEND", default="bookings.notify.channels.DjangoEmailBackend"
    ),
}
# For bookings.notify.channels.HttpSmsBackend: JSON POST to this URL (format in that module).
NOTIFICATION_SMS_HTTP_URL = _env.str("NOTIFICATION_SMS_HTTP_URL", default="")
NOTIFICATION_SMS_HTTP_TOKEN = _env.str("NOTIFICATION_SMS_HTTP_TOKEN", default="")
NOTIFICATION_SMS_HTTP_TIMEOUT = _env.float("NOTIFICATION_SMS_HTTP_TIMEOUT", default=10.0)
# Claims (bookings.notify.dispatch). The scans keep at most NOTIFICATION_MAX_IN_FLIGHT rows
# claimed at once (queued or being sent), so a claimed row never waits behind more than that
# many, and the lease only has to outlast sending that many:
#   * 5,000: one worker of two processes sends 135-180 a second in batches even on a loaded
#     2-core VM (README, bench/reminders.py; 26-57 a second one task per row), so it sends a
#     full load well before the next minute's scan (the cap does not slow delivery down), and
#     that is 5x this network's busiest minute (1,000 reminders fall due at once);
#   * 1,800 s: time to send all 5,000 at under 3 a second, 50x slower than measured (a slow SMS
#     gateway), so a claim does not run out while its row still waits in the queue; a batch
#     task renews the lease of its rows when it starts them, and its last row waits for at
#     most NOTIFICATION_TASK_BATCH - 1 sends (under 500 s even at a 10 s gateway timeout).
#     The price: a row whose task was lost with a whole worker (or a Redis that lost its data)
#     waits this long to be taken again; a dead child's task is re-queued at once
#     (REJECT_ON_WORKER_LOST).
#     Keep it above the send timeout and below the broker's visibility_timeout.
NOTIFICATION_CLAIM_LEASE_SECONDS = _env.int("NOTIFICATION_CLAIM_LEASE_SECONDS", default=1800)
NOTIFICATION_MAX_IN_FLIGHT = _env.int("NOTIFICATION_MAX_IN_FLIGHT", default=5000)
NOTIFICATION_SCAN_BATCH = _env.int("NOTIFICATION_SCAN_BATCH", default=500)
# Claimed rows per delivery task: the per-task cost (broker round trips, one locked read and
# one UPDATE counting the attempts) is shared by the batch, while two worker processes still
# split a 500-row claim between them.
NOTIFICATION_TASK_BATCH = _env.int("NOTIFICATION_TASK_BATCH", default=50)
NOTIFICATION_SCAN_MAX_BATCHES = _env.int("NOTIFICATION_SCAN_MAX_BATCHES", default=40)
NOTIFICATION_MAX_ATTEMPTS = _env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BASE_SECONDS = _env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
