from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Vehicle
from .serializers import (
    BrandSerializer,
    VehicleCreateInputSerializer,
    VehicleModelSerializer,
    VehicleOutputSerializer,
    VehicleUpdateInputSerializer,
)


class BrandListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = BrandSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.brand_list()


class VehicleModelListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = VehicleModelSerializer
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("brand", str, description="brand code")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.vehicle_model_list(brand=self.request.query_params.get("brand"))


class VehicleOutput:
    """How the vehicle endpoints render vehicles. An app above this one adds what it knows
    about a vehicle (recalls: its open recalls) by subclassing the views with its own output
    serializer and context, so this app never imports it (docs/recalls.md)."""

    output_serializer = VehicleOutputSerializer

    def output_context(self, vehicles: list[Vehicle]) -> dict:
        """Extra serializer context for these vehicles, read once for a whole page."""
        return {}

    def output(self, vehicle: Vehicle) -> dict:
        return self.output_serializer(vehicle, context=self.output_context([vehicle])).data


class VehicleListView(VehicleOutput, generics.ListAPIView):
    def get_serializer_class(self):
        return self.output_serializer

    def get_serializer(self, *args, **kwargs):
        if args and kwargs.get("many"):
            kwargs["context"] = {**self.get_serializer_context(), **self.output_context(args[0])}
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Vehicle.objects.none()
        return selectors.vehicle_list(owner=self.request.user)

    @extend_schema(request=VehicleCreateInputSerializer, responses={201: VehicleOutputSerializer})
    def post(self, request):
        serializer = VehicleCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vehicle = services.vehicle_create(owner=request.user, **serializer.validated_data)
        return Response(self.output(vehicle), status=status.HTTP_201_CREATED)


class VehicleDetailView(VehicleOutput, APIView):
    @extend_schema(responses={200: VehicleOutputSerializer})
    def get(self, request, pk: int):
        vehicle = selectors.vehicle_get(owner=request.user, vehicle_id=pk)
        return Response(self.output(vehicle))

    @extend_schema(request=VehicleUpdateInputSerializer, responses={200: VehicleOutputSerializer})
    def patch(self, request, pk: int):
        vehicle = selectors.vehicle_get(owner=request.user, vehicle_id=pk)
        serializer = VehicleUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        vehicle = services.vehicle_update(vehicle=vehicle, **serializer.validated_data)
        return Response(self.output(vehicle))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        vehicle = selectors.vehicle_get(owner=request.user, vehicle_id=pk)
        services.vehicle_delete(vehicle=vehicle)
        return Response(status=status.HTTP_204_NO_CONTENT)
