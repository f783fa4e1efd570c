"""The identity endpoints: verify one's phone and e-mail, claim a car by a code to the phone in
its delivery record, staff verifying an owner at the counter, and a forgotten password."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.masking import mask_phone
from recalls.views import VehicleDetailView
from vehicles.selectors import vehicle_get

from ..selectors import outlet_for_staff
from . import channels, ownership, recovery
from .serializers import (
    ChannelVerifiedOutputSerializer,
    CodeInputSerializer,
    CodeSentOutputSerializer,
    CounterVerifiedOutputSerializer,
    CounterVerifyInputSerializer,
    EmailInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    PasswordResetRequestedOutputSerializer,
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


class _PasswordResetView(APIView):
    """For someone who cannot sign in: no authentication, a rate per address
    (PASSWORD_RESET_THROTTLE_RATE) besides the codes' own sending limits and tries."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password-reset"


class PasswordResetView(_PasswordResetView):
    @extend_schema(
        request=PasswordResetInputSerializer,
        responses={202: PasswordResetRequestedOutputSerializer},
        description="Send a code to set a new password, by SMS to the account's verified phone "
        "or to its verified e-mail address. The answer is the same whether or not an account "
        "was found.",
    )
    def post(self, request):
        data = _parse(PasswordResetInputSerializer, request.data)
        recovery.password_reset_request(identifier=data["account"])
        detail = recovery.password_reset_requested()
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(_PasswordResetView):
    @extend_schema(
        request=PasswordResetConfirmInputSerializer,
        responses={204: None},
        description="Set the new password with the code. Every token and web session of the "
        "account ends, and a sign-in lockout of the account is lifted.",
    )
    def post(self, request):
        data = _parse(PasswordResetConfirmInputSerializer, request.data)
        recovery.password_reset_confirm(
            identifier=data["account"], code=data["code"], new_password=data["new_password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
