"""Extra work and the settlement over the API: staff add and send lines, the owner opens the
signed link and decides line by line, staff run the approved work; the sheet once completed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import access, action_views
from bookings.models import Booking
from bookings.selectors import booking_get
from bookings.views import IDEMPOTENCY_HEADER, parse_input
from hima_service.idempotency import idempotent
from hima_service.schema import ErrorSerializer
from outlets.models import ServiceType
from workshop.models import Photo

from . import selectors, services
from .serializers import (
    EstimateOutputSerializer,
    LineInputSerializer,
    LineOutputSerializer,
    LinkOutputSerializer,
    SendingOutputSerializer,
    SettlementOutputSerializer,
    VisitReadyInputSerializer,
)
from .settlement import settlement_read

GONE = {410: OpenApiResponse(ErrorSerializer, description="The 48-hour answer window is over.")}


def _booking(request, reference: str) -> Booking:
    """The booking for its owner or its outlet's staff (others in scope: 403; the rest 404).
    Lines past their answer window run out first, so what is read is current."""
    booking = booking_get(user=request.user, reference=reference, details=False)
    if not (access.owns(request.user, booking) or access.may_run(request.user, booking)):
        raise PermissionDenied(_("Only the owner and the outlet's staff see this."))
    services.estimates_expire(booking_id=booking.pk)
    return booking


def _staff_booking(request, reference: str) -> Booking:
    booking = _booking(request, reference)
    if not access.may_run(request.user, booking):
        raise PermissionDenied(_("Only the outlet's staff do this."))
    return booking


def _estimate(booking: Booking, status_code: int = status.HTTP_200_OK) -> Response:
    lines = selectors.estimate_lines(booking=booking)
    body = EstimateOutputSerializer({"reference": booking.reference, "lines": lines}).data
    return Response(body, status=status_code)


class EstimateView(APIView):
    @extend_schema(responses={200: EstimateOutputSerializer})
    def get(self, request, reference: str):
        return _estimate(_booking(request, reference))

    @extend_schema(
        request=LineInputSerializer,
        responses={201: LineOutputSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        description="Staff propose a line: a catalog service, or a repair with parts and "
        "labour minutes, priced from the price book now.",
    )
    @idempotent
    def post(self, request, reference: str):
        booking = _staff_booking(request, reference)
        data = parse_input(LineInputSerializer, request.data)
        service = None
        if data.get("service"):
            service = ServiceType.objects.filter(code=data["service"], is_active=True).first()
            if service is None:
                raise ValidationError({"service": [_("No such service in the catalog.")]})
        photos = list(Photo.objects.filter(booking=booking, key__in=data["photos"]))
        if len(photos) != len(set(data["photos"])):
            raise ValidationError({"photos": [_("Attach photos of this car's visit only.")]})
        line = services.estimate_line_add(
            booking=booking,
            actor=request.user,
            grade=data["grade"],
            service_type=service,
            description=data["description"],
            labour_minutes=data["labour_minutes"],
            parts=[services.PartInput(**part) for part in data["parts"]],
            photos=photos,
        )
        line = selectors.estimate_line_get(booking=booking, line_id=line.pk)
        return Response(LineOutputSerializer(line).data, status=status.HTTP_201_CREATED)


class SendView(APIView):
    @extend_schema(
        request=None,
        responses={201: SendingOutputSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        description="Send the lines not sent yet: the owner gets a signed link, for them only, "
        "good for 48 hours.",
    )
    @idempotent
    def post(self, request, reference: str):
        booking = _staff_booking(request, reference)
        sending, _token = services.estimate_send(
            booking=booking, actor=request.user, base_url=request.build_absolute_uri("/")[:-1]
        )
        body = {
            "id": sending.pk,
            "sent_at": sending.sent_at,
            "expires_at": sending.expires_at,
            "viewed_at": sending.viewed_at,
            "lines": selectors.sending_lines(sending=sending),
        }
        return Response(SendingOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class _LineAction(APIView):
    """A POST on one line of a booking."""

    owner_only = False

    def act(self, request, line):
        raise NotImplementedError

    @idempotent
    def post(self, request, reference: str, line: int):
        booking = _booking(request, reference)
        if self.owner_only and not access.owns(request.user, booking):
            raise PermissionDenied(_("Only the car's owner approves or declines extra work."))
        if not self.owner_only and not access.may_run(request.user, booking):
            raise PermissionDenied(_("Only the outlet's staff do this."))
        found = selectors.estimate_line_get(booking=booking, line_id=line)
        self.act(request, found)
        found = selectors.estimate_line_get(booking=booking, line_id=line)
        return Response(LineOutputSerializer(found).data)


def _line_schema(view_class, description: str):
    return extend_schema(
        request=None,
        responses={200: LineOutputSerializer, **GONE},
        parameters=[IDEMPOTENCY_HEADER],
        description=description,
    )(view_class)


class ApproveView(_LineAction):
    owner_only = True

    def act(self, request, line):
        services.estimate_decide(line=line, actor=request.user, approve=True)


class DeclineView(_LineAction):
    owner_only = True

    def act(self, request, line):
        services.estimate_decide(line=line, actor=request.user, approve=False)


class StartWorkView(_LineAction):
    def act(self, request, line):
        services.estimate_work(line=line, actor=request.user, done=False)


class CompleteWorkView(_LineAction):
    def act(self, request, line):
        services.estimate_work(line=line, actor=request.user, done=True)


class ExtendView(_LineAction):
    def act(self, request, line):
        services.estimate_line_extend(line=line, actor=request.user)


for _view, _text in (
    (
        ApproveView,
        "The owner approves a sent line; its time is added to the visit when the "
        "bay (and crew) are free, else `hold` is `refused` with the reason, for staff to choose.",
    ),
    (DeclineView, "The owner declines a sent line; it is offered again at the car's next visit."),
    (StartWorkView, "Staff start an approved line's work (409 `not_approved` otherwise)."),
    (CompleteWorkView, "Staff complete an approved line's started work."),
    (ExtendView, "Staff retry adding an approved line's time to the visit's hold."),
):
    _line_schema(_view, _text)


class LinkView(APIView):
    @extend_schema(
        responses={200: LinkOutputSerializer, **GONE},
        description="The owner opens the signed link: the lines are marked viewed. Another "
        "user, or a tampered link, is 404; past 48 hours, 410.",
    )
    def get(self, request, token: str):
        sending = services.estimate_open(token=token, user=request.user)
        body = {
            "id": sending.pk,
            "reference": sending.booking.reference,
            "sent_at": sending.sent_at,
            "expires_at": sending.expires_at,
            "viewed_at": sending.viewed_at,
            "lines": selectors.sending_lines(sending=sending),
        }
        return Response(LinkOutputSerializer(body).data)


@extend_schema(request=VisitReadyInputSerializer)
class ReadyView(action_views.ReadyView):
    """POST /bookings/{ref}/ready/: the booking core's ready action and its answer, refused
    while approved extra work is not completed unless a reason leaves it for a later visit
    (services.visit_ready). Served here, not by bookings.urls, because that rule reads the
    estimate lines."""

    input_serializer = VisitReadyInputSerializer

    def perform(self, request, booking, data):
        return services.visit_ready(
            booking=booking,
            actor=request.user,
            checklist=data["checklist"],
            defer_reason=data["defer_reason"],
        )


class SettlementView(APIView):
    @extend_schema(
        responses={
            200: SettlementOutputSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The visit is not completed yet."),
        }
    )
    def get(self, request, reference: str):
        booking = _booking(request, reference)
        return Response(SettlementOutputSerializer(settlement_read(booking=booking)).data)
