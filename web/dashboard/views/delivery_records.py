"""Brand admins upload delivery records, all or nothing; the import service reads them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vehicles.delivery_records import (
    MAX_BYTES,
    DeliveryFileRejected,
    delivery_brands,
    delivery_records_import,
)

from ..forms import DeliveryUploadForm


@login_required
def delivery_records(request: HttpRequest) -> HttpResponse:
    """Brand admins: upload delivery records, all or nothing (each bad line is listed)."""
    brands = delivery_brands(user=request.user)
    if not brands:
        raise Http404(_("Not found."))
    form = DeliveryUploadForm(request.POST or None, request.FILES or None, brands=brands)
    if request.method == "POST" and form.is_valid():
        brand = next(b for b in brands if b.code == form.cleaned_data["brand"])
        try:
            result = delivery_records_import(
                brand=brand,
                uploaded_by=request.user,
                data=form.cleaned_data["file"].read(MAX_BYTES + 1),
                is_json=form.cleaned_data["file"].name.lower().endswith(".json"),
            )
        except DeliveryFileRejected as exc:
            form.bad_lines = [str(line) for line in (exc.fields or {}).get("file", [])]
            form.add_error(None, str(exc.detail))
        else:
            messages.success(
                request,
                _("%(lines)s lines read: %(added)s records added, %(already)s already there.")
                % {"lines": result.lines, "added": result.added, "already": result.already},
            )
            return redirect("web:delivery-records")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "section": "delivery"}
    return render(request, "web/dashboard/delivery_records.html", context, status=status)
