"""Outlet search and detail (anyone), the catalog (anyone), and the manager endpoints (hours,
closures, bays of one's own outlet). Views parse, call one selector or service, serialize."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from hima_service.exceptions import NotFound

from . import selectors, services
from .filters import OutletFilter, ServiceTypeFilter
from .serializers import (
    BayCreateInputSerializer,
    BayOutputSerializer,
    BayUpdateInputSerializer,
    ClosureInputSerializer,
    ClosureOutputSerializer,
    DayHoursSerializer,
    HoursInputSerializer,
    OutletDetailOutputSerializer,
    OutletListOutputSerializer,
    ServiceTypeOutputSerializer,
    weekly_hours,
)


class ServiceTypeListView(generics.ListAPIView):
    """The alliance-wide standard catalog: the same time, price and checklist everywhere."""

    permission_classes = [AllowAny]
    serializer_class = ServiceTypeOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ServiceTypeFilter
    pagination_class = None

    def get_queryset(self):
        return selectors.service_type_list()


class OutletListView(generics.ListAPIView):
    """Search outlets; `near=lat,lng` adds `distance_km` and sorts nearest first."""

    permission_classes = [AllowAny]
    serializer_class = OutletListOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OutletFilter

    def get_queryset(self):
        return selectors.outlet_list()


class OutletDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OutletDetailOutputSerializer})
    def get(self, request, code: str):
        return Response(OutletDetailOutputSerializer(selectors.outlet_get(code=code)).data)


# --- manager endpoints: managers of that outlet and alliance admins; others get a 404 ---


class OutletHoursView(APIView):
    @extend_schema(request=HoursInputSerializer, responses={200: DayHoursSerializer(many=True)})
    def put(self, request, code: str):
        outlet = selectors.outlet_for_manager(user=request.user, code=code)
        serializer = HoursInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.outlet_hours_replace(outlet=outlet, intervals=serializer.validated_data["hours"])
        outlet = selectors.outlet_hours(outlet=outlet)
        return Response(DayHoursSerializer(weekly_hours(outlet), many=True).data)


class OutletClosureListView(APIView):
    @extend_schema(responses={200: ClosureOutputSerializer(many=True)})
    def get(self, request, code: str):
        outlet = selectors.outlet_for_manager(user=request.user, code=code)
        closures = selectors.outlet_closures_ahead(outlet=outlet)
        return Response(ClosureOutputSerializer(closures, many=True).data)

    @extend_schema(request=ClosureInputSerializer, responses={201: ClosureOutputSerializer})
    def post(self, request, code: str):
        outlet = selectors.outlet_for_manager(user=request.user, code=code)
        serializer = ClosureInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closure = services.closure_create(outlet=outlet, **serializer.validated_data)
        return Response(ClosureOutputSerializer(closure).data, status=status.HTTP_201_CREATED)


class OutletClosureDetailView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, OpenApiParameter.PATH)],
        responses={204: None},
    )
    def delete(self, request, code: str, day: str):
        outlet = selectors.outlet_for_manager(user=request.user, code=code)
        try:
            date = dt.date.fromisoformat(day)
        except ValueError as exc:
            raise NotFound(_("The outlet is not closed on that day.")) from exc
        services.closure_delete(outlet=outlet, date=date)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OutletBayListView(APIView):
    @extend_schema(responses={200: BayOutputSerializer(many=True)})
    def get(self, request, code: str):
        outlet = selectors.outlet_for_manager(user=request.user, code=code)
        return Response(BayOutputSerializer(selectors.bay_list(outlet=outlet), many=True).data)

    @extend_schema(request=BayCreateInputSerializer, responses={201: BayOutputSerializer})
    def post(self, request, code: str):
        outlet = selectors.outlet_for_manager(user=request.user, code=code)
        serializer = BayCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bay = services.bay_create(outlet=outlet, **serializer.validated_data)
        return Response(BayOutputSerializer(bay).data, status=status.HTTP_201_CREATED)


class OutletBayDetailView(APIView):
    @extend_schema(request=BayUpdateInputSerializer, responses={200: BayOutputSerializer})
    def patch(self, request, code: str, bay_id: int):
        outlet = selectors.outlet_for_manager(user=request.user, code=code)
        bay = selectors.bay_get(outlet=outlet, bay_id=bay_id)
        serializer = BayUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        bay = services.bay_update(bay=bay, **serializer.validated_data)
        return Response(BayOutputSerializer(bay).data)
