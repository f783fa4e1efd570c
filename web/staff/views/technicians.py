"""The technicians of one outlet: its staff read the list; its managers (or an alliance admin)
add, edit and retire them, as on the other manager pages (outlets.selectors.outlet_for_manager:
404 for everyone else, so an advisor sees the list without its actions). Every write goes
through crews.services, the API's services; a refused one shows the form again as typed, the
message next to its field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from crews.models import Technician
from crews.selectors import technician_get, technician_list
from crews.services import (
    AbsenceInput,
    technician_absence_add,
    technician_absence_remove,
    technician_create,
    technician_retire,
    technician_update,
)
from hima_service.exceptions import DomainError, NotFound
from outlets.models import Outlet
from outlets.selectors import outlet_local_today
from vehicles.models import Brand

from ...common.errors import form_error
from ..board import is_manager
from ..crew import FLAG_DAYS, flagged_bookings
from ..scope import staff_outlet
from ..technician_forms import AbsenceForm, AbsenceRemoveForm, TechnicianAddForm, TechnicianForm
from ..technicians import technician_row
from .manage import managed_outlet

LIST_TEMPLATE = "web/staff/technicians.html"
EDIT_TEMPLATE = "web/staff/technician_edit.html"


def _technician(outlet: Outlet, technician_id: int) -> Technician:
    try:
        return technician_get(outlet=outlet, technician_id=technician_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _rekeyed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service's error with its keys renamed to the fields this form shows them on."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


def _list_page(
    request: HttpRequest,
    outlet: Outlet,
    *,
    add_form: TechnicianAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = outlet_local_today(outlet=outlet)
    rows = [technician_row(t, today=today) for t in technician_list(outlet=outlet)]
    manager = is_manager(user=request.user, outlet=outlet)
    context = {
        "outlet": outlet,
        "rows": rows,
        "today": today,
        "manager": manager,
        # Flagged to the manager: bookings to give another crew before their day.
        "flagged": flagged_bookings(outlet=outlet, today=today) if manager else [],
        "flag_days": FLAG_DAYS,
        "add_form": add_form or TechnicianAddForm(),
        "warnings": sum(len(row.warnings) for row in rows),
    }
    return render(request, LIST_TEMPLATE, context, status=status)


@login_required
@require_safe
def technicians(request: HttpRequest, code: str) -> HttpResponse:
    return _list_page(request, staff_outlet(request, code))


@login_required
@require_POST
def technician_add(request: HttpRequest, code: str) -> HttpResponse:
    outlet = managed_outlet(request, code)
    form = TechnicianAddForm(request.POST)
    if form.is_valid():
        try:
            technician = technician_create(outlet=outlet, username=form.cleaned_data["username"])
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is a technician of this outlet: enter their skills and shifts.")
                % {"name": technician.user.display_name},
            )
            return redirect("web:staff-technician", code=outlet.code, technician_id=technician.pk)
    return _list_page(request, outlet, add_form=form, status=400)


def _edit_page(
    request: HttpRequest,
    outlet: Outlet,
    technician: Technician,
    *,
    form: TechnicianForm | None = None,
    absence_form: AbsenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "outlet": outlet,
        "row": technician_row(technician, today=outlet_local_today(outlet=outlet)),
        "form": form or _technician_form(technician),
        "absence_form": absence_form or AbsenceForm(),
        "manager": True,
    }
    return render(request, EDIT_TEMPLATE, context, status=status)


def _technician_form(technician: Technician, data: Any = None) -> TechnicianForm:
    return TechnicianForm(
        data,
        brands=Brand.objects.order_by("name"),
        initial=TechnicianForm.initial_of(technician),
    )


@login_required
def technician_edit(request: HttpRequest, code: str, technician_id: int) -> HttpResponse:
    outlet = managed_outlet(request, code)
    technician = _technician(outlet, technician_id)
    if request.method != "POST":
        return _edit_page(request, outlet, technician)
    form = _technician_form(technician, request.POST)
    if form.is_valid():
        try:
            technician_update(technician=technician, outlet=outlet, **form.service_kwargs())
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The technician is saved."))
            return redirect("web:staff-technician", code=outlet.code, technician_id=technician.pk)
    return _edit_page(request, outlet, technician, form=form, status=400)


@login_required
@require_POST
def absence_add(request: HttpRequest, code: str, technician_id: int) -> HttpResponse:
    outlet = managed_outlet(request, code)
    technician = _technician(outlet, technician_id)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            technician_absence_add(
                technician=technician, outlet=outlet, absence=AbsenceInput(**form.cleaned_data)
            )
        except (ValidationError, DomainError) as exc:
            # The recorded absences passed before: what the service refuses is the new one.
            form_error(form, _rekeyed(exc, {"absences": "last_day"}))
        else:
            messages.success(request, _("The absence is recorded."))
            return redirect("web:staff-technician", code=outlet.code, technician_id=technician.pk)
    return _edit_page(request, outlet, technician, absence_form=form, status=400)


@login_required
@require_POST
def absence_remove(request: HttpRequest, code: str, technician_id: int) -> HttpResponse:
    outlet = managed_outlet(request, code)
    technician = _technician(outlet, technician_id)
    form = AbsenceRemoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        technician_absence_remove(
            technician=technician, outlet=outlet, absence_id=form.cleaned_data["absence"]
        )
    except NotFound as exc:
        raise Http404 from exc  # another technician's absence, or none
    except (ValidationError, DomainError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The absence is removed."))
    return redirect("web:staff-technician", code=outlet.code, technician_id=technician.pk)


@login_required
@require_POST
def technician_active(request: HttpRequest, code: str, technician_id: int) -> HttpResponse:
    """Retire a technician (kept on record: bookings name them), or bring one back to work."""
    outlet = managed_outlet(request, code)
    technician = _technician(outlet, technician_id)
    try:
        if technician.is_active:
            technician_retire(technician=technician, outlet=outlet)
            done = _("%(name)s is retired: no new work is planned for them.")
        else:
            technician_update(technician=technician, outlet=outlet, is_active=True)
            done = _("%(name)s is back at work.")
    except (ValidationError, DomainError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, done % {"name": technician.user.display_name})
    return redirect("web:staff-technician", code=outlet.code, technician_id=technician.pk)
