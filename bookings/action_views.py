"""The booking's actions over the API, one view each on a shared base: parse the input, check
who may act, call one lifecycle service, answer with the booking's detail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from hima_service.idempotency import idempotent
from outlets.models import Bay

from . import access, selectors
from .lifecycle.create import booking_reschedule
from .lifecycle.feedback import feedback_leave
from .lifecycle.status import (
    booking_cancel,
    booking_check_in,
    booking_complete,
    booking_mark_no_show,
    booking_ready,
    booking_start,
)
from .models import Booking
from .serializers import (
    BookingDetailOutputSerializer,
    CancelInputSerializer,
    CheckInInputSerializer,
    CompleteInputSerializer,
    FeedbackInputSerializer,
    ReadyInputSerializer,
    RescheduleInputSerializer,
    StartInputSerializer,
)
from .views import IDEMPOTENCY_HEADER, detail_response, parse_input


class _BookingAction(APIView):
    """A POST on one booking. `allowed` decides who, among those who can see it, may act."""

    input_serializer = None
    success_status = status.HTTP_200_OK

    def allowed(self, user, booking: Booking) -> bool:
        raise NotImplementedError

    def perform(self, request, booking: Booking, data: dict):
        raise NotImplementedError

    @idempotent
    def post(self, request, reference: str):
        # The action locks the row and reads what it needs (bookings.locks.lock_booking).
        booking = selectors.booking_get(user=request.user, reference=reference, details=False)
        if not self.allowed(request.user, booking):
            raise PermissionDenied(_("You may not do this with this booking."))
        data = parse_input(self.input_serializer, request.data) if self.input_serializer else {}
        result = self.perform(request, booking, data)
        if isinstance(result, Response):
            return result
        return detail_response(result, status_code=self.success_status)


def _action_schema(view_class, input_serializer=None):
    return extend_schema(
        request=input_serializer,
        responses={200: BookingDetailOutputSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )(view_class)


class RescheduleView(_BookingAction):
    input_serializer = RescheduleInputSerializer

    def allowed(self, user, booking):
        return access.may_change(user, booking)

    def perform(self, request, booking, data):
        return booking_reschedule(
            booking=booking,
            start=data["start"],
            actor=request.user,
            desk_override_reason=data["desk_override_reason"],
        )


class CancelView(_BookingAction):
    input_serializer = CancelInputSerializer

    def allowed(self, user, booking):
        return access.may_change(user, booking)

    def perform(self, request, booking, data):
        return booking_cancel(booking=booking, actor=request.user, reason=data["reason"])


class CheckInView(_BookingAction):
    input_serializer = CheckInInputSerializer

    def allowed(self, user, booking):
        return access.may_run(user, booking)

    def perform(self, request, booking, data):
        return booking_check_in(
            booking=booking, actor=request.user, odometer_km=data.get("odometer_km")
        )


class StartView(_BookingAction):
    input_serializer = StartInputSerializer

    def allowed(self, user, booking):
        return access.may_run(user, booking)

    def perform(self, request, booking, data):
        bay = None
        if "bay" in data:
            bay = Bay.objects.filter(pk=data["bay"], outlet_id=booking.outlet_id).first()
            if bay is None:
                raise ValidationError({"bay": [_("No such bay at this outlet.")]})
        return booking_start(booking=booking, actor=request.user, bay=bay, crew=data.get("crew"))


class ReadyView(_BookingAction):
    input_serializer = ReadyInputSerializer

    def allowed(self, user, booking):
        return access.may_run(user, booking)

    def perform(self, request, booking, data):
        return booking_ready(booking=booking, actor=request.user, checklist=data["checklist"])


class CompleteView(_BookingAction):
    input_serializer = CompleteInputSerializer

    def allowed(self, user, booking):
        return access.may_run(user, booking)

    def perform(self, request, booking, data):
        return booking_complete(
            booking=booking,
            actor=request.user,
            actual_labour_minutes=data.get("actual_labour_minutes"),
        )


class NoShowView(_BookingAction):
    def allowed(self, user, booking):
        return access.may_run(user, booking)

    def perform(self, request, booking, data):
        return booking_mark_no_show(booking=booking, actor=request.user)


class FeedbackView(_BookingAction):
    input_serializer = FeedbackInputSerializer
    success_status = status.HTTP_201_CREATED

    def allowed(self, user, booking):
        return access.owns(user, booking)

    def perform(self, request, booking, data):
        feedback = feedback_leave(booking=booking, owner=request.user, **data)
        return selectors.booking_parts_in_hand(booking, feedback=feedback)


for _view, _input in [
    (RescheduleView, RescheduleInputSerializer),
    (CancelView, CancelInputSerializer),
    (CheckInView, CheckInInputSerializer),
    (StartView, StartInputSerializer),
    (ReadyView, ReadyInputSerializer),
    (CompleteView, CompleteInputSerializer),
    (NoShowView, None),
    (FeedbackView, FeedbackInputSerializer),
]:
    _action_schema(_view, _input)
