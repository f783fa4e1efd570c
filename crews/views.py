"""The technicians of one outlet: its staff read them, its manager (or an alliance admin) keeps
them. Anyone who does not work at the outlet gets the 404 of an unknown code (someone else's
object); staff of the outlet who may not write get 403, as they may see what they ask about.
Views parse, call one selector or service, serialize."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from outlets.models import Outlet
from outlets.selectors import outlet_local_today

from . import selectors, services
from .models import Technician
from .serializers import (
    TechnicianCreateInputSerializer,
    TechnicianOutputSerializer,
    TechnicianUpdateInputSerializer,
)


def _outlet_to_manage(user: User, code: str) -> Outlet:
    outlet = selectors.outlet_for_staff(user=user, code=code)
    if not selectors.may_manage(user=user, outlet=outlet):
        raise PermissionDenied(_("Only the outlet's manager keeps its technicians."))
    return outlet


def _output(technician: Technician, outlet: Outlet) -> dict:
    context = {"today": outlet_local_today(outlet=outlet)}
    return TechnicianOutputSerializer(technician, context=context).data


class TechnicianListView(APIView):
    @extend_schema(responses={200: TechnicianOutputSerializer(many=True)})
    def get(self, request, code: str):
        outlet = selectors.outlet_for_staff(user=request.user, code=code)
        technicians = selectors.technician_list(outlet=outlet)
        context = {"today": outlet_local_today(outlet=outlet)}
        return Response(TechnicianOutputSerializer(technicians, many=True, context=context).data)

    @extend_schema(
        request=TechnicianCreateInputSerializer, responses={201: TechnicianOutputSerializer}
    )
    def post(self, request, code: str):
        outlet = _outlet_to_manage(request.user, code)
        serializer = TechnicianCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        technician = services.technician_create(outlet=outlet, **serializer.validated_data)
        technician = selectors.technician_get(outlet=outlet, technician_id=technician.pk)
        return Response(_output(technician, outlet), status=status.HTTP_201_CREATED)


class TechnicianDetailView(APIView):
    @extend_schema(responses={200: TechnicianOutputSerializer})
    def get(self, request, code: str, technician_id: int):
        outlet = selectors.outlet_for_staff(user=request.user, code=code)
        technician = selectors.technician_get(outlet=outlet, technician_id=technician_id)
        return Response(_output(technician, outlet))

    @extend_schema(
        request=TechnicianUpdateInputSerializer, responses={200: TechnicianOutputSerializer}
    )
    def patch(self, request, code: str, technician_id: int):
        outlet = _outlet_to_manage(request.user, code)
        technician = selectors.technician_get(outlet=outlet, technician_id=technician_id)
        serializer = TechnicianUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.technician_update(
            technician=technician, outlet=outlet, **serializer.validated_data
        )
        technician = selectors.technician_get(outlet=outlet, technician_id=technician_id)
        return Response(_output(technician, outlet))
