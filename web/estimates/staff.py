"""The staff's page for a car's extra work, linked from its card on the board: propose a
line (with a photo from the phone's camera), send the new lines to the owner, and run the
approved work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from estimates import selectors, services
from hima_service.exceptions import DomainError
from workshop.photos import photo_prepare

from ..common.errors import form_error
from ..staff.scope import booking_at, staff_outlet
from .forms import LineForm


def _page(request, outlet, booking, form: LineForm, status: int = 200) -> HttpResponse:
    services.estimates_expire(booking_id=booking.pk)
    context = {
        "outlet": outlet,
        "booking": booking,
        "form": form,
        "lines": selectors.estimate_lines(booking=booking),
        "proposable": booking.status in services.PROPOSABLE,
        "unsent": any(
            line.sending_id is None for line in selectors.estimate_lines(booking=booking)
        ),
    }
    return render(request, "web/estimates/staff.html", context, status=status)


@login_required
def staff_estimate(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    outlet = staff_outlet(request, code)
    booking = booking_at(outlet, reference)
    if request.method != "POST":
        return _page(request, outlet, booking, LineForm())
    form = LineForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, outlet, booking, form, status=400)
    data = form.cleaned_data
    try:
        new_photo = photo_prepare(upload=data["photo"]) if data.get("photo") else None
        services.estimate_line_add(
            booking=booking,
            actor=request.user,
            grade=data["grade"],
            service_type=data.get("service"),
            description=data.get("description") or "",
            labour_minutes=data.get("labour_minutes") or 0,
            parts=data["parts"],
            new_photo=new_photo,
        )
    except (ValidationError, DomainError) as exc:
        form_error(form, exc)
        status = exc.status_code if isinstance(exc, DomainError) else 400
        return _page(request, outlet, booking, form, status=status)
    messages.success(request, _("The line was added. Send it to the owner when ready."))
    return redirect("web:staff-estimate", code=outlet.code, reference=booking.reference)


@login_required
@require_POST
def staff_estimate_send(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    outlet = staff_outlet(request, code)
    booking = booking_at(outlet, reference)
    try:
        services.estimate_send(
            booking=booking, actor=request.user, base_url=request.build_absolute_uri("/")[:-1]
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Sent: the owner has 48 hours to answer."))
    return redirect("web:staff-estimate", code=outlet.code, reference=booking.reference)


# Lazy: the table is built at import, its messages are read in the request's language.
LINE_ACTIONS = {
    "start": (
        lambda line, user: services.estimate_work(line=line, actor=user, done=False),
        gettext_lazy("Work started."),
    ),
    "complete": (
        lambda line, user: services.estimate_work(line=line, actor=user, done=True),
        gettext_lazy("Work completed."),
    ),
    "extend": (
        lambda line, user: services.estimate_line_extend(line=line, actor=user),
        gettext_lazy("The time was added to the visit."),
    ),
}


@login_required
@require_POST
def staff_estimate_line(
    request: HttpRequest, code: str, reference: str, line: int, action: str
) -> HttpResponse:
    if action not in LINE_ACTIONS:
        raise Http404
    outlet = staff_outlet(request, code)
    booking = booking_at(outlet, reference)
    found = selectors.estimate_line_get(booking=booking, line_id=line)
    run, done = LINE_ACTIONS[action]
    try:
        run(found, request.user)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, str(done))
    return redirect("web:staff-estimate", code=outlet.code, reference=booking.reference)
