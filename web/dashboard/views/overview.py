"""The brand admins' audit dashboard: the outlet figures, their charts, cross-brand equity and
the bookings behind a figure. Each page parses its GET form, asks audit.scope who may see which
brand, calls the audit's own selectors (the API's), and renders. Owners and outlet staff get
404 (they have no audit), as the API answers them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import export, kept
from audit.charts import WaitDistribution, wait_distribution, weekly_on_time
from audit.scope import Auditor, AuditScope, audit_scope, auditor_for
from audit.selectors import (
    OutletFigures,
    Period,
    audit_bookings,
    audit_outlet,
    outlet_audit,
)
from hima_service import csv_export
from hima_service.exceptions import NotFound
from hima_service.routers import audit_reads
from outlets.models import Outlet
from vehicles.models import Brand

from ...common.errors import form_error
from ...common.selectors import outlet_city_choices
from ..audit_tables import (
    ALL_COLUMNS,
    COLUMNS,
    EQUITY_FIGURES,
    EXTRA_COLUMNS,
    METRIC_LABELS,
    next_sort,
    parse_sort,
    sorted_rows,
)
from ..charts import figures
from ..forms import DashboardFilterForm, FigureBookingsForm

BOOKINGS_PER_PAGE = 25
# The overview's and the equity page's tables, and their per-outlet charts, a page of outlets at
# a time: at the alliance's size a brand has a thousand outlets, and every brand ten thousand
# comparisons, more than a page can render or a person can read. The flags, the totals and the
# CSV still cover every outlet.
OUTLETS_PER_PAGE = 25


def _auditor(request: HttpRequest) -> Auditor:
    try:
        return auditor_for(user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _form_kwargs(auditor: Auditor) -> dict[str, Any]:
    return {
        "auditor": auditor,
        "brands": list(Brand.objects.order_by("code")) if auditor.is_alliance else [],
        "cities": outlet_city_choices(),
        "outlets": list(Outlet.objects.order_by("code").only("code", "name", "name_zh")),
        "today": timezone.localdate(),
    }


def _scope(form: DashboardFilterForm, auditor: Auditor) -> AuditScope | None:
    """The brand the page covers; another brand's (for a brand admin) is someone else's: 404."""
    try:
        return audit_scope(auditor=auditor, brand_code=form.cleaned_data.get("brand") or None)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except ValidationError as exc:
        form_error(form, exc)
        return None


def _outlet_filter(form: DashboardFilterForm) -> tuple[bool, Outlet | None]:
    code = form.cleaned_data.get("outlet")
    if not code:
        return True, None
    outlet = audit_outlet(code=code)
    if outlet is None:  # a valid choice when the form was built, gone since
        form_error(form, ValidationError({"outlet": [_("Unknown outlet.")]}))
        return False, None
    return True, outlet


def api_query(scope: AuditScope, period: Period, **extra: str | None) -> str:
    """The audit API's query for the same figures (the CSV links and the bookings links)."""
    query = QueryDict(mutable=True)
    if scope.brand is not None:
        query["brand"] = scope.brand.code
    query["date_from"] = period.date_from.isoformat()
    query["date_to"] = period.date_to.isoformat()
    for name, value in extra.items():
        if value:
            query[name] = value
    return query.urlencode()


def _filtered(
    request: HttpRequest,
    auditor: Auditor,
    form_class: type[DashboardFilterForm] = DashboardFilterForm,
    **kwargs: Any,
) -> tuple[DashboardFilterForm, AuditScope | None, Period | None, Outlet | None]:
    """The page's form, and when it is valid the scope, period and outlet filter it names."""
    form = form_class(request.GET, **_form_kwargs(auditor), **kwargs)
    if not form.is_valid():
        return form, None, None, None
    scope = _scope(form, auditor)
    if scope is None:
        return form, None, None, None
    found, outlet = _outlet_filter(form) if "outlet" in form.fields else (True, None)
    if not found:
        return form, None, None, None
    return form, scope, form.cleaned_data["period"], outlet


@login_required
@audit_reads()
def overview(request: HttpRequest) -> HttpResponse:
    form, scope, period, outlet = _filtered(request, _auditor(request))
    context: dict[str, Any] = {
        "form": form,
        "section": "overview",
        "columns": COLUMNS,
        "extra_columns": EXTRA_COLUMNS,
        "metric_labels": METRIC_LABELS,
    }
    if scope is not None:
        city = form.cleaned_data.get("city") or None
        filters = {"scope": scope, "period": period, "outlet": outlet, "city": city}
        # The outlet figures and the equity view's flags, from one read of the period (or as
        # the beat kept them, for the opening view).
        figured = kept.overview(**filters)
        audit, flags = figured.value.audit, figured.value.equity.flags
        key, descending = parse_sort(form.cleaned_data.get("sort"))
        page = _outlet_page(request, sorted_rows(audit.rows, key=key, descending=descending))
        context.update(
            scope=scope,
            period=period,
            figured=figured,
            page=page,
            page_query=_query_without(request, "page"),
            rows=page.object_list,
            total=audit.total,
            flags=flags,
            equity_tests=figured.value.equity.tests,
            flagged_outlets={f.outlet for f in flags},
            sort_key=key,
            sort_descending=descending,
            sort_links={
                c: next_sort(key, descending, c)
                for c in ["outlet", "city", *(c.key for c in ALL_COLUMNS)]
            },
            api_query=api_query(scope, period),
            csv_query=api_query(
                scope, period, outlet=outlet.code if outlet else None, city=city, format="csv"
            ),
            filter_query=_query_without(request, "sort", "page"),
            chart_csv_query=api_query(
                scope, period, outlet=outlet.code if outlet else None, city=city
            ),
            charts=figures.overview_charts(
                rows=page.object_list,
                waits=_on_page(wait_distribution(audit), page.object_list),
                weeks=figured.value.weeks,
            ),
        )
    return render(request, "web/dashboard/overview.html", context)


