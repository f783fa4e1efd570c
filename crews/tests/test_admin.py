"""The admin keeps technicians under the rules of the API (crews.services)."""

import pytest

from crews.models import Technician
from crews.tests.factories import TechnicianFactory
from outlets.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def change_form(technician, outlet, shifts: list[tuple[int, str, str]], **fields) -> dict:
    data = {
        "user": technician.user.pk,
        "skills": "general",
        "hv_level": 0,
        "hv_valid_until": "",
        "is_active": "on",
        "authorizations-TOTAL_FORMS": 0,
        "authorizations-INITIAL_FORMS": 0,
        "shifts-TOTAL_FORMS": len(shifts),
        "shifts-INITIAL_FORMS": 0,
        "absences-TOTAL_FORMS": 0,
        "absences-INITIAL_FORMS": 0,
        **fields,
    }
    for i, (weekday, starts, ends) in enumerate(shifts):
        data |= {
            f"shifts-{i}-outlet": outlet.pk,
            f"shifts-{i}-weekday": weekday,
            f"shifts-{i}-starts": starts,
            f"shifts-{i}-ends": ends,
        }
    return data


def test_the_change_page_refuses_overlapping_shifts_and_a_level_without_date(admin_client):
    outlet = OutletFactory()
    technician = TechnicianFactory(outlet=outlet, outlet__shifts=False)
    url = f"/admin/crews/technician/{technician.pk}/change/"
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url, change_form(technician, outlet, [(0, "08:00", "12:00"), (0, "11:00", "14:00")])
    )
    assert response.status_code == 200  # the form again, with its errors
    shifts = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "shifts"
    )
    assert len(shifts.non_form_errors()) == 1
    assert not technician.shifts.exists()

    response = admin_client.post(url, change_form(technician, outlet, [], hv_level=2))
    assert response.status_code == 200
    assert "hv_valid_until" in response.context["adminform"].form.errors
    assert not Technician.objects.filter(hv_level=2).exists()

    response = admin_client.post(url, change_form(technician, outlet, [(0, "08:00", "12:00")]))
    assert response.status_code == 302
    assert technician.shifts.count() == 1
