"""Manager pages under the board: opening hours, closures, bays, the service desk's limits and
the crews switch of one outlet. The same
selector (outlets.selectors.outlet_for_manager: 404 for everyone but its managers) and the same
services as the API's manager endpoints, so one set of rules applies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hima_service.exceptions import DomainError, NotFound
from outlets.models import Outlet
from outlets.selectors import bay_get, bay_list, outlet_closures_ahead, outlet_for_manager
from outlets.services import (
    bay_create,
    bay_update,
    closure_create,
    closure_delete,
    outlet_capacity_update,
    outlet_hours_replace,
)

from ...common.errors import form_error
from ..forms import (
    WEEKDAY_LABELS,
    BayForm,
    CapacityForm,
    ClosureDeleteForm,
    ClosureForm,
    HoursForm,
)


def managed_outlet(request: HttpRequest, code: str) -> Outlet:
    try:
        return outlet_for_manager(user=request.user, code=code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _hours_initial(outlet: Outlet) -> dict[str, str]:
    by_day: dict[int, list[str]] = {day: [] for day in range(7)}
    for h in outlet.opening_hours.order_by("weekday", "opens"):
        by_day[h.weekday].append(f"{h.opens:%H:%M}-{h.closes:%H:%M}")
    return {f"day{day}": ", ".join(items) for day, items in by_day.items()}


@login_required
def hours(request: HttpRequest, code: str) -> HttpResponse:
    outlet = managed_outlet(request, code)
    form = HoursForm(request.POST or None, initial=_hours_initial(outlet))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outlet_hours_replace(outlet=outlet, intervals=form.cleaned_data["intervals"])
            except (ValidationError, DomainError) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The opening hours are saved."))
                return redirect("web:staff-hours", code=outlet.code)
    context = {"outlet": outlet, "form": form, "weekdays": WEEKDAY_LABELS}
    return render(request, "web/staff/hours.html", context, status=status)


def _closures_page(
    request: HttpRequest, outlet: Outlet, form: ClosureForm, *, status: int = 200
) -> HttpResponse:
    context = {"outlet": outlet, "form": form, "closures": outlet_closures_ahead(outlet=outlet)}
    return render(request, "web/staff/closures.html", context, status=status)


@login_required
def closures(request: HttpRequest, code: str) -> HttpResponse:
    outlet = managed_outlet(request, code)
    form = ClosureForm(request.POST or None)
    if request.method != "POST":
        return _closures_page(request, outlet, form)
    if form.is_valid():
        try:
            closure_create(outlet=outlet, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The outlet is closed on that day."))
            return redirect("web:staff-closures", code=outlet.code)
    return _closures_page(request, outlet, form, status=400)


@login_required
@require_POST
def closure_remove(request: HttpRequest, code: str) -> HttpResponse:
    outlet = managed_outlet(request, code)
    form = ClosureDeleteForm(request.POST)
    if form.is_valid():
        try:
            closure_delete(outlet=outlet, date=form.cleaned_data["date"])
        except (ValidationError, DomainError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The outlet is open again on that day."))
    return redirect("web:staff-closures", code=outlet.code)


def _bays_page(
    request: HttpRequest,
    outlet: Outlet,
    *,
    add_form: BayForm | None = None,
    failed: tuple[int, BayForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for bay in bay_list(outlet=outlet):
        form = BayForm(
            initial={
                "name": bay.name,
                "name_zh": bay.name_zh,
                "capabilities": bay.capabilities,
                "is_active": bay.is_active,
            },
            prefix=f"bay{bay.pk}",
        )
        if failed is not None and failed[0] == bay.pk:
            form = failed[1]
        rows.append((bay, form))
    context = {
        "outlet": outlet,
        "rows": rows,
        "add_form": add_form or BayForm(prefix="new"),
    }
    return render(request, "web/staff/bays.html", context, status=status)


@login_required
def bays(request: HttpRequest, code: str) -> HttpResponse:
    outlet = managed_outlet(request, code)
    if request.method != "POST":
        return _bays_page(request, outlet)
    form = BayForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            bay_create(outlet=outlet, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The bay is added."))
            return redirect("web:staff-bays", code=outlet.code)
    return _bays_page(request, outlet, add_form=form, status=400)


@login_required
@require_POST
def bay_edit(request: HttpRequest, code: str, bay_id: int) -> HttpResponse:
    outlet = managed_outlet(request, code)
    try:
        bay = bay_get(outlet=outlet, bay_id=bay_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    form = BayForm(request.POST, prefix=f"bay{bay.pk}")
    if form.is_valid():
        try:
            bay_update(bay=bay, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The bay is saved."))
            return redirect("web:staff-bays", code=outlet.code)
    return _bays_page(request, outlet, failed=(bay.pk, form), status=400)


@login_required
def capacity(request: HttpRequest, code: str) -> HttpResponse:
    """The service desk's limits and whether starts are planned by crews too."""
    outlet = managed_outlet(request, code)
    initial = {
        "plans_crews": outlet.plans_crews,
        "desk_per_slot": outlet.desk_per_slot,
        "desk_per_day": outlet.desk_per_day,
    }
    form = CapacityForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outlet_capacity_update(outlet=outlet, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The service desk and crew settings are saved."))
                return redirect("web:staff-capacity", code=outlet.code)
    context = {"outlet": outlet, "form": form}
    return render(request, "web/staff/capacity.html", context, status=status)