@login_required
@audit_reads()
def equity(request: HttpRequest) -> HttpResponse:
    form, scope, period, outlet = _filtered(request, _auditor(request))
    context: dict[str, Any] = {"form": form, "section": "equity", "equity_figures": EQUITY_FIGURES}
    if scope is not None:
        city = form.cleaned_data.get("city") or None
        figured = kept.equity(scope=scope, period=period, outlet=outlet, city=city)
        audit = figured.value
        page = _outlet_page(request, audit.outlets)
        context.update(
            scope=scope,
            period=period,
            figured=figured,
            audit=audit,
            page=page,
            page_query=_query_without(request, "page"),
            flagged={(f.outlet, f.brand, f.metric) for f in audit.flags},
            flagged_pairs={(f.outlet, f.brand) for f in audit.flags},
            api_query=api_query(scope, period),
            csv_query=api_query(
                scope, period, outlet=outlet.code if outlet else None, city=city, format="csv"
            ),
            filter_query=_query_without(request, "sort", "page"),
            chart=figures.equity_chart(outlets=page.object_list, flags=audit.flags),
        )
    return render(request, "web/dashboard/equity.html", context)


@login_required
@audit_reads()
def figure_bookings(request: HttpRequest, code: str) -> HttpResponse:
    auditor = _auditor(request)  # first: no outlet is revealed to those who may not audit
    outlet = audit_outlet(code=code)
    if outlet is None:
        raise Http404(_("No outlet has this code."))
    form, scope, period, _none = _filtered(
        request, auditor, FigureBookingsForm, metric_labels=METRIC_LABELS
    )
    context: dict[str, Any] = {"form": form, "outlet": outlet, "metric_labels": METRIC_LABELS}
    if scope is not None:
        metric = form.cleaned_data["metric"]
        rows = audit_bookings(scope=scope, period=period, outlet=outlet, metric=metric)
        page = Paginator(rows, BOOKINGS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            scope=scope,
            period=period,
            metric=metric,
            metric_label=METRIC_LABELS.get(metric, metric),
            page=page,
            page_query=_query_without(request, "page"),
            csv_query=api_query(scope, period, metric=metric, format="csv"),
            back_query=api_query(scope, period),
        )
    return render(request, "web/dashboard/bookings.html", context)


def _query_without(request: HttpRequest, *names: str) -> str:
    """The page's own query less `names`: for links that change those and keep the rest (the
    sort headers start again at the first page; the pager keeps the filters and the sort)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _outlet_page(request: HttpRequest, outlets: Sequence[Any]) -> Page:
    """The page of `outlets` the query asks for (`page`): the last for a number out of range,
    the first for anything that is not a number."""
    return Paginator(outlets, OUTLETS_PER_PAGE).get_page(request.GET.get("page"))


def _on_page(
    waits: Sequence[WaitDistribution], rows: Sequence[OutletFigures]
) -> list[WaitDistribution]:
    """The wait distributions of the outlets on the page, in the table's order."""
    by_outlet = {w.outlet: w for w in waits}
    return [by_outlet[row.outlet] for row in rows if row.outlet in by_outlet]


def _csv(table: csv_export.CsvTable, filename: str) -> HttpResponse:
    """The audit API's CSV (its renderer: BOM, header row, formula-safe cells)."""
    response = HttpResponse(
        csv_export.CsvRenderer().render(table), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _brand_label(scope: AuditScope) -> str:
    return scope.brand.code if scope.brand else "ALL"


@login_required
@audit_reads()
def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    """The numbers of the overview's two charts that are not an API figure: the waits by band
    per outlet and the weekly on-time rate, with the page's filters."""
    form, scope, period, outlet = _filtered(request, _auditor(request))
    if scope is None:
        return render(request, "web/dashboard/overview.html", {"form": form}, status=400)
    filters = {
        "scope": scope,
        "period": period,
        "outlet": outlet,
        "city": form.cleaned_data.get("city") or None,
    }
    if chart == "waits":
        waits = wait_distribution(outlet_audit(**filters))
        edges = waits[0].edges if waits else ()
        header = [
            "outlet",
            "outlet_name",
            "started",
            *(f"wait_le_{edge}" for edge in edges),
            *([f"wait_gt_{edges[-1]}"] if edges else []),
        ]
        table = csv_export.CsvTable(
            header=header,
            rows=[[w.outlet, w.outlet_name, w.started, *w.counts] for w in waits],
        )
    else:
        weeks = weekly_on_time(**filters)
        table = csv_export.CsvTable(
            header=["week", "started", "on_time", "on_time_rate"],
            rows=[[w.week.isoformat(), w.started, w.on_time, w.on_time_rate] for w in weeks],
        )
    name = export.filename(chart, _brand_label(scope), period.date_from, period.date_to)
    return _csv(table, name)
