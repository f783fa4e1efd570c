"""What the estimate rules refuse, in the project's error shape (hima_service.exceptions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from hima_service.exceptions import Conflict, DomainError


class LinkExpired(DomainError):
    """The owner's answer window (48 h after sending) has passed: staff send again."""

    status_code = 410
    code = "link_expired"
    default_detail = gettext_lazy(
        "This estimate has expired; ask the outlet to send it again if you still want the work."
    )


class AlreadyDecided(Conflict):
    """A line decided stays decided: a second answer (a replayed link) changes nothing."""

    code = "already_decided"
    default_detail = gettext_lazy("This line has already been decided.")


class NotApproved(Conflict):
    """Work on a line the owner has not approved cannot start or complete."""

    code = "not_approved"
    default_detail = gettext_lazy(
        "The owner has not approved this line: its work cannot start or be completed."
    )


class ExtraWorkUnfinished(Conflict):
    """The car is ready only once the work of every line the owner approved is completed."""

    code = "extra_work_unfinished"
    default_detail = gettext_lazy("The approved extra work is not completed yet.")
