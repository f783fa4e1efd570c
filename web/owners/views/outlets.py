"""Find an outlet, and one outlet's page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.dates import WEEKDAYS

from hima_service.exceptions import NotFound
from outlets.filters import OutletFilter
from outlets.models import Outlet
from outlets.selectors import outlet_get, outlet_list, service_type_list
from vehicles.models import Vehicle
from vehicles.selectors import vehicle_list

from ...common.errors import form_error
from ...common.selectors import outlet_city_choices
from ..forms import OutletSearchForm
from ..prices import picker_prices
from ..selectors import soonest_by_outlet

MAX_RESULTS = 20


def _owner_vehicles(request: HttpRequest):
    if request.user.is_authenticated:
        return vehicle_list(owner=request.user)
    return Vehicle.objects.none()


def outlet_search(request: HttpRequest) -> HttpResponse:
    form = OutletSearchForm(
        request.GET,
        cities=outlet_city_choices(),
        vehicles=_owner_vehicles(request),
        services=service_type_list(),
    )
    results: list[Outlet] = []
    soonest: dict = {}
    near = None
    if form.is_valid():
        data = form.cleaned_data
        vehicle = data["vehicle"]
        services = list(data["service"])
        query = QueryDict(mutable=True)
        query.setlist("service", [s.code for s in services])
        query.setlist("amenity", data["amenity"])
        for name, value in [
            ("city", data["city"]),
            ("brand", vehicle.model.brand.code if vehicle else ""),
            ("night_service", "true" if data["night_service"] else ""),
            ("near", data["near"]),
        ]:
            if value:
                query[name] = value
        filterset = OutletFilter(data=query, queryset=outlet_list())
        if filterset.is_valid():
            near = filterset.form.cleaned_data.get("near")
            outlets = filterset.qs if near else filterset.qs.order_by("city", "code")
            results = list(outlets[:MAX_RESULTS])
            if vehicle is not None and services:
                try:
                    soonest = soonest_by_outlet(
                        outlets=results,
                        services=services,
                        brand=vehicle.model.brand,
                        vehicle=vehicle,
                        near=near,
                    )
                except ValidationError as exc:
                    form_error(form, exc)
        else:
            form_error(form, ValidationError(filterset.errors))
    rows = [(outlet, soonest.get(outlet.pk)) for outlet in results]
    context = {"form": form, "rows": rows, "near": near, "searched": bool(request.GET)}
    return render(request, "web/outlet_search.html", context)


def outlet_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        outlet = outlet_get(code=code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    by_day: dict[int, list] = {day: [] for day in WEEKDAYS}
    for hours in outlet.opening_hours.all():
        by_day[hours.weekday].append(hours)
    week = [(WEEKDAYS[day], intervals) for day, intervals in by_day.items()]
    # The price book's all-models prices in the outlet's currency (a car's own: on the picker).
    prices = picker_prices(outlet.service_list, outlet=outlet, vehicle=None)
    return render(request, "web/outlet.html", {"outlet": outlet, "week": week, "prices": prices})
