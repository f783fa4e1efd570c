"""The identity endpoints: verify one's phone and e-mail, claim a car by a code to the phone in
its delivery record, and staff verifying an owner at the counter."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.masking import mask_phone
from recalls.views import VehicleDetailView
from vehicles.selectors import vehicle_get

from ..selectors import outlet_for_staff
from . import channels, ownership
from .serializers import (
    ChannelVerifiedOutputSerializer,
    CodeInputSerializer,
    CodeSentOutputSerializer,
    CounterVerifiedOutputSerializer,
    CounterVerifyInputSerializer,
    EmailInputSerializer,
    PhoneInputSerializer,
)


def _parse(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _sent(sent_to: str, issued) -> Response:
    return Response(
        CodeSentOutputSerializer({"sent_to": sent_to, "expires_at": issued.row.expires_at}).data,
        status=status.HTTP_202_ACCEPTED,
    )


class PhoneView(APIView):
    @extend_schema(request=PhoneInputSerializer, responses={202: CodeSentOutputSerializer})
    def post(self, request):
        data = _parse(PhoneInputSerializer, request.data)
        issued = channels.phone_code_request(user=request.user, phone=data["phone"])
        return _sent(mask_phone(issued.row.target), issued)


class PhoneVerifyView(APIView):
    @extend_schema(request=CodeInputSerializer, responses={200: ChannelVerifiedOutputSerializer})
    def post(self, request):
        data = _parse(CodeInputSerializer, request.data)
        user = channels.phone_code_confirm(user=request.user, code=data["code"])
        return Response(
            ChannelVerifiedOutputSerializer(
                {"address": user.phone, "verified_at": user.phone_verified_at}
            ).data
        )


class EmailView(APIView):
    @extend_schema(request=EmailInputSerializer, responses={202: CodeSentOutputSerializer})
    def post(self, request):
        data = _parse(EmailInputSerializer, request.data)
        issued = channels.email_code_request(user=request.user, email=data["email"])
        return _sent(issued.row.target, issued)


class EmailVerifyView(APIView):
    @extend_schema(request=CodeInputSerializer, responses={200: ChannelVerifiedOutputSerializer})
    def post(self, request):
        data = _parse(CodeInputSerializer, request.data)
        user = channels.email_code_confirm(user=request.user, code=data["code"])
        return Response(
            ChannelVerifiedOutputSerializer(
                {"address": user.email, "verified_at": user.email_verified_at}
            ).data
        )


class VehicleVerifyView(APIView):
    @extend_schema(request=None, responses={202: CodeSentOutputSerializer})
    def post(self, request, pk: int):
        vehicle = vehicle_get(owner=request.user, vehicle_id=pk)
        sent = ownership.vehicle_code_request(user=request.user, vehicle=vehicle)
        return _sent(sent.sent_to, sent.issued)


class VehicleVerifyConfirmView(VehicleDetailView):
    """Answers with the car as GET /vehicles/{id}/ shows it (with its open recalls)."""

    http_method_names = ["post", "options"]

    @extend_schema(
        request=CodeInputSerializer, responses={200: VehicleDetailView.output_serializer}
    )
    def post(self, request, pk: int):
        vehicle = vehicle_get(owner=request.user, vehicle_id=pk)
        data = _parse(CodeInputSerializer, request.data)
        result = ownership.vehicle_code_confirm(
            user=request.user, vehicle=vehicle, code=data["code"]
        )
        return Response(self.output(vehicle_get(owner=request.user, vehicle_id=result.vehicle.pk)))


class CounterVerifyView(APIView):
    @extend_schema(
        request=CounterVerifyInputSerializer,
        responses={200: CounterVerifiedOutputSerializer},
        description="Staff checked the car's registration certificate (行驶证) at the counter: "
        "the account with the owner's verified phone becomes the car's verified owner. "
        "Audited. The answer shows the owner masked, to confirm with the person.",
    )
    def post(self, request, code: str):
        outlet = outlet_for_staff(user=request.user, code=code)
        data = _parse(CounterVerifyInputSerializer, request.data)
        done = ownership.vehicle_verify_at_counter(
            outlet=outlet,
            staff=request.user,
            booking_reference=data["booking"],
            phone=data["phone"],
        )
        vehicle = done.result.vehicle
        return Response(
            CounterVerifiedOutputSerializer(
                {
                    "vin": vehicle.vin,
                    "owner": {"name": done.owner_name, "phone": done.owner_phone},
                    "verified_at": vehicle.verified_at,
                    "via": vehicle.verified_via,
                }
            ).data
        )
