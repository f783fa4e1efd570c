"""Domain exceptions: raised by services, turned into HTTP answers only in `hima_service.api`."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy


class DomainError(Exception):
    """A broken business rule. `code` is stable for clients; `fields` names the inputs at fault."""

    status_code = 400
    code = "invalid"
    default_detail = gettext_lazy("The request breaks a rule of the service.")

    def __init__(self, detail: str | None = None, *, fields: dict[str, list[str]] | None = None):
        self.detail = str(detail or self.default_detail)
        self.fields = fields
        super().__init__(self.detail)


class RuleViolation(DomainError):
    """Input that is well-formed but not allowed (outside hours, not authorized, too late…)."""


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = gettext_lazy("Not found.")


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_detail = gettext_lazy("The request conflicts with the current state.")


class SlotTaken(Conflict):
    code = "slot_taken"
    default_detail = gettext_lazy("That time was just taken; please choose another.")


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, target: str):
        super().__init__(
            gettext("A booking that is %(current)s cannot become %(target)s.")
            % {"current": current, "target": target}
        )
        self.current = current
        self.target = target


class CrewUnavailable(Conflict):
    code = "crew_unavailable"
    default_detail = gettext_lazy(
        "No qualified crew is free for the whole visit at that time; please choose another."
    )


class VehicleBusy(Conflict):
    code = "vehicle_busy"
    default_detail = gettext_lazy("This vehicle already has a booking at that time.")


class TooManyAttempts(DomainError):
    """Refused until a lockout or a rate limit runs out; `retry_after` is in seconds."""

    status_code = 429
    code = "throttled"
    default_detail = gettext_lazy("Too many attempts; please try again later.")

    def __init__(self, detail: str | None = None, *, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


class BookingLimit(Conflict):
    """A car or an account already holds as many upcoming bookings as an owner may make
    (DESIGN "No hoarding"); the sentence names the rule."""

    code = "booking_limit"
    default_detail = gettext_lazy("You already hold as many upcoming bookings as allowed.")


class BookingRateLimited(TooManyAttempts):
    """An account made as many bookings, or moved bookings as often, as an hour allows."""

    code = "booking_rate_limit"
    default_detail = gettext_lazy("Too many booking changes in an hour; please try again later.")

    def __init__(
        self,
        detail: str | None = None,
        *,
        retry_after: int,
        fields: dict[str, list[str]] | None = None,
    ):
        super().__init__(detail, retry_after=retry_after)
        self.fields = fields
